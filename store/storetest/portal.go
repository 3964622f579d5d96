package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

// portalTests are the contract tests of the portal's sign-in links and
// branding (issue 15); Run registers them.
var portalTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"PortalLoginOnce", testPortalLoginOnce},
	{"PortalLoginExpiry", testPortalLoginExpiry},
	{"Branding", testBranding},
}

func testPortalLoginOnce(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "Portal logins")
	other := newWorkspace(t, s, "Portal logins other")
	l := store.PortalLogin{TokenHash: "hash-once", WorkspaceID: ws, Email: "kana@example.com", CreatedAt: t0, ExpiresAt: t0.Add(15 * time.Minute)}
	must(t, s.CreatePortalLogin(ctx, l), "CreatePortalLogin")
	wantErr(t, s.CreatePortalLogin(ctx, l), store.ErrConflict, "CreatePortalLogin same hash")

	_, err := s.ConsumePortalLogin(ctx, other, "hash-once", t0.Add(time.Minute))
	wantErr(t, err, store.ErrNotFound, "ConsumePortalLogin in another workspace")

	// Racing consumers: exactly one gets the login.
	var mu sync.Mutex
	var wg sync.WaitGroup
	won := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.ConsumePortalLogin(ctx, ws, "hash-once", t0.Add(time.Minute))
			if err == nil {
				mu.Lock()
				won++
				mu.Unlock()
				if got.Email != "kana@example.com" || got.WorkspaceID != ws || !got.ExpiresAt.Equal(l.ExpiresAt) || !isUTC(got.ExpiresAt) {
					t.Errorf("ConsumePortalLogin = %+v", got)
				}
			} else {
				wantErr(t, err, store.ErrNotFound, "ConsumePortalLogin lost race")
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d consumers got the login, want 1", won)
	}
	_, err = s.ConsumePortalLogin(ctx, ws, "hash-once", t0.Add(time.Minute))
	wantErr(t, err, store.ErrNotFound, "ConsumePortalLogin twice")
}

func testPortalLoginExpiry(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "Portal expiry")
	must(t, s.CreatePortalLogin(ctx, store.PortalLogin{TokenHash: "hash-old", WorkspaceID: ws, Phone: "+819012345678",
		CreatedAt: t0, ExpiresAt: t0.Add(15 * time.Minute)}), "CreatePortalLogin old")
	_, err := s.ConsumePortalLogin(ctx, ws, "hash-old", t0.Add(15*time.Minute))
	wantErr(t, err, store.ErrNotFound, "ConsumePortalLogin at expiry")

	// A later login prunes the expired one: even a clock turned back
	// cannot use it any more.
	must(t, s.CreatePortalLogin(ctx, store.PortalLogin{TokenHash: "hash-expired", WorkspaceID: ws, Phone: "+819012345678",
		CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}), "CreatePortalLogin expiring")
	must(t, s.CreatePortalLogin(ctx, store.PortalLogin{TokenHash: "hash-new", WorkspaceID: ws, Phone: "+819012345678",
		CreatedAt: t0.Add(2 * time.Minute), ExpiresAt: t0.Add(17 * time.Minute)}), "CreatePortalLogin new")
	_, err = s.ConsumePortalLogin(ctx, ws, "hash-expired", t0)
	wantErr(t, err, store.ErrNotFound, "ConsumePortalLogin pruned")
	got, err := s.ConsumePortalLogin(ctx, ws, "hash-new", t0.Add(3*time.Minute))
	must(t, err, "ConsumePortalLogin new")
	if got.Phone != "+819012345678" || got.Email != "" {
		t.Fatalf("ConsumePortalLogin = %+v", got)
	}
}

func testBranding(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "Branding")
	other := newWorkspace(t, s, "Branding other")
	b, err := s.GetBranding(ctx, ws)
	must(t, err, "GetBranding unset")
	if b != (store.Branding{}) {
		t.Fatalf("GetBranding unset = %+v", b)
	}
	want := store.Branding{Color: "#0a7d4f", LogoURL: "https://example.com/logo.png"}
	must(t, s.PutBranding(ctx, ws, want), "PutBranding")
	must(t, s.PutBranding(ctx, ws, store.Branding{Color: "#112233"}), "PutBranding replace")
	want = store.Branding{Color: "#112233"}
	if b, err = s.GetBranding(ctx, ws); err != nil || b != want {
		t.Fatalf("GetBranding = %+v, %v; want %+v", b, err, want)
	}
	if b, err = s.GetBranding(ctx, other); err != nil || b != (store.Branding{}) {
		t.Fatalf("GetBranding other workspace = %+v, %v", b, err)
	}
}
