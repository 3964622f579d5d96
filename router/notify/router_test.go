package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// silent is a channel that takes every reply.
type silent struct{}

func (silent) Type() string                          { return "notifytest" }
func (silent) Capabilities() connectors.Capabilities { return connectors.Capabilities{Text: true} }
func (silent) Send(context.Context, connectors.OutboundMessage) (connectors.SendResult, error) {
	return connectors.SendResult{Status: switchboard.StatusSent}, nil
}

func init() {
	connectors.Register(connectors.Registration{Type: "notifytest", New: func(json.RawMessage, connectors.Deps) (connectors.Connector, error) {
		return silent{}, nil
	}})
}

// TestCustomerMessageToEmailThroughTheRouter: a customer's first message
// accepted by the hub goes through the outbox, the route handler and the
// events topic to the notifier, which e-mails the department's members.
func TestCustomerMessageToEmailThroughTheRouter(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now().UTC()
	must(t, f.st.PutChannel(ctx, store.Channel{ID: "site", WorkspaceID: f.ws, Type: "notifytest", Name: "Site", Config: json.RawMessage("{}"), CreatedAt: now, UpdatedAt: now}))
	rt, err := router.New(f.st, router.Config{Logger: quiet(), OutboxLease: time.Second})
	must(t, err)
	rt.OnEvent("notify", f.n.HandleEvent)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- rt.Run(runCtx) }()
	t.Cleanup(func() { cancel(); <-done })
	<-rt.Running()
	f.run(t)

	res, err := rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: "site", ExternalID: "x1", Sender: "visitor-1",
		Profile: switchboard.Profile{Name: "Sato"}, Parts: switchboard.TextParts("配送について質問です")}})
	must(t, err)
	got := f.mb.waitFor(t, 2)
	link := publicURL + "/conversations/" + string(res[0].ConversationID)
	to := map[string]bool{}
	for _, m := range got {
		to[m.To] = true
		if !strings.Contains(m.Text, link) || !strings.Contains(m.Text, "配送について質問です") || !strings.Contains(m.Subject, "Sato") {
			t.Errorf("e-mail to %s: subject %q text %q", m.To, m.Subject, m.Text)
		}
	}
	if !to["alice@example.com"] || !to["bob@example.com"] || len(got) != 2 {
		t.Fatalf("e-mails went to %v, want alice and bob", to)
	}
	// A second message of the same visitor is no new conversation.
	_, err = rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: "site", ExternalID: "x2", Sender: "visitor-1", Parts: switchboard.TextParts("もしもし")}})
	must(t, err)
	if rows := f.settled(t); len(rows) != 2 {
		t.Fatalf("log has %d rows, want 2", len(rows))
	}
}

// TestRowOfACrashedSenderIsSentAfterItsLease: a sender that claimed a row
// and died holds it only for its lease; then another sends it. Nothing
// of the queue lives in memory.
func TestRowOfACrashedSenderIsSentAfterItsLease(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	must(t, f.n.HandleEvent(ctx, f.inbound(f.conversation("cv_crash", "", 1), "m1", "hi", time.Now().UTC())))
	// The crashed sender: claimed both rows, sent nothing.
	claimed, err := f.st.ClaimNotifications(ctx, 10, 300*time.Millisecond, time.Now())
	must(t, err)
	if len(claimed) != 2 {
		t.Fatalf("claimed %d rows, want 2", len(claimed))
	}
	start := time.Now()
	f.run(t) // a new instance
	f.mb.waitFor(t, 2)
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Fatalf("sent after %v, before the crashed sender's lease ran out", waited)
	}
	for _, r := range f.settled(t) {
		if r.Status != store.NotificationSent || r.Attempts != 1 {
			t.Fatalf("row %+v, want sent once", r)
		}
	}
}
