package console_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/store"
)

// fixedVAPID is a notifier with a known public key.
type fixedVAPID string

func (k fixedVAPID) VAPIDPublicKey(context.Context) (string, error) { return string(k), nil }

// TestNotifyPreferences: defaults, a partial PUT keeps the rest, tokens
// have no preferences.
func TestNotifyPreferences(t *testing.T) {
	f := newFixture(t)
	f.operator("ann@example.com", switchboard.RoleOperator)
	c, h := f.sessionHeaders("ann@example.com")
	code, out := f.do(c, request{method: "GET", path: "/api/v1/me/notifications"})
	if email, _ := out["email"].(map[string]any); code != 200 || email["new_conversation"] != true || email["waiting"] != true {
		t.Fatalf("defaults: %d %v", code, out)
	}
	code, out = f.do(c, request{method: "PUT", path: "/api/v1/me/notifications", headers: h, body: `{"email":{"new_conversation":false},"push":{"transfer":false}}`})
	email, _ := out["email"].(map[string]any)
	push, _ := out["push"].(map[string]any)
	if code != 200 || email["new_conversation"] != false || email["transfer"] != true || push["transfer"] != false || push["new_message"] != true {
		t.Fatalf("put: %d %v", code, out)
	}
	if _, again := f.do(c, request{method: "GET", path: "/api/v1/me/notifications"}); again["email"].(map[string]any)["new_conversation"] != false {
		t.Fatalf("not stored: %v", again)
	}
	if code, out := f.do(c, request{method: "PUT", path: "/api/v1/me/notifications", headers: h, body: `{"pager":{}}`}); code != 400 {
		t.Fatalf("unknown method: %d %v", code, out)
	}
	// SMS needs a phone number that looks like one.
	if code, out := f.do(c, request{method: "PUT", path: "/api/v1/me/notifications", headers: h, body: `{"phone":"call me"}`}); code != 400 || !strings.Contains(errMessage(out), "phone") {
		t.Fatalf("bad phone: %d %v", code, out)
	}
	code, out = f.do(c, request{method: "PUT", path: "/api/v1/me/notifications", headers: h, body: `{"phone":"+81 90 1234 5678","sms":{"new_message":false}}`})
	if sms, _ := out["sms"].(map[string]any); code != 200 || out["phone"] != "+81 90 1234 5678" || sms["new_message"] != false || sms["new_conversation"] != true {
		t.Fatalf("put sms: %d %v", code, out)
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/me/notifications", bearer: f.token(f.ws, switchboard.RoleAdmin)}); code != 400 {
		t.Fatalf("token: %d, want 400", code)
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// TestPushSubscriptions: a browser's subscription is validated, stored,
// and removed; the VAPID key is served, never the private one.
func TestPushSubscriptions(t *testing.T) {
	f := newFixtureWith(t, console.Config{Notifier: fixedVAPID("BPublicKey")})
	ann := f.operator("ann@example.com", switchboard.RoleOperator)
	c, h := f.sessionHeaders("ann@example.com")
	key, _ := ecdh.P256().GenerateKey(rand.Reader)
	auth := make([]byte, 16)
	rand.Read(auth)
	sub := func(endpoint, p256dh, authKey string) string {
		b, _ := json.Marshal(map[string]any{"endpoint": endpoint, "expirationTime": nil, "keys": map[string]string{"p256dh": p256dh, "auth": authKey}})
		return string(b)
	}
	good := sub("https://push.example/send/abc", b64(key.PublicKey().Bytes()), b64(auth))
	tests := []struct {
		name, body string
	}{
		{"http endpoint", sub("http://push.example/send/abc", b64(key.PublicKey().Bytes()), b64(auth))},
		{"relative endpoint", sub("/send/abc", b64(key.PublicKey().Bytes()), b64(auth))},
		{"loopback endpoint", sub("https://127.0.0.1:8443/send", b64(key.PublicKey().Bytes()), b64(auth))},
		{"private endpoint", sub("https://10.1.2.3/send", b64(key.PublicKey().Bytes()), b64(auth))},
		{"localhost endpoint", sub("https://localhost/send", b64(key.PublicKey().Bytes()), b64(auth))},
		{"single-label host", sub("https://intranet/send", b64(key.PublicKey().Bytes()), b64(auth))},
		{"p256dh not base64url", sub("https://push.example/x", "not base64!", b64(auth))},
		{"p256dh not a point", sub("https://push.example/x", b64(make([]byte, 65)), b64(auth))},
		{"short auth", sub("https://push.example/x", b64(key.PublicKey().Bytes()), b64(auth[:8]))},
		{"no keys", `{"endpoint":"https://push.example/x"}`},
	}
	for _, tc := range tests {
		if code, out := f.do(c, request{method: "POST", path: "/api/v1/me/push-subscriptions", headers: h, body: tc.body}); code != 400 || errCode(out) != "invalid_subscription" {
			t.Errorf("%s: %d %v, want 400 invalid_subscription", tc.name, code, out)
		}
	}
	if code, out := f.do(c, request{method: "POST", path: "/api/v1/me/push-subscriptions", headers: h, body: good}); code != http.StatusCreated || out["endpoint"] != "https://push.example/send/abc" {
		t.Fatalf("subscribe: %d %v", code, out)
	}
	subs, err := f.store.ListPushSubscriptions(context.Background(), f.ws, ann.ID)
	if err != nil || len(subs) != 1 || subs[0].Auth != b64(auth) {
		t.Fatalf("stored %+v (%v)", subs, err)
	}
	if code, out := f.do(c, request{method: "GET", path: "/api/v1/push/vapid-key"}); code != 200 || out["public_key"] != "BPublicKey" || len(out) != 1 {
		t.Fatalf("vapid key: %d %v", code, out)
	}
	del := `{"endpoint":"https://push.example/send/abc"}`
	if code, _ := f.do(c, request{method: "DELETE", path: "/api/v1/me/push-subscriptions", headers: h, body: del}); code != http.StatusNoContent {
		t.Fatalf("unsubscribe: %d", code)
	}
	if code, _ := f.do(c, request{method: "DELETE", path: "/api/v1/me/push-subscriptions", headers: h, body: del}); code != http.StatusNotFound {
		t.Fatalf("unsubscribe twice: %d", code)
	}
	// Without a notifier there is no key to give.
	g := newFixture(t)
	if code, _ := g.do(nil, request{method: "GET", path: "/api/v1/push/vapid-key", bearer: g.token(g.ws, switchboard.RoleOperator)}); code != http.StatusNotFound {
		t.Fatalf("vapid key without a notifier: %d, want 404", code)
	}
}

// TestNotificationLog: admins and supervisors page the log; operators may
// not.
func TestNotificationLog(t *testing.T) {
	f := newFixture(t)
	ann := f.operator("ann@example.com", switchboard.RoleOperator)
	ctx := context.Background()
	var rows []store.Notification
	for _, key := range []string{"conv:cv_1", "conv:cv_2", "conv:cv_3"} {
		rows = append(rows, store.Notification{WorkspaceID: f.ws, Key: key, Kind: switchboard.NotifyNewConversation, Method: switchboard.NotifyEmail,
			RecipientID: ann.ID, ConversationID: "cv_1", Address: "ann@example.com", Subject: "New conversation"})
	}
	rows = append(rows, store.Notification{WorkspaceID: f.ws, Key: "conv:cv_1", Kind: switchboard.NotifyNewConversation, Method: switchboard.NotifyPush, RecipientID: ann.ID})
	if _, err := f.store.EnqueueNotifications(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/notifications/log", bearer: f.token(f.ws, switchboard.RoleOperator)}); code != http.StatusForbidden {
		t.Fatalf("operator: %d, want 403", code)
	}
	sup := f.token(f.ws, switchboard.RoleSupervisor)
	code, out := f.do(nil, request{method: "GET", path: "/api/v1/notifications/log?limit=3", bearer: sup})
	got := items(out)
	if code != 200 || len(got) != 3 || out["next"] == "" {
		t.Fatalf("first page: %d %v", code, out)
	}
	first := got[0].(map[string]any)
	if first["method"] != "push" || first["recipient"] != "ann@example.com" || first["status"] != "pending" || first["event"] != "new_conversation" {
		t.Fatalf("newest row: %v", first)
	}
	code, out = f.do(nil, request{method: "GET", path: "/api/v1/notifications/log?cursor=" + out["next"].(string), bearer: f.token(f.ws, switchboard.RoleAdmin)})
	if got := items(out); code != 200 || len(got) != 1 || got[0].(map[string]any)["recipient"] != "ann@example.com" || out["next"] != "" {
		t.Fatalf("second page: %d %v", code, out)
	}
	if code, out := f.do(nil, request{method: "GET", path: "/api/v1/notifications/log?status=sent", bearer: sup}); code != 200 || len(items(out)) != 0 {
		t.Fatalf("sent ones: %d %v, want none", code, out)
	}
	if code, out := f.do(nil, request{method: "GET", path: "/api/v1/notifications/log?status=lost", bearer: sup}); code != 400 || errCode(out) != "invalid_status" {
		t.Fatalf("bad status: %d %v", code, out)
	}
	if code, out := f.do(nil, request{method: "GET", path: "/api/v1/notifications/log?cursor=zzz", bearer: sup}); code != 400 || errCode(out) != "invalid_cursor" {
		t.Fatalf("bad cursor: %d %v", code, out)
	}
}
