package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestRawRowScan(t *testing.T) {
	type contactID string
	type status string
	var (
		s   string
		id  contactID
		st  status
		n   int64
		i   int
		b   bool
		ns  sql.NullString
		ni  sql.NullInt64
		raw []byte
	)
	for _, tc := range []struct {
		name  string
		src   driver.Value
		dest  any
		check func() bool
		err   string
	}{
		{"text to string", "hello", &s, func() bool { return s == "hello" }, ""},
		{"text to named string", "ct_1", &id, func() bool { return id == "ct_1" }, ""},
		{"blob to named string", []byte("open"), &st, func() bool { return st == "open" }, ""},
		{"integer to int64", int64(42), &n, func() bool { return n == 42 }, ""},
		{"integer to int", int64(7), &i, func() bool { return i == 7 }, ""},
		{"integer to bool", int64(1), &b, func() bool { return b }, ""},
		{"null to string", nil, &s, func() bool { return s == "" }, ""},
		{"text to NullString", "x", &ns, func() bool { return ns.Valid && ns.String == "x" }, ""},
		{"null to NullString", nil, &ns, func() bool { return !ns.Valid }, ""},
		{"integer to NullInt64", int64(5), &ni, func() bool { return ni.Valid && ni.Int64 == 5 }, ""},
		{"blob to bytes", []byte{1, 2}, &raw, func() bool { return len(raw) == 2 && raw[1] == 2 }, ""},
		{"text to int", "x", &n, nil, "cannot store string in int64"},
		{"integer to string", int64(1), &s, nil, "cannot store int64 in string"},
		{"not a pointer", "x", s, nil, "is not a pointer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := rawRow{cols: []driver.Value{tc.src}}.Scan(tc.dest)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Scan = %v, want an error with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Scan: %v", err)
			}
			if !tc.check() {
				t.Errorf("Scan stored the wrong value for %v", tc.src)
			}
		})
	}
	if err := (rawRow{err: sql.ErrNoRows}).Scan(&s); err != sql.ErrNoRows {
		t.Errorf("Scan of no row = %v, want sql.ErrNoRows", err)
	}
	if err := (rawRow{cols: []driver.Value{"a", "b"}}).Scan(&s); err == nil {
		t.Error("Scan with too few destinations succeeded")
	}
}

// A group commit that fails or panics halfway leaves nothing behind, and
// the writer goes on: the next transactions (on the driver connection and
// through database/sql) work.
func TestWriteRawRollsBack(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "switchboard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	insert := func(rc *rawConn, key string) error {
		_, err := rc.exec(`INSERT INTO seen_keys (key, created_at) VALUES (?, 0)`, key)
		return err
	}
	count := func() int {
		var n int
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM seen_keys`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := s.writeRaw(ctx, func(rc *rawConn) error {
		if err := insert(rc, "a"); err != nil {
			return err
		}
		return errors.New("refused")
	}); err == nil || err.Error() != "refused" {
		t.Fatalf("writeRaw = %v, want the function's error", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic did not come through")
			}
		}()
		_ = s.writeRaw(ctx, func(rc *rawConn) error {
			if err := insert(rc, "b"); err != nil {
				return err
			}
			panic("bug")
		})
	}()
	if n := count(); n != 0 {
		t.Fatalf("%d rows after a failed and a panicking transaction, want 0", n)
	}
	if err := s.writeRaw(ctx, func(rc *rawConn) error { return insert(rc, "c") }); err != nil {
		t.Fatalf("writeRaw after them: %v", err)
	}
	if _, err := s.FirstSeen(ctx, "d"); err != nil {
		t.Fatalf("a database/sql write after them: %v", err)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d rows, want 2", n)
	}
}
