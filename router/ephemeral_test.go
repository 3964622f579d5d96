package router_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/router/natstest"
	"github.com/switchboardhq/switchboard/store/sqlite"
)

// ephemeralListener collects the ephemeral events one router hears.
type ephemeralListener struct {
	mu   sync.Mutex
	seen map[string]switchboard.Event
}

func listenEphemeral(rt *router.Router) *ephemeralListener {
	l := &ephemeralListener{seen: map[string]switchboard.Event{}}
	rt.Listen(func(ev switchboard.Event) {
		if !ev.Ephemeral() {
			return
		}
		l.mu.Lock()
		l.seen[ev.Text] = ev
		l.mu.Unlock()
	})
	return l
}

func (l *ephemeralListener) has(text string) (switchboard.Event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ev, ok := l.seen[text]
	return ev, ok
}

func newEphemeralRouter(t *testing.T, bus router.BusConfig) *router.Router {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	rt, err := router.New(st, router.Config{Bus: bus, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	// Running closes the bus (and its NATS connection) at cleanup.
	runRouter(t, rt)
	return rt
}

// TestEphemeralEventsReachEveryInstance: a typing preview published on one
// instance of a NATS cluster reaches the listeners of every instance,
// itself included, with its fields; it is never an outbox row.
func TestEphemeralEventsReachEveryInstance(t *testing.T) {
	srv := natstest.Start(t)
	bus := func(name string) router.BusConfig {
		return router.BusConfig{Driver: "nats", URL: srv.URL, Namespace: "t_" + t.Name(), Instance: name}
	}
	a, b := newEphemeralRouter(t, bus("a")), newEphemeralRouter(t, bus("b"))
	la, lb := listenEphemeral(a), listenEphemeral(b)
	preview := func(text string) switchboard.Event {
		return switchboard.Event{Type: switchboard.EventTypingPreview, WorkspaceID: "ws_1", ConversationID: "cv_1", DepartmentID: "dep_1", Text: text}
	}
	// Core NATS subscriptions start asynchronously: probe until both hear.
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; ; i++ {
		probe := "probe" + string(rune('a'+i%26)) + time.Now().String()
		if err := a.PublishEphemeral(preview(probe)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
		_, okA := la.has(probe)
		_, okB := lb.has(probe)
		if okA && okB {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("ephemeral subscriptions did not start")
		}
	}
	if err := b.PublishEphemeral(preview("I want a refund")); err != nil {
		t.Fatal(err)
	}
	for _, l := range []*ephemeralListener{la, lb} {
		for {
			ev, ok := l.has("I want a refund")
			if ok {
				if ev.ConversationID != "cv_1" || ev.DepartmentID != "dep_1" || ev.WorkspaceID != "ws_1" || ev.At.IsZero() || ev.ID == "" {
					t.Fatalf("event heard as %+v", ev)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("preview not heard on every instance")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if err := a.PublishEphemeral(switchboard.Event{Type: switchboard.EventMessageCreated, Text: "x"}); err == nil {
		t.Fatal("a stored event type was published as ephemeral")
	}
}

// TestEphemeralEventsEmbedded: on the embedded bus the listeners hear an
// ephemeral event before PublishEphemeral returns.
func TestEphemeralEventsEmbedded(t *testing.T) {
	rt := newEphemeralRouter(t, router.BusConfig{})
	l := listenEphemeral(rt)
	if err := rt.PublishEphemeral(switchboard.Event{Type: switchboard.EventOperatorPresence, WorkspaceID: "ws_1", OperatorID: "op_1", Presence: switchboard.PresenceAway, Text: "p"}); err != nil {
		t.Fatal(err)
	}
	if ev, ok := l.has("p"); !ok || ev.Presence != switchboard.PresenceAway {
		t.Fatalf("heard %+v %v", ev, ok)
	}
}
