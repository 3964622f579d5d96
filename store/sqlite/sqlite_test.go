package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/sqlite"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// openTemp opens a fresh database file in the test's temporary directory.
func openTemp(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "switchboard.db"))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// openLine opens a migrated store with the default workspace and one LINE
// channel, line-1.
func openLine(tb testing.TB) (*sqlite.Store, switchboard.WorkspaceID, switchboard.ChannelID) {
	tb.Helper()
	ctx := context.Background()
	s := openTemp(tb)
	if err := s.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	ws, err := s.DefaultWorkspace(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	ch := switchboard.ChannelID("line-1")
	if err := s.PutChannel(ctx, store.Channel{ID: ch, WorkspaceID: ws.ID, Type: "line"}); err != nil {
		tb.Fatal(err)
	}
	return s, ws.ID, ch
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) }, storetest.WithCells(cells))
}

// TestMigrateTwoStores runs Migrate from two stores on one file at once, as
// two processes starting together would.
func TestMigrateTwoStores(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := context.Background()
	var stores [2]*sqlite.Store
	for i := range stores {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	errs := make(chan error, len(stores))
	for _, s := range stores {
		go func() { errs <- s.Migrate(ctx) }()
	}
	for range stores {
		if err := <-errs; err != nil {
			t.Fatalf("Migrate: %v", err)
		}
	}
	a, err := stores[0].DefaultWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := stores[1].DefaultWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID {
		t.Fatalf("two stores on one file made two default workspaces: %s, %s", a.ID, b.ID)
	}
}

// cells reads every value of the store's database file (and its media
// files) through a connection of its own.
func cells(t *testing.T, s store.Store) []storetest.Cell {
	path := s.(*sqlite.Store).Path()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := storetest.SQLiteCells(t, db, filepath.Join(filepath.Dir(path), "media"))
	// The files' raw bytes too: what a deletion freed must not keep what
	// it held (secure_delete), nor the write-ahead log old copies of pages
	// (EraseContact checkpoints it).
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out = append(out, storetest.Cell{Where: "file " + filepath.Base(f), Value: string(b)})
	}
	return out
}
