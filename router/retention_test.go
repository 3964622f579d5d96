package router

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/sqlite"
)

// The retention sweep empties visitor context older than each workspace's
// period, and only in workspaces that set one.
func TestPurgeVisitorData(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	keeps, err := st.DefaultWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	forgets := switchboard.Workspace{ID: "ws_forgets", Name: "Forgets", CreatedAt: now}
	if err := st.CreateWorkspace(ctx, forgets); err != nil {
		t.Fatal(err)
	}
	if err := st.PutWorkspaceSettings(ctx, forgets.ID, switchboard.WorkspaceSettings{CollectIP: true, CollectLocation: true, VisitorRetentionDays: 30}); err != nil {
		t.Fatal(err)
	}
	for _, ws := range []switchboard.WorkspaceID{keeps.ID, forgets.ID} {
		if err := st.PutChannel(ctx, store.Channel{ID: switchboard.ChannelID("web-" + ws), WorkspaceID: ws, Type: "webchat", Config: json.RawMessage("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	visit := func(ws switchboard.WorkspaceID, visitor string, seen time.Time) switchboard.ContactID {
		k, _, err := st.UpdateVisitorContext(ctx, ws, switchboard.ChannelID("web-"+ws), switchboard.ExternalID(visitor), switchboard.ContactID(switchboard.NewID("ct")),
			func(c switchboard.CustomerContext) switchboard.CustomerContext {
				c.PageURL, c.IP, c.LastSeenAt = "https://shop.example/", "203.0.113.9", &seen
				return c
			}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return k.ID
	}
	oldKept := visit(keeps.ID, "v1", now.AddDate(0, 0, -400))
	oldGone := visit(forgets.ID, "v2", now.AddDate(0, 0, -31))
	recent := visit(forgets.ID, "v3", now.AddDate(0, 0, -29))

	n, err := purgeVisitorData(ctx, st, now)
	if err != nil || n != 1 {
		t.Fatalf("purged %d (%v), want 1", n, err)
	}
	for _, tc := range []struct {
		ws      switchboard.WorkspaceID
		id      switchboard.ContactID
		emptied bool
	}{{keeps.ID, oldKept, false}, {forgets.ID, oldGone, true}, {forgets.ID, recent, false}} {
		k, err := st.GetContact(ctx, tc.ws, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if emptied := k.Context == nil || k.Context.IP == ""; emptied != tc.emptied {
			t.Errorf("contact %s of %s: context %+v, want emptied %v", tc.id, tc.ws, k.Context, tc.emptied)
		}
	}
}
