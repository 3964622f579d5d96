// Package postgres is the scale-out storage engine of the hub: store.Store
// on PostgreSQL through pgx (pgxpool). Several hub processes may share one
// database: Migrate takes a session advisory lock, ClaimOutbox uses
// FOR UPDATE SKIP LOCKED, and Accept retries its transaction when a
// concurrent one created the same contact or message first.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/switchboardhq/switchboard/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrateLockID is the advisory lock Migrate holds ("switchboard" folded).
const migrateLockID int64 = 0x5357_4254_4348_4244

// Store is store.Store on PostgreSQL. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool

	extMu sync.Mutex
	ext   *sql.DB // SQLDatabase's view of the pool, made on demand
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value string). It does not migrate: call Migrate before use.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse dsn: %w", err)
	}
	// Store and compare times in UTC whatever the server's setting.
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	if !strings.Contains(dsn, "pool_max_conns") {
		// pgxpool's default (the CPU count, at least 4) leaves a hub on a
		// small machine too few for its concurrent intake writers, relay,
		// handlers and API reads.
		cfg.MaxConns = max(cfg.MaxConns, defaultMaxConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return &Store{pool: pool}, nil
}

// defaultMaxConns is the pool size unless the DSN sets pool_max_conns.
const defaultMaxConns = 8

// WriteConcurrency is how many write transactions of the intake may run
// at once: PostgreSQL commits them side by side (conflicts between them
// are retried), so overlapping their round trips multiplies throughput.
// Half the pool, at most 4, leaves connections for the API, the relay and
// the handlers; more measured slower on a 2-core machine (bench --store
// postgres: 2 writers 1,440/s, 4 writers 2,060/s, 8 writers 1,730/s).
func (s *Store) WriteConcurrency() int {
	return min(4, max(1, int(s.pool.Config().MaxConns)/2))
}

// Pool returns the underlying connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Migrate brings the schema to the newest version. Concurrent callers (in
// several processes) serialise on a session advisory lock.
func (s *Store) Migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrateLockID), lock.WithLockTimeout(1, 600))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.extMu.Lock()
	if s.ext != nil {
		s.ext.Close()
		s.ext = nil
	}
	s.extMu.Unlock()
	s.pool.Close()
	return nil
}

// querier is what both the pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// tx runs fn in a transaction, retrying serialization failures and
// deadlocks, and (when retryUnique) unique violations, which then mean a
// concurrent transaction created the same record first.
func (s *Store) tx(ctx context.Context, retryUnique bool, fn func(tx pgx.Tx) error) error {
	const attempts = 8
	for i := 1; ; i++ {
		err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, fn)
		if err == nil || i == attempts || ctx.Err() != nil {
			return err
		}
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return err
		}
		switch {
		case pe.Code == "40001", pe.Code == "40P01":
		case pe.Code == "23505" && retryUnique:
		default:
			return err
		}
	}
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// mapErr turns driver errors into the store's sentinel errors where the
// contract names one; what names the failing operation.
func mapErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: %s: %w", what, store.ErrNotFound)
	case pgCode(err) == "23505":
		return fmt.Errorf("postgres: %s: %w (%v)", what, store.ErrConflict, err)
	case pgCode(err) == "23503":
		return fmt.Errorf("postgres: %s: referenced record: %w (%v)", what, store.ErrNotFound, err)
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrBadCursor):
		return err
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// utc returns t in UTC.
func utc(t time.Time) time.Time { return t.UTC() }

// utcPtr returns *t in UTC.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// orNow returns t, or the current time when t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t.UTC()
}

// Cursors are opaque to callers: a version tag and the keyset position,
// base64url encoded.

func encodeConvCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1|" + strconv.FormatInt(at.UnixMicro(), 10) + "|" + id))
}

func decodeConvCursor(c string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", store.ErrBadCursor
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 || parts[0] != "c1" || parts[2] == "" {
		return time.Time{}, "", store.ErrBadCursor
	}
	at, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return time.Time{}, "", store.ErrBadCursor
	}
	return time.UnixMicro(at).UTC(), parts[2], nil
}

func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}
