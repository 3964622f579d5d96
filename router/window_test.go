package router_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// windowed is a test channel with a 24-hour customer-service window and
// provider templates (what the WhatsApp connector will be): its sends
// follow a script, its template list is set by the test, and it keeps the
// Deps it was built with (status reporter, leases, database).
type windowed struct {
	*scripted
	mu        sync.Mutex
	deps      connectors.Deps
	templates []switchboard.ProviderTemplate
	listErr   error
	lists     int
}

var (
	windowsMu sync.Mutex
	windows   = map[switchboard.ChannelID]*windowed{}
)

func init() {
	connectors.Register(connectors.Registration{Type: "windowed", New: func(_ json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
		windowsMu.Lock()
		defer windowsMu.Unlock()
		w, ok := windows[deps.ChannelID]
		if !ok {
			return nil, errors.New("no windowed channel " + string(deps.ChannelID))
		}
		w.mu.Lock()
		w.deps = deps
		w.mu.Unlock()
		return w, nil
	}})
}

func (w *windowed) Type() string { return "windowed" }
func (w *windowed) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{Text: true, Templates: true, MaxTextLength: 1000, ReplyWindowSeconds: 86400}
}

func (w *windowed) ListTemplates(context.Context) ([]switchboard.ProviderTemplate, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lists++
	if w.listErr != nil {
		return nil, w.listErr
	}
	return append([]switchboard.ProviderTemplate(nil), w.templates...), nil
}

func (w *windowed) PairPhone(context.Context, string) (string, error) { return "ABCD-EFGH", nil }

func (w *windowed) depsNow() connectors.Deps {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.deps
}

func (w *windowed) sentMessages() []connectors.OutboundMessage {
	w.scripted.mu.Lock()
	defer w.scripted.mu.Unlock()
	return append([]connectors.OutboundMessage(nil), w.sent...)
}

var approved = []switchboard.ProviderTemplate{
	{Name: "order_update", Language: "ja", Status: "APPROVED", Body: "ご注文 {{1}} は発送されました", Params: []string{"1"}},
	{Name: "promo", Language: "en_US", Status: "PENDING", Body: "Sale!"},
}

type windowEnv struct {
	store  store.Store
	rt     *router.Router
	ws     switchboard.WorkspaceID
	ch     switchboard.ChannelID
	conn   *windowed
	mu     sync.Mutex
	events []switchboard.Event
}

// newWindowEnv runs a router over a fresh SQLite store with one windowed
// channel; every event the router publishes is recorded.
func newWindowEnv(t *testing.T, results ...error) *windowEnv {
	t.Helper()
	conn := &windowed{scripted: &scripted{results: results}, templates: approved}
	st, ws, ch := newChannelStore(t, "windowed", "{}", func(ch switchboard.ChannelID) {
		windowsMu.Lock()
		windows[ch] = conn
		windowsMu.Unlock()
	})
	rt, err := router.New(st, router.Config{
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		OutboundRetries: 2, RetryInitial: time.Millisecond, RetryMax: 5 * time.Millisecond,
		OutboxLease: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &windowEnv{store: st, rt: rt, ws: ws, ch: ch, conn: conn}
	t.Cleanup(rt.Listen(func(ev switchboard.Event) {
		e.mu.Lock()
		e.events = append(e.events, ev)
		e.mu.Unlock()
	}))
	runRouter(t, rt)
	return e
}

func (e *windowEnv) eventsOf(typ switchboard.EventType) []switchboard.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []switchboard.Event
	for _, ev := range e.events {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// customer stores a customer's message written at at and returns its
// conversation.
func (e *windowEnv) customer(t *testing.T, ext string, at time.Time) switchboard.ConversationID {
	t.Helper()
	res, err := e.rt.Hub.AcceptResults(context.Background(), []switchboard.Inbound{{
		Kind: switchboard.InboundMessage, ChannelID: e.ch, ExternalID: switchboard.ExternalID(ext), Sender: "u1",
		Parts: switchboard.TextParts("hello"), At: at,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return res[0].ConversationID
}

func (e *windowEnv) waitSynced(t *testing.T) {
	t.Helper()
	eventuallyR(t, "the templates synced at start", func() bool {
		_, at, err := e.store.ListProviderTemplates(context.Background(), e.ws, e.ch)
		return err == nil && !at.IsZero()
	})
}

func templatePart(name, lang string) switchboard.Part {
	return switchboard.Part{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: name, Language: lang, Variables: map[string]string{"1": "A-1"}}}
}

func TestReplyWindow(t *testing.T) {
	e := newWindowEnv(t)
	e.waitSynced(t)
	ctx := context.Background()
	wrote := time.Now().UTC().Add(-25 * time.Hour).Truncate(time.Second)
	conv := e.customer(t, "m1", wrote)
	c, err := e.rt.Hub.Conversation(ctx, e.ws, conv)
	if err != nil {
		t.Fatal(err)
	}
	if c.CustomerLastAt == nil || !c.CustomerLastAt.Equal(wrote) {
		t.Fatalf("customer_last_at = %v, want %v", c.CustomerLastAt, wrote)
	}
	reply := func(parts ...switchboard.Part) (switchboard.Message, error) {
		return e.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: conv, Parts: parts})
	}
	_, err = reply(switchboard.TextParts("sorry for the wait")...)
	var verr *router.ValidationError
	if !errors.As(err, &verr) || !errors.Is(err, connectors.ErrWindowClosed) || verr.Field != "parts" ||
		!contains(verr.Message, wrote.Add(24*time.Hour).Format(time.RFC3339)) || !contains(verr.Message, "approved template") {
		t.Fatalf("free text outside the window: %v", err)
	}
	// A template and free text together are refused too.
	if _, err := reply(templatePart("order_update", "ja"), switchboard.Part{Kind: switchboard.PartText, Text: "and more"}); !errors.Is(err, connectors.ErrWindowClosed) {
		t.Fatalf("template plus text outside the window: %v", err)
	}
	page, err := e.store.ListMessages(ctx, e.ws, conv, store.MessageQuery{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("refused replies were stored: %d messages, %v", len(page.Items), err)
	}
	// An approved template goes out, with the customer's time.
	m, err := reply(templatePart("order_update", "ja"))
	if err != nil {
		t.Fatalf("approved template outside the window: %v", err)
	}
	envWait(t, e.store, e.ws, m.ID, switchboard.StatusSent)
	sent := e.conn.sentMessages()
	if len(sent) != 1 || !sent[0].CustomerLastAt.Equal(wrote) || sent[0].Parts[0].Template == nil {
		t.Fatalf("sent = %+v", sent)
	}
	// The customer writes again: the window opens.
	e.customer(t, "m2", time.Now().UTC())
	if _, err := reply(switchboard.TextParts("welcome back")...); err != nil {
		t.Fatalf("free text inside the window: %v", err)
	}
}

func TestReplyWindowNeverWrote(t *testing.T) {
	e := newWindowEnv(t)
	ctx := context.Background()
	// The business wrote first (an echo): the customer never did.
	res, err := e.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{
		Kind: switchboard.InboundEcho, ChannelID: e.ch, ExternalID: "echo-1", Sender: "u9",
		Parts: switchboard.TextParts("Hello from our phone"), Via: "phone",
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: res[0].ConversationID, Parts: switchboard.TextParts("hi")})
	if !errors.Is(err, connectors.ErrWindowClosed) || !contains(err.Error(), "has not written") {
		t.Fatalf("reply to a customer who never wrote: %v", err)
	}
	// The echo is announced as an outgoing message, not routed.
	eventuallyR(t, "the echo's message.created", func() bool { return len(e.eventsOf(switchboard.EventMessageCreated)) == 1 })
	ev := e.eventsOf(switchboard.EventMessageCreated)[0]
	if ev.Message == nil || ev.Message.Direction != switchboard.DirectionOut || ev.Message.Via != "phone" ||
		ev.Message.Status != switchboard.StatusSent || ev.Conversation == nil || ev.Conversation.UnreadCount != 0 {
		t.Fatalf("echo event = %+v", ev)
	}
}

func TestTemplatesSyncAndCheck(t *testing.T) {
	e := newWindowEnv(t)
	e.waitSynced(t)
	ctx := context.Background()
	conv := e.customer(t, "m1", time.Now().UTC())
	for _, tc := range []struct {
		name string
		part switchboard.Part
		want string
	}{
		{"pending", templatePart("promo", "en_US"), "PENDING at the provider, not approved"},
		{"unknown", templatePart("nope", "ja"), `no template "nope" (ja)`},
		{"other language", templatePart("order_update", "en_US"), `no template "order_update" (en_US)`},
		{"no name", templatePart(" ", ""), "needs the template's name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: conv, Parts: []switchboard.Part{tc.part}})
			var verr *router.ValidationError
			if !errors.As(err, &verr) || verr.Field != "parts[0].template" || !contains(verr.Message, tc.want) {
				t.Fatalf("err = %v, want a parts[0].template error saying %q", err, tc.want)
			}
		})
	}
	if _, err := e.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: conv, Parts: []switchboard.Part{templatePart("order_update", "")}}); err != nil {
		t.Fatalf("approved template without a language: %v", err)
	}
	// An admin's sync picks up a newly approved template.
	e.conn.mu.Lock()
	e.conn.templates = append([]switchboard.ProviderTemplate{{Name: "promo", Language: "en_US", Status: "APPROVED", Body: "Sale!"}}, approved[0])
	e.conn.mu.Unlock()
	items, at, err := e.rt.Hub.SyncTemplates(ctx, e.ws, e.ch)
	if err != nil || len(items) != 2 || items[0].Status != "APPROVED" || items[0].ChannelID != e.ch || at.IsZero() {
		t.Fatalf("SyncTemplates = %+v, %v, %v", items, at, err)
	}
	if _, err := e.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: conv, Parts: []switchboard.Part{templatePart("promo", "en_US")}}); err != nil {
		t.Fatalf("newly approved template: %v", err)
	}
	// A provider failure keeps the last list.
	e.conn.mu.Lock()
	e.conn.listErr = connectors.Permanent("provider answered 401", connectors.ErrCredentials)
	e.conn.mu.Unlock()
	if _, _, err := e.rt.Hub.SyncTemplates(ctx, e.ws, e.ch); !errors.Is(err, router.ErrProvider) {
		t.Fatalf("SyncTemplates with the provider failing: %v", err)
	}
	if kept, _, _ := e.store.ListProviderTemplates(ctx, e.ws, e.ch); len(kept) != 2 {
		t.Fatalf("templates after a failed sync = %+v", kept)
	}
	if _, _, err := e.rt.Hub.SyncTemplates(ctx, "ws_other", e.ch); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SyncTemplates of another workspace: %v", err)
	}
}

func TestSendOutcomesSetChannelStatus(t *testing.T) {
	e := newWindowEnv(t,
		connectors.Permanent("Graph API 190: Error validating access token: Session has expired", connectors.ErrCredentials),
		connectors.Permanent("Graph API 131047: Re-engagement message", connectors.ErrWindowClosed),
	)
	ctx := context.Background()
	conv := e.customer(t, "m1", time.Now().UTC())
	send := func(text string) switchboard.Message {
		t.Helper()
		m, err := e.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: conv, Parts: switchboard.TextParts(text)})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	state := func() switchboard.ChannelStatus {
		sts, err := e.store.ListChannelStatuses(ctx, e.ws)
		if err != nil || len(sts) == 0 {
			return switchboard.ChannelStatus{}
		}
		return sts[0]
	}
	failed := envWait(t, e.store, e.ws, send("one").ID, switchboard.StatusFailed)
	if !contains(failed.FailureReason, "Session has expired") {
		t.Fatalf("reason = %q", failed.FailureReason)
	}
	eventuallyR(t, "credentials_broken", func() bool { return state().State == switchboard.ChannelCredentialsBroken })
	if st := state(); st.Reason != "Graph API 190: Error validating access token: Session has expired" || st.Since.IsZero() {
		t.Fatalf("status = %+v", st)
	}
	eventuallyR(t, "the channel.status event", func() bool { return len(e.eventsOf(switchboard.EventChannelStatus)) == 1 })
	if ev := e.eventsOf(switchboard.EventChannelStatus)[0]; ev.Channel == nil || ev.Channel.State != switchboard.ChannelCredentialsBroken ||
		ev.Channel.ChannelID != e.ch || ev.WorkspaceID != e.ws {
		t.Fatalf("event = %+v", ev)
	}
	// The provider says the window closed: failed, saying what to do.
	failed = envWait(t, e.store, e.ws, send("two").ID, switchboard.StatusFailed)
	if !contains(failed.FailureReason, "send an approved template") || !contains(failed.FailureReason, "131047") {
		t.Fatalf("window reason = %q", failed.FailureReason)
	}
	if st := state(); st.State != switchboard.ChannelCredentialsBroken {
		t.Fatalf("a window refusal changed the status: %+v", st)
	}
	// A send that goes through makes the channel ok again.
	envWait(t, e.store, e.ws, send("three").ID, switchboard.StatusSent)
	eventuallyR(t, "ok again", func() bool { return state().State == switchboard.ChannelOK })
	eventuallyR(t, "the second channel.status event", func() bool { return len(e.eventsOf(switchboard.EventChannelStatus)) == 2 })
	envWait(t, e.store, e.ws, send("four").ID, switchboard.StatusSent)
	if n := len(e.eventsOf(switchboard.EventChannelStatus)); n != 2 {
		t.Fatalf("%d channel.status events after another success, want 2", n)
	}
}

func TestConnectorDeps(t *testing.T) {
	e := newWindowEnv(t)
	ctx := context.Background()
	deps := e.conn.depsNow()
	if deps.Database == nil || deps.Database.DB == nil || deps.Database.Dialect != "sqlite3" {
		t.Fatalf("Database = %+v", deps.Database)
	}
	if err := deps.Database.DB.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	if deps.Leases == nil || deps.Status == nil {
		t.Fatalf("Leases %v, Status %v", deps.Leases, deps.Status)
	}
	name := "device:" + string(e.ch)
	if ok, err := deps.Leases.TryLease(ctx, name, "i1", time.Minute); !ok || err != nil {
		t.Fatalf("first TryLease = %v, %v", ok, err)
	}
	if ok, err := deps.Leases.TryLease(ctx, name, "i2", time.Minute); ok || err != nil {
		t.Fatalf("TryLease of a held lease = %v, %v", ok, err)
	}
	if err := deps.Leases.ReleaseLease(ctx, name, "i1"); err != nil {
		t.Fatal(err)
	}
	if ok, err := deps.Leases.TryLease(ctx, name, "i2", time.Minute); !ok || err != nil {
		t.Fatalf("TryLease after release = %v, %v", ok, err)
	}

	// A linked device's reports: stored, announced once each.
	qr := switchboard.ChannelStatus{ChannelID: "ignored", State: switchboard.ChannelUnpaired, QR: "2@first"}
	deps.Status.ReportStatus(ctx, qr)
	deps.Status.ReportStatus(ctx, qr)
	qr.QR = "2@second"
	deps.Status.ReportStatus(ctx, qr)
	deps.Status.ReportStatus(ctx, switchboard.ChannelStatus{State: "bogus"})
	eventuallyR(t, "the second QR code", func() bool {
		sts, _ := e.store.ListChannelStatuses(ctx, e.ws)
		return len(sts) == 1 && sts[0].QR == "2@second"
	})
	sts, _ := e.store.ListChannelStatuses(ctx, e.ws)
	if sts[0].ChannelID != e.ch || sts[0].State != switchboard.ChannelUnpaired {
		t.Fatalf("status = %+v", sts[0])
	}
	eventuallyR(t, "the QR events", func() bool {
		evs := e.eventsOf(switchboard.EventChannelStatus)
		return len(evs) > 0 && evs[len(evs)-1].Channel.QR == "2@second"
	})
	for _, ev := range e.eventsOf(switchboard.EventChannelStatus) {
		if ev.Channel.ChannelID != e.ch || ev.Channel.State != switchboard.ChannelUnpaired {
			t.Fatalf("event = %+v", ev.Channel)
		}
	}
	if n := len(e.eventsOf(switchboard.EventChannelStatus)); n > 2 {
		t.Fatalf("%d channel.status events for two distinct reports", n)
	}
}

func TestWatermarkThroughTheHub(t *testing.T) {
	e := newWindowEnv(t)
	ctx := context.Background()
	conv := e.customer(t, "m1", time.Now().UTC().Add(-time.Minute))
	m, err := e.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: conv, Parts: switchboard.TextParts("hi")})
	if err != nil {
		t.Fatal(err)
	}
	envWait(t, e.store, e.ws, m.ID, switchboard.StatusSent)
	updated := func(st switchboard.DeliveryStatus) func() bool {
		return func() bool {
			for _, ev := range e.eventsOf(switchboard.EventMessageUpdated) {
				if ev.Message != nil && ev.Message.ID == m.ID && ev.Message.Status == st && ev.Conversation != nil && ev.Conversation.ID == conv {
					return true
				}
			}
			return false
		}
	}
	// A per-message receipt is announced to the consoles.
	if err := e.rt.Hub.Accept(ctx, []switchboard.Inbound{{Kind: switchboard.InboundStatus, ChannelID: e.ch, ExternalID: switchboard.ExternalID("ext-" + string(m.ID)), Status: switchboard.StatusDelivered}}); err != nil {
		t.Fatal(err)
	}
	eventuallyR(t, "message.updated delivered", updated(switchboard.StatusDelivered))
	mark := switchboard.Inbound{Kind: switchboard.InboundStatus, ChannelID: e.ch, Sender: "u1", Status: switchboard.StatusRead, Watermark: time.Now().UTC().Add(time.Second)}
	res, err := e.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{mark})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Duplicate || len(res[0].Messages) != 1 || res[0].Messages[0].ID != m.ID {
		t.Fatalf("watermark result = %+v", res[0])
	}
	envWait(t, e.store, e.ws, m.ID, switchboard.StatusRead)
	eventuallyR(t, "message.updated read", updated(switchboard.StatusRead))
	if res, err := e.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{mark}); err != nil || !res[0].Duplicate {
		t.Fatalf("repeated watermark = %+v, %v", res, err)
	}
	// Without a watermark a status still needs the provider's id.
	mark.Watermark = time.Time{}
	if err := e.rt.Hub.Accept(ctx, []switchboard.Inbound{mark}); err == nil {
		t.Fatal("a status with neither an id nor a watermark was accepted")
	}
	mark.Watermark, mark.Sender = time.Now(), ""
	if err := e.rt.Hub.Accept(ctx, []switchboard.Inbound{mark}); err == nil {
		t.Fatal("a watermark without a sender was accepted")
	}
}

// envWait waits until a message has status want.
func envWait(t *testing.T, st store.Store, ws switchboard.WorkspaceID, id switchboard.MessageID, want switchboard.DeliveryStatus) switchboard.Message {
	t.Helper()
	var m switchboard.Message
	eventuallyR(t, "message "+string(id)+" "+string(want), func() bool {
		var err error
		m, err = st.GetMessage(context.Background(), ws, id)
		return err == nil && m.Status == want
	})
	return m
}

func TestReactionsNeedTheirMessage(t *testing.T) {
	e := newWindowEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		part switchboard.Part
		ok   bool
	}{
		{"a reaction", switchboard.Part{Kind: switchboard.PartReaction, Text: "👍", Reaction: &switchboard.Reaction{Emoji: "👍", To: "wamid.1"}}, true},
		{"a removed reaction", switchboard.Part{Kind: switchboard.PartReaction, Reaction: &switchboard.Reaction{To: "wamid.1"}}, true},
		{"no payload", switchboard.Part{Kind: switchboard.PartReaction, Text: "👍"}, false},
		{"no target", switchboard.Part{Kind: switchboard.PartReaction, Reaction: &switchboard.Reaction{Emoji: "👍"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.rt.Hub.Accept(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: e.ch,
				ExternalID: switchboard.ExternalID(switchboard.NewID("r")), Sender: "u1", Parts: []switchboard.Part{tc.part}}})
			var verr *router.ValidationError
			if tc.ok && err != nil || !tc.ok && (!errors.As(err, &verr) || verr.Field != "parts[0].reaction") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
