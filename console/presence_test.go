package console_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/router"
)

// TestOperatorPresence: an operator sets their presence; GET /me shows
// it; every operator's stream of the workspace hears it; bad values and
// tokens are refused; logout makes it offline.
func TestOperatorPresence(t *testing.T) {
	f := newFixture(t)
	conv := f.customerWrites("v1", "hi")
	other := f.department("dep_other", "Other")
	ana := f.operator("ana@example.com", switchboard.RoleOperator, conv.DepartmentID)
	f.operator("bob@example.com", switchboard.RoleOperator, other)
	anaBrowser, anaCSRF := f.session("ana@example.com")
	bobBrowser, _ := f.session("bob@example.com")
	bobStream := f.dialStream("/api/v1/stream", bobBrowser, "")

	_, me := f.do(anaBrowser, request{method: "GET", path: "/api/v1/me"})
	if me["presence"] != "offline" || me["email"] != "ana@example.com" {
		t.Fatalf("me before: %v", me)
	}
	for _, body := range []string{`{"presence":"busy"}`, `{}`, `{"presence":1}`} {
		if code, out := f.do(anaBrowser, request{method: "PUT", path: "/api/v1/me/presence", body: body, headers: map[string]string{"X-CSRF-Token": anaCSRF}}); code != http.StatusBadRequest {
			t.Fatalf("%s: %d %v", body, code, out)
		}
	}
	if code, out := f.do(nil, request{method: "PUT", path: "/api/v1/me/presence", body: `{"presence":"online"}`, bearer: f.token(f.ws, switchboard.RoleAdmin)}); code != http.StatusBadRequest || !strings.Contains(errMessage(out), "presence") {
		t.Fatalf("token presence: %d %v", code, out)
	}
	code, out := f.do(anaBrowser, request{method: "PUT", path: "/api/v1/me/presence", body: `{"presence":"away"}`, headers: map[string]string{"X-CSRF-Token": anaCSRF}})
	if code != http.StatusOK || out["presence"] != "away" {
		t.Fatalf("put presence: %d %v", code, out)
	}
	seen := bobStream.until("presence", frameIs("operator.presence", ""))
	if p := seen[len(seen)-1]; p["operator_id"] != string(ana.ID) || p["presence"] != "away" || p["name"] != "ana@example.com" {
		t.Fatalf("presence frame: %v", p)
	}
	if _, me := f.do(anaBrowser, request{method: "GET", path: "/api/v1/me"}); me["presence"] != "away" {
		t.Fatalf("me after: %v", me)
	}
	if code, _ := f.do(anaBrowser, request{method: "POST", path: "/api/v1/auth/logout", headers: map[string]string{"X-CSRF-Token": anaCSRF}}); code != http.StatusNoContent {
		t.Fatalf("logout: %d", code)
	}
	seen = bobStream.until("offline", frameIs("operator.presence", ""))
	if p := seen[len(seen)-1]; p["presence"] != "offline" {
		t.Fatalf("after logout: %v", p)
	}
}

// TestContactPresence: a site-chat visitor with the widget open reads as
// online (contact_online, contact.presence frames), offline once closed.
func TestContactPresence(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	conv := v.says("hello")
	stream := f.dialStream("/api/v1/stream", nil, admin)
	online := func() bool {
		t.Helper()
		_, out := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID), bearer: admin})
		return out["contact_online"].(bool)
	}
	if online() {
		t.Fatal("online before the widget connected")
	}
	widget := f.dialStream("/widget/v1/stream?token="+v.token, nil, "")
	seen := stream.until("online", frameIs("contact.presence", conv.ID))
	if p := seen[len(seen)-1]; p["online"] != true || p["contact_id"] != string(conv.ContactID) {
		t.Fatalf("presence frame: %v", p)
	}
	if !online() {
		t.Fatal("contact_online false with the widget open")
	}
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/conversations", bearer: admin})
	if items := list["items"].([]any); items[0].(map[string]any)["contact_online"] != true {
		t.Fatalf("list: %v", items)
	}
	widget.conn.Close(1000, "bye")
	seen = stream.until("offline", frameIs("contact.presence", conv.ID))
	if p := seen[len(seen)-1]; p["online"] != false {
		t.Fatalf("presence frame after close: %v", p)
	}
	if online() {
		t.Fatal("contact_online true after the widget closed")
	}
}

// TestContactPresenceOfANewVisitor: a visitor who opens the widget before
// writing is online once the first message made the conversation.
func TestContactPresenceOfANewVisitor(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	f.dialStream("/widget/v1/stream?token="+v.token, nil, "")
	stream := f.dialStream("/api/v1/stream", nil, admin)
	conv := v.says("first words")
	stream.until("online", frameIs("contact.presence", conv.ID))
}

// TestTypingPreview: the visitor's draft reaches operators as
// typing.preview, throttled (the last draft of a burst arrives), capped,
// cleared by empty text and by sending; it is never stored.
func TestTypingPreview(t *testing.T) {
	f := newFixtureWith(t, console.Config{TypingEvery: 500 * time.Millisecond})
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	conv := v.says("hello")
	stream := f.dialStream("/api/v1/stream", nil, admin)
	typing := func(text string) {
		t.Helper()
		if code, out := f.do(nil, request{method: "POST", path: "/widget/v1/typing", bearer: v.token, body: mustJSON(t, map[string]string{"text": text})}); code != http.StatusNoContent {
			t.Fatalf("typing %q: %d %v", text, code, out)
		}
	}
	drafts := []string{"I", "I w", "I wa", "I want", "I want a", "I want a refund"}
	for _, d := range drafts {
		typing(d)
	}
	var got []string
	for _, m := range stream.until("last draft", func(m map[string]any) bool {
		return m["type"] == "typing.preview" && m["text"] == "I want a refund"
	}) {
		if m["type"] == "typing.preview" {
			if m["conversation_id"] != string(conv.ID) || m["at"] == nil {
				t.Fatalf("preview frame: %v", m)
			}
			got = append(got, m["text"].(string))
		}
	}
	if len(got) > 3 {
		t.Fatalf("%d previews for a burst of %d drafts (not throttled): %v", len(got), len(drafts), got)
	}
	time.Sleep(550 * time.Millisecond) // let the throttle window pass: the next draft goes at once
	typing(strings.Repeat("あ", 1500))
	seen := stream.until("long draft", frameIs("typing.preview", conv.ID))
	if n := len([]rune(seen[len(seen)-1]["text"].(string))); n != 1000 {
		t.Fatalf("long draft passed with %d characters", n)
	}
	typing("")
	seen = stream.until("clear", frameIs("typing.preview", conv.ID))
	if seen[len(seen)-1]["text"] != "" {
		t.Fatalf("clear frame: %v", seen[len(seen)-1])
	}
	if msgs := allMessages(t, f, conv.ID); len(msgs) != 1 {
		t.Fatalf("drafts were stored: %d messages", len(msgs))
	}
	// Sending clears the preview.
	time.Sleep(550 * time.Millisecond)
	typing("almost")
	stream.until("draft", func(m map[string]any) bool { return m["type"] == "typing.preview" && m["text"] == "almost" })
	v.says("almost done")
	stream.until("cleared by sending", func(m map[string]any) bool { return m["type"] == "typing.preview" && m["text"] == "" })

	for _, tc := range []struct {
		name, bearer, body string
		want               int
	}{
		{"no token", "", `{"text":"x"}`, http.StatusUnauthorized},
		{"forged token", v.token + "x", `{"text":"x"}`, http.StatusUnauthorized},
		{"bad json", v.token, `{"text":`, http.StatusBadRequest},
		{"unknown field", v.token, `{"draft":"x"}`, http.StatusBadRequest},
	} {
		if code, out := f.do(nil, request{method: "POST", path: "/widget/v1/typing", bearer: tc.bearer, body: tc.body}); code != tc.want {
			t.Fatalf("%s: %d %v, want %d", tc.name, code, out, tc.want)
		}
	}
	// A visitor without a conversation: nothing to preview, no error.
	if code, _ := f.do(nil, request{method: "POST", path: "/widget/v1/typing", bearer: f.visitor().token, body: `{"text":"hi"}`}); code != http.StatusNoContent {
		t.Fatalf("typing before the first message: %d", code)
	}
}

// TestStreamEndsWhenAccessEnds: the operator's stream closes at once on
// logout, and within a re-check when the session is gone from the store
// (logged out on another instance, expired).
func TestStreamEndsWhenAccessEnds(t *testing.T) {
	t.Run("logout", func(t *testing.T) {
		f := newFixtureWith(t, console.Config{StreamRecheck: time.Hour})
		f.operator("ana@example.com", switchboard.RoleOperator)
		browser, csrf := f.session("ana@example.com")
		stream := f.dialStream("/api/v1/stream", browser, "")
		if code, _ := f.do(browser, request{method: "POST", path: "/api/v1/auth/logout", headers: map[string]string{"X-CSRF-Token": csrf}}); code != http.StatusNoContent {
			t.Fatalf("logout: %d", code)
		}
		if err := stream.ended(5 * time.Second); !strings.Contains(err.Error(), "logged out") {
			t.Fatalf("closed with %v", err)
		}
	})
	t.Run("session gone elsewhere", func(t *testing.T) {
		f := newFixtureWith(t, console.Config{StreamRecheck: 50 * time.Millisecond})
		f.operator("ana@example.com", switchboard.RoleOperator)
		browser, _ := f.session("ana@example.com")
		stream := f.dialStream("/api/v1/stream", browser, "")
		u, _ := http.NewRequest("GET", f.srv.URL, nil)
		var hash string
		for _, c := range browser.Jar.Cookies(u.URL) {
			if c.Name == "sb_session" {
				hash = console.HashSecret(c.Value)
			}
		}
		if err := f.store.DeleteSession(context.Background(), hash); err != nil {
			t.Fatal(err)
		}
		if err := stream.ended(5 * time.Second); !strings.Contains(err.Error(), "session ended") {
			t.Fatalf("closed with %v", err)
		}
	})
	t.Run("departments changed", func(t *testing.T) {
		f := newFixtureWith(t, console.Config{StreamRecheck: 50 * time.Millisecond})
		first := f.customerWrites("v1", "hello")
		ana := f.operator("ana@example.com", switchboard.RoleOperator, first.DepartmentID)
		browser, _ := f.session("ana@example.com")
		stream := f.dialStream("/api/v1/stream", browser, "")
		// An admin takes her out of the department (on any instance: the
		// store is what the re-check reads).
		db, err := sql.Open("sqlite3", f.dbPath)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`DELETE FROM operator_departments WHERE operator_id = ?`, ana.ID); err != nil {
			t.Fatal(err)
		}
		if err := stream.ended(5 * time.Second); !strings.Contains(err.Error(), "access changed") {
			t.Fatalf("closed with %v", err)
		}
	})
	t.Run("session still valid", func(t *testing.T) {
		f := newFixtureWith(t, console.Config{StreamRecheck: 20 * time.Millisecond})
		first := f.customerWrites("v1", "hello")
		f.operator("ana@example.com", switchboard.RoleOperator, first.DepartmentID)
		browser, _ := f.session("ana@example.com")
		stream := f.dialStream("/api/v1/stream", browser, "")
		// Several re-checks pass (the clock, not synchronisation); the
		// stream still delivers.
		time.Sleep(150 * time.Millisecond)
		conv := f.customerWrites("v1", "still here?")
		stream.until("message", frameIs("message.created", conv.ID))
	})
}

// TestContactPresenceOnAnyInstance: a visitor connected to one instance
// reads as online on another instance over the same store.
func TestContactPresenceOnAnyInstance(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	conv := v.says("hello")
	other := f.secondInstance(router.BusConfig{}) // embedded: the instances share only the store
	online := func() bool {
		t.Helper()
		code, out := other.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID), bearer: admin})
		if code != http.StatusOK {
			t.Fatalf("get on the other instance: %d %v", code, out)
		}
		return out["contact_online"].(bool)
	}
	widget := f.dialStream("/widget/v1/stream?token="+v.token, nil, "")
	deadline := time.Now().Add(5 * time.Second)
	for !online() {
		if time.Now().After(deadline) {
			t.Fatal("the other instance does not see the visitor online")
		}
		time.Sleep(10 * time.Millisecond)
	}
	widget.conn.Close(1000, "bye")
	for online() {
		if time.Now().After(deadline) {
			t.Fatal("the other instance still sees the visitor online")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
