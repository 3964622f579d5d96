package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/router/notify"
	"github.com/switchboardhq/switchboard/store"
)

// subscribe registers a browser of op with the push service.
func (f *fixture) subscribe(t *testing.T, op switchboard.Operator, path string) *browser {
	t.Helper()
	b, endpoint := f.push.add(t, path)
	sub := b.subscription(endpoint)
	keys := sub["keys"].(map[string]string)
	must(t, f.st.PutPushSubscription(context.Background(), store.PushSubscription{WorkspaceID: f.ws, OperatorID: op.ID, Endpoint: endpoint,
		P256dh: keys["p256dh"], Auth: keys["auth"]}))
	return b
}

func TestWebPushDeliveredEndToEnd(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	key, err := f.n.VAPIDPublicKey(ctx)
	must(t, err)
	f.push.vapidKey = key
	f.subscribe(t, f.bob, "/push/bob-laptop")
	f.subscribe(t, f.bob, "/push/bob-phone")
	f.run(t)
	must(t, f.n.HandleEvent(ctx, f.inbound(f.conversation("cv_push", "", 1), "m1", "Is anyone there?", time.Now().UTC())))
	rows := f.settled(t)
	got, errs := f.push.received()
	for _, e := range errs {
		t.Error("push service:", e)
	}
	if len(got) != 2 {
		t.Fatalf("push service got %d messages, want 2 (both of bob's browsers): %+v", len(got), got)
	}
	for _, p := range got {
		want := map[string]string{"title": "New conversation in General: Yamada", "url": publicURL + "/conversations/cv_push", "tag": "conversation:cv_push"}
		for k, v := range want {
			if p.Payload[k] != v {
				t.Errorf("%s: payload %s = %q, want %q", p.Path, k, p.Payload[k], v)
			}
		}
		if !strings.Contains(p.Payload["body"], "Is anyone there?") || strings.Contains(p.Payload["body"], "Open the conversation") {
			t.Errorf("%s: body %q", p.Path, p.Payload["body"])
		}
	}
	pushRows := 0
	for _, r := range rows {
		if r.Method == switchboard.NotifyPush {
			pushRows++
			if r.RecipientID != f.bob.ID || r.Status != store.NotificationSent {
				t.Errorf("push row %+v", r)
			}
		}
	}
	if pushRows != 1 {
		t.Fatalf("%d push rows, want 1 (bob; alice has no browser)", pushRows)
	}
	// The key pair is stored: another instance signs with the same.
	again, err := notify.New(f.st, notify.Config{Logger: quiet()}).VAPIDPublicKey(ctx)
	must(t, err)
	if again != key {
		t.Fatalf("another instance has VAPID key %s, want %s", again, key)
	}
}

func TestExpiredPushSubscriptionIsDropped(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.subscribe(t, f.bob, "/push/bob-old")
	f.push.status = 410
	f.run(t)
	must(t, f.n.HandleEvent(ctx, f.inbound(f.conversation("cv_gone", "", 1), "m1", "hi", time.Now().UTC())))
	for _, r := range f.settled(t) {
		if r.Method == switchboard.NotifyPush && (r.Status != store.NotificationFailed || r.Attempts != 1 || !strings.Contains(r.Error, "410")) {
			t.Fatalf("push row %+v, want failed for good after one attempt", r)
		}
	}
	subs, err := f.st.ListPushSubscriptions(ctx, f.ws, f.bob.ID)
	must(t, err)
	if len(subs) != 0 {
		t.Fatalf("expired subscription kept: %+v", subs)
	}
}

// TestVAPIDPrivateKeySealedAtRest: with the hub's secret key the stored
// private key is encrypted, and pushes still verify with the public one.
func TestVAPIDPrivateKeySealedAtRest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sealer, err := router.NewSealer([]byte("0123456789abcdef0123456789abcdef"))
	must(t, err)
	f.n = notify.New(f.st, notify.Config{PublicURL: publicURL, HTTPClient: f.push.srv.Client(), Logger: quiet(), Poll: 10 * time.Millisecond, Secrets: sealer})
	key, err := f.n.VAPIDPublicKey(ctx)
	must(t, err)
	stored, err := f.st.VAPIDKeys(ctx, store.VAPIDKeys{PublicKey: "other", PrivateKey: "other"})
	must(t, err)
	if stored.PublicKey != key || !strings.HasPrefix(stored.PrivateKey, "sealed:") {
		t.Fatalf("stored pair %q / %q, want the public key and a sealed private one", stored.PublicKey, stored.PrivateKey)
	}
	f.push.vapidKey = key
	f.subscribe(t, f.bob, "/push/bob")
	f.run(t)
	must(t, f.n.HandleEvent(ctx, f.inbound(f.conversation("cv_sealed", "", 1), "m1", "hi", time.Now().UTC())))
	f.settled(t)
	if got, errs := f.push.received(); len(got) != 1 || len(errs) != 0 {
		t.Fatalf("pushes %+v, push service errors %v", got, errs)
	}
}
