package console_test

import (
	"net/http"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/router/natstest"
)

// TestEphemeralFramesCrossInstances: two instances on NATS over one store.
// A visitor connected to and typing on instance A is seen by an operator
// whose stream is on instance B (typing.preview, contact.presence), and an
// operator's presence set on B reaches a stream on A; none of it is
// stored as a message.
func TestEphemeralFramesCrossInstances(t *testing.T) {
	srv := natstest.Start(t)
	bus := func(name string) router.BusConfig {
		return router.BusConfig{Driver: "nats", URL: srv.URL, Namespace: "t_" + t.Name(), Instance: name}
	}
	a := newFixtureOn(t, bus("a"), console.Config{})
	b := a.secondInstance(bus("b"))
	admin := a.token(a.ws, switchboard.RoleAdmin)
	v := a.visitor()
	conv := v.says("hello")
	a.operator("ana@example.com", switchboard.RoleOperator, conv.DepartmentID)
	onB := b.dialStream("/api/v1/stream", nil, admin)
	anaOnB, anaCSRF := b.session("ana@example.com")
	onA := a.dialStream("/api/v1/stream", nil, admin)

	a.dialStream("/widget/v1/stream?token="+v.token, nil, "")
	onB.until("contact online on B", frameIs("contact.presence", conv.ID))
	if code, _ := a.do(nil, request{method: "POST", path: "/widget/v1/typing", bearer: v.token, body: `{"text":"where is my order"}`}); code != http.StatusNoContent {
		t.Fatalf("typing: %d", code)
	}
	onB.until("preview on B", func(m map[string]any) bool {
		return m["type"] == "typing.preview" && m["text"] == "where is my order"
	})
	if code, out := b.do(anaOnB, request{method: "PUT", path: "/api/v1/me/presence", body: `{"presence":"online"}`, headers: map[string]string{"X-CSRF-Token": anaCSRF}}); code != http.StatusOK {
		t.Fatalf("presence: %d %v", code, out)
	}
	onA.until("presence on A", func(m map[string]any) bool {
		return m["type"] == "operator.presence" && m["presence"] == "online"
	})
	// Ana coming online takes the waiting conversation (an activity
	// entry); drafts are never stored.
	var stored int
	for _, m := range allMessages(t, a, conv.ID) {
		if m.Direction != switchboard.DirectionActivity {
			stored++
		}
	}
	if stored != 1 {
		t.Fatalf("%d messages stored, want only the visitor's one", stored)
	}
}
