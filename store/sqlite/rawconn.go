package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/mattn/go-sqlite3"
)

// The intake's group commit runs on the writer's driver connection
// directly (database/sql's Conn.Raw) instead of through database/sql.
// database/sql gives every query inside a transaction a goroutine that
// watches the transaction's context, and converts every argument through
// reflection; on the intake, with two queries per message, those
// goroutines' start, wake-up and exit were a good part of the writer's
// time, and their wake-ups took the other CPU from the webhook handlers.
// The driver's calls with no context to cancel run in the caller's
// goroutine, one cgo crossing per statement.

// rawConn is the writer's driver connection with the statements the intake
// prepared on it. It is used only inside Store.writeRaw, which holds the
// connection.
type rawConn struct {
	c     *sqlite3.SQLiteConn
	stmts map[string]*sqlite3.SQLiteStmt
}

// rawFor returns the statement cache of the writer connection c. A new
// connection (database/sql replaced a broken one) starts a new cache; when
// writeRaw itself has the old one discarded, dropRaw finalised its
// statements first.
//
// It takes rawMu, not mu: prepare holds mu while it waits for the writer
// connection, which the caller of rawFor holds.
func (s *Store) rawFor(c *sqlite3.SQLiteConn) *rawConn {
	s.rawMu.Lock()
	defer s.rawMu.Unlock()
	if s.raw == nil || s.raw.c != c {
		s.raw = &rawConn{c: c, stmts: map[string]*sqlite3.SQLiteStmt{}}
	}
	return s.raw
}

// closeRaw finalises the cached statements (on Close). It takes the writer
// connection first, so a write still under way finishes before.
func (s *Store) closeRaw() {
	conn, err := s.w.Conn(context.Background())
	if err != nil {
		return
	}
	defer conn.Close()
	_ = conn.Raw(func(dc any) error {
		if c, ok := dc.(*sqlite3.SQLiteConn); ok {
			s.dropRaw(c)
		}
		return nil
	})
}

// stmt returns the statement for q, prepared once on the connection.
func (rc *rawConn) stmt(q string) (*sqlite3.SQLiteStmt, error) {
	if st := rc.stmts[q]; st != nil {
		return st, nil
	}
	ds, err := rc.c.Prepare(q)
	if err != nil {
		return nil, fmt.Errorf("sqlite: prepare: %w", err)
	}
	st, ok := ds.(*sqlite3.SQLiteStmt)
	if !ok {
		ds.Close()
		return nil, fmt.Errorf("sqlite: prepare: statement is %T", ds)
	}
	rc.stmts[q] = st
	return st, nil
}

// driverArgs converts arguments the way database/sql does (named string
// and integer types, driver.Valuer, nil).
func driverArgs(args []any) ([]driver.Value, error) {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return nil, fmt.Errorf("sqlite: argument %d: %w", i+1, err)
		}
		out[i] = v
	}
	return out, nil
}

// exec runs the statement q with args.
func (rc *rawConn) exec(q string, args ...any) (driver.Result, error) {
	st, err := rc.stmt(q)
	if err != nil {
		return nil, err
	}
	vals, err := driverArgs(args)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the context-free call is the point: it runs in this goroutine
	return st.Exec(vals) //nolint:staticcheck
}

// row runs the query q with args and returns its first row.
func (rc *rawConn) row(q string, args ...any) rawRow {
	st, err := rc.stmt(q)
	if err != nil {
		return rawRow{err: err}
	}
	vals, err := driverArgs(args)
	if err != nil {
		return rawRow{err: err}
	}
	//lint:ignore SA1019 the context-free call is the point: it runs in this goroutine
	rows, err := st.Query(vals) //nolint:staticcheck
	if err != nil {
		return rawRow{err: err}
	}
	defer rows.Close()
	cols := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(cols); err != nil {
		if errors.Is(err, io.EOF) {
			return rawRow{err: sql.ErrNoRows}
		}
		return rawRow{err: err}
	}
	return rawRow{cols: cols}
}

// rawRow is one result row, or the error of the query (sql.ErrNoRows when
// it had none), for Scan like sql.Row.
type rawRow struct {
	cols []driver.Value
	err  error
}

// Scan copies the row's columns into dest: pointers to strings and
// integers (also of named types), to bools, or sql.Scanner values
// (sql.NullString, sql.NullInt64).
func (r rawRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if len(dest) != len(r.cols) {
		return fmt.Errorf("sqlite: scan: %d destinations for %d columns", len(dest), len(r.cols))
	}
	for i, d := range dest {
		if err := assign(d, r.cols[i]); err != nil {
			return fmt.Errorf("sqlite: scan column %d: %w", i, err)
		}
	}
	return nil
}

// assign stores the driver value src in the pointer dest.
func assign(dest any, src driver.Value) error {
	if sc, ok := dest.(sql.Scanner); ok {
		return sc.Scan(src)
	}
	dv := reflect.ValueOf(dest)
	if dv.Kind() != reflect.Pointer || dv.IsNil() {
		return fmt.Errorf("destination %T is not a pointer", dest)
	}
	dv = dv.Elem()
	switch s := src.(type) {
	case nil:
		dv.SetZero()
		return nil
	case string:
		if dv.Kind() == reflect.String {
			dv.SetString(s)
			return nil
		}
	case []byte:
		switch {
		case dv.Kind() == reflect.String:
			dv.SetString(string(s))
			return nil
		case dv.Type() == reflect.TypeFor[[]byte]():
			dv.SetBytes(append([]byte(nil), s...))
			return nil
		}
	case int64:
		switch dv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if dv.OverflowInt(s) {
				return fmt.Errorf("%d overflows %s", s, dv.Type())
			}
			dv.SetInt(s)
			return nil
		case reflect.Bool:
			dv.SetBool(s != 0)
			return nil
		}
	case bool:
		if dv.Kind() == reflect.Bool {
			dv.SetBool(s)
			return nil
		}
	}
	return fmt.Errorf("cannot store %T in %s", src, dv.Type())
}

// writeRaw runs fn in one write transaction (BEGIN IMMEDIATE) on the
// writer's driver connection. Like write, fn must not use s.w or s.r. The
// statements do not watch ctx: once begun, a group commit runs to its end.
func (s *Store) writeRaw(ctx context.Context, fn func(rc *rawConn) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: writer: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) (err error) {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("sqlite: writer connection is %T", dc)
		}
		rc := s.rawFor(c)
		if _, err := c.Exec("BEGIN IMMEDIATE", nil); err != nil {
			return fmt.Errorf("sqlite: begin: %w", err)
		}
		done, returned := false, false
		defer func() {
			if done {
				return
			}
			// fn failed or panicked, or the commit failed: the connection
			// must go back with no transaction open. database/sql discards
			// it after a panic, and after an error wrapping ErrBadConn,
			// which is given when even the rollback failed; its statements
			// are finalised first.
			_, rbErr := c.Exec("ROLLBACK", nil)
			switch {
			case !returned:
				s.dropRaw(c)
			case rbErr != nil && !c.AutoCommit():
				s.dropRaw(c)
				err = fmt.Errorf("%w; rollback: %v (%w)", err, rbErr, driver.ErrBadConn)
			}
		}()
		err = fn(rc)
		returned = true
		if err != nil {
			return err
		}
		if _, err := c.Exec("COMMIT", nil); err != nil {
			return fmt.Errorf("sqlite: commit: %w", err)
		}
		done = true
		return nil
	})
}

// dropRaw finalises the statements cached on c, which is about to be
// discarded or closed.
func (s *Store) dropRaw(c *sqlite3.SQLiteConn) {
	s.rawMu.Lock()
	defer s.rawMu.Unlock()
	if s.raw != nil && s.raw.c == c {
		for _, st := range s.raw.stmts {
			st.Close()
		}
		s.raw = nil
	}
}

// each runs the query q with args and calls fn with every row, in order.
// It reads all rows before calling fn, so fn may run statements itself.
func (rc *rawConn) each(q string, fn func(rawRow) error, args ...any) error {
	st, err := rc.stmt(q)
	if err != nil {
		return err
	}
	vals, err := driverArgs(args)
	if err != nil {
		return err
	}
	//lint:ignore SA1019 the context-free call is the point: it runs in this goroutine
	rows, err := st.Query(vals) //nolint:staticcheck
	if err != nil {
		return err
	}
	var all [][]driver.Value
	for {
		cols := make([]driver.Value, len(rows.Columns()))
		if err := rows.Next(cols); err != nil {
			rows.Close()
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		for i, v := range cols { // the driver reuses byte buffers
			if b, ok := v.([]byte); ok {
				cols[i] = append([]byte(nil), b...)
			}
		}
		all = append(all, cols)
	}
	for _, cols := range all {
		if err := fn(rawRow{cols: cols}); err != nil {
			return err
		}
	}
	return nil
}
