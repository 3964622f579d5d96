package router_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/sqlite"
)

// scripted is a test channel whose sends follow a per-channel script.
type scripted struct {
	mu      sync.Mutex
	results []error // what the i-th send returns; nil past the end
	calls   []time.Time
	sent    []connectors.OutboundMessage
	// delay makes every send take that long; inFlight and maxInFlight
	// count sends running at once.
	delay                 time.Duration
	inFlight, maxInFlight int
}

var (
	scriptsMu sync.Mutex
	scripts   = map[switchboard.ChannelID]*scripted{}
)

func init() {
	connectors.Register(connectors.Registration{Type: "scripted", New: func(_ json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
		scriptsMu.Lock()
		defer scriptsMu.Unlock()
		s, ok := scripts[deps.ChannelID]
		if !ok {
			return nil, errors.New("no script for " + string(deps.ChannelID))
		}
		return s, nil
	}})
}

func (s *scripted) Type() string { return "scripted" }
func (s *scripted) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{Text: true, MaxTextLength: 1000}
}
func (s *scripted) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	delay := s.delay
	s.mu.Unlock()
	time.Sleep(delay)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	i := len(s.calls)
	s.calls = append(s.calls, time.Now())
	if i < len(s.results) && s.results[i] != nil {
		return connectors.SendResult{}, s.results[i]
	}
	s.sent = append(s.sent, msg)
	return connectors.SendResult{ExternalID: switchboard.ExternalID("ext-" + string(msg.MessageID)), Status: switchboard.StatusSent}, nil
}

func (s *scripted) callTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.calls...)
}

type env struct {
	store store.Store
	rt    *router.Router
	ws    switchboard.WorkspaceID
	ch    switchboard.ChannelID
	conv  switchboard.ConversationID
}

// newScriptedStore opens a migrated SQLite store with one scripted
// channel (config as given) in the default workspace.
func newScriptedStore(t *testing.T, script *scripted, config string) (*sqlite.Store, switchboard.WorkspaceID, switchboard.ChannelID) {
	t.Helper()
	return newChannelStore(t, "scripted", config, func(ch switchboard.ChannelID) {
		scriptsMu.Lock()
		scripts[ch] = script
		scriptsMu.Unlock()
	})
}

// newChannelStore opens a migrated SQLite store with one channel of type
// typ (config as given) in the default workspace; register is called with
// its id first, for the type's test registry.
func newChannelStore(t *testing.T, typ, config string, register func(switchboard.ChannelID)) (*sqlite.Store, switchboard.WorkspaceID, switchboard.ChannelID) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ch := switchboard.ChannelID(switchboard.NewID("ch"))
	register(ch)
	now := time.Now().UTC()
	if err := st.PutChannel(ctx, store.Channel{ID: ch, WorkspaceID: ws.ID, Type: typ, Name: "test", Config: json.RawMessage(config), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return st, ws.ID, ch
}

// runRouter runs rt until the test ends and waits until it is running.
func runRouter(t *testing.T, rt *router.Router) {
	t.Helper()
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(runCtx) }()
	t.Cleanup(func() { cancel(); <-done })
	<-rt.Running()
}

// newEnv runs a router over a fresh SQLite store with one scripted channel
// and one conversation from customer "u1".
func newEnv(t *testing.T, script *scripted) *env {
	t.Helper()
	ctx := context.Background()
	st, ws, ch := newScriptedStore(t, script, "{}")
	rt, err := router.New(st, router.Config{
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		OutboundRetries: 2, RetryInitial: time.Millisecond, RetryMax: 5 * time.Millisecond,
		OutboxLease: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	runRouter(t, rt)
	res, err := rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{
		Kind: switchboard.InboundMessage, ChannelID: ch, ExternalID: "m1", Sender: "u1", Parts: switchboard.TextParts("hello"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return &env{store: st, rt: rt, ws: ws, ch: ch, conv: res[0].ConversationID}
}

func (e *env) reply(t *testing.T, text string) switchboard.Message {
	t.Helper()
	m, err := e.rt.Hub.Reply(context.Background(), connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: e.conv, Parts: switchboard.TextParts(text)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (e *env) waitStatus(t *testing.T, id switchboard.MessageID, want switchboard.DeliveryStatus) switchboard.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m, err := e.store.GetMessage(context.Background(), e.ws, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status == want {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("message status = %s (%s), want %s", m.Status, m.FailureReason, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOutboundOutcomes(t *testing.T) {
	tests := []struct {
		name       string
		results    []error
		wantStatus switchboard.DeliveryStatus
		wantCalls  int
		wantReason string
	}{
		{"sent first time", nil, switchboard.StatusSent, 1, ""},
		{"permanent error fails at once", []error{connectors.Permanent("provider answered 400: invalid recipient", nil)}, switchboard.StatusFailed, 1, "invalid recipient"},
		{"retryable errors then success", []error{connectors.Retryable("provider answered 503", 0, nil), connectors.Retryable("timeout", 0, nil)}, switchboard.StatusSent, 3, ""},
		{"retries exhausted", []error{connectors.Retryable("provider answered 500", 0, nil), connectors.Retryable("provider answered 500", 0, nil), connectors.Retryable("provider answered 500", 0, nil)}, switchboard.StatusFailed, 3, "gave up after retries: provider answered 500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			script := &scripted{results: tc.results}
			e := newEnv(t, script)
			m := e.reply(t, "hi there")
			got := e.waitStatus(t, m.ID, tc.wantStatus)
			if n := len(script.callTimes()); n != tc.wantCalls {
				t.Errorf("provider called %d times, want %d", n, tc.wantCalls)
			}
			if tc.wantReason != "" && !contains(got.FailureReason, tc.wantReason) {
				t.Errorf("failure reason %q does not say %q", got.FailureReason, tc.wantReason)
			}
			if tc.wantStatus == switchboard.StatusSent && got.ExternalID != switchboard.ExternalID("ext-"+string(m.ID)) {
				t.Errorf("external id = %q", got.ExternalID)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	script := &scripted{results: []error{connectors.Retryable("provider answered 429", 300*time.Millisecond, nil)}}
	e := newEnv(t, script)
	m := e.reply(t, "hi")
	e.waitStatus(t, m.ID, switchboard.StatusSent)
	calls := script.callTimes()
	if len(calls) != 2 {
		t.Fatalf("calls = %d", len(calls))
	}
	if gap := calls[1].Sub(calls[0]); gap < 300*time.Millisecond {
		t.Fatalf("retried after %v, before the provider's Retry-After of 300ms", gap)
	}
}

func TestFailedMessageCanBeRetried(t *testing.T) {
	script := &scripted{results: []error{connectors.Permanent("provider answered 401: bad token", nil)}}
	e := newEnv(t, script)
	m := e.reply(t, "hi")
	e.waitStatus(t, m.ID, switchboard.StatusFailed)
	if _, err := e.rt.Hub.Retry(context.Background(), e.ws, m.ID); err != nil {
		t.Fatal(err)
	}
	got := e.waitStatus(t, m.ID, switchboard.StatusSent)
	if got.FailureReason != "" {
		t.Fatalf("reason kept after success: %q", got.FailureReason)
	}
}

func TestOptedOutRecipientIsNotSent(t *testing.T) {
	script := &scripted{}
	e := newEnv(t, script)
	if err := e.rt.Hub.Accept(context.Background(), []switchboard.Inbound{{Kind: switchboard.InboundUnfollow, ChannelID: e.ch, ExternalID: "unfollow-1", Sender: "u1"}}); err != nil {
		t.Fatal(err)
	}
	m := e.reply(t, "are you there?")
	got := e.waitStatus(t, m.ID, switchboard.StatusFailed)
	if !contains(got.FailureReason, "opted out") {
		t.Fatalf("reason = %q", got.FailureReason)
	}
	if n := len(script.callTimes()); n != 0 {
		t.Fatalf("provider called %d times for an opted-out customer", n)
	}
}

func TestRepliesKeepTheirOrder(t *testing.T) {
	script := &scripted{}
	e := newEnv(t, script)
	var ids []switchboard.MessageID
	for i := 0; i < 20; i++ {
		ids = append(ids, e.reply(t, "part "+string(rune('a'+i))).ID)
	}
	e.waitStatus(t, ids[len(ids)-1], switchboard.StatusSent)
	script.mu.Lock()
	defer script.mu.Unlock()
	if len(script.sent) != len(ids) {
		t.Fatalf("sent %d of %d", len(script.sent), len(ids))
	}
	for i, m := range script.sent {
		if m.MessageID != ids[i] {
			t.Fatalf("send %d was %s, want %s", i, m.MessageID, ids[i])
		}
	}
}

// TestRepliesOfConversationsGoOutSideBySide: replies in different
// conversations are sent at once (each conversation's still in order, see
// above), so one slow conversation or provider does not queue the others.
func TestRepliesOfConversationsGoOutSideBySide(t *testing.T) {
	script := &scripted{delay: 100 * time.Millisecond}
	e := newEnv(t, script)
	ctx := context.Background()
	convs := []switchboard.ConversationID{e.conv}
	for i := range 8 { // nine conversations: at least two of them in different lanes
		res, err := e.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: e.ch,
			ExternalID: switchboard.ExternalID(fmt.Sprintf("m-%d", i)), Sender: switchboard.ExternalID(fmt.Sprintf("u-%d", i)), Parts: switchboard.TextParts("hello")}})
		if err != nil {
			t.Fatal(err)
		}
		convs = append(convs, res[0].ConversationID)
	}
	var ids []switchboard.MessageID
	for _, c := range convs {
		m, err := e.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: c, Parts: switchboard.TextParts("hi")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	for _, id := range ids {
		e.waitStatus(t, id, switchboard.StatusSent)
	}
	script.mu.Lock()
	defer script.mu.Unlock()
	if script.maxInFlight < 2 {
		t.Fatalf("at most %d send at a time for %d conversations", script.maxInFlight, len(convs))
	}
}

func TestAcceptRejectsBadEvents(t *testing.T) {
	e := newEnv(t, &scripted{})
	tests := []struct {
		name  string
		ev    switchboard.Inbound
		field string
	}{
		{"unknown channel", switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: "nope", ExternalID: "x", Sender: "u", Parts: switchboard.TextParts("hi")}, "channel"},
		{"no external id", switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: e.ch, Sender: "u", Parts: switchboard.TextParts("hi")}, "external_id"},
		{"no sender", switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: e.ch, ExternalID: "x", Parts: switchboard.TextParts("hi")}, "sender"},
		{"no parts", switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: e.ch, ExternalID: "x", Sender: "u"}, "parts"},
		{"unknown kind", switchboard.Inbound{Kind: "poke", ChannelID: e.ch, ExternalID: "x", Sender: "u"}, "kind"},
		{"over the limit", switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: e.ch, ExternalID: "x", Sender: "u", Parts: switchboard.TextParts(string(make([]byte, 1001)))}, "text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := e.rt.Hub.Accept(context.Background(), []switchboard.Inbound{tc.ev})
			var verr *router.ValidationError
			if !errors.As(err, &verr) || verr.Field != tc.field {
				t.Fatalf("err = %v, want a validation error on %s", err, tc.field)
			}
		})
	}
	page, err := e.store.ListMessages(context.Background(), e.ws, e.conv, store.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	for _, m := range page.Items {
		if m.Direction != switchboard.DirectionActivity {
			stored++
		}
	}
	if stored != 1 {
		t.Fatalf("bad events stored messages: %d", stored)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestInboundNoticeRepublishedAfterCrashIsRouted: an inbound notice left in
// the outbox by a hub that died before routing it carries only ids (the
// embedded bus hands the full notice to the handler in memory). The next
// start publishes it; the handler reads the message and conversation back,
// puts the conversation in the default department and announces the
// message.
func TestInboundNoticeRepublishedAfterCrashIsRouted(t *testing.T) {
	ctx := context.Background()
	st, ws, ch := newScriptedStore(t, &scripted{}, "{}")
	now := time.Now().UTC()
	// What the dead hub committed: the message, its conversation without a
	// department, and the id-only notice.
	msgID := switchboard.MessageID(switchboard.NewID("msg"))
	convID := switchboard.ConversationID(switchboard.NewID("cv"))
	notice, _ := json.Marshal(router.InboundNotice{WorkspaceID: ws, Kind: switchboard.InboundMessage, ChannelID: ch,
		MessageID: msgID, ConversationID: convID, ExternalID: "m1", ContactExternal: "u1"})
	if _, err := st.Accept(ctx, []store.AcceptItem{{
		WorkspaceID: ws, ChannelType: "scripted", MessageID: msgID, ConversationID: convID,
		ContactID: switchboard.ContactID(switchboard.NewID("ct")),
		Inbound:   switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: ch, ExternalID: "m1", Sender: "u1", Parts: switchboard.TextParts("left behind"), At: now},
		Outbox:    []store.OutboxEntry{{Topic: router.TopicInbound, Key: string(ch) + ":m1", Payload: notice}},
	}}); err != nil {
		t.Fatal(err)
	}

	rt, err := router.New(st, router.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), OutboxLease: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	heard := make(chan switchboard.Event, 8)
	rt.Listen(func(ev switchboard.Event) {
		if ev.Type == switchboard.EventMessageCreated {
			heard <- ev
		}
	})
	runRouter(t, rt)

	select {
	case ev := <-heard:
		if ev.Message == nil || ev.Message.ID != msgID || switchboard.PartsText(ev.Message.Parts) != "left behind" {
			t.Fatalf("announced %+v, want message %s with its text", ev.Message, msgID)
		}
		if ev.DepartmentID == "" || ev.Conversation == nil || ev.Conversation.DepartmentID != ev.DepartmentID {
			t.Fatalf("announced without a department: %+v", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the notice left in the outbox was not routed within 10s")
	}
	conv, err := st.GetConversation(ctx, ws, convID)
	if err != nil {
		t.Fatal(err)
	}
	if conv.DepartmentID == "" {
		t.Fatal("the conversation has no department after routing")
	}
}
