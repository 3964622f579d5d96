// Package storetest is the contract suite of store.Store: every engine runs
// Run against itself. PostgresURL gives tests of any package a fresh
// PostgreSQL database (or a visible skip).
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// t0 is the base time of the suite's events.
var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// Run runs the contract suite. open must return a fresh, empty store for
// each call (Run migrates it) and close it when the test ends. Options
// give the suite more access to the engine (WithCells).
func Run(t *testing.T, open func(t *testing.T) store.Store, opts ...Option) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Migrate", testMigrate},
		{"Workspaces", testWorkspaces},
		{"DefaultWorkspaceConcurrent", testDefaultWorkspaceConcurrent},
		{"Departments", testDepartments},
		{"Channels", testChannels},
		{"AcceptNewMessage", testAcceptNewMessage},
		{"AcceptReusesConversation", testAcceptReusesConversation},
		{"AcceptDuplicate", testAcceptDuplicate},
		{"AcceptBatch", testAcceptBatch},
		{"AcceptReopens", testAcceptReopens},
		{"AcceptFollowUnfollow", testAcceptFollowUnfollow},
		{"AcceptStatusReceipts", testAcceptStatusReceipts},
		{"AcceptConcurrent", testAcceptConcurrent},
		{"AcceptSnapshot", testAcceptSnapshot},
		{"AcceptClaim", testAcceptClaim},
		{"PruneOutbox", testPruneOutbox},
		{"ReplyToken", testReplyToken},
		{"Conversations", testConversations},
		{"ConversationPaging", testConversationPaging},
		{"ConversationFilters", testConversationFilters},
		{"MessagePaging", testMessagePaging},
		{"CreateMessage", testCreateMessage},
		{"UpdateMessageStatus", testUpdateMessageStatus},
		{"SearchMessages", testSearchMessages},
		{"Outbox", testOutbox},
		{"OutboxLeaseExpiry", testOutboxLeaseExpiry},
		{"OutboxConcurrentClaim", testOutboxConcurrentClaim},
		{"Operators", testOperators},
		{"Tokens", testTokens},
		{"Sessions", testSessions},
		{"Media", testMedia},
		{"ThreadLinks", testThreadLinks},
		{"OperatorAccounts", testOperatorAccounts},
		{"FirstSeen", testFirstSeen},
		{"PruneDedup", testPruneDedup},
		{"TakeSendSlot", testTakeSendSlot},
		{"WorkspaceIsolation", testWorkspaceIsolation},
		{"TimesUTC", testTimesUTC},
		{"UpdateConversation", testUpdateConversation}, {"ConversationInboxFilters", testConversationInboxFilters}, {"ConversationContactSearch", testConversationContactSearch}, {"RetractDeleteMessage", testRetractDeleteMessage}, {"Presence", testPresence},
	}
	tests = append(tests, adminTests...)
	tests = append(tests, customerTests(cfg)...)
	tests = append(tests, routingTests...)
	tests = append(tests, notifyTests...)
	tests = append(tests, articleTests...)
	tests = append(tests, portalTests...)
	tests = append(tests, ticketTests...)
	tests = append(tests, csatTests...)
	tests = append(tests, channelHealthTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			tc.fn(t, s)
		})
	}
}

// --- helpers ---------------------------------------------------------------

// fx is a workspace with one channel, the usual starting point.
type fx struct {
	s  store.Store
	ws switchboard.WorkspaceID
	ch switchboard.ChannelID
}

func must(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantErr(t testing.TB, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err = %v, want %v", what, err, want)
	}
}

func newWorkspace(t testing.TB, s store.Store, name string) switchboard.WorkspaceID {
	t.Helper()
	ws := switchboard.Workspace{ID: switchboard.WorkspaceID(switchboard.NewID("ws")), Name: name, CreatedAt: t0}
	must(t, s.CreateWorkspace(context.Background(), ws), "CreateWorkspace")
	return ws.ID
}

func newChannel(t testing.TB, s store.Store, ws switchboard.WorkspaceID, typ string) switchboard.ChannelID {
	t.Helper()
	id := switchboard.ChannelID(switchboard.NewID("ch"))
	must(t, s.PutChannel(context.Background(), store.Channel{ID: id, WorkspaceID: ws, Type: typ, Name: typ,
		Config: []byte(`{"k":"v"}`), CreatedAt: t0, UpdatedAt: t0}), "PutChannel")
	return id
}

func setup(t testing.TB, s store.Store) *fx {
	t.Helper()
	ws := newWorkspace(t, s, "Acme")
	return &fx{s: s, ws: ws, ch: newChannel(t, s, ws, "line")}
}

// msg builds a message item from sender on the fixture's channel.
func (f *fx) msg(ext, sender, text string, at time.Time) store.AcceptItem {
	return msgOn(f.ws, f.ch, ext, sender, text, at)
}

func msgOn(ws switchboard.WorkspaceID, ch switchboard.ChannelID, ext, sender, text string, at time.Time) store.AcceptItem {
	mid := switchboard.MessageID(switchboard.NewID("msg"))
	return store.AcceptItem{
		WorkspaceID: ws,
		ChannelType: "line",
		Inbound: switchboard.Inbound{
			Kind: switchboard.InboundMessage, ChannelID: ch,
			ExternalID: switchboard.ExternalID(ext), Sender: switchboard.ExternalID(sender),
			Parts: switchboard.TextParts(text), At: at,
		},
		MessageID:      mid,
		ContactID:      switchboard.ContactID(switchboard.NewID("ct")),
		ConversationID: switchboard.ConversationID(switchboard.NewID("cv")),
		Outbox:         []store.OutboxEntry{{Topic: "inbound", Key: string(mid), Payload: []byte(text)}},
	}
}

func (f *fx) event(kind switchboard.InboundKind, ext, sender string) store.AcceptItem {
	it := f.msg(ext, sender, "", t0)
	it.Inbound.Kind = kind
	it.Inbound.Parts = nil
	it.Outbox = []store.OutboxEntry{{Topic: "inbound", Key: ext, Payload: []byte(kind)}}
	return it
}

func accept(t testing.TB, s store.Store, items ...store.AcceptItem) []store.AcceptResult {
	t.Helper()
	res, err := s.Accept(context.Background(), items)
	must(t, err, "Accept")
	if len(res) != len(items) {
		t.Fatalf("Accept returned %d results for %d items", len(res), len(items))
	}
	return res
}

func pending(t testing.TB, s store.Store) int {
	t.Helper()
	n, err := s.PendingOutbox(context.Background())
	must(t, err, "PendingOutbox")
	return n
}

func allMessages(t testing.TB, s store.Store, ws switchboard.WorkspaceID, conv switchboard.ConversationID) []switchboard.Message {
	t.Helper()
	var out []switchboard.Message
	q := store.MessageQuery{Limit: 500}
	for {
		p, err := s.ListMessages(context.Background(), ws, conv, q)
		must(t, err, "ListMessages")
		out = append(out, p.Items...)
		if p.Next == "" {
			return out
		}
		q.Cursor = p.Next
	}
}

func getConv(t testing.TB, s store.Store, ws switchboard.WorkspaceID, id switchboard.ConversationID) switchboard.Conversation {
	t.Helper()
	c, err := s.GetConversation(context.Background(), ws, id)
	must(t, err, "GetConversation")
	return c
}

func newOutgoing(conv switchboard.Conversation, text string, at time.Time) switchboard.Message {
	return switchboard.Message{
		ID: switchboard.MessageID(switchboard.NewID("msg")), WorkspaceID: conv.WorkspaceID,
		ConversationID: conv.ID, ChannelID: conv.ChannelID, Direction: switchboard.DirectionOut,
		Parts: switchboard.TextParts(text), AuthorID: "op_1", Status: switchboard.StatusPending, CreatedAt: at,
	}
}

func claimAll(t testing.TB, s store.Store, lease time.Duration) []store.OutboxRow {
	t.Helper()
	rows, err := s.ClaimOutbox(context.Background(), 1000, lease)
	must(t, err, "ClaimOutbox")
	return rows
}

func isUTC(tm time.Time) bool { return tm.Location() == time.UTC }

// --- workspaces, departments, channels ------------------------------------

func testMigrate(t *testing.T, s store.Store) {
	ctx := context.Background()
	must(t, s.Migrate(ctx), "second Migrate")
	must(t, s.Ping(ctx), "Ping")
}

func testWorkspaces(t *testing.T, s store.Store) {
	ctx := context.Background()
	d1, err := s.DefaultWorkspace(ctx)
	must(t, err, "DefaultWorkspace")
	if d1.ID == "" || d1.Name != "Default" || d1.CreatedAt.IsZero() || !isUTC(d1.CreatedAt) {
		t.Fatalf("DefaultWorkspace = %+v", d1)
	}
	d2, err := s.DefaultWorkspace(ctx)
	must(t, err, "DefaultWorkspace again")
	if d2.ID != d1.ID {
		t.Fatalf("second DefaultWorkspace = %s, want %s", d2.ID, d1.ID)
	}
	got, err := s.GetWorkspace(ctx, d1.ID)
	must(t, err, "GetWorkspace")
	if got.ID != d1.ID || got.Name != "Default" || !got.CreatedAt.Equal(d1.CreatedAt) {
		t.Fatalf("GetWorkspace = %+v, want %+v", got, d1)
	}
	other := newWorkspace(t, s, "Other")
	d3, err := s.DefaultWorkspace(ctx)
	must(t, err, "DefaultWorkspace after CreateWorkspace")
	if d3.ID != d1.ID {
		t.Fatalf("DefaultWorkspace changed to %s after creating %s", d3.ID, other)
	}
	wantErr(t, s.CreateWorkspace(ctx, switchboard.Workspace{ID: other, Name: "again"}), store.ErrConflict, "CreateWorkspace duplicate")
	_, err = s.GetWorkspace(ctx, "ws_missing")
	wantErr(t, err, store.ErrNotFound, "GetWorkspace missing")
}

func testDefaultWorkspaceConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 8
	ids := make([]switchboard.WorkspaceID, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ws, err := s.DefaultWorkspace(ctx)
			ids[i], errs[i] = ws.ID, err
		})
	}
	wg.Wait()
	for i := range n {
		must(t, errs[i], "DefaultWorkspace")
		if ids[i] != ids[0] {
			t.Fatalf("concurrent DefaultWorkspace returned %s and %s", ids[0], ids[i])
		}
	}
	// And departments: one default per workspace, also concurrently.
	deps := make([]switchboard.DepartmentID, n)
	for i := range n {
		wg.Go(func() {
			d, err := s.DefaultDepartment(ctx, ids[0])
			deps[i], errs[i] = d.ID, err
		})
	}
	wg.Wait()
	for i := range n {
		must(t, errs[i], "DefaultDepartment")
		if deps[i] != deps[0] {
			t.Fatalf("concurrent DefaultDepartment returned %s and %s", deps[0], deps[i])
		}
	}
	list, err := s.ListDepartments(ctx, ids[0])
	must(t, err, "ListDepartments")
	if len(list) != 1 {
		t.Fatalf("ListDepartments = %d departments, want 1", len(list))
	}
}

func testDepartments(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	gen, err := s.DefaultDepartment(ctx, a)
	must(t, err, "DefaultDepartment")
	if gen.Name != "General" || !gen.Default || gen.WorkspaceID != a || gen.ID == "" {
		t.Fatalf("DefaultDepartment = %+v", gen)
	}
	again, err := s.DefaultDepartment(ctx, a)
	must(t, err, "DefaultDepartment again")
	if again.ID != gen.ID {
		t.Fatalf("DefaultDepartment created a second department %s", again.ID)
	}
	sales := switchboard.Department{ID: "dep_sales_a", WorkspaceID: a, Name: "Sales", CreatedAt: t0.Add(time.Hour)}
	must(t, s.CreateDepartment(ctx, sales), "CreateDepartment")
	wantErr(t, s.CreateDepartment(ctx, switchboard.Department{ID: "dep_sales_a2", WorkspaceID: a, Name: "Sales"}),
		store.ErrConflict, "CreateDepartment same name")
	// The same name in another workspace is fine.
	must(t, s.CreateDepartment(ctx, switchboard.Department{ID: "dep_sales_b", WorkspaceID: b, Name: "Sales"}), "CreateDepartment in B")

	list, err := s.ListDepartments(ctx, a)
	must(t, err, "ListDepartments")
	names := map[string]bool{}
	for _, d := range list {
		if d.WorkspaceID != a {
			t.Fatalf("ListDepartments(A) returned %+v", d)
		}
		names[d.Name] = true
	}
	if len(list) != 2 || !names["General"] || !names["Sales"] {
		t.Fatalf("ListDepartments(A) = %+v", list)
	}
	listB, err := s.ListDepartments(ctx, b)
	must(t, err, "ListDepartments B")
	if len(listB) != 1 || listB[0].ID != "dep_sales_b" {
		t.Fatalf("ListDepartments(B) = %+v", listB)
	}
	_, err = s.DefaultDepartment(ctx, "ws_missing")
	wantErr(t, err, store.ErrNotFound, "DefaultDepartment of a missing workspace")
}

func testChannels(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	ch := store.Channel{ID: "line-main", WorkspaceID: a, Type: "line", Name: "LINE",
		Config: []byte(`{"channel_secret":"sealed:abc"}`), CreatedAt: t0, UpdatedAt: t0}
	must(t, s.PutChannel(ctx, ch), "PutChannel")
	got, err := s.GetChannel(ctx, "line-main")
	must(t, err, "GetChannel")
	if got.WorkspaceID != a || got.Type != "line" || got.Name != "LINE" || got.Paused ||
		!bytes.Equal(got.Config, ch.Config) || !got.CreatedAt.Equal(t0) || !isUTC(got.CreatedAt) {
		t.Fatalf("GetChannel = %+v", got)
	}
	// Replace.
	ch.Name, ch.Paused, ch.Config, ch.UpdatedAt = "LINE JP", true, []byte(`{"x":1}`), t0.Add(time.Hour)
	must(t, s.PutChannel(ctx, ch), "PutChannel replace")
	got, err = s.GetChannel(ctx, "line-main")
	must(t, err, "GetChannel after replace")
	if got.Name != "LINE JP" || !got.Paused || string(got.Config) != `{"x":1}` || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("GetChannel after replace = %+v", got)
	}
	// The id is taken install-wide.
	wantErr(t, s.PutChannel(ctx, store.Channel{ID: "line-main", WorkspaceID: b, Type: "line"}), store.ErrConflict,
		"PutChannel of another workspace's id")
	got, _ = s.GetChannel(ctx, "line-main")
	if got.WorkspaceID != a || got.Name != "LINE JP" {
		t.Fatalf("conflicting PutChannel changed the channel: %+v", got)
	}
	must(t, s.PutChannel(ctx, store.Channel{ID: "sms-b", WorkspaceID: b, Type: "sms"}), "PutChannel B")
	must(t, s.PutChannel(ctx, store.Channel{ID: "chat-a", WorkspaceID: a, Type: "webchat"}), "PutChannel A 2")

	ids := func(chs []store.Channel) []string {
		var out []string
		for _, c := range chs {
			out = append(out, string(c.ID))
		}
		return out
	}
	la, err := s.ListChannels(ctx, a)
	must(t, err, "ListChannels A")
	if got := ids(la); !slices.Equal(got, []string{"chat-a", "line-main"}) {
		t.Fatalf("ListChannels(A) = %v", got)
	}
	all, err := s.ListChannels(ctx, "")
	must(t, err, "ListChannels all")
	if got := ids(all); !slices.Equal(got, []string{"chat-a", "line-main", "sms-b"}) {
		t.Fatalf("ListChannels(\"\") = %v", got)
	}
	wantErr(t, s.DeleteChannel(ctx, b, "line-main"), store.ErrNotFound, "DeleteChannel from another workspace")
	must(t, s.DeleteChannel(ctx, a, "line-main"), "DeleteChannel")
	_, err = s.GetChannel(ctx, "line-main")
	wantErr(t, err, store.ErrNotFound, "GetChannel after delete")
	wantErr(t, s.DeleteChannel(ctx, a, "line-main"), store.ErrNotFound, "DeleteChannel twice")
}

// --- accept -----------------------------------------------------------------

func testAcceptNewMessage(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	dep := switchboard.Department{ID: "dep_support", WorkspaceID: f.ws, Name: "Support"}
	must(t, s.CreateDepartment(ctx, dep), "CreateDepartment")
	it := f.msg("ev1", "U1", "こんにちは", t0)
	it.DepartmentID = dep.ID
	it.Inbound.Profile = switchboard.Profile{Name: "Taro", Language: "ja"}
	it.Inbound.Parts = append(it.Inbound.Parts, switchboard.Part{Kind: switchboard.PartImage,
		Attachment: &switchboard.Attachment{URL: "https://x/y.png", ContentType: "image/png", Size: 42}})
	r := accept(t, s, it)[0]
	if r.Duplicate || !r.NewContact || !r.NewConversation || r.MessageID != it.MessageID ||
		r.ConversationID != it.ConversationID || r.ContactID != it.ContactID {
		t.Fatalf("result = %+v", r)
	}
	c := getConv(t, s, f.ws, r.ConversationID)
	if c.WorkspaceID != f.ws || c.ChannelID != f.ch || c.ChannelType != "line" || c.ContactID != it.ContactID ||
		c.DepartmentID != dep.ID || c.Status != switchboard.ConversationOpen || c.UnreadCount != 1 ||
		c.LastMessage != "こんにちは" || !c.LastActivityAt.Equal(t0) || c.AssigneeID != "" {
		t.Fatalf("conversation = %+v", c)
	}
	if c.Contact == nil || c.Contact.ID != it.ContactID || c.Contact.Name != "Taro" || c.Contact.Language != "ja" ||
		len(c.Contact.Identities) != 1 || c.Contact.Identities[0] != (switchboard.Identity{ChannelID: f.ch, ExternalID: "U1"}) {
		t.Fatalf("conversation contact = %+v", c.Contact)
	}
	k, err := s.GetContact(ctx, f.ws, it.ContactID)
	must(t, err, "GetContact")
	if k.Name != "Taro" || len(k.Identities) != 1 || k.WorkspaceID != f.ws {
		t.Fatalf("GetContact = %+v", k)
	}
	m, err := s.GetMessage(ctx, f.ws, it.MessageID)
	must(t, err, "GetMessage")
	if m.Direction != switchboard.DirectionIn || m.Status != switchboard.StatusDelivered || m.ExternalID != "ev1" ||
		m.ConversationID != c.ID || m.ChannelID != f.ch || m.WorkspaceID != f.ws || !m.CreatedAt.Equal(t0) ||
		len(m.Parts) != 2 || m.Parts[0].Text != "こんにちは" || m.Parts[1].Attachment == nil ||
		m.Parts[1].Attachment.Size != 42 || m.Text() != "こんにちは" {
		t.Fatalf("message = %+v", m)
	}
	rows := claimAll(t, s, time.Minute)
	if len(rows) != 1 || rows[0].Topic != "inbound" || rows[0].Key != string(it.MessageID) ||
		string(rows[0].Payload) != "こんにちは" || rows[0].Attempts != 0 || rows[0].ID == 0 {
		t.Fatalf("outbox = %+v", rows)
	}
	f2, err := s.FindConversation(ctx, f.ch, "U1")
	must(t, err, "FindConversation")
	if f2.ID != c.ID || f2.Contact == nil || f2.Contact.ID != it.ContactID {
		t.Fatalf("FindConversation = %+v", f2)
	}
	_, err = s.FindConversation(ctx, f.ch, "U-nobody")
	wantErr(t, err, store.ErrNotFound, "FindConversation unknown sender")
}

func testAcceptReusesConversation(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	first := f.msg("ev1", "U1", "hello", t0)
	r1 := accept(t, s, first)[0]
	second := f.msg("ev2", "U1", "are you there?", t0.Add(time.Minute))
	second.Inbound.Profile = switchboard.Profile{Name: "Hanako", Email: "h@example.com"}
	r2 := accept(t, s, second)[0]
	if r2.Duplicate || r2.NewContact || r2.NewConversation || r2.ConversationID != r1.ConversationID ||
		r2.ContactID != r1.ContactID || r2.MessageID != second.MessageID {
		t.Fatalf("second result = %+v (first %+v)", r2, r1)
	}
	// Profile fields fill when empty, and are not overwritten later.
	third := f.msg("ev3", "U1", "hi again", t0.Add(2*time.Minute))
	third.Inbound.Profile = switchboard.Profile{Name: "Someone Else", Phone: "+81000"}
	accept(t, s, third)
	k, err := s.GetContact(ctx, f.ws, r1.ContactID)
	must(t, err, "GetContact")
	if k.Name != "Hanako" || k.Email != "h@example.com" || k.Phone != "+81000" {
		t.Fatalf("contact profile = %+v", k.Profile)
	}
	c := getConv(t, s, f.ws, r1.ConversationID)
	if c.UnreadCount != 3 || c.LastMessage != "hi again" || !c.LastActivityAt.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("conversation = %+v", c)
	}
	// A late-arriving older message does not move last activity back.
	late := f.msg("ev0", "U1", "older", t0.Add(-time.Hour))
	accept(t, s, late)
	c = getConv(t, s, f.ws, r1.ConversationID)
	if c.UnreadCount != 4 || c.LastMessage != "hi again" || !c.LastActivityAt.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("conversation after late message = %+v", c)
	}
	must(t, s.MarkConversationRead(ctx, f.ws, c.ID), "MarkConversationRead")
	if c = getConv(t, s, f.ws, c.ID); c.UnreadCount != 0 {
		t.Fatalf("unread after MarkConversationRead = %d", c.UnreadCount)
	}
	// Another sender on the same channel gets their own conversation.
	r3 := accept(t, s, f.msg("ev9", "U2", "me too", t0))[0]
	if !r3.NewContact || !r3.NewConversation || r3.ConversationID == r1.ConversationID {
		t.Fatalf("other sender result = %+v", r3)
	}
	if msgs := allMessages(t, s, f.ws, r1.ConversationID); len(msgs) != 4 {
		t.Fatalf("conversation has %d messages, want 4", len(msgs))
	}
}

func testAcceptDuplicate(t *testing.T, s store.Store) {
	f := setup(t, s)
	it := f.msg("ev1", "U1", "hello", t0)
	r1 := accept(t, s, it)[0]
	before := pending(t, s)
	redelivery := f.msg("ev1", "U1", "hello", t0) // new ids chosen by the hub
	r2 := accept(t, s, redelivery)[0]
	if !r2.Duplicate || r2.MessageID != r1.MessageID || r2.ConversationID != r1.ConversationID || r2.ContactID != r1.ContactID ||
		r2.NewContact || r2.NewConversation {
		t.Fatalf("redelivery result = %+v, first %+v", r2, r1)
	}
	if got := pending(t, s); got != before {
		t.Fatalf("redelivery wrote outbox rows: %d → %d", before, got)
	}
	if msgs := allMessages(t, s, f.ws, r1.ConversationID); len(msgs) != 1 {
		t.Fatalf("conversation has %d messages after redelivery, want 1", len(msgs))
	}
	if c := getConv(t, s, f.ws, r1.ConversationID); c.UnreadCount != 1 {
		t.Fatalf("redelivery changed unread count to %d", c.UnreadCount)
	}
	_, err := s.GetMessage(context.Background(), f.ws, redelivery.MessageID)
	wantErr(t, err, store.ErrNotFound, "GetMessage of the duplicate's id")
	// The same external id on another channel is another message.
	ch2 := newChannel(t, s, f.ws, "sms")
	r3 := accept(t, s, msgOn(f.ws, ch2, "ev1", "U1", "hello", t0))[0]
	if r3.Duplicate || !r3.NewConversation {
		t.Fatalf("same external id on another channel: %+v", r3)
	}
}

func testAcceptBatch(t *testing.T, s store.Store) {
	f := setup(t, s)
	const n, senders = 300, 30
	items := make([]store.AcceptItem, 0, n+2)
	for i := range n {
		items = append(items, f.msg(fmt.Sprintf("b%d", i), fmt.Sprintf("S%d", i%senders), fmt.Sprintf("batch message %d", i),
			t0.Add(time.Duration(i)*time.Second)))
	}
	// Duplicates within the same batch.
	items = append(items, f.msg("b7", "S7", "batch message 7", t0), f.msg("b299", "S29", "again", t0))
	res := accept(t, s, items...)
	convs := map[switchboard.ConversationID]int{}
	newConvs := 0
	for i, r := range res[:n] {
		if r.Duplicate || r.MessageID != items[i].MessageID {
			t.Fatalf("item %d: %+v", i, r)
		}
		convs[r.ConversationID]++
		if r.NewConversation {
			newConvs++
		}
		if r.NewConversation != (i < senders) || r.NewContact != (i < senders) {
			t.Fatalf("item %d: new conversation %v, new contact %v", i, r.NewConversation, r.NewContact)
		}
	}
	if len(convs) != senders || newConvs != senders {
		t.Fatalf("%d conversations (%d new), want %d", len(convs), newConvs, senders)
	}
	for j, orig := range []int{7, 299} {
		r := res[n+j]
		if !r.Duplicate || r.MessageID != res[orig].MessageID || r.ConversationID != res[orig].ConversationID {
			t.Fatalf("in-batch duplicate of %d: %+v, original %+v", orig, r, res[orig])
		}
	}
	if got := pending(t, s); got != n {
		t.Fatalf("outbox has %d pending rows, want %d", got, n)
	}
	for cv, cnt := range convs {
		msgs := allMessages(t, s, f.ws, cv)
		if len(msgs) != cnt || cnt != n/senders {
			t.Fatalf("conversation %s: %d messages, want %d", cv, len(msgs), n/senders)
		}
		if c := getConv(t, s, f.ws, cv); c.UnreadCount != cnt {
			t.Fatalf("conversation %s unread %d, want %d", cv, c.UnreadCount, cnt)
		}
	}
	// An empty batch is fine.
	res, err := s.Accept(context.Background(), nil)
	must(t, err, "Accept(nil)")
	if len(res) != 0 {
		t.Fatalf("Accept(nil) = %v", res)
	}
}

func testAcceptReopens(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	for i, tc := range []struct {
		from, want switchboard.ConversationStatus
	}{
		{switchboard.ConversationResolved, switchboard.ConversationOpen},
		{switchboard.ConversationSnoozed, switchboard.ConversationOpen},
		{switchboard.ConversationPending, switchboard.ConversationPending},
		{switchboard.ConversationOpen, switchboard.ConversationOpen},
	} {
		t.Run(string(tc.from), func(t *testing.T) {
			sender := fmt.Sprintf("U%d", i)
			r := accept(t, s, f.msg(sender+"-1", sender, "first", t0))[0]
			must(t, s.SetConversationStatus(ctx, f.ws, r.ConversationID, tc.from), "SetConversationStatus")
			if c := getConv(t, s, f.ws, r.ConversationID); c.Status != tc.from {
				t.Fatalf("status = %s, want %s", c.Status, tc.from)
			}
			r2 := accept(t, s, f.msg(sender+"-2", sender, "second", t0.Add(time.Minute)))[0]
			if r2.ConversationID != r.ConversationID || r2.NewConversation {
				t.Fatalf("a %s conversation was not reused: %+v", tc.from, r2)
			}
			if c := getConv(t, s, f.ws, r.ConversationID); c.Status != tc.want {
				t.Fatalf("after a new message status = %s, want %s", c.Status, tc.want)
			}
		})
	}
	// A redelivered message does not reopen.
	r := accept(t, s, f.msg("Z-1", "Z", "first", t0))[0]
	must(t, s.SetConversationStatus(ctx, f.ws, r.ConversationID, switchboard.ConversationResolved), "resolve")
	accept(t, s, f.msg("Z-1", "Z", "first", t0))
	if c := getConv(t, s, f.ws, r.ConversationID); c.Status != switchboard.ConversationResolved {
		t.Fatalf("redelivery reopened the conversation: %s", c.Status)
	}
	err := s.SetConversationStatus(ctx, f.ws, r.ConversationID, "bogus")
	if err == nil {
		t.Fatal("SetConversationStatus accepted an invalid status")
	}
}

func testAcceptFollowUnfollow(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	// A follow by a new customer creates the contact, opted in.
	r := accept(t, s, f.event(switchboard.InboundFollow, "f1", "U1"))[0]
	if r.Duplicate || !r.NewContact || r.ContactID == "" || r.NewConversation {
		t.Fatalf("follow result = %+v", r)
	}
	k, err := s.GetContact(ctx, f.ws, r.ContactID)
	must(t, err, "GetContact")
	if len(k.Identities) != 1 || k.Identities[0].OptedOut {
		t.Fatalf("identities after follow = %+v", k.Identities)
	}
	if _, err := s.FindConversation(ctx, f.ch, "U1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("follow created a conversation: %v", err)
	}
	m := accept(t, s, f.msg("m1", "U1", "hi", t0))[0]
	if m.NewContact || m.ContactID != r.ContactID || !m.NewConversation {
		t.Fatalf("message after follow = %+v", m)
	}
	before := pending(t, s)
	u := accept(t, s, f.event(switchboard.InboundUnfollow, "f2", "U1"))[0]
	if u.Duplicate || u.NewContact || u.ContactID != r.ContactID || u.ConversationID != m.ConversationID {
		t.Fatalf("unfollow result = %+v", u)
	}
	if got := pending(t, s); got != before+1 {
		t.Fatalf("unfollow wrote %d outbox rows, want 1", got-before)
	}
	dt, err := s.DeliveryTarget(ctx, m.ConversationID)
	must(t, err, "DeliveryTarget")
	if !dt.OptedOut || dt.Recipient != "U1" || dt.ChannelID != f.ch || dt.ChannelType != "line" || dt.WorkspaceID != f.ws ||
		dt.ConversationID != m.ConversationID {
		t.Fatalf("DeliveryTarget after unfollow = %+v", dt)
	}
	// Redelivered unfollow: duplicate, nothing written.
	d := accept(t, s, f.event(switchboard.InboundUnfollow, "f2", "U1"))[0]
	if !d.Duplicate || d.ContactID != r.ContactID {
		t.Fatalf("redelivered unfollow = %+v", d)
	}
	if got := pending(t, s); got != before+1 {
		t.Fatalf("redelivered unfollow wrote outbox rows")
	}
	// A redelivered follow (event id f1) is a no-op: still opted out.
	if d := accept(t, s, f.event(switchboard.InboundFollow, "f1", "U1"))[0]; !d.Duplicate {
		t.Fatalf("redelivered follow = %+v", d)
	}
	if dt, _ := s.DeliveryTarget(ctx, m.ConversationID); !dt.OptedOut {
		t.Fatal("redelivered follow cleared the opt-out")
	}
	// A new follow opts in again.
	accept(t, s, f.event(switchboard.InboundFollow, "f3", "U1"))
	if dt, _ := s.DeliveryTarget(ctx, m.ConversationID); dt.OptedOut {
		t.Fatal("follow did not clear the opt-out")
	}
	// Unfollow by an unknown customer creates the contact, opted out.
	n := accept(t, s, f.event(switchboard.InboundUnfollow, "f4", "U9"))[0]
	k, err = s.GetContact(ctx, f.ws, n.ContactID)
	must(t, err, "GetContact U9")
	if !n.NewContact || len(k.Identities) != 1 || !k.Identities[0].OptedOut {
		t.Fatalf("unfollow by a new customer: %+v, %+v", n, k)
	}
	// Follow / message dedupe keys do not collide: a message with event id f3 is new.
	if r := accept(t, s, f.msg("f3", "U1", "text", t0))[0]; r.Duplicate {
		t.Fatal("a message sharing a follow event's id was treated as duplicate")
	}
}

func testAcceptStatusReceipts(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	r := accept(t, s, f.msg("m1", "U1", "hi", t0))[0]
	c := getConv(t, s, f.ws, r.ConversationID)
	out := newOutgoing(c, "hello from us", t0.Add(time.Minute))
	must(t, s.CreateMessage(ctx, out, nil), "CreateMessage")
	_, changed, err := s.UpdateMessageStatus(ctx, out.ID, store.StatusUpdate{Status: switchboard.StatusSent, ExternalID: "prov-1"}, nil)
	must(t, err, "UpdateMessageStatus sent")
	if !changed {
		t.Fatal("pending → sent did not change")
	}
	receipt := func(ext string, st switchboard.DeliveryStatus, reason string) store.AcceptItem {
		it := f.event(switchboard.InboundStatus, ext, "U1")
		it.Inbound.Status, it.Inbound.StatusReason = st, reason
		return it
	}
	for i, tc := range []struct {
		ext       string
		status    switchboard.DeliveryStatus
		duplicate bool
		want      switchboard.DeliveryStatus
	}{
		{"prov-1", switchboard.StatusDelivered, false, switchboard.StatusDelivered},
		{"prov-1", switchboard.StatusSent, true, switchboard.StatusDelivered},      // late receipt
		{"prov-1", switchboard.StatusDelivered, true, switchboard.StatusDelivered}, // same again
		{"prov-1", switchboard.StatusRead, false, switchboard.StatusRead},
		{"prov-unknown", switchboard.StatusRead, true, switchboard.StatusRead},
		{"m1", switchboard.StatusRead, true, switchboard.StatusRead}, // an incoming message's id is not a receipt target
		{"prov-1", switchboard.StatusFailed, false, switchboard.StatusFailed},
	} {
		before := pending(t, s)
		res := accept(t, s, receipt(tc.ext, tc.status, "boom"))[0]
		if res.Duplicate != tc.duplicate {
			t.Fatalf("receipt %d (%s %s): duplicate = %v, want %v", i, tc.ext, tc.status, res.Duplicate, tc.duplicate)
		}
		if !res.Duplicate && (res.MessageID != out.ID || res.ConversationID != c.ID) {
			t.Fatalf("receipt %d: result = %+v", i, res)
		}
		wantRows := 1
		if tc.duplicate {
			wantRows = 0
		}
		if got := pending(t, s) - before; got != wantRows {
			t.Fatalf("receipt %d wrote %d outbox rows, want %d", i, got, wantRows)
		}
		m, err := s.GetMessage(ctx, f.ws, out.ID)
		must(t, err, "GetMessage")
		if m.Status != tc.want {
			t.Fatalf("receipt %d: status = %s, want %s", i, m.Status, tc.want)
		}
	}
	m, _ := s.GetMessage(ctx, f.ws, out.ID)
	if m.FailureReason != "boom" || m.ExternalID != "prov-1" {
		t.Fatalf("failed message = %+v", m)
	}
	in, _ := s.GetMessage(ctx, f.ws, r.MessageID)
	if in.Status != switchboard.StatusDelivered {
		t.Fatalf("incoming message status changed to %s", in.Status)
	}
}

func testAcceptConcurrent(t *testing.T, s store.Store) {
	f := setup(t, s)
	const workers, per = 6, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range per {
				// Every worker delivers the same events (a provider retrying
				// in parallel) from the same few customers.
				it := f.msg(fmt.Sprintf("c%d", i), fmt.Sprintf("S%d", i%3), fmt.Sprintf("m%d", i), t0.Add(time.Duration(i)*time.Second))
				if _, err := s.Accept(context.Background(), []store.AcceptItem{it}); err != nil {
					errs <- fmt.Errorf("worker %d item %d: %w", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	page, err := s.ListConversations(context.Background(), f.ws, store.ConversationQuery{})
	must(t, err, "ListConversations")
	if len(page.Items) != 3 {
		t.Fatalf("%d conversations, want 3", len(page.Items))
	}
	total := 0
	for _, c := range page.Items {
		total += len(allMessages(t, s, f.ws, c.ID))
	}
	if total != per {
		t.Fatalf("%d messages stored, want %d", total, per)
	}
	if got := pending(t, s); got != per {
		t.Fatalf("%d outbox rows, want %d", got, per)
	}
}

func testReplyToken(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	it := f.msg("m1", "U1", "hi", t0)
	it.Inbound.ReplyToken, it.Inbound.ReplyUntil = "tok-1", t0.Add(time.Minute)
	r := accept(t, s, it)[0]
	tok, err := s.TakeReplyToken(ctx, r.ConversationID, t0.Add(30*time.Second))
	must(t, err, "TakeReplyToken")
	if tok != "tok-1" {
		t.Fatalf("TakeReplyToken = %q, want tok-1", tok)
	}
	if tok, _ := s.TakeReplyToken(ctx, r.ConversationID, t0.Add(30*time.Second)); tok != "" {
		t.Fatalf("second TakeReplyToken = %q, want empty (single use)", tok)
	}
	// A newer event replaces the token; an expired token is not returned.
	it2 := f.msg("m2", "U1", "hi again", t0.Add(time.Minute))
	it2.Inbound.ReplyToken, it2.Inbound.ReplyUntil = "tok-2", t0.Add(2*time.Minute)
	accept(t, s, it2)
	if tok, _ := s.TakeReplyToken(ctx, r.ConversationID, t0.Add(3*time.Minute)); tok != "" {
		t.Fatalf("expired TakeReplyToken = %q", tok)
	}
	// A message without a token keeps the current one.
	it3 := f.msg("m3", "U1", "x", t0.Add(time.Minute))
	it3.Inbound.ReplyToken, it3.Inbound.ReplyUntil = "tok-3", t0.Add(2*time.Minute)
	accept(t, s, it3, f.msg("m4", "U1", "y", t0.Add(time.Minute)))
	if tok, _ := s.TakeReplyToken(ctx, r.ConversationID, t0.Add(time.Minute)); tok != "tok-3" {
		t.Fatalf("TakeReplyToken = %q, want tok-3", tok)
	}
	_, err = s.TakeReplyToken(ctx, "cv_missing", t0)
	wantErr(t, err, store.ErrNotFound, "TakeReplyToken of a missing conversation")
}

// --- conversations ----------------------------------------------------------

func testConversations(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	it := f.msg("m1", "U1", "hi", t0)
	it.Inbound.ThreadRef = "thread-9"
	r := accept(t, s, it)[0]
	changed, err := s.SetConversationDepartment(ctx, f.ws, r.ConversationID, "dep_x")
	must(t, err, "SetConversationDepartment")
	if !changed {
		t.Fatal("SetConversationDepartment reported no change")
	}
	changed, err = s.SetConversationDepartment(ctx, f.ws, r.ConversationID, "dep_x")
	must(t, err, "SetConversationDepartment again")
	if changed {
		t.Fatal("SetConversationDepartment to the same department reported a change")
	}
	if c := getConv(t, s, f.ws, r.ConversationID); c.DepartmentID != "dep_x" {
		t.Fatalf("department = %q", c.DepartmentID)
	}
	_, err = s.SetConversationDepartment(ctx, f.ws, "cv_missing", "dep_x")
	wantErr(t, err, store.ErrNotFound, "SetConversationDepartment missing")
	wantErr(t, s.SetConversationStatus(ctx, f.ws, "cv_missing", switchboard.ConversationOpen), store.ErrNotFound, "SetConversationStatus missing")
	wantErr(t, s.MarkConversationRead(ctx, f.ws, "cv_missing"), store.ErrNotFound, "MarkConversationRead missing")
	_, err = s.GetConversation(ctx, f.ws, "cv_missing")
	wantErr(t, err, store.ErrNotFound, "GetConversation missing")
	dt, err := s.DeliveryTarget(ctx, r.ConversationID)
	must(t, err, "DeliveryTarget")
	if dt.ThreadRef != "thread-9" || dt.Recipient != "U1" || dt.OptedOut {
		t.Fatalf("DeliveryTarget = %+v", dt)
	}
	_, err = s.DeliveryTarget(ctx, "cv_missing")
	wantErr(t, err, store.ErrNotFound, "DeliveryTarget missing")
	_, err = s.GetContact(ctx, f.ws, "ct_missing")
	wantErr(t, err, store.ErrNotFound, "GetContact missing")
}

func testConversationPaging(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	const n = 37
	var items []store.AcceptItem
	for i := range n {
		// Groups of three share a timestamp: ties are broken by id.
		items = append(items, f.msg(fmt.Sprintf("m%d", i), fmt.Sprintf("U%d", i), "x", t0.Add(time.Duration(i/3)*time.Minute)))
	}
	accept(t, s, items...)
	var walked []switchboard.Conversation
	q := store.ConversationQuery{Limit: 5}
	pages := 0
	for {
		p, err := s.ListConversations(ctx, f.ws, q)
		must(t, err, "ListConversations")
		pages++
		if len(p.Items) > 5 {
			t.Fatalf("page of %d items, limit 5", len(p.Items))
		}
		for _, c := range p.Items {
			if c.Contact == nil || c.Contact.ID != c.ContactID || len(c.Contact.Identities) != 1 {
				t.Fatalf("conversation without its contact: %+v", c)
			}
		}
		walked = append(walked, p.Items...)
		if p.Next == "" {
			break
		}
		if pages > n {
			t.Fatal("paging does not end")
		}
		q.Cursor = p.Next
	}
	if len(walked) != n || pages != 8 {
		t.Fatalf("walked %d conversations in %d pages, want %d in 8", len(walked), pages, n)
	}
	seen := map[switchboard.ConversationID]bool{}
	for i, c := range walked {
		if seen[c.ID] {
			t.Fatalf("conversation %s listed twice", c.ID)
		}
		seen[c.ID] = true
		if i > 0 {
			p := walked[i-1]
			if c.LastActivityAt.After(p.LastActivityAt) ||
				(c.LastActivityAt.Equal(p.LastActivityAt) && c.ID > p.ID) {
				t.Fatalf("order broken at %d: %s %s after %s %s", i, c.LastActivityAt, c.ID, p.LastActivityAt, p.ID)
			}
		}
	}
	// One page with everything matches the walk.
	all, err := s.ListConversations(ctx, f.ws, store.ConversationQuery{Limit: 200})
	must(t, err, "ListConversations all")
	if all.Next != "" || len(all.Items) != n {
		t.Fatalf("single page: %d items, next %q", len(all.Items), all.Next)
	}
	for i := range all.Items {
		if all.Items[i].ID != walked[i].ID {
			t.Fatalf("single page differs from walk at %d", i)
		}
	}
	// Default and clamped limits.
	def, err := s.ListConversations(ctx, f.ws, store.ConversationQuery{})
	must(t, err, "ListConversations default")
	if len(def.Items) != n {
		t.Fatalf("default limit returned %d", len(def.Items))
	}
	for _, bad := range []string{"garbage", "!!!", "bm90IGEgY3Vyc29y", "x" + def.Next} {
		_, err := s.ListConversations(ctx, f.ws, store.ConversationQuery{Cursor: bad})
		wantErr(t, err, store.ErrBadCursor, "ListConversations cursor "+bad)
	}
}

func testConversationFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	ch2 := newChannel(t, s, f.ws, "webchat")
	mk := func(ch switchboard.ChannelID, sender string, dep switchboard.DepartmentID) switchboard.ConversationID {
		it := msgOn(f.ws, ch, sender+"-m", sender, "x", t0)
		it.DepartmentID = dep
		return accept(t, s, it)[0].ConversationID
	}
	c1 := mk(f.ch, "a", "dep_1")
	c2 := mk(f.ch, "b", "dep_2")
	c3 := mk(ch2, "c", "dep_1")
	c4 := mk(ch2, "d", "")
	must(t, s.SetConversationStatus(ctx, f.ws, c2, switchboard.ConversationResolved), "resolve")
	ids := func(q store.ConversationQuery) []switchboard.ConversationID {
		t.Helper()
		p, err := s.ListConversations(ctx, f.ws, q)
		must(t, err, "ListConversations")
		var out []switchboard.ConversationID
		for _, c := range p.Items {
			out = append(out, c.ID)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(ids ...switchboard.ConversationID) []switchboard.ConversationID {
		slices.Sort(ids)
		return ids
	}
	for _, tc := range []struct {
		name string
		q    store.ConversationQuery
		want []switchboard.ConversationID
	}{
		{"all", store.ConversationQuery{}, sorted(c1, c2, c3, c4)},
		{"restrict none", store.ConversationQuery{Restrict: true}, nil},
		{"restrict dep_1", store.ConversationQuery{Restrict: true, DepartmentIDs: []switchboard.DepartmentID{"dep_1"}}, sorted(c1, c3)},
		{"restrict two", store.ConversationQuery{Restrict: true, DepartmentIDs: []switchboard.DepartmentID{"dep_1", "dep_2"}}, sorted(c1, c2, c3)},
		{"departments without restrict", store.ConversationQuery{DepartmentIDs: []switchboard.DepartmentID{"dep_2"}}, sorted(c1, c2, c3, c4)},
		{"status open", store.ConversationQuery{Status: switchboard.ConversationOpen}, sorted(c1, c3, c4)},
		{"status resolved", store.ConversationQuery{Status: switchboard.ConversationResolved}, sorted(c2)},
		{"channel", store.ConversationQuery{ChannelID: ch2}, sorted(c3, c4)},
		{"channel and department", store.ConversationQuery{ChannelID: ch2, Restrict: true, DepartmentIDs: []switchboard.DepartmentID{"dep_1"}}, sorted(c3)},
		{"assignee nobody", store.ConversationQuery{AssigneeID: "op_nobody"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(tc.q); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// --- messages ---------------------------------------------------------------

func testMessagePaging(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	r := accept(t, s, f.msg("m0", "U1", "text 0", t0))[0]
	conv := getConv(t, s, f.ws, r.ConversationID)
	want := []switchboard.MessageID{r.MessageID}
	for i := 1; i < 23; i++ {
		// created_at goes backwards: order is insertion order, not time.
		at := t0.Add(-time.Duration(i) * time.Minute)
		if i%2 == 0 {
			it := f.msg(fmt.Sprintf("m%d", i), "U1", fmt.Sprintf("text %d", i), at)
			accept(t, s, it)
			want = append(want, it.MessageID)
		} else {
			m := newOutgoing(conv, fmt.Sprintf("reply %d", i), at)
			must(t, s.CreateMessage(ctx, m, nil), "CreateMessage")
			want = append(want, m.ID)
		}
	}
	var got []switchboard.MessageID
	q := store.MessageQuery{Limit: 4}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		p, err := s.ListMessages(ctx, f.ws, conv.ID, q)
		must(t, err, "ListMessages")
		for _, m := range p.Items {
			got = append(got, m.ID)
		}
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if !slices.Equal(got, want) {
		t.Fatalf("messages in order\n%v\nwant\n%v", got, want)
	}
	_, err := s.ListMessages(ctx, f.ws, conv.ID, store.MessageQuery{Cursor: "not-a-cursor"})
	wantErr(t, err, store.ErrBadCursor, "ListMessages bad cursor")
	_, err = s.ListMessages(ctx, f.ws, "cv_missing", store.MessageQuery{})
	wantErr(t, err, store.ErrNotFound, "ListMessages missing conversation")
	_, err = s.GetMessage(ctx, f.ws, "msg_missing")
	wantErr(t, err, store.ErrNotFound, "GetMessage missing")
}

func testCreateMessage(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	r := accept(t, s, f.msg("m1", "U1", "hi", t0))[0]
	conv := getConv(t, s, f.ws, r.ConversationID)
	out := newOutgoing(conv, "We open at 9.", t0.Add(time.Minute))
	before := pending(t, s)
	must(t, s.CreateMessage(ctx, out, []store.OutboxEntry{{Topic: "outbound", Key: string(out.ID), Payload: []byte("p")}}), "CreateMessage")
	if got := pending(t, s); got != before+1 {
		t.Fatalf("CreateMessage wrote %d outbox rows, want 1", got-before)
	}
	m, err := s.GetMessage(ctx, f.ws, out.ID)
	must(t, err, "GetMessage")
	if m.Direction != switchboard.DirectionOut || m.Status != switchboard.StatusPending || m.AuthorID != "op_1" ||
		m.Text() != "We open at 9." || !m.CreatedAt.Equal(out.CreatedAt) || m.ChannelID != f.ch {
		t.Fatalf("outgoing message = %+v", m)
	}
	c := getConv(t, s, f.ws, conv.ID)
	if c.LastMessage != "We open at 9." || !c.LastActivityAt.Equal(out.CreatedAt) || c.UnreadCount != 1 {
		t.Fatalf("conversation after reply = %+v", c)
	}
	note := newOutgoing(conv, "VIP customer", t0.Add(2*time.Minute))
	note.Direction, note.Status = switchboard.DirectionNote, switchboard.StatusDelivered
	must(t, s.CreateMessage(ctx, note, nil), "CreateMessage note")
	if m, _ := s.GetMessage(ctx, f.ws, note.ID); m.Direction != switchboard.DirectionNote || m.Status != switchboard.StatusDelivered {
		t.Fatalf("note = %+v", m)
	}
	wantErr(t, s.CreateMessage(ctx, out, nil), store.ErrConflict, "CreateMessage with a taken id")
	// The conversation must be in the message's workspace.
	other := newWorkspace(t, s, "Other")
	stray := newOutgoing(conv, "stray", t0)
	stray.WorkspaceID = other
	before = pending(t, s)
	wantErr(t, s.CreateMessage(ctx, stray, []store.OutboxEntry{{Topic: "outbound", Key: "k"}}), store.ErrNotFound,
		"CreateMessage into another workspace's conversation")
	if pending(t, s) != before {
		t.Fatal("a failed CreateMessage wrote outbox rows")
	}
	missing := newOutgoing(conv, "x", t0)
	missing.ConversationID = "cv_missing"
	wantErr(t, s.CreateMessage(ctx, missing, nil), store.ErrNotFound, "CreateMessage into a missing conversation")
}

func testUpdateMessageStatus(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	r := accept(t, s, f.msg("m1", "U1", "hi", t0))[0]
	conv := getConv(t, s, f.ws, r.ConversationID)
	P, S, D, R, F := switchboard.StatusPending, switchboard.StatusSent, switchboard.StatusDelivered, switchboard.StatusRead, switchboard.StatusFailed
	for _, tc := range []struct {
		from, to switchboard.DeliveryStatus
		changed  bool
	}{
		{P, S, true}, {P, D, true}, {P, R, true}, {P, F, true}, {P, P, false},
		{S, P, false}, {S, S, false}, {S, D, true}, {S, F, true},
		{D, S, false}, {D, R, true}, {D, F, true},
		{R, D, false}, {R, S, false}, {R, F, true},
		{F, P, true}, {F, S, false}, {F, R, false}, {F, F, false},
	} {
		t.Run(fmt.Sprintf("%s_to_%s", tc.from, tc.to), func(t *testing.T) {
			m := newOutgoing(conv, "reply", t0)
			m.Status = tc.from
			if tc.from == F {
				m.FailureReason = "earlier failure"
			}
			must(t, s.CreateMessage(ctx, m, nil), "CreateMessage")
			before := pending(t, s)
			u := store.StatusUpdate{Status: tc.to, ExternalID: switchboard.ExternalID("ext-" + string(m.ID))}
			if tc.to == F {
				u.Reason = "provider said no"
			}
			got, changed, err := s.UpdateMessageStatus(ctx, m.ID, u, []store.OutboxEntry{{Topic: "events", Key: string(m.ID)}})
			must(t, err, "UpdateMessageStatus")
			if changed != tc.changed {
				t.Fatalf("changed = %v, want %v", changed, tc.changed)
			}
			wantStatus, wantReason, wantExt := tc.from, m.FailureReason, switchboard.ExternalID("")
			if tc.changed {
				wantStatus, wantReason, wantExt = tc.to, u.Reason, u.ExternalID
			}
			if got.Status != wantStatus || got.FailureReason != wantReason || got.ExternalID != wantExt || got.ID != m.ID {
				t.Fatalf("returned %+v, want status %s reason %q ext %q", got, wantStatus, wantReason, wantExt)
			}
			stored, err := s.GetMessage(ctx, f.ws, m.ID)
			must(t, err, "GetMessage")
			if stored.Status != got.Status || stored.FailureReason != got.FailureReason || stored.ExternalID != got.ExternalID {
				t.Fatalf("stored %+v differs from returned %+v", stored, got)
			}
			wantRows := 0
			if tc.changed {
				wantRows = 1
			}
			if n := pending(t, s) - before; n != wantRows {
				t.Fatalf("wrote %d outbox rows, want %d", n, wantRows)
			}
		})
	}
	_, _, err := s.UpdateMessageStatus(ctx, "msg_missing", store.StatusUpdate{Status: S}, nil)
	wantErr(t, err, store.ErrNotFound, "UpdateMessageStatus missing")
}

func testSearchMessages(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	other := newWorkspace(t, s, "Other")
	otherCh := newChannel(t, s, other, "line")
	accept(t, s,
		f.msg("s1", "U1", "東京タワーの営業時間を教えてください", t0),
		f.msg("s2", "U2", "Hello, what are your OPENING hours?", t0.Add(time.Minute)),
		f.msg("s3", "U3", "opening times for the Osaka shop", t0.Add(2*time.Minute)),
		f.msg("s4", "U4", "100% satisfied, thanks \"team\"", t0.Add(3*time.Minute)),
		msgOn(other, otherCh, "o1", "X", "東京タワー opening hours in the other workspace", t0),
	)
	ids := func(msgs []switchboard.Message) []string {
		var out []string
		for _, m := range msgs {
			out = append(out, string(m.ExternalID))
		}
		return out
	}
	for _, tc := range []struct {
		query string
		limit int
		want  []string
	}{
		{"タワー", 10, []string{"s1"}},
		{"営業時間", 10, []string{"s1"}},
		{"東京", 10, []string{"s1"}}, // two characters: the scan fallback
		{"京", 10, []string{"s1"}},
		{"opening", 10, []string{"s3", "s2"}}, // newest first, case-insensitive
		{"OPENING", 10, []string{"s3", "s2"}},
		{"opening", 1, []string{"s3"}},
		{"op", 10, []string{"s3", "s2"}},
		{"hours?", 10, []string{"s2"}},
		{"100%", 10, []string{"s4"}},
		{`"team"`, 10, []string{"s4"}},
		{"%", 10, []string{"s4"}},
		{"_", 10, nil},
		{"nothing like this", 10, nil},
		{"大阪", 10, nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			got, err := s.SearchMessages(ctx, f.ws, tc.query, tc.limit)
			must(t, err, "SearchMessages")
			if g := ids(got); !slices.Equal(g, tc.want) {
				t.Fatalf("SearchMessages(%q) = %v, want %v", tc.query, g, tc.want)
			}
			for _, m := range got {
				if m.WorkspaceID != f.ws {
					t.Fatalf("search leaked a message of workspace %s", m.WorkspaceID)
				}
			}
		})
	}
	// Outgoing messages are searchable too.
	r, err := s.FindConversation(ctx, f.ch, "U1")
	must(t, err, "FindConversation")
	reply := newOutgoing(r, "タワーは22時まで営業しています", t0.Add(time.Hour))
	must(t, s.CreateMessage(ctx, reply, nil), "CreateMessage")
	got, err := s.SearchMessages(ctx, f.ws, "タワー", 10)
	must(t, err, "SearchMessages after reply")
	if len(got) != 2 || got[0].ID != reply.ID {
		t.Fatalf("SearchMessages after reply = %v", ids(got))
	}
}

// --- outbox -----------------------------------------------------------------

func testOutbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	var items []store.AcceptItem
	for i := range 5 {
		items = append(items, f.msg(fmt.Sprintf("m%d", i), "U1", fmt.Sprintf("t%d", i), t0))
	}
	accept(t, s, items...)
	if got := pending(t, s); got != 5 {
		t.Fatalf("PendingOutbox = %d, want 5", got)
	}
	first, err := s.ClaimOutbox(ctx, 3, time.Hour)
	must(t, err, "ClaimOutbox")
	if len(first) != 3 {
		t.Fatalf("claimed %d rows, want 3", len(first))
	}
	for i, r := range first {
		if r.Key != string(items[i].MessageID) || r.Attempts != 0 || r.CreatedAt.IsZero() || !isUTC(r.CreatedAt) {
			t.Fatalf("row %d = %+v (oldest first, attempts 0)", i, r)
		}
		if i > 0 && r.ID <= first[i-1].ID {
			t.Fatalf("rows not oldest first: %d after %d", r.ID, first[i-1].ID)
		}
	}
	// Leased rows are not claimed again.
	second, err := s.ClaimOutbox(ctx, 10, time.Hour)
	must(t, err, "ClaimOutbox again")
	if len(second) != 2 || second[0].Key != string(items[3].MessageID) || second[1].Key != string(items[4].MessageID) {
		t.Fatalf("second claim = %+v", second)
	}
	if rows, _ := s.ClaimOutbox(ctx, 10, time.Hour); len(rows) != 0 {
		t.Fatalf("third claim got %d rows, want 0", len(rows))
	}
	var done []int64
	for _, r := range append(first, second...) {
		done = append(done, r.ID)
	}
	must(t, s.CompleteOutbox(ctx, done[:4]), "CompleteOutbox")
	must(t, s.CompleteOutbox(ctx, done[:1]), "CompleteOutbox twice")
	must(t, s.CompleteOutbox(ctx, nil), "CompleteOutbox(nil)")
	if got := pending(t, s); got != 1 {
		t.Fatalf("PendingOutbox after complete = %d, want 1", got)
	}
	if rows, _ := s.ClaimOutbox(ctx, 0, time.Hour); len(rows) != 0 {
		t.Fatalf("ClaimOutbox(limit 0) = %d rows", len(rows))
	}
}

func testOutboxLeaseExpiry(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	accept(t, s, f.msg("m1", "U1", "x", t0), f.msg("m2", "U1", "y", t0))
	const lease = 150 * time.Millisecond
	claimedAt := time.Now() // the lease cannot start before this
	rows, err := s.ClaimOutbox(ctx, 1, lease)
	must(t, err, "ClaimOutbox")
	if len(rows) != 1 {
		t.Fatalf("claimed %d rows", len(rows))
	}
	id := rows[0].ID
	// Until the lease expires only the other row can be claimed; afterwards
	// the first comes back with one attempt counted. Poll with a deadline.
	var other int64
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		rows, err := s.ClaimOutbox(ctx, 10, lease)
		must(t, err, "ClaimOutbox poll")
		var back *store.OutboxRow
		for i := range rows {
			switch {
			case rows[i].ID == id:
				back = &rows[i]
			case other == 0:
				other = rows[i].ID
			}
		}
		if back != nil {
			if time.Since(claimedAt) < lease {
				t.Fatalf("row %d claimed again before its lease expired", id)
			}
			if back.Attempts != 1 {
				t.Fatalf("attempts = %d, want 1", back.Attempts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("leased row never came back")
		}
		<-tick.C
	}
	if other == 0 {
		t.Fatal("the unleased row was never claimed")
	}
	// Completed rows never come back, even after their lease.
	must(t, s.CompleteOutbox(ctx, []int64{id, other}), "CompleteOutbox")
	if got := pending(t, s); got != 0 {
		t.Fatalf("pending = %d", got)
	}
	rows, err = s.ClaimOutbox(ctx, 10, 0)
	must(t, err, "ClaimOutbox after complete")
	if len(rows) != 0 {
		t.Fatalf("completed rows claimed again: %+v", rows)
	}
}

func testOutboxConcurrentClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	const n = 240
	var items []store.AcceptItem
	for i := range n {
		items = append(items, f.msg(fmt.Sprintf("m%d", i), fmt.Sprintf("U%d", i%10), "x", t0))
	}
	accept(t, s, items...)
	const workers = 4
	got := make([][]int64, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				rows, err := s.ClaimOutbox(ctx, 7, time.Hour)
				if err != nil {
					errs[w] = err
					return
				}
				if len(rows) == 0 {
					return
				}
				ids := make([]int64, len(rows))
				for i, r := range rows {
					ids[i] = r.ID
				}
				got[w] = append(got[w], ids...)
				if err := s.CompleteOutbox(ctx, ids); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	seen := map[int64]int{}
	for w := range workers {
		must(t, errs[w], "claimer")
		for _, id := range got[w] {
			if prev, ok := seen[id]; ok {
				t.Fatalf("row %d claimed by workers %d and %d", id, prev, w)
			}
			seen[id] = w
		}
	}
	if len(seen) != n {
		t.Fatalf("claimed %d distinct rows, want %d", len(seen), n)
	}
	if p := pending(t, s); p != 0 {
		t.Fatalf("pending = %d", p)
	}
}

// --- operators, tokens, sessions ------------------------------------------

func testOperators(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	must(t, s.CreateDepartment(ctx, switchboard.Department{ID: "dep_1", WorkspaceID: a, Name: "One"}), "dep")
	must(t, s.CreateDepartment(ctx, switchboard.Department{ID: "dep_2", WorkspaceID: a, Name: "Two"}), "dep")
	alice := switchboard.Operator{ID: "op_alice", WorkspaceID: a, Email: "Alice@Example.com", Name: "Alice",
		Role: switchboard.RoleOperator, DepartmentIDs: []switchboard.DepartmentID{"dep_2", "dep_1"}, CreatedAt: t0}
	must(t, s.CreateOperator(ctx, alice, "$2a$hash"), "CreateOperator")
	for _, email := range []string{"alice@example.com", "ALICE@EXAMPLE.COM"} {
		dup := switchboard.Operator{ID: switchboard.OperatorID("op_" + email), WorkspaceID: b, Email: email, Role: switchboard.RoleAdmin}
		wantErr(t, s.CreateOperator(ctx, dup, "x"), store.ErrConflict, "CreateOperator with "+email)
	}
	op, hash, err := s.OperatorByEmail(ctx, "aLiCe@example.COM")
	must(t, err, "OperatorByEmail")
	slices.Sort(op.DepartmentIDs)
	if op.ID != alice.ID || hash != "$2a$hash" || op.Email != "Alice@Example.com" || op.Role != switchboard.RoleOperator ||
		!slices.Equal(op.DepartmentIDs, []switchboard.DepartmentID{"dep_1", "dep_2"}) || !op.CreatedAt.Equal(t0) {
		t.Fatalf("OperatorByEmail = %+v, %q", op, hash)
	}
	_, _, err = s.OperatorByEmail(ctx, "bob@example.com")
	wantErr(t, err, store.ErrNotFound, "OperatorByEmail unknown")
	bob := switchboard.Operator{ID: "op_bob", WorkspaceID: b, Email: "bob@example.com", Name: "Bob", Role: switchboard.RoleAdmin}
	must(t, s.CreateOperator(ctx, bob, "h"), "CreateOperator bob")
	got, err := s.GetOperator(ctx, a, alice.ID)
	must(t, err, "GetOperator")
	if got.Name != "Alice" || len(got.DepartmentIDs) != 2 {
		t.Fatalf("GetOperator = %+v", got)
	}
	_, err = s.GetOperator(ctx, b, alice.ID)
	wantErr(t, err, store.ErrNotFound, "GetOperator from another workspace")
	la, err := s.ListOperators(ctx, a)
	must(t, err, "ListOperators")
	if len(la) != 1 || la[0].ID != alice.ID {
		t.Fatalf("ListOperators(A) = %+v", la)
	}
	lb, err := s.ListOperators(ctx, b)
	must(t, err, "ListOperators B")
	if len(lb) != 1 || lb[0].ID != bob.ID || len(lb[0].DepartmentIDs) != 0 {
		t.Fatalf("ListOperators(B) = %+v", lb)
	}
	// A department of another workspace cannot be joined.
	eve := switchboard.Operator{ID: "op_eve", WorkspaceID: b, Email: "eve@example.com", Role: switchboard.RoleOperator,
		DepartmentIDs: []switchboard.DepartmentID{"dep_1"}}
	if err := s.CreateOperator(ctx, eve, "h"); err == nil {
		t.Fatal("CreateOperator joined another workspace's department")
	}
	if _, _, err := s.OperatorByEmail(ctx, "eve@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("failed CreateOperator left an operator: %v", err)
	}
}

func testTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "A")
	tok := store.Token{ID: "tok_1", WorkspaceID: ws, Name: "ci", Role: switchboard.RoleAdmin, Hash: "abc123", CreatedAt: t0}
	must(t, s.CreateToken(ctx, tok), "CreateToken")
	got, err := s.TokenByHash(ctx, "abc123")
	must(t, err, "TokenByHash")
	if got.ID != "tok_1" || got.WorkspaceID != ws || got.Role != switchboard.RoleAdmin || got.Name != "ci" ||
		!got.CreatedAt.Equal(t0) || got.RevokedAt != nil {
		t.Fatalf("TokenByHash = %+v", got)
	}
	_, err = s.TokenByHash(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "TokenByHash unknown")
	revokedAt := t0.Add(time.Hour)
	must(t, s.CreateToken(ctx, store.Token{ID: "tok_2", WorkspaceID: ws, Role: switchboard.RoleOperator, Hash: "def456",
		CreatedAt: t0, RevokedAt: &revokedAt}), "CreateToken revoked")
	_, err = s.TokenByHash(ctx, "def456")
	wantErr(t, err, store.ErrNotFound, "TokenByHash revoked")
	wantErr(t, s.CreateToken(ctx, store.Token{ID: "tok_3", WorkspaceID: ws, Role: switchboard.RoleAdmin, Hash: "abc123"}),
		store.ErrConflict, "CreateToken with a taken hash")
}

func testSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "A")
	op := switchboard.Operator{ID: "op_1", WorkspaceID: ws, Email: "a@example.com", Role: switchboard.RoleAdmin}
	must(t, s.CreateOperator(ctx, op, "h"), "CreateOperator")
	se := store.Session{Hash: "sess1", OperatorID: op.ID, WorkspaceID: ws, CSRF: "csrf1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	must(t, s.CreateSession(ctx, se), "CreateSession")
	got, err := s.SessionByHash(ctx, "sess1", t0.Add(59*time.Minute))
	must(t, err, "SessionByHash")
	if got.OperatorID != op.ID || got.WorkspaceID != ws || got.CSRF != "csrf1" || !got.ExpiresAt.Equal(se.ExpiresAt) ||
		!got.CreatedAt.Equal(t0) || !isUTC(got.ExpiresAt) {
		t.Fatalf("SessionByHash = %+v", got)
	}
	_, err = s.SessionByHash(ctx, "sess1", t0.Add(time.Hour))
	wantErr(t, err, store.ErrNotFound, "SessionByHash at expiry")
	_, err = s.SessionByHash(ctx, "sess1", t0.Add(2*time.Hour))
	wantErr(t, err, store.ErrNotFound, "SessionByHash expired")
	must(t, s.DeleteSession(ctx, "sess1"), "DeleteSession")
	_, err = s.SessionByHash(ctx, "sess1", t0)
	wantErr(t, err, store.ErrNotFound, "SessionByHash deleted")
	must(t, s.DeleteSession(ctx, "sess1"), "DeleteSession twice")
}

// --- media, mirrors, accounts, keys ----------------------------------------

func testMedia(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "A")
	body := make([]byte, 70_000)
	for i := range body {
		body[i] = byte(i * 7)
	}
	must(t, s.PutMedia(ctx, store.Media{ID: "med_1", WorkspaceID: ws, ContentType: "image/png", Body: body, CreatedAt: t0}), "PutMedia")
	m, err := s.GetMedia(ctx, "med_1")
	must(t, err, "GetMedia")
	if !bytes.Equal(m.Body, body) || m.ContentType != "image/png" || m.WorkspaceID != ws || !m.CreatedAt.Equal(t0) {
		t.Fatalf("GetMedia = %s %s %d bytes %s", m.ID, m.ContentType, len(m.Body), m.CreatedAt)
	}
	_, err = s.GetMedia(ctx, "med_missing")
	wantErr(t, err, store.ErrNotFound, "GetMedia missing")
}

func testThreadLinks(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	c1 := accept(t, s, f.msg("m1", "U1", "x", t0))[0].ConversationID
	c2 := accept(t, s, f.msg("m2", "U2", "x", t0))[0].ConversationID
	must(t, s.PutThreadLink(ctx, store.ThreadLink{WorkspaceID: f.ws, Mirror: "slack:C1", ThreadRef: "111.1", ConversationID: c1, CreatedAt: t0}), "PutThreadLink")
	must(t, s.PutThreadLink(ctx, store.ThreadLink{WorkspaceID: f.ws, Mirror: "slack:C2", ThreadRef: "111.1", ConversationID: c2, CreatedAt: t0}), "PutThreadLink other mirror")
	l, err := s.ThreadByConversation(ctx, "slack:C1", c1)
	must(t, err, "ThreadByConversation")
	if l.ThreadRef != "111.1" || l.WorkspaceID != f.ws || l.Mirror != "slack:C1" || l.ConversationID != c1 {
		t.Fatalf("ThreadByConversation = %+v", l)
	}
	l, err = s.ConversationByThread(ctx, "slack:C2", "111.1")
	must(t, err, "ConversationByThread")
	if l.ConversationID != c2 {
		t.Fatalf("ConversationByThread = %+v", l)
	}
	// Putting again replaces the thread ref.
	must(t, s.PutThreadLink(ctx, store.ThreadLink{WorkspaceID: f.ws, Mirror: "slack:C1", ThreadRef: "222.2", ConversationID: c1}), "PutThreadLink again")
	if l, _ := s.ThreadByConversation(ctx, "slack:C1", c1); l.ThreadRef != "222.2" {
		t.Fatalf("thread ref after replace = %q", l.ThreadRef)
	}
	_, err = s.ConversationByThread(ctx, "slack:C1", "111.1")
	wantErr(t, err, store.ErrNotFound, "ConversationByThread of the replaced ref")
	_, err = s.ThreadByConversation(ctx, "slack:C9", c1)
	wantErr(t, err, store.ErrNotFound, "ThreadByConversation other mirror")
	// A conversation of another workspace cannot be linked.
	other := newWorkspace(t, s, "Other")
	err = s.PutThreadLink(ctx, store.ThreadLink{WorkspaceID: other, Mirror: "slack:C3", ThreadRef: "1", ConversationID: c1})
	wantErr(t, err, store.ErrNotFound, "PutThreadLink across workspaces")
}

func testOperatorAccounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := newWorkspace(t, s, "A")
	b := newWorkspace(t, s, "B")
	o1 := switchboard.Operator{ID: "op_1", WorkspaceID: a, Email: "1@example.com", Name: "One", Role: switchboard.RoleOperator}
	o2 := switchboard.Operator{ID: "op_2", WorkspaceID: a, Email: "2@example.com", Name: "Two", Role: switchboard.RoleOperator}
	must(t, s.CreateOperator(ctx, o1, "h"), "CreateOperator")
	must(t, s.CreateOperator(ctx, o2, "h"), "CreateOperator")
	must(t, s.LinkOperatorAccount(ctx, a, o1.ID, "slack", "U111"), "LinkOperatorAccount")
	op, err := s.OperatorByAccount(ctx, "slack", "U111")
	must(t, err, "OperatorByAccount")
	if op.ID != o1.ID || op.Name != "One" {
		t.Fatalf("OperatorByAccount = %+v", op)
	}
	must(t, s.LinkOperatorAccount(ctx, a, o2.ID, "slack", "U111"), "LinkOperatorAccount replace")
	if op, _ := s.OperatorByAccount(ctx, "slack", "U111"); op.ID != o2.ID {
		t.Fatalf("relinked account belongs to %s, want %s", op.ID, o2.ID)
	}
	_, err = s.OperatorByAccount(ctx, "slack", "U999")
	wantErr(t, err, store.ErrNotFound, "OperatorByAccount unknown")
	_, err = s.OperatorByAccount(ctx, "teams", "U111")
	wantErr(t, err, store.ErrNotFound, "OperatorByAccount other provider")
	wantErr(t, s.LinkOperatorAccount(ctx, b, o1.ID, "slack", "U222"), store.ErrNotFound, "LinkOperatorAccount across workspaces")
}

func testFirstSeen(t *testing.T, s store.Store) {
	ctx := context.Background()
	first, err := s.FirstSeen(ctx, "slack:Ev1")
	must(t, err, "FirstSeen")
	if !first {
		t.Fatal("FirstSeen of a new key = false")
	}
	if again, _ := s.FirstSeen(ctx, "slack:Ev1"); again {
		t.Fatal("FirstSeen of a seen key = true")
	}
	const n = 8
	results := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i], errs[i] = s.FirstSeen(ctx, "slack:Ev2") })
	}
	wg.Wait()
	firsts := 0
	for i := range n {
		must(t, errs[i], "FirstSeen concurrent")
		if results[i] {
			firsts++
		}
	}
	if firsts != 1 {
		t.Fatalf("%d concurrent FirstSeen calls reported first, want 1", firsts)
	}
}

// testPruneDedup: redelivery records older than the cut are deleted (the
// key is then new again), newer ones stay; messages stay deduplicated by
// their external id whatever the cut.
func testPruneDedup(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	_, err := s.FirstSeen(ctx, "slack:EvOld")
	must(t, err, "FirstSeen")
	accept(t, s, f.event(switchboard.InboundFollow, "follow-1", "U1"))
	m := accept(t, s, f.msg("msg-1", "U1", "hello", t0))[0]
	n, err := s.PruneDedup(ctx, time.Now().Add(-time.Hour))
	must(t, err, "PruneDedup")
	if n != 0 {
		t.Fatalf("PruneDedup with a cut an hour ago deleted %d records", n)
	}
	if again, _ := s.FirstSeen(ctx, "slack:EvOld"); again {
		t.Fatal("a key newer than the cut was pruned")
	}
	n, err = s.PruneDedup(ctx, time.Now().Add(time.Hour))
	must(t, err, "PruneDedup")
	if n != 2 {
		t.Fatalf("PruneDedup deleted %d records, want 2 (one key, one event)", n)
	}
	if first, _ := s.FirstSeen(ctx, "slack:EvOld"); !first {
		t.Fatal("a pruned key is still seen")
	}
	if r := accept(t, s, f.event(switchboard.InboundFollow, "follow-1", "U1"))[0]; r.Duplicate {
		t.Fatal("a follow event whose record was pruned is still a duplicate")
	}
	if r := accept(t, s, f.msg("msg-1", "U1", "hello", t0))[0]; !r.Duplicate || r.MessageID != m.MessageID {
		t.Fatalf("a redelivered message after pruning = %+v, want the duplicate of %s", r, m.MessageID)
	}
}

// --- isolation and times ----------------------------------------------------

func testWorkspaceIsolation(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := setup(t, s)
	b := setup(t, s)
	ra := accept(t, s, a.msg("m1", "U1", "secret of A", t0))[0]
	rb := accept(t, s, b.msg("m1", "U1", "secret of B", t0))[0]
	if ra.Duplicate || rb.Duplicate || ra.ConversationID == rb.ConversationID {
		t.Fatalf("results A %+v B %+v", ra, rb)
	}
	must(t, s.CreateDepartment(ctx, switchboard.Department{ID: "dep_a", WorkspaceID: a.ws, Name: "A only"}), "dep")
	must(t, s.CreateOperator(ctx, switchboard.Operator{ID: "op_a", WorkspaceID: a.ws, Email: "a@a.example", Role: switchboard.RoleAdmin}, "h"), "op")

	notFound := func(what string, err error) {
		t.Helper()
		wantErr(t, err, store.ErrNotFound, what+" of workspace A from B")
	}
	_, err := s.GetConversation(ctx, b.ws, ra.ConversationID)
	notFound("GetConversation", err)
	_, err = s.GetContact(ctx, b.ws, ra.ContactID)
	notFound("GetContact", err)
	_, err = s.GetMessage(ctx, b.ws, ra.MessageID)
	notFound("GetMessage", err)
	_, err = s.ListMessages(ctx, b.ws, ra.ConversationID, store.MessageQuery{})
	notFound("ListMessages", err)
	_, err = s.SetConversationDepartment(ctx, b.ws, ra.ConversationID, "dep_b")
	notFound("SetConversationDepartment", err)
	notFound("SetConversationStatus", s.SetConversationStatus(ctx, b.ws, ra.ConversationID, switchboard.ConversationResolved))
	notFound("MarkConversationRead", s.MarkConversationRead(ctx, b.ws, ra.ConversationID))
	_, err = s.GetOperator(ctx, b.ws, "op_a")
	notFound("GetOperator", err)
	notFound("DeleteChannel", s.DeleteChannel(ctx, b.ws, a.ch))
	out := newOutgoing(getConv(t, s, a.ws, ra.ConversationID), "x", t0)
	out.WorkspaceID = b.ws
	notFound("CreateMessage", s.CreateMessage(ctx, out, nil))

	// Nothing of A changed.
	c := getConv(t, s, a.ws, ra.ConversationID)
	if c.Status != switchboard.ConversationOpen || c.DepartmentID != "" || c.UnreadCount != 1 {
		t.Fatalf("A's conversation changed through B: %+v", c)
	}
	// Listings never leak.
	page, err := s.ListConversations(ctx, b.ws, store.ConversationQuery{Limit: 200})
	must(t, err, "ListConversations B")
	if len(page.Items) != 1 || page.Items[0].ID != rb.ConversationID {
		t.Fatalf("ListConversations(B) = %+v", page.Items)
	}
	found, err := s.SearchMessages(ctx, b.ws, "secret", 10)
	must(t, err, "SearchMessages B")
	if len(found) != 1 || found[0].ID != rb.MessageID {
		t.Fatalf("SearchMessages(B) found %d messages", len(found))
	}
	deps, err := s.ListDepartments(ctx, b.ws)
	must(t, err, "ListDepartments B")
	if len(deps) != 0 {
		t.Fatalf("ListDepartments(B) = %+v", deps)
	}
	ops, err := s.ListOperators(ctx, b.ws)
	must(t, err, "ListOperators B")
	if len(ops) != 0 {
		t.Fatalf("ListOperators(B) = %+v", ops)
	}
	chs, err := s.ListChannels(ctx, b.ws)
	must(t, err, "ListChannels B")
	if len(chs) != 1 || chs[0].ID != b.ch {
		t.Fatalf("ListChannels(B) = %+v", chs)
	}
}

func testTimesUTC(t *testing.T, s store.Store) {
	ctx := context.Background()
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2025, 3, 1, 18, 30, 15, 123456000, jst) // 09:30:15.123456 UTC
	f := setup(t, s)
	r := accept(t, s, f.msg("m1", "U1", "x", at))[0]
	c := getConv(t, s, f.ws, r.ConversationID)
	m, err := s.GetMessage(ctx, f.ws, r.MessageID)
	must(t, err, "GetMessage")
	ws, err := s.GetWorkspace(ctx, f.ws)
	must(t, err, "GetWorkspace")
	for name, tm := range map[string]time.Time{
		"message created": m.CreatedAt, "conversation activity": c.LastActivityAt, "conversation created": c.CreatedAt,
		"contact created": c.Contact.CreatedAt, "workspace created": ws.CreatedAt,
	} {
		if !isUTC(tm) {
			t.Errorf("%s: %v is not UTC", name, tm)
		}
	}
	if !m.CreatedAt.Equal(at) || !c.LastActivityAt.Equal(at) {
		t.Fatalf("times changed: message %v, activity %v, want %v", m.CreatedAt, c.LastActivityAt, at)
	}
	if m.CreatedAt.Hour() != 9 {
		t.Fatalf("UTC hour = %d", m.CreatedAt.Hour())
	}
}
