package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/postgres"
	"github.com/switchboardhq/switchboard/store/storetest"
)

func open(tb testing.TB, dsn string) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, storetest.PostgresURL(t)) },
		storetest.WithCells(func(t *testing.T, s store.Store) []storetest.Cell {
			return storetest.PostgresCells(t, s.(*postgres.Store).Pool())
		}))
}

// TestMigrateConcurrently starts several stores (as several processes would)
// migrating one database at once, then checks they agree on the default
// workspace.
func TestMigrateConcurrently(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := context.Background()
	const n = 4
	stores := make([]*postgres.Store, n)
	for i := range stores {
		stores[i] = open(t, dsn)
	}
	errs := make([]error, n)
	ids := make([]switchboard.WorkspaceID, n)
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			if errs[i] = s.Migrate(ctx); errs[i] != nil {
				return
			}
			ws, err := s.DefaultWorkspace(ctx)
			ids[i], errs[i] = ws.ID, err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("store %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("stores disagree on the default workspace: %s, %s", ids[0], ids[i])
		}
	}
}
