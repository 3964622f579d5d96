package console_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/switchboardhq/switchboard"
)

// TestDepartmentIsolationEveryRoute: an operator of department A gets 404
// for every conversation-scoped route of a department B conversation and
// its messages, changes nothing there, and never hears B's stream events,
// typing previews or contact presence.
func TestDepartmentIsolationEveryRoute(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	mine := f.customerWrites("va", "hello from A")
	deptA := mine.DepartmentID
	deptB := f.department("dep_b", "B")
	f.operator("ana@example.com", switchboard.RoleOperator, deptA)
	browser, csrf := f.session("ana@example.com")

	vb := f.visitor()
	theirs := vb.says("hello from B")
	f.move(theirs.ID, deptB)
	reply := f.sentReply(admin, theirs.ID, "answer in B")
	cB, mB := string(theirs.ID), string(reply.ID)

	stream := f.dialStream("/api/v1/stream", browser, "")
	watcher := f.dialStream("/api/v1/stream", nil, admin)

	routes := []struct{ method, path, body string }{
		{"GET", "/api/v1/conversations/" + cB, ""},
		{"PATCH", "/api/v1/conversations/" + cB, `{"status":"resolved"}`},
		{"PATCH", "/api/v1/conversations/" + cB, `{"labels":["x"]}`},
		{"POST", "/api/v1/conversations/" + cB + "/read", ""},
		{"POST", "/api/v1/conversations/" + cB + "/unread", ""},
		{"POST", "/api/v1/conversations/" + cB + "/typing", ""},
		{"GET", "/api/v1/conversations/" + cB + "/messages", ""},
		{"POST", "/api/v1/conversations/" + cB + "/messages", `{"text":"sneaky"}`},
		{"GET", "/api/v1/conversations/" + cB + "/transcript?format=txt", ""},
		{"GET", "/api/v1/conversations/" + cB + "/transcript?format=html", ""},
		{"POST", "/api/v1/messages/" + mB + "/retry", ""},
		{"POST", "/api/v1/messages/" + mB + "/retract", ""},
		{"DELETE", "/api/v1/messages/" + mB, ""},
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			code, out := f.do(browser, request{method: rt.method, path: rt.path, body: rt.body, headers: map[string]string{"X-CSRF-Token": csrf}})
			if code != http.StatusNotFound {
				t.Fatalf("%d %v, want 404", code, out)
			}
		})
	}
	t.Run("GET /api/v1/media/{id}", func(t *testing.T) {
		// An image the admin sent into B's conversation.
		code, up := f.upload(http.DefaultClient, map[string]string{"Authorization": "Bearer " + admin}, "b.png", pngBytes)
		if code != http.StatusCreated {
			t.Fatalf("upload: %d %v", code, up)
		}
		id := up["id"].(string)
		body := `{"parts":[{"kind":"image","attachment":{"media_id":"` + id + `"}}]}`
		if code, out := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + cB + "/messages", bearer: admin, body: body}); code != http.StatusAccepted {
			t.Fatalf("send image: %d %v", code, out)
		}
		if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/media/" + id, bearer: admin}); code != http.StatusOK {
			t.Fatalf("admin reads the image: %d", code)
		}
		if code, out := f.do(browser, request{method: "GET", path: "/api/v1/media/" + id}); code != http.StatusNotFound {
			t.Fatalf("operator of A reads B's image: %d %v, want 404", code, out)
		}
	})
	// Nothing changed in B.
	after, err := f.store.GetConversation(context.Background(), f.ws, theirs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != switchboard.ConversationOpen || len(after.Labels) != 0 || !after.Unread {
		t.Fatalf("B's conversation changed: %+v", after)
	}
	if msgs := allMessages(t, f, theirs.ID); len(msgs) != 3 /* the two, and the admin's image */ || msgs[1].RetractedAt != nil || msgs[1].DeletedAt != nil {
		t.Fatalf("B's messages changed: %+v", msgs)
	}
	// The list and search hide B too.
	_, list := f.do(browser, request{method: "GET", path: "/api/v1/conversations?department=" + string(deptB)})
	if items := list["items"].([]any); len(items) != 0 {
		t.Fatalf("list with department=B shows %d", len(items))
	}

	// B's events: a message, a typing preview, the visitor's presence, a
	// conversation update; the admin hears each.
	vb.says("more from B")
	watcher.until("B message", frameIs("message.created", theirs.ID))
	if code, _ := f.do(nil, request{method: "POST", path: "/widget/v1/typing", bearer: vb.token, body: `{"text":"secret draft"}`}); code != http.StatusNoContent {
		t.Fatalf("typing: %d", code)
	}
	watcher.until("B typing", frameIs("typing.preview", theirs.ID))
	widget := f.dialStream("/widget/v1/stream?token="+vb.token, nil, "")
	watcher.until("B presence", frameIs("contact.presence", theirs.ID))
	if code, _ := f.do(nil, request{method: "PATCH", path: "/api/v1/conversations/" + cB, bearer: admin, body: `{"labels":["vip"]}`}); code != http.StatusOK {
		t.Fatalf("admin patch: %d", code)
	}
	watcher.until("B update", frameIs("conversation.updated", theirs.ID))
	widget.conn.CloseNow()

	// Then one of A's: once ana hears it, she has been handed everything
	// before it (one fan-out delivers each event to every listener in turn).
	f.customerWrites("va", "sentinel")
	watcher.until("A message", frameIs("message.created", mine.ID))
	for _, m := range stream.until("A message", frameIs("message.created", mine.ID)) {
		if m["conversation_id"] == cB || m["department_id"] == string(deptB) {
			t.Fatalf("operator of A heard B: %v", m)
		}
		if msg, ok := m["message"].(map[string]any); ok && msg["conversation_id"] == cB {
			t.Fatalf("operator of A heard B's message: %v", m)
		}
	}
}
