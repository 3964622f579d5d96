package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboardhq/switchboard/store"
)

// Cell is one stored text or blob value: where it is and what it holds.
type Cell struct {
	Where string // table.column (or a file's path)
	Value string
}

// CellsFunc returns every text and blob value an engine's database (and
// whatever else the engine stores, such as media files) holds for s. The
// erasure test looks through them for what named the erased customer.
type CellsFunc func(t *testing.T, s store.Store) []Cell

// Option changes how Run runs the suite.
type Option func(*config)

type config struct {
	cells CellsFunc
}

// WithCells gives the suite raw access to the engine's storage; without
// it the tests that look at every stored value check the contract's
// reads only.
func WithCells(f CellsFunc) Option { return func(c *config) { c.cells = f } }

// SQLiteCells reads every value of every table of a SQLite database
// (sqlite_master, FTS shadow tables included) and of every file below
// dirs, through db (opened by the caller, read-only is enough).
func SQLiteCells(t *testing.T, db *sql.DB, dirs ...string) []Cell {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	must(t, err, "sqlite_master")
	var tables []string
	for rows.Next() {
		var name string
		must(t, rows.Scan(&name), "sqlite_master")
		tables = append(tables, name)
	}
	must(t, rows.Err(), "sqlite_master")
	rows.Close()
	var out []Cell
	for _, table := range tables {
		cols, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
		must(t, err, "table_info "+table)
		var names []string
		for cols.Next() {
			var name string
			must(t, cols.Scan(&name), "table_info")
			names = append(names, name)
		}
		cols.Close()
		for _, col := range names {
			q := fmt.Sprintf(`SELECT CAST(%q AS BLOB) FROM %q WHERE typeof(%q) IN ('text', 'blob')`, col, table, col)
			vals, err := db.QueryContext(ctx, q)
			must(t, err, q)
			for vals.Next() {
				var v []byte
				must(t, vals.Scan(&v), q)
				out = append(out, Cell{Where: table + "." + col, Value: string(v)})
			}
			must(t, vals.Err(), q)
			vals.Close()
		}
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err == nil {
				out = append(out, Cell{Where: path, Value: string(b)})
			}
			return err
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatalf("walk %s: %v", dir, err)
		}
	}
	return out
}

// PostgresCells reads every text, character, JSON, array and bytea
// column of every table of the schema in use (information_schema.columns).
func PostgresCells(t *testing.T, pool *pgxpool.Pool) []Cell {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea', 'USER-DEFINED')
		ORDER BY c.table_name, c.ordinal_position`)
	must(t, err, "information_schema.columns")
	type column struct{ table, name, typ string }
	var cols []column
	for rows.Next() {
		var c column
		must(t, rows.Scan(&c.table, &c.name, &c.typ), "information_schema.columns")
		cols = append(cols, c)
	}
	must(t, rows.Err(), "information_schema.columns")
	var out []Cell
	for _, c := range cols {
		expr := pgx.Identifier{c.name}.Sanitize() + "::text"
		if c.typ == "bytea" {
			expr = pgx.Identifier{c.name}.Sanitize()
		}
		q := `SELECT ` + expr + ` FROM ` + pgx.Identifier{c.table}.Sanitize() + ` WHERE ` + pgx.Identifier{c.name}.Sanitize() + ` IS NOT NULL`
		vals, err := pool.Query(ctx, q)
		must(t, err, q)
		for vals.Next() {
			var v []byte
			must(t, vals.Scan(&v), q)
			out = append(out, Cell{Where: c.table + "." + c.name, Value: string(v)})
		}
		must(t, vals.Err(), q)
	}
	return out
}
