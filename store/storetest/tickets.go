package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// ticketTests are the contract tests of tickets (issue 15); Run
// registers them.
var ticketTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"TicketNumbers", testTicketNumbers},
	{"TicketNumbersConcurrent", testTicketNumbersConcurrent},
	{"TicketWorkspaceIsolation", testTicketWorkspaceIsolation},
	{"OpenTicket", testOpenTicket},
	{"OpenTicketConcurrent", testOpenTicketConcurrent},
	{"AddCustomerMessage", testAddCustomerMessage},
	{"UpdateTicket", testUpdateTicket},
	{"TicketLinks", testTicketLinks},
	{"TicketBreaches", testTicketBreaches},
	{"TicketBreachesConcurrent", testTicketBreachesConcurrent},
	{"TicketFields", testTicketFields},
	{"MessageVia", testMessageVia},
	{"ConversationTicketBadge", testConversationTicketBadge},
	{"ListTickets", testListTickets},
	{"TicketsOfErasedAndMergedContacts", testTicketsOfErasedAndMergedContacts},
}

// ticketEntry is the outbox entry the tests ask for with each change.
func ticketEntry(topic string) func(switchboard.Ticket) []store.OutboxEntry {
	return func(t switchboard.Ticket) []store.OutboxEntry {
		if t.Conversation == nil || t.Conversation.Contact == nil {
			panic("outboxFor got a ticket without its conversation")
		}
		return []store.OutboxEntry{{Topic: topic, Key: string(t.ConversationID), Payload: []byte(fmt.Sprint(t.Number))}}
	}
}

// conversationOf starts a conversation from sender on the fixture's
// channel and returns its id.
func (f *fx) conversationOf(t testing.TB, sender, text string, at time.Time) switchboard.ConversationID {
	t.Helper()
	return customer(t, f.s, f.ws, f.ch, sender, switchboard.Profile{}, text, at).ConversationID
}

// makeTicket makes conv a ticket of the fixture's workspace.
func (f *fx) makeTicket(t testing.TB, conv switchboard.ConversationID, subject string, at time.Time) switchboard.Ticket {
	t.Helper()
	tk, err := f.s.CreateTicket(context.Background(), switchboard.Ticket{ConversationID: conv, WorkspaceID: f.ws, Subject: subject,
		Source: switchboard.TicketFromConsole, CreatedAt: at}, nil)
	must(t, err, "CreateTicket "+subject)
	return tk
}

func outboxTopics(t testing.TB, s store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range claimAll(t, s, time.Minute) {
		out[r.Topic]++
	}
	return out
}

func testTicketNumbers(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	g := setup(t, s)
	claimAll(t, s, time.Hour) // the intake's entries
	var nums []int64
	for i := range 3 {
		conv := f.conversationOf(t, fmt.Sprintf("U%d", i), "help", t0)
		tk, err := s.CreateTicket(ctx, switchboard.Ticket{ConversationID: conv, WorkspaceID: f.ws, Subject: "Help", CreatedAt: t0}, ticketEntry("ticket"))
		must(t, err, "CreateTicket")
		if tk.Status != switchboard.TicketOpen || tk.Priority != switchboard.PriorityNormal || tk.Fields == nil || len(tk.Fields) != 0 ||
			tk.Conversation == nil || tk.Conversation.ID != conv || tk.Conversation.Contact == nil || !tk.CreatedAt.Equal(t0) || !isUTC(tk.CreatedAt) {
			t.Fatalf("CreateTicket = %+v", tk)
		}
		nums = append(nums, tk.Number)
		_, err = s.CreateTicket(ctx, switchboard.Ticket{ConversationID: conv, WorkspaceID: f.ws, Subject: "again"}, ticketEntry("ticket"))
		wantErr(t, err, store.ErrConflict, "CreateTicket twice")
	}
	if !slices.Equal(nums, []int64{1, 2, 3}) {
		t.Fatalf("numbers = %v, want 1 2 3", nums)
	}
	other := g.makeTicket(t, g.conversationOf(t, "U0", "hi", t0), "Other", t0)
	if other.Number != 1 {
		t.Fatalf("first ticket of another workspace has number %d, want 1", other.Number)
	}
	if got := outboxTopics(t, s)["ticket"]; got != 3 {
		t.Fatalf("outbox has %d ticket entries, want 3 (none for refused creations)", got)
	}
	// A refused creation takes no number.
	tk := f.makeTicket(t, f.conversationOf(t, "U9", "x", t0), "Fourth", t0)
	if tk.Number != 4 {
		t.Fatalf("number after refused creations = %d, want 4", tk.Number)
	}
	byNum, err := s.GetTicketByNumber(ctx, f.ws, 2)
	must(t, err, "GetTicketByNumber")
	if byNum.Number != 2 || byNum.Subject != "Help" {
		t.Fatalf("GetTicketByNumber(2) = %+v", byNum)
	}
	_, err = s.GetTicketByNumber(ctx, f.ws, 99)
	wantErr(t, err, store.ErrNotFound, "GetTicketByNumber absent")
	_, err = s.CreateTicket(ctx, switchboard.Ticket{ConversationID: "cv_nope", WorkspaceID: f.ws}, nil)
	wantErr(t, err, store.ErrNotFound, "CreateTicket for no conversation")
	conv := f.conversationOf(t, "U10", "x", t0)
	_, err = s.CreateTicket(ctx, switchboard.Ticket{ConversationID: conv, WorkspaceID: f.ws, Status: "closed"}, nil)
	if err == nil {
		t.Fatal("CreateTicket with status closed: no error")
	}
}

func testTicketNumbersConcurrent(t *testing.T, s store.Store) {
	f := setup(t, s)
	const n = 16
	convs := make([]switchboard.ConversationID, n)
	for i := range convs {
		convs[i] = f.conversationOf(t, fmt.Sprintf("U%d", i), "x", t0)
	}
	nums := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, err := s.CreateTicket(context.Background(), switchboard.Ticket{ConversationID: convs[i], WorkspaceID: f.ws, Subject: "c"}, nil)
			nums[i], errs[i] = tk.Number, err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		must(t, err, fmt.Sprintf("CreateTicket %d", i))
	}
	slices.Sort(nums)
	for i, got := range nums {
		if got != int64(i+1) {
			t.Fatalf("concurrent numbers = %v, want 1..%d each once", nums, n)
		}
	}
}

func testTicketWorkspaceIsolation(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	g := setup(t, s)
	a := f.makeTicket(t, f.conversationOf(t, "U1", "x", t0), "A", t0)
	b := f.makeTicket(t, f.conversationOf(t, "U2", "y", t0), "B", t0)
	must(t, s.PutTicketField(ctx, switchboard.TicketField{WorkspaceID: f.ws, Key: "order", Label: "Order", Type: switchboard.TicketFieldText}), "PutTicketField")
	ws := g.ws
	_, err := s.GetTicket(ctx, ws, a.ConversationID)
	wantErr(t, err, store.ErrNotFound, "GetTicket")
	_, err = s.GetTicketByNumber(ctx, ws, a.Number)
	wantErr(t, err, store.ErrNotFound, "GetTicketByNumber")
	subj := "stolen"
	_, err = s.UpdateTicket(ctx, ws, a.ConversationID, store.TicketUpdate{Subject: &subj}, nil)
	wantErr(t, err, store.ErrNotFound, "UpdateTicket")
	wantErr(t, s.LinkTickets(ctx, ws, a.ConversationID, b.ConversationID), store.ErrNotFound, "LinkTickets")
	wantErr(t, s.UnlinkTickets(ctx, ws, a.ConversationID, b.ConversationID), store.ErrNotFound, "UnlinkTickets")
	wantErr(t, s.DeleteTicketField(ctx, ws, "order"), store.ErrNotFound, "DeleteTicketField")
	_, err = s.CreateTicket(ctx, switchboard.Ticket{ConversationID: f.conversationOf(t, "U3", "z", t0), WorkspaceID: ws}, nil)
	wantErr(t, err, store.ErrNotFound, "CreateTicket")
	err = s.AddCustomerMessage(ctx, portalMessage(ws, a.ConversationID, "hi"), nil)
	wantErr(t, err, store.ErrNotFound, "AddCustomerMessage")
	_, err = s.OpenTicket(ctx, openRequest(ws, f.ch, "x@example.com", "hi"), nil)
	wantErr(t, err, store.ErrNotFound, "OpenTicket on another workspace's channel")
	page, err := s.ListTickets(ctx, ws, store.TicketQuery{})
	must(t, err, "ListTickets")
	if len(page.Items) != 0 {
		t.Fatalf("ListTickets of another workspace = %d tickets", len(page.Items))
	}
	fields, err := s.ListTicketFields(ctx, ws)
	must(t, err, "ListTicketFields")
	if len(fields) != 0 {
		t.Fatalf("ListTicketFields of another workspace = %+v", fields)
	}
	// Nothing changed in the ticket's own workspace.
	got, err := s.GetTicket(ctx, f.ws, a.ConversationID)
	must(t, err, "GetTicket")
	if got.Subject != "A" || len(got.Links) != 0 {
		t.Fatalf("ticket after foreign calls = %+v", got)
	}
}

func portalMessage(ws switchboard.WorkspaceID, conv switchboard.ConversationID, text string) switchboard.Message {
	return switchboard.Message{ID: switchboard.MessageID(switchboard.NewID("msg")), WorkspaceID: ws, ConversationID: conv,
		Parts: switchboard.TextParts(text), Via: "portal", CreatedAt: t0.Add(time.Hour)}
}

func openRequest(ws switchboard.WorkspaceID, ch switchboard.ChannelID, email, text string) store.OpenTicketRequest {
	return store.OpenTicketRequest{
		WorkspaceID: ws, ChannelID: ch, Sender: switchboard.ExternalID(email),
		Profile:        switchboard.Profile{Name: "Hanako", Email: email},
		ContactID:      switchboard.ContactID(switchboard.NewID("ct")),
		ConversationID: switchboard.ConversationID(switchboard.NewID("cv")),
		Ticket:         switchboard.Ticket{Subject: switchboard.TicketSubject(text), Source: switchboard.TicketFromPortal, Fields: map[string]any{"order": "A-1"}},
		Message: switchboard.Message{ID: switchboard.MessageID(switchboard.NewID("msg")), Parts: switchboard.TextParts(text),
			Via: "portal", CreatedAt: t0},
	}
}

func testOpenTicket(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	portal := newChannel(t, s, f.ws, "portal")
	var seen []switchboard.MessageID
	outboxFor := func(tk switchboard.Ticket, m switchboard.Message) []store.OutboxEntry {
		seen = append(seen, m.ID)
		return []store.OutboxEntry{{Topic: "ticket", Key: string(tk.ConversationID)}}
	}
	req := openRequest(f.ws, portal, "hanako@example.com", "Refund please\nOrder A-1 arrived broken")
	first, err := s.OpenTicket(ctx, req, outboxFor)
	must(t, err, "OpenTicket")
	c := first.Conversation
	if first.Number != 1 || first.Subject != "Refund please" || first.Source != switchboard.TicketFromPortal || first.Status != switchboard.TicketOpen ||
		first.Fields["order"] != "A-1" || c == nil || c.ID != req.ConversationID || c.ChannelID != portal || c.ChannelType != "portal" ||
		c.Status != switchboard.ConversationOpen || c.UnreadCount != 1 || c.LastMessage == "" || c.Contact == nil ||
		c.Contact.Email != "hanako@example.com" || c.Contact.Name != "Hanako" || c.ContactID != req.ContactID || c.Ticket == nil || c.Ticket.Number != 1 {
		t.Fatalf("OpenTicket = %+v conversation %+v", first, c)
	}
	if len(seen) != 1 || seen[0] != req.Message.ID {
		t.Fatalf("outboxFor saw messages %v, want %s", seen, req.Message.ID)
	}
	msgs, err := s.ListMessages(ctx, f.ws, req.ConversationID, store.MessageQuery{})
	must(t, err, "ListMessages")
	if len(msgs.Items) != 1 || msgs.Items[0].ID != req.Message.ID || msgs.Items[0].Direction != switchboard.DirectionIn ||
		msgs.Items[0].Status != switchboard.StatusDelivered || msgs.Items[0].Via != "portal" || msgs.Items[0].ChannelID != portal {
		t.Fatalf("first message = %+v", msgs.Items)
	}
	found, err := s.SearchMessages(ctx, f.ws, "arrived broken", 10)
	must(t, err, "SearchMessages")
	if len(found) != 1 || found[0].ID != req.Message.ID {
		t.Fatalf("SearchMessages found %d messages, want the ticket's first", len(found))
	}

	// The same customer again: the same contact, a new conversation.
	again := openRequest(f.ws, portal, "hanako@example.com", "Another question")
	again.Profile.Phone = "+819012345678"
	second, err := s.OpenTicket(ctx, again, outboxFor)
	must(t, err, "OpenTicket again")
	if second.Number != 2 || second.ConversationID == first.ConversationID || second.Conversation.ContactID != first.Conversation.ContactID ||
		second.Conversation.Contact.Phone != "+819012345678" {
		t.Fatalf("second OpenTicket = %+v contact %+v", second, second.Conversation.Contact)
	}
	if got := outboxTopics(t, s)["ticket"]; got != 2 {
		t.Fatalf("outbox has %d ticket entries, want 2", got)
	}
	dup := openRequest(f.ws, portal, "someone@example.com", "x")
	dup.ConversationID = first.ConversationID
	_, err = s.OpenTicket(ctx, dup, nil)
	if err == nil {
		t.Fatal("OpenTicket reusing a conversation id: no error")
	}
	if ids, err := s.ContactsByAddress(ctx, f.ws, "someone@example.com", ""); err != nil || len(ids) != 0 {
		t.Fatalf("a failed OpenTicket left a contact: %v %v", ids, err)
	}

	for _, tc := range []struct {
		email, phone string
		want         int
	}{
		{"HANAKO@Example.com", "", 1},
		{"", "+819012345678", 1},
		{"nobody@example.com", "+819012345678", 1},
		{"nobody@example.com", "", 0},
		{"", "", 0},
	} {
		ids, err := s.ContactsByAddress(ctx, f.ws, tc.email, tc.phone)
		must(t, err, "ContactsByAddress")
		if len(ids) != tc.want || (tc.want == 1 && ids[0] != first.Conversation.ContactID) {
			t.Fatalf("ContactsByAddress(%q, %q) = %v, want %d", tc.email, tc.phone, ids, tc.want)
		}
	}
	other := setup(t, s)
	if ids, _ := s.ContactsByAddress(ctx, other.ws, "hanako@example.com", ""); len(ids) != 0 {
		t.Fatalf("ContactsByAddress in another workspace = %v", ids)
	}
}

func testAddCustomerMessage(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	conv := f.conversationOf(t, "U1", "hello", t0)
	f.makeTicket(t, conv, "Hello", t0)
	must(t, s.MarkConversationRead(ctx, f.ws, conv), "MarkConversationRead")
	for _, st := range []switchboard.ConversationStatus{switchboard.ConversationResolved, switchboard.ConversationSnoozed} {
		must(t, s.SetConversationStatus(ctx, f.ws, conv, st), "SetConversationStatus")
		m := portalMessage(f.ws, conv, "still broken ("+string(st)+")")
		must(t, s.AddCustomerMessage(ctx, m, []store.OutboxEntry{{Topic: "portal", Key: string(m.ID)}}), "AddCustomerMessage")
		c, err := s.GetConversation(ctx, f.ws, conv)
		must(t, err, "GetConversation")
		if c.Status != switchboard.ConversationOpen || !c.Unread || c.LastMessage != "still broken ("+string(st)+")" || !c.LastActivityAt.Equal(m.CreatedAt) {
			t.Fatalf("after a portal reply to a %s conversation: %+v", st, c)
		}
		got, err := s.GetMessage(ctx, f.ws, m.ID)
		must(t, err, "GetMessage")
		if got.Direction != switchboard.DirectionIn || got.Status != switchboard.StatusDelivered || got.Via != "portal" || got.ChannelID != f.ch {
			t.Fatalf("portal message = %+v", got)
		}
	}
	c, _ := s.GetConversation(ctx, f.ws, conv)
	if c.UnreadCount != 2 {
		t.Fatalf("unread = %d after two portal replies, want 2", c.UnreadCount)
	}
	if got := outboxTopics(t, s)["portal"]; got != 2 {
		t.Fatalf("outbox has %d portal entries, want 2", got)
	}
	found, err := s.SearchMessages(ctx, f.ws, "still broken", 10)
	must(t, err, "SearchMessages")
	if len(found) != 2 {
		t.Fatalf("SearchMessages found %d portal replies, want 2", len(found))
	}
	wantErr(t, s.AddCustomerMessage(ctx, portalMessage(f.ws, "cv_nope", "x"), nil), store.ErrNotFound, "AddCustomerMessage to no conversation")
}

func testUpdateTicket(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	tk := f.makeTicket(t, f.conversationOf(t, "U1", "x", t0), "Old", t0)
	other := f.makeTicket(t, f.conversationOf(t, "U2", "y", t0), "Other", t0)
	claimAll(t, s, time.Hour)
	subj, prio, st := "New subject", switchboard.PriorityUrgent, switchboard.TicketResolved
	fields := map[string]any{"order": "A-1", "count": float64(3), "vip": true, "due": "2025-03-01", "tags": []any{"a", "b"}}
	replied, resolved, due, read := t0.Add(time.Minute), t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(3*time.Hour)
	into := other.ConversationID
	got, err := s.UpdateTicket(ctx, f.ws, tk.ConversationID, store.TicketUpdate{Subject: &subj, Priority: &prio, Status: &st, Fields: &fields,
		FirstRepliedAt: &replied, ResolvedAt: &resolved, FirstReplyDueAt: &due, ResolutionDueAt: &due, CustomerReadAt: &read, MergedInto: &into},
		ticketEntry("updated"))
	must(t, err, "UpdateTicket")
	check := func(what string, got switchboard.Ticket) {
		t.Helper()
		if got.Subject != subj || got.Priority != prio || got.Status != st || got.MergedInto != into || got.Number != tk.Number ||
			got.FirstRepliedAt == nil || !got.FirstRepliedAt.Equal(replied) || got.ResolvedAt == nil || !got.ResolvedAt.Equal(resolved) ||
			got.FirstReplyDueAt == nil || !got.FirstReplyDueAt.Equal(due) || got.ResolutionDueAt == nil || !got.ResolutionDueAt.Equal(due) ||
			got.CustomerReadAt == nil || !got.CustomerReadAt.Equal(read) || !isUTC(*got.ResolvedAt) || got.UpdatedAt.Before(got.CreatedAt) {
			t.Fatalf("%s = %+v", what, got)
		}
		if fmt.Sprint(got.Fields) != fmt.Sprint(fields) {
			t.Fatalf("%s fields = %#v, want %#v", what, got.Fields, fields)
		}
	}
	check("UpdateTicket", got)
	read2, err := s.GetTicket(ctx, f.ws, tk.ConversationID)
	must(t, err, "GetTicket")
	check("GetTicket after update", read2)
	if got := outboxTopics(t, s)["updated"]; got != 1 {
		t.Fatalf("outbox has %d update entries, want 1", got)
	}
	open := switchboard.TicketOpen
	got, err = s.UpdateTicket(ctx, f.ws, tk.ConversationID, store.TicketUpdate{Status: &open, ClearResolved: true}, nil)
	must(t, err, "UpdateTicket reopen")
	if got.ResolvedAt != nil || got.Status != open || got.Subject != subj || got.FirstRepliedAt == nil {
		t.Fatalf("reopened ticket = %+v", got)
	}
	bad := switchboard.TicketStatus("closed")
	if _, err := s.UpdateTicket(ctx, f.ws, tk.ConversationID, store.TicketUpdate{Status: &bad}, nil); err == nil {
		t.Fatal("UpdateTicket status closed: no error")
	}
	conv := f.conversationOf(t, "U3", "z", t0)
	_, err = s.UpdateTicket(ctx, f.ws, conv, store.TicketUpdate{Subject: &subj}, nil)
	wantErr(t, err, store.ErrNotFound, "UpdateTicket of a conversation that is no ticket")
	_, err = s.GetTicket(ctx, f.ws, conv)
	wantErr(t, err, store.ErrNotFound, "GetTicket of a conversation that is no ticket")
}

func testTicketLinks(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	a := f.makeTicket(t, f.conversationOf(t, "U1", "x", t0), "A", t0)
	b := f.makeTicket(t, f.conversationOf(t, "U2", "y", t0), "B", t0)
	c := f.makeTicket(t, f.conversationOf(t, "U3", "z", t0), "C", t0)
	must(t, s.LinkTickets(ctx, f.ws, a.ConversationID, b.ConversationID), "LinkTickets")
	must(t, s.LinkTickets(ctx, f.ws, b.ConversationID, a.ConversationID), "LinkTickets again, the other way")
	must(t, s.LinkTickets(ctx, f.ws, a.ConversationID, c.ConversationID), "LinkTickets a-c")
	links := func(id switchboard.ConversationID) []switchboard.ConversationID {
		tk, err := s.GetTicket(ctx, f.ws, id)
		must(t, err, "GetTicket")
		return tk.Links
	}
	wantA := []switchboard.ConversationID{b.ConversationID, c.ConversationID}
	slices.Sort(wantA)
	if got := links(a.ConversationID); !slices.Equal(got, wantA) {
		t.Fatalf("links of a = %v, want %v", got, wantA)
	}
	if got := links(b.ConversationID); !slices.Equal(got, []switchboard.ConversationID{a.ConversationID}) {
		t.Fatalf("links of b = %v, want a", got)
	}
	must(t, s.UnlinkTickets(ctx, f.ws, b.ConversationID, a.ConversationID), "UnlinkTickets")
	if got := links(a.ConversationID); !slices.Equal(got, []switchboard.ConversationID{c.ConversationID}) {
		t.Fatalf("links of a after unlink = %v, want c", got)
	}
	if got := links(b.ConversationID); len(got) != 0 || got == nil {
		t.Fatalf("links of b after unlink = %#v, want empty", got)
	}
	plain := f.conversationOf(t, "U4", "w", t0)
	wantErr(t, s.LinkTickets(ctx, f.ws, a.ConversationID, plain), store.ErrNotFound, "LinkTickets to a conversation that is no ticket")
	if err := s.LinkTickets(ctx, f.ws, a.ConversationID, a.ConversationID); err == nil {
		t.Fatal("LinkTickets to itself: no error")
	}
}

// testOpenTicketConcurrent opens tickets of one new customer at once: one
// contact is created, each ticket has its own conversation and number.
func testOpenTicketConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	portal := newChannel(t, s, f.ws, "portal")
	const n = 8
	got := make([]switchboard.Ticket, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = s.OpenTicket(ctx, openRequest(f.ws, portal, "same@example.com", fmt.Sprintf("question %d", i)), nil)
		}()
	}
	wg.Wait()
	convs, nums := map[switchboard.ConversationID]bool{}, map[int64]bool{}
	for i, tk := range got {
		must(t, errs[i], fmt.Sprintf("OpenTicket %d", i))
		convs[tk.ConversationID], nums[tk.Number] = true, true
	}
	ids, err := s.ContactsByAddress(ctx, f.ws, "same@example.com", "")
	must(t, err, "ContactsByAddress")
	if len(ids) != 1 || len(convs) != n || len(nums) != n {
		t.Fatalf("%d contacts, %d conversations, %d numbers; want 1, %d, %d", len(ids), len(convs), len(nums), n, n)
	}
	page, err := s.ListTickets(ctx, f.ws, store.TicketQuery{ContactIDs: ids})
	must(t, err, "ListTickets")
	if len(page.Items) != n {
		t.Fatalf("the customer has %d tickets, want %d", len(page.Items), n)
	}
}
