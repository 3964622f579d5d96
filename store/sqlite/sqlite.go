// Package sqlite is the embedded storage engine of the hub: store.Store on a
// single SQLite file (github.com/mattn/go-sqlite3) in WAL mode.
//
// Writes go through one connection that begins every transaction with BEGIN
// IMMEDIATE, so concurrent writers queue in the process instead of failing
// with SQLITE_BUSY; reads use a separate pool of query-only connections.
// Message text is indexed by an FTS5 table with the trigram tokenizer, so
// the package must be built with the build tag sqlite_fts5.
//
// Times are stored as INTEGER unix microseconds in UTC.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"

	"github.com/switchboardhq/switchboard/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is store.Store on SQLite. It is safe for concurrent use.
type Store struct {
	path string
	w    *sql.DB // one connection, BEGIN IMMEDIATE
	r    *sql.DB // read-only pool

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // prepared on w, for the relay's hot path

	rawMu sync.Mutex
	raw   *rawConn // the writer's driver connection, for the intake (rawconn.go)

	// indexStop and indexDone run the search indexer (searchindex.go).
	indexStop, indexDone chan struct{}
	reads                readStmts // prepared on r, for hot reads

	extMu sync.Mutex
	ext   *sql.DB // SQLDatabase's pool, opened on demand
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database file at path. It does not
// migrate: call Migrate before use.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty path")
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath()
	common := "_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL"
	// secure_delete: what a deletion frees is overwritten, so an erased
	// customer (EraseContact) leaves nothing in free pages. Only the
	// writer deletes.
	w, err := sql.Open("sqlite3", base+"?"+common+"&_txlock=immediate&_secure_delete=on")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Create the file and switch it to WAL before readers open it.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite3", base+"?"+common+"&_query_only=true")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return &Store{path: path, w: w, r: r, stmts: make(map[string]*sql.Stmt)}, nil
}

// Migrate brings the schema to the newest version. Concurrent calls from
// several processes on one file are safe: they take turns (migrateLock).
func (s *Store) Migrate(ctx context.Context) error {
	unlock, err := migrateLock(ctx, s.path)
	if err != nil {
		return err
	}
	defer unlock()
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.w, fsys)
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	s.startIndexer()
	return nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes the statements and both connection pools.
func (s *Store) Close() error {
	s.stopIndexer()
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = map[string]*sql.Stmt{}
	s.mu.Unlock()
	s.closeRaw()
	s.closeReadStmts()
	s.extMu.Lock()
	if s.ext != nil {
		s.ext.Close()
		s.ext = nil
	}
	s.extMu.Unlock()
	return errors.Join(s.r.Close(), s.w.Close())
}

// write runs fn in one write transaction (BEGIN IMMEDIATE on the single
// writer connection). fn must not use s.w or s.r for anything it needs to
// see its own writes, and must not touch s.w outside tx (deadlock).
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// prepare returns statements prepared once on the writer connection. It must
// be called outside any write transaction.
func (s *Store) prepare(ctx context.Context, queries ...string) ([]*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*sql.Stmt, len(queries))
	for i, q := range queries {
		st := s.stmts[q]
		if st == nil {
			var err error
			st, err = s.w.PrepareContext(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("sqlite: prepare: %w", err)
			}
			s.stmts[q] = st
		}
		out[i] = st
	}
	return out, nil
}

// ts encodes a time for storage: unix microseconds (UTC by definition).
func ts(t time.Time) int64 { return t.UnixMicro() }

// fromTS decodes a stored time.
func fromTS(v int64) time.Time { return time.UnixMicro(v).UTC() }

// nullTS encodes an optional time.
func nullTS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

// ptrTS decodes an optional time.
func ptrTS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromTS(v.Int64)
	return &t
}

// orNow returns t, or the current time when t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t.UTC()
}

func isUnique(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return false
}

func isForeignKey(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}

// mapErr turns driver errors into the store's sentinel errors where the
// contract names one; what names the failing operation.
func mapErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlite: %s: %w", what, store.ErrNotFound)
	case isUnique(err):
		return fmt.Errorf("sqlite: %s: %w (%v)", what, store.ErrConflict, err)
	case isForeignKey(err):
		return fmt.Errorf("sqlite: %s: referenced record: %w (%v)", what, store.ErrNotFound, err)
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrBadCursor):
		return err
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Cursors are opaque to callers: a version tag and the keyset position,
// base64url encoded.

func encodeConvCursor(at int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1|" + strconv.FormatInt(at, 10) + "|" + id))
}

func decodeConvCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", store.ErrBadCursor
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 || parts[0] != "c1" || parts[2] == "" {
		return 0, "", store.ErrBadCursor
	}
	at, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0, "", store.ErrBadCursor
	}
	return at, parts[2], nil
}
