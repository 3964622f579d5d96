package console_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	switchboard "github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// configureDefault changes the workspace's default department's settings.
func (f *fixture) configureDefault(change func(*switchboard.Department)) switchboard.Department {
	f.t.Helper()
	ctx := context.Background()
	d, err := f.store.DefaultDepartment(ctx, f.ws)
	if err != nil {
		f.t.Fatal(err)
	}
	if d, err = f.store.GetDepartment(ctx, f.ws, d.ID); err != nil {
		f.t.Fatal(err)
	}
	change(&d)
	if err := f.store.UpdateDepartment(ctx, d); err != nil {
		f.t.Fatal(err)
	}
	return d
}

// Outside business hours the widget's config says so (form, message in
// the visitor's language, hours), and a message left through the offline
// form becomes a conversation labelled "offline".
func TestWidgetOfflineFormOutsideHours(t *testing.T) {
	f := newFixture(t)
	f.configureDefault(func(d *switchboard.Department) {
		// Open on no day at all: always closed.
		d.Hours = &switchboard.BusinessHours{TimeZone: "Asia/Tokyo", Weekly: map[string][]switchboard.TimeRange{}, Holidays: []string{time.Now().Format("2006-01-02")}}
		d.Offline = switchboard.OfflineSettings{Mode: switchboard.OfflineForm, Message: map[string]string{"ja": "ただいま時間外です", "en": "We are closed"}}
	})
	code, cfg := f.do(nil, request{method: "GET", path: "/widget/v1/config?channel=web&lang=ja-JP"})
	if code != http.StatusOK {
		t.Fatalf("config: %d %v", code, cfg)
	}
	a, _ := cfg["availability"].(map[string]any)
	if a["open"] != false || a["mode"] != "form" || a["message"] != "ただいま時間外です" {
		t.Fatalf("availability outside hours: %v", a)
	}

	v := f.visitor()
	if code, out := f.do(nil, request{method: "POST", path: "/widget/v1/offline", bearer: v.token, body: `{"name":"Mei","email":"not-an-address","text":"call me"}`}); code != http.StatusBadRequest || errCode(out) != "invalid_email" {
		t.Fatalf("bad e-mail: %d %v", code, out)
	}
	if code, out := f.do(nil, request{method: "POST", path: "/widget/v1/offline", bearer: v.token, body: `{"name":"Mei","email":"mei@@example","text":"call me"}`}); code != http.StatusBadRequest || errCode(out) != "invalid_email" {
		t.Fatalf("e-mail with an @ but not an address: %d %v", code, out)
	}
	code, out := f.do(nil, request{method: "POST", path: "/widget/v1/offline", bearer: v.token, body: `{"name":"Mei","email":"mei@example.jp","text":"明日電話をください"}`})
	if code != http.StatusCreated {
		t.Fatalf("offline: %d %v", code, out)
	}
	conv := f.routed(switchboard.ConversationID(out["conversation_id"].(string)))
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Contains(conv.Labels, "offline") {
		if time.Now().After(deadline) {
			t.Fatalf("labels %v, want offline", conv.Labels)
		}
		time.Sleep(20 * time.Millisecond)
		conv, _ = f.store.GetConversation(context.Background(), f.ws, conv.ID)
	}
	if conv.LastMessage != "明日電話をください" && conv.LastMessage != "" {
		t.Fatalf("last message %q", conv.LastMessage)
	}

	// Open again (no hours): the chat is open.
	f.configureDefault(func(d *switchboard.Department) { d.Hours = nil })
	_, cfg = f.do(nil, request{method: "GET", path: "/widget/v1/config?channel=web"})
	if a := cfg["availability"].(map[string]any); a["open"] != true || a["mode"] != "chat" {
		t.Fatalf("availability with no hours: %v", a)
	}
}

// A queued visitor's widget stream tells their place and the estimated
// wait, and the place moves up when the conversation ahead is taken.
func TestWidgetQueueFrames(t *testing.T) {
	f := newFixture(t)
	dept := f.configureDefault(func(d *switchboard.Department) { d.DefaultWaitSeconds = 60 })
	ctx := context.Background()
	queue := func(conv switchboard.Conversation, at time.Time) {
		t.Helper()
		if _, err := f.store.ChangeRouting(ctx, f.ws, conv.ID, store.RoutingChange{DepartmentID: &dept.ID, Queue: true, At: at}, func(store.RoutingResult) []store.OutboxEntry { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	first, second := f.visitor(), f.visitor()
	ahead := first.says("hello")
	queue(ahead, time.Now().Add(-2*time.Minute))
	mine := second.says("I need help")
	queue(mine, time.Now())

	stream := f.dialStream("/widget/v1/stream?token="+second.token, nil, "")
	isQueue := func(position float64) func(map[string]any) bool {
		return func(m map[string]any) bool { return m["type"] == "queue" && m["position"] == position }
	}
	seen := stream.until("second in line", isQueue(2))
	if got := seen[len(seen)-1]; got["wait_seconds"] != float64(120) {
		t.Fatalf("wait for number 2 with a 60 s default and nobody online: %v", got)
	}

	op := f.operator("ana@example.com", switchboard.RoleOperator, dept.ID)
	if _, err := f.store.ChangeRouting(ctx, f.ws, ahead.ID, store.RoutingChange{AssigneeID: &op.ID, At: time.Now()}, func(store.RoutingResult) []store.OutboxEntry { return nil }); err != nil {
		t.Fatal(err)
	}
	// Any change of the workspace's queues or presence wakes the stream.
	if err := f.rt.PublishEphemeral(switchboard.Event{Type: switchboard.EventOperatorPresence, WorkspaceID: f.ws, OperatorID: op.ID, Presence: switchboard.PresenceOnline}); err != nil {
		t.Fatal(err)
	}
	stream.until("first in line", isQueue(1))

	if _, err := f.store.ChangeRouting(ctx, f.ws, mine.ID, store.RoutingChange{AssigneeID: &op.ID, At: time.Now()}, func(store.RoutingResult) []store.OutboxEntry { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := f.rt.PublishEphemeral(switchboard.Event{Type: switchboard.EventOperatorPresence, WorkspaceID: f.ws, OperatorID: op.ID, Presence: switchboard.PresenceAway}); err != nil {
		t.Fatal(err)
	}
	stream.until("taken", isQueue(0))
}
