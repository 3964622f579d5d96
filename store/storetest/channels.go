package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Issue 16: channel health, leases, provider templates, the reply
// window's customer_last_at, echoes and delivery watermarks.
var channelHealthTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"ChannelStatus", testChannelStatus},
	{"Leases", testLeases},
	{"ProviderTemplates", testProviderTemplates},
	{"CustomerLastAt", testCustomerLastAt},
	{"AcceptEcho", testAcceptEcho},
	{"AcceptEchoNewCustomer", testAcceptEchoNewCustomer},
	{"AcceptWatermark", testAcceptWatermark},
	{"AcceptStatusOutOfOrder", testAcceptStatusOutOfOrder},
	{"SQLDatabase", testSQLDatabase},
	{"LatestInbound", testLatestInbound},
	{"DeferOutbox", testDeferOutbox},
}

// testDeferOutbox: a deferred row is pending at once but no relay claims
// it before its time; then it is claimed like any other.
func testDeferOutbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	setup(t, s)
	claimAll(t, s, time.Hour)
	before := pending(t, s)
	must(t, s.DeferOutbox(ctx, []store.OutboxEntry{{Topic: "outbound", Key: "msg_1:handback", Payload: []byte(`{"message_id":"msg_1"}`)}},
		time.Now().Add(300*time.Millisecond)), "DeferOutbox")
	if got := pending(t, s) - before; got != 1 {
		t.Fatalf("pending grew by %d, want 1", got)
	}
	rows, err := s.ClaimOutbox(ctx, 10, time.Minute)
	must(t, err, "ClaimOutbox")
	if len(rows) != 0 {
		t.Fatalf("claimed before its time: %+v", rows)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		rows, err = s.ClaimOutbox(ctx, 10, time.Minute)
		must(t, err, "ClaimOutbox")
		if len(rows) == 1 && rows[0].Key == "msg_1:handback" && rows[0].Topic == "outbound" && string(rows[0].Payload) == `{"message_id":"msg_1"}` {
			return
		}
		if len(rows) > 0 || time.Now().After(deadline) {
			t.Fatalf("claimed %+v", rows)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testLatestInbound: the customer's newest message, not a later reply or
// echo; ErrNotFound for another workspace.
func testLatestInbound(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	other := newWorkspace(t, s, "Other")
	r := accept(t, s, f.msg("wamid.1", "U1", "first", t0))[0]
	accept(t, s, f.msg("wamid.2", "U1", "second", t0.Add(time.Minute)))
	c := getConv(t, s, f.ws, r.ConversationID)
	sentOut(t, s, c, "wamid.out", t0.Add(2*time.Minute))
	accept(t, s, f.echo("wamid.echo", "U1", "from the phone", "phone", t0.Add(3*time.Minute)))
	m, err := s.LatestInbound(ctx, f.ws, r.ConversationID)
	must(t, err, "LatestInbound")
	if m.ExternalID != "wamid.2" || m.Direction != switchboard.DirectionIn {
		t.Fatalf("LatestInbound = %+v, want the customer's second message", m)
	}
	if _, err := s.LatestInbound(ctx, other, r.ConversationID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another workspace: %v", err)
	}
}

func testChannelStatus(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	other := newWorkspace(t, s, "Other")
	list := func(ws switchboard.WorkspaceID) []switchboard.ChannelStatus {
		t.Helper()
		out, err := s.ListChannelStatuses(ctx, ws)
		must(t, err, "ListChannelStatuses")
		return out
	}
	if got := list(f.ws); len(got) != 0 {
		t.Fatalf("statuses before any = %+v", got)
	}
	entry := []store.OutboxEntry{{Topic: "events", Key: "st1", Payload: []byte("x")}}
	put := func(st switchboard.ChannelStatus, want bool) {
		t.Helper()
		before := pending(t, s)
		changed, err := s.PutChannelStatus(ctx, f.ws, st, entry)
		must(t, err, "PutChannelStatus")
		if changed != want {
			t.Fatalf("PutChannelStatus(%+v) changed = %v, want %v", st, changed, want)
		}
		rows := 0
		if want {
			rows = 1
		}
		if got := pending(t, s) - before; got != rows {
			t.Fatalf("PutChannelStatus wrote %d outbox rows, want %d", got, rows)
		}
	}
	unpaired := switchboard.ChannelStatus{ChannelID: f.ch, State: switchboard.ChannelUnpaired, QR: "2@abc", Since: t0}
	put(unpaired, true)
	put(unpaired, false) // a repeat
	// A new QR code in the same state changes the status but not Since.
	next := unpaired
	next.QR, next.Since = "2@def", t0.Add(time.Minute)
	put(next, true)
	got := list(f.ws)
	if len(got) != 1 || got[0].ChannelID != f.ch || got[0].State != switchboard.ChannelUnpaired || got[0].QR != "2@def" ||
		!got[0].Since.Equal(t0) || !isUTC(got[0].Since) {
		t.Fatalf("statuses = %+v", got)
	}
	until := t0.Add(24 * time.Hour)
	ban := switchboard.ChannelStatus{ChannelID: f.ch, State: switchboard.ChannelTemporaryBan, Reason: "banned", Until: &until, Since: t0.Add(time.Hour)}
	put(ban, true)
	got = list(f.ws)
	if len(got) != 1 || got[0].State != switchboard.ChannelTemporaryBan || got[0].QR != "" || got[0].Reason != "banned" ||
		got[0].Until == nil || !got[0].Until.Equal(until) || !got[0].Since.Equal(t0.Add(time.Hour)) {
		t.Fatalf("statuses after ban = %+v", got)
	}
	// Another workspace neither sees nor changes it.
	if got := list(other); len(got) != 0 {
		t.Fatalf("other workspace sees %+v", got)
	}
	_, err := s.PutChannelStatus(ctx, other, switchboard.ChannelStatus{ChannelID: f.ch, State: switchboard.ChannelOK}, entry)
	wantErr(t, err, store.ErrNotFound, "PutChannelStatus from another workspace")
	_, err = s.PutChannelStatus(ctx, f.ws, switchboard.ChannelStatus{ChannelID: "ch_nope", State: switchboard.ChannelOK}, nil)
	wantErr(t, err, store.ErrNotFound, "PutChannelStatus of an unknown channel")
	if _, err := s.PutChannelStatus(ctx, f.ws, switchboard.ChannelStatus{ChannelID: f.ch, State: "weird"}, nil); err == nil {
		t.Fatal("PutChannelStatus accepted an unknown state")
	}
	must(t, s.DeleteChannel(ctx, f.ws, f.ch), "DeleteChannel")
	if got := list(f.ws); len(got) != 0 {
		t.Fatalf("statuses after the channel was deleted = %+v", got)
	}
}

func testLeases(t *testing.T, s store.Store) {
	ctx := context.Background()
	try := func(name, holder string, until, now time.Time, want bool) {
		t.Helper()
		got, err := s.TryLease(ctx, name, holder, until, now)
		must(t, err, "TryLease")
		if got != want {
			t.Fatalf("TryLease(%s, %s, now %s) = %v, want %v", name, holder, now, got, want)
		}
	}
	name := "wa:" + switchboard.NewID("ch")
	try(name, "a", t0.Add(time.Minute), t0, true)
	try(name, "b", t0.Add(2*time.Minute), t0.Add(30*time.Second), false) // a holds it
	try(name, "a", t0.Add(2*time.Minute), t0.Add(30*time.Second), true)  // renewal
	try(name, "b", t0.Add(3*time.Minute), t0.Add(90*time.Second), false) // renewed: still a's
	try("other:"+name, "b", t0.Add(time.Minute), t0, true)               // names are independent
	try(name, "b", t0.Add(5*time.Minute), t0.Add(2*time.Minute), true)   // a's ended
	try(name, "a", t0.Add(5*time.Minute), t0.Add(3*time.Minute), false)
	must(t, s.ReleaseLease(ctx, name, "a"), "ReleaseLease by a non-holder")
	try(name, "a", t0.Add(5*time.Minute), t0.Add(3*time.Minute), false)
	must(t, s.ReleaseLease(ctx, name, "b"), "ReleaseLease")
	try(name, "a", t0.Add(5*time.Minute), t0.Add(3*time.Minute), true)
	if _, err := s.TryLease(ctx, "", "a", t0, t0); err == nil {
		t.Fatal("TryLease accepted an empty name")
	}
}

func testProviderTemplates(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	other := newWorkspace(t, s, "Other")
	got, at, err := s.ListProviderTemplates(ctx, f.ws, f.ch)
	must(t, err, "ListProviderTemplates")
	if len(got) != 0 || !at.IsZero() {
		t.Fatalf("before a sync: %+v at %v", got, at)
	}
	tpls := []switchboard.ProviderTemplate{
		{Name: "order_update", Language: "ja", Status: "APPROVED", Category: "UTILITY", Body: "ご注文 {{1}} は発送されました", Params: []string{"1"}},
		{Name: "promo", Language: "en_US", Status: "PENDING", Header: "Hi", Body: "Sale {{name}}", Footer: "bye", Params: []string{"name"}, Buttons: []string{"Shop"}},
	}
	must(t, s.PutProviderTemplates(ctx, f.ws, f.ch, tpls, t0), "PutProviderTemplates")
	got, at, err = s.ListProviderTemplates(ctx, f.ws, f.ch)
	must(t, err, "ListProviderTemplates")
	if len(got) != 2 || !at.Equal(t0) || !isUTC(at) || got[0].ChannelID != f.ch || got[0].Name != "order_update" ||
		got[0].Body != tpls[0].Body || got[1].Status != "PENDING" || len(got[1].Buttons) != 1 || got[1].Params[0] != "name" {
		t.Fatalf("templates = %+v at %v", got, at)
	}
	// A sync replaces the list.
	must(t, s.PutProviderTemplates(ctx, f.ws, f.ch, tpls[1:], t0.Add(time.Hour)), "PutProviderTemplates again")
	got, at, _ = s.ListProviderTemplates(ctx, f.ws, f.ch)
	if len(got) != 1 || got[0].Name != "promo" || !at.Equal(t0.Add(time.Hour)) {
		t.Fatalf("templates after resync = %+v at %v", got, at)
	}
	// Another workspace neither reads nor writes them.
	got, _, err = s.ListProviderTemplates(ctx, other, f.ch)
	must(t, err, "ListProviderTemplates from another workspace")
	if len(got) != 0 {
		t.Fatalf("another workspace reads %+v", got)
	}
	wantErr(t, s.PutProviderTemplates(ctx, other, f.ch, tpls, t0), store.ErrNotFound, "PutProviderTemplates from another workspace")
	got, _, _ = s.ListProviderTemplates(ctx, f.ws, f.ch)
	if len(got) != 1 {
		t.Fatalf("templates after another workspace's put = %+v", got)
	}
}

func testCustomerLastAt(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	r := accept(t, s, f.msg("m1", "U1", "hi", t0))[0]
	if r.Conversation == nil || r.Conversation.CustomerLastAt == nil || !r.Conversation.CustomerLastAt.Equal(t0) {
		t.Fatalf("new conversation snapshot = %+v", r.Conversation)
	}
	check := func(want time.Time, what string) {
		t.Helper()
		c := getConv(t, s, f.ws, r.ConversationID)
		if c.CustomerLastAt == nil || !c.CustomerLastAt.Equal(want) || !isUTC(*c.CustomerLastAt) {
			t.Fatalf("%s: customer_last_at = %v, want %v", what, c.CustomerLastAt, want)
		}
		dt, err := s.DeliveryTarget(ctx, r.ConversationID)
		must(t, err, "DeliveryTarget")
		if dt.CustomerLastAt == nil || !dt.CustomerLastAt.Equal(want) {
			t.Fatalf("%s: delivery target customer_last_at = %v, want %v", what, dt.CustomerLastAt, want)
		}
	}
	check(t0, "first message")
	r2 := accept(t, s, f.msg("m2", "U1", "again", t0.Add(time.Hour)))[0]
	if r2.Conversation == nil || r2.Conversation.CustomerLastAt == nil || !r2.Conversation.CustomerLastAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("snapshot = %+v", r2.Conversation)
	}
	check(t0.Add(time.Hour), "later message")
	accept(t, s, f.msg("m0", "U1", "late", t0.Add(time.Minute))) // an older one arriving late
	check(t0.Add(time.Hour), "late older message")
	out := newOutgoing(getConv(t, s, f.ws, r.ConversationID), "reply", t0.Add(2*time.Hour))
	must(t, s.CreateMessage(ctx, out, nil), "CreateMessage")
	check(t0.Add(time.Hour), "operator reply")
	page, err := s.ListConversations(ctx, f.ws, store.ConversationQuery{})
	must(t, err, "ListConversations")
	if len(page.Items) != 1 || page.Items[0].CustomerLastAt == nil || !page.Items[0].CustomerLastAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("list = %+v", page.Items)
	}
}

// echo builds an echo item to sender on the fixture's channel.
func (f *fx) echo(ext, sender, text, via string, at time.Time) store.AcceptItem {
	it := f.msg(ext, sender, text, at)
	it.Inbound.Kind, it.Inbound.Via = switchboard.InboundEcho, via
	return it
}

func testAcceptEcho(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	r := accept(t, s, f.msg("m1", "U1", "hi", t0))[0]
	must(t, s.MarkConversationRead(ctx, f.ws, r.ConversationID), "MarkConversationRead")
	must(t, s.SetConversationStatus(ctx, f.ws, r.ConversationID, switchboard.ConversationResolved), "resolve")
	before := pending(t, s)
	it := f.echo("mid.e1", "U1", "answered from the page inbox", "page_inbox", t0.Add(time.Hour))
	called := 0
	it.OutboxFor = func(res store.AcceptResult) []store.OutboxEntry {
		called++
		return []store.OutboxEntry{{Topic: "events", Key: "echo", Payload: []byte("e")}}
	}
	e := accept(t, s, it)[0]
	if e.Duplicate || e.ConversationID != r.ConversationID || e.ContactID != r.ContactID || e.MessageID != it.MessageID ||
		e.NewConversation || e.NewContact || called != 1 {
		t.Fatalf("echo result = %+v (OutboxFor called %d times)", e, called)
	}
	if e.Conversation == nil || e.Conversation.Status != switchboard.ConversationResolved || e.Conversation.UnreadCount != 0 ||
		e.Conversation.LastMessage != "answered from the page inbox" {
		t.Fatalf("echo snapshot = %+v", e.Conversation)
	}
	if got := pending(t, s) - before; got != 2 {
		t.Fatalf("echo wrote %d outbox rows, want 2", got)
	}
	m, err := s.GetMessage(ctx, f.ws, it.MessageID)
	must(t, err, "GetMessage")
	if m.Direction != switchboard.DirectionOut || m.Status != switchboard.StatusSent || m.Via != "page_inbox" ||
		m.ExternalID != "mid.e1" || !m.CreatedAt.Equal(t0.Add(time.Hour)) || m.Text() != "answered from the page inbox" {
		t.Fatalf("echo message = %+v", m)
	}
	c := getConv(t, s, f.ws, r.ConversationID)
	if c.Status != switchboard.ConversationResolved || c.UnreadCount != 0 || c.Unread ||
		c.CustomerLastAt == nil || !c.CustomerLastAt.Equal(t0) ||
		c.LastMessage != "answered from the page inbox" || !c.LastActivityAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("conversation after echo = %+v", c)
	}
	// A redelivery is a duplicate and writes nothing.
	before = pending(t, s)
	again := f.echo("mid.e1", "U1", "answered from the page inbox", "page_inbox", t0.Add(time.Hour))
	d := accept(t, s, again)[0]
	if !d.Duplicate || d.MessageID != it.MessageID {
		t.Fatalf("redelivered echo = %+v", d)
	}
	if got := pending(t, s) - before; got != 0 {
		t.Fatalf("redelivered echo wrote %d outbox rows", got)
	}
	// The echo of a message the hub sent itself is a duplicate too.
	out := newOutgoing(c, "from the hub", t0.Add(2*time.Hour))
	must(t, s.CreateMessage(ctx, out, nil), "CreateMessage")
	_, _, err = s.UpdateMessageStatus(ctx, out.ID, store.StatusUpdate{Status: switchboard.StatusSent, ExternalID: "mid.hub"}, nil)
	must(t, err, "UpdateMessageStatus")
	d = accept(t, s, f.echo("mid.hub", "U1", "from the hub", "app:1", t0.Add(2*time.Hour)))[0]
	if !d.Duplicate || d.MessageID != out.ID {
		t.Fatalf("echo of the hub's own message = %+v", d)
	}
	if msgs := allMessages(t, s, f.ws, r.ConversationID); len(msgs) != 3 {
		t.Fatalf("conversation has %d messages, want 3", len(msgs))
	}
	// An echo and a customer message with the same provider id are two messages.
	if x := accept(t, s, f.msg("mid.e1", "U1", "same id, other direction", t0.Add(3*time.Hour)))[0]; x.Duplicate {
		t.Fatalf("customer message with an echo's id = %+v", x)
	}
}

func testAcceptEchoNewCustomer(t *testing.T, s store.Store) {
	f := setup(t, s)
	it := f.echo("mid.first", "U9", "Hello, we saw your order", "phone", t0)
	r := accept(t, s, it)[0]
	if r.Duplicate || !r.NewContact || !r.NewConversation || r.ConversationID != it.ConversationID {
		t.Fatalf("echo to a new customer = %+v", r)
	}
	if r.Conversation == nil || r.Conversation.UnreadCount != 0 || r.Conversation.Unread || r.Conversation.CustomerLastAt != nil {
		t.Fatalf("snapshot = %+v", r.Conversation)
	}
	c := getConv(t, s, f.ws, r.ConversationID)
	if c.UnreadCount != 0 || c.Unread || c.CustomerLastAt != nil || c.LastMessage != "Hello, we saw your order" {
		t.Fatalf("conversation = %+v", c)
	}
	// The customer's answer lands in the same conversation and opens the window.
	a := accept(t, s, f.msg("m1", "U9", "thanks", t0.Add(time.Minute)))[0]
	if a.ConversationID != r.ConversationID || a.NewConversation || a.NewContact {
		t.Fatalf("answer = %+v", a)
	}
	c = getConv(t, s, f.ws, r.ConversationID)
	if c.UnreadCount != 1 || c.CustomerLastAt == nil || !c.CustomerLastAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("conversation after the answer = %+v", c)
	}
}

// sentOut stores an outgoing message created at at and marks it sent with
// the provider id ext.
func sentOut(t *testing.T, s store.Store, c switchboard.Conversation, ext string, at time.Time) switchboard.Message {
	t.Helper()
	out := newOutgoing(c, "out "+ext, at)
	must(t, s.CreateMessage(context.Background(), out, nil), "CreateMessage")
	m, _, err := s.UpdateMessageStatus(context.Background(), out.ID, store.StatusUpdate{Status: switchboard.StatusSent, ExternalID: switchboard.ExternalID(ext)}, nil)
	must(t, err, "UpdateMessageStatus")
	return m
}

func testAcceptWatermark(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	r := accept(t, s, f.msg("m1", "U1", "hi", t0))[0]
	c := getConv(t, s, f.ws, r.ConversationID)
	m1 := sentOut(t, s, c, "o1", t0.Add(1*time.Minute))
	m2 := sentOut(t, s, c, "o2", t0.Add(2*time.Minute))
	m3 := sentOut(t, s, c, "o3", t0.Add(3*time.Minute))
	failed := newOutgoing(c, "never went", t0.Add(90*time.Second))
	must(t, s.CreateMessage(ctx, failed, nil), "CreateMessage")
	_, _, err := s.UpdateMessageStatus(ctx, failed.ID, store.StatusUpdate{Status: switchboard.StatusFailed, Reason: "x"}, nil)
	must(t, err, "fail")
	pend := newOutgoing(c, "pending", t0.Add(100*time.Second))
	must(t, s.CreateMessage(ctx, pend, nil), "CreateMessage pending")
	// Another customer's message on the channel is not theirs to raise.
	r2 := accept(t, s, f.msg("m9", "U2", "hello", t0))[0]
	theirs := sentOut(t, s, getConv(t, s, f.ws, r2.ConversationID), "o9", t0.Add(time.Minute))

	mark := func(st switchboard.DeliveryStatus, at time.Time) store.AcceptItem {
		it := f.event(switchboard.InboundStatus, "", "U1")
		it.Inbound.Status, it.Inbound.Watermark = st, at
		return it
	}
	status := func(id switchboard.MessageID) switchboard.DeliveryStatus {
		t.Helper()
		m, err := s.GetMessage(ctx, f.ws, id)
		must(t, err, "GetMessage")
		return m.Status
	}
	for i, tc := range []struct {
		name    string
		st      switchboard.DeliveryStatus
		at      time.Time
		changed []switchboard.MessageID
		want    map[switchboard.MessageID]switchboard.DeliveryStatus
	}{
		{"delivered up to m2", switchboard.StatusDelivered, t0.Add(2 * time.Minute), []switchboard.MessageID{m1.ID, m2.ID},
			map[switchboard.MessageID]switchboard.DeliveryStatus{m1.ID: switchboard.StatusDelivered, m2.ID: switchboard.StatusDelivered, m3.ID: switchboard.StatusSent}},
		{"same watermark again", switchboard.StatusDelivered, t0.Add(2 * time.Minute), nil, nil},
		{"an older watermark", switchboard.StatusDelivered, t0.Add(time.Minute), nil, nil},
		{"read up to m1", switchboard.StatusRead, t0.Add(time.Minute), []switchboard.MessageID{m1.ID},
			map[switchboard.MessageID]switchboard.DeliveryStatus{m1.ID: switchboard.StatusRead, m2.ID: switchboard.StatusDelivered}},
		{"read up to m3, skipping delivered", switchboard.StatusRead, t0.Add(3 * time.Minute), []switchboard.MessageID{m2.ID, m3.ID},
			map[switchboard.MessageID]switchboard.DeliveryStatus{m2.ID: switchboard.StatusRead, m3.ID: switchboard.StatusRead}},
		{"delivered after read", switchboard.StatusDelivered, t0.Add(time.Hour), nil,
			map[switchboard.MessageID]switchboard.DeliveryStatus{m3.ID: switchboard.StatusRead}},
		{"a sent watermark", switchboard.StatusSent, t0.Add(2 * time.Hour), nil, nil},
	} {
		before := pending(t, s)
		it := mark(tc.st, tc.at)
		called := 0
		it.OutboxFor = func(res store.AcceptResult) []store.OutboxEntry {
			called++
			return []store.OutboxEntry{{Topic: "events", Key: "wm", Payload: []byte("w")}}
		}
		res := accept(t, s, it)[0]
		if res.Duplicate != (len(tc.changed) == 0) {
			t.Fatalf("%d %s: duplicate = %v", i, tc.name, res.Duplicate)
		}
		var ids []switchboard.MessageID
		for _, m := range res.Messages {
			if m.Status != tc.st {
				t.Fatalf("%d %s: listed message %s has status %s", i, tc.name, m.ID, m.Status)
			}
			ids = append(ids, m.ID)
		}
		if len(ids) != len(tc.changed) {
			t.Fatalf("%d %s: changed %v, want %v", i, tc.name, ids, tc.changed)
		}
		for j := range ids {
			if ids[j] != tc.changed[j] {
				t.Fatalf("%d %s: changed %v, want %v", i, tc.name, ids, tc.changed)
			}
		}
		rows, calls := 0, 0
		if len(tc.changed) > 0 {
			rows, calls = 2, 1
			if res.ConversationID != c.ID || res.ContactID != r.ContactID {
				t.Fatalf("%d %s: result = %+v", i, tc.name, res)
			}
		}
		if got := pending(t, s) - before; got != rows || called != calls {
			t.Fatalf("%d %s: %d outbox rows and %d OutboxFor calls, want %d and %d", i, tc.name, got, called, rows, calls)
		}
		for id, want := range tc.want {
			if got := status(id); got != want {
				t.Fatalf("%d %s: message %s is %s, want %s", i, tc.name, id, got, want)
			}
		}
	}
	if got := status(failed.ID); got != switchboard.StatusFailed {
		t.Fatalf("failed message raised to %s", got)
	}
	if got := status(pend.ID); got != switchboard.StatusPending {
		t.Fatalf("pending message raised to %s", got)
	}
	if got := status(theirs.ID); got != switchboard.StatusSent {
		t.Fatalf("another customer's message raised to %s", got)
	}
	// A watermark of a sender the channel does not know changes nothing.
	if res := accept(t, s, func() store.AcceptItem {
		it := mark(switchboard.StatusRead, t0.Add(time.Hour))
		it.Inbound.Sender = "U-nobody"
		return it
	}())[0]; !res.Duplicate {
		t.Fatalf("watermark of an unknown sender = %+v", res)
	}
}

func testAcceptStatusOutOfOrder(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	r := accept(t, s, f.msg("m1", "U1", "hi", t0))[0]
	out := sentOut(t, s, getConv(t, s, f.ws, r.ConversationID), "wamid.1", t0.Add(time.Minute))
	receipt := func(st switchboard.DeliveryStatus) store.AcceptResult {
		it := f.event(switchboard.InboundStatus, "wamid.1", "U1")
		it.Inbound.Status = st
		return accept(t, s, it)[0]
	}
	// read arrives first (delivered skipped), then the late delivered and sent.
	if res := receipt(switchboard.StatusRead); res.Duplicate {
		t.Fatalf("read before delivered = %+v", res)
	}
	for _, st := range []switchboard.DeliveryStatus{switchboard.StatusDelivered, switchboard.StatusSent, switchboard.StatusRead} {
		before := pending(t, s)
		if res := receipt(st); !res.Duplicate {
			t.Fatalf("late %s after read = %+v", st, res)
		}
		if got := pending(t, s) - before; got != 0 {
			t.Fatalf("late %s wrote %d outbox rows", st, got)
		}
	}
	m, err := s.GetMessage(ctx, f.ws, out.ID)
	must(t, err, "GetMessage")
	if m.Status != switchboard.StatusRead {
		t.Fatalf("status = %s, want read", m.Status)
	}
}

func testSQLDatabase(t *testing.T, s store.Store) {
	sd, ok := s.(store.SQLDatabase)
	if !ok {
		t.Fatalf("%T does not implement store.SQLDatabase", s)
	}
	db, dialect := sd.SQLDatabase()
	if db == nil || (dialect != "sqlite3" && dialect != "postgres") {
		t.Fatalf("SQLDatabase = %v, %q", db, dialect)
	}
	ctx := context.Background()
	must(t, db.PingContext(ctx), "Ping")
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS storetest_ext (k TEXT PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatalf("create a connector's table: %v", err)
	}
	q := `INSERT INTO storetest_ext (k, v) VALUES (?, ?)`
	if dialect == "postgres" {
		q = `INSERT INTO storetest_ext (k, v) VALUES ($1, $2)`
	}
	if _, err := db.ExecContext(ctx, q, "a", "b"); err != nil {
		t.Fatalf("insert: %v", err)
	}
	var v string
	if err := db.QueryRowContext(ctx, `SELECT v FROM storetest_ext WHERE k = 'a'`).Scan(&v); err != nil || v != "b" {
		t.Fatalf("read back %q, %v", v, err)
	}
	// The store still works alongside.
	f := setup(t, s)
	accept(t, s, f.msg("m1", "U1", "hi", t0))
	db2, _ := sd.SQLDatabase()
	if db2 != db {
		t.Fatal("SQLDatabase made a second pool")
	}
}
