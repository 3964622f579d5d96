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

// ticketDue makes a ticket of a new conversation with the given targets.
func (f *fx) ticketDue(t testing.TB, sender string, firstReply, resolution *time.Time) switchboard.Ticket {
	t.Helper()
	tk, err := f.s.CreateTicket(context.Background(), switchboard.Ticket{ConversationID: f.conversationOf(t, sender, "x", t0), WorkspaceID: f.ws,
		Subject: sender, CreatedAt: t0, FirstReplyDueAt: firstReply, ResolutionDueAt: resolution}, nil)
	must(t, err, "CreateTicket")
	return tk
}

func at(d time.Duration) *time.Time {
	v := t0.Add(d)
	return &v
}

func breachEntry(b store.TicketBreach) []store.OutboxEntry {
	return []store.OutboxEntry{{Topic: "breach", Key: string(b.Ticket.ConversationID) + "/" + b.Kind}}
}

func testTicketBreaches(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	late := f.ticketDue(t, "late", at(time.Minute), at(time.Hour)) // first reply missed at now; resolution too
	answered := f.ticketDue(t, "answered", at(time.Minute), nil)   // replied in time: no breach
	future := f.ticketDue(t, "future", at(48*time.Hour), nil)      // not due yet
	resolved := f.ticketDue(t, "resolved", nil, at(time.Hour))     // resolved: no breach
	f.ticketDue(t, "none", nil, nil)                               // no targets
	replied, done := t0.Add(30*time.Second), t0.Add(30*time.Minute)
	_, err := s.UpdateTicket(ctx, f.ws, answered.ConversationID, store.TicketUpdate{FirstRepliedAt: &replied}, nil)
	must(t, err, "UpdateTicket replied")
	_, err = s.UpdateTicket(ctx, f.ws, resolved.ConversationID, store.TicketUpdate{ResolvedAt: &done}, nil)
	must(t, err, "UpdateTicket resolved")
	claimAll(t, s, time.Hour)

	now := t0.Add(2 * time.Hour)
	got, err := s.ClaimTicketBreaches(ctx, now, 10, breachEntry)
	must(t, err, "ClaimTicketBreaches")
	var kinds []string
	for _, b := range got {
		if b.Ticket.ConversationID != late.ConversationID || b.Ticket.Conversation == nil {
			t.Fatalf("breach of %s (%s), want only %s's", b.Ticket.Subject, b.Kind, late.Subject)
		}
		kinds = append(kinds, b.Kind)
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"first_reply", "resolution"}) {
		t.Fatalf("breach kinds = %v, want first_reply and resolution", kinds)
	}
	tk, err := s.GetTicket(ctx, f.ws, late.ConversationID)
	must(t, err, "GetTicket")
	if tk.FirstReplyBreachedAt == nil || !tk.FirstReplyBreachedAt.Equal(now) || tk.ResolutionBreachedAt == nil || !tk.ResolutionBreachedAt.Equal(now) {
		t.Fatalf("recorded breaches = %v %v, want %v", tk.FirstReplyBreachedAt, tk.ResolutionBreachedAt, now)
	}
	if n := outboxTopics(t, s)["breach"]; n != 2 {
		t.Fatalf("outbox has %d breach entries, want 2", n)
	}
	again, err := s.ClaimTicketBreaches(ctx, now.Add(time.Hour), 10, breachEntry)
	must(t, err, "ClaimTicketBreaches again")
	if len(again) != 0 {
		t.Fatalf("a breach was claimed twice: %+v", again)
	}
	later, err := s.ClaimTicketBreaches(ctx, t0.Add(49*time.Hour), 10, breachEntry)
	must(t, err, "ClaimTicketBreaches later")
	if len(later) != 1 || later[0].Ticket.ConversationID != future.ConversationID || later[0].Kind != "first_reply" {
		t.Fatalf("later breaches = %+v, want the future ticket's first reply", later)
	}
}

func testTicketBreachesConcurrent(t *testing.T, s store.Store) {
	f := setup(t, s)
	const n = 12
	for i := range n {
		f.ticketDue(t, fmt.Sprintf("U%d", i), at(time.Minute), at(time.Hour))
	}
	claimAll(t, s, time.Hour)
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := s.ClaimTicketBreaches(context.Background(), t0.Add(2*time.Hour), 3, breachEntry)
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, b := range got {
					seen[string(b.Ticket.ConversationID)+"/"+b.Kind]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err, "ClaimTicketBreaches")
	}
	if len(seen) != 2*n {
		t.Fatalf("claimed %d distinct breaches, want %d", len(seen), 2*n)
	}
	for k, c := range seen {
		if c != 1 {
			t.Fatalf("breach %s claimed %d times", k, c)
		}
	}
	if got := outboxTopics(t, s)["breach"]; got != 2*n {
		t.Fatalf("outbox has %d breach entries, want %d", got, 2*n)
	}
}

func testTicketFields(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	for _, fl := range []switchboard.TicketField{
		{WorkspaceID: f.ws, Key: "order", Label: "Order", Type: switchboard.TicketFieldText, Required: true, Public: true, Position: 2},
		{WorkspaceID: f.ws, Key: "kind", Label: "Kind", Type: switchboard.TicketFieldSelect, Options: []string{"返品", "交換"}, Position: 1},
		{WorkspaceID: f.ws, Key: "area", Label: "Area", Type: switchboard.TicketFieldText, Position: 2},
		{WorkspaceID: f.ws, Key: "kind", Label: "種類", Type: switchboard.TicketFieldSelect, Options: []string{"返品", "交換", "その他"}, Position: 1},
	} {
		must(t, s.PutTicketField(ctx, fl), "PutTicketField "+fl.Key)
	}
	if err := s.PutTicketField(ctx, switchboard.TicketField{WorkspaceID: f.ws, Key: "bad", Label: "Bad", Type: "colour"}); err == nil {
		t.Fatal("PutTicketField with an unknown type: no error")
	}
	list, err := s.ListTicketFields(ctx, f.ws)
	must(t, err, "ListTicketFields")
	var keys []string
	for _, fl := range list {
		keys = append(keys, fl.Key)
	}
	if !slices.Equal(keys, []string{"kind", "area", "order"}) {
		t.Fatalf("field order = %v, want kind area order", keys)
	}
	if k := list[0]; k.Label != "種類" || !slices.Equal(k.Options, []string{"返品", "交換", "その他"}) || k.WorkspaceID != f.ws {
		t.Fatalf("replaced field = %+v", k)
	}
	if o := list[2]; !o.Required || !o.Public || o.Options != nil {
		t.Fatalf("order field = %+v", o)
	}
	must(t, s.DeleteTicketField(ctx, f.ws, "area"), "DeleteTicketField")
	wantErr(t, s.DeleteTicketField(ctx, f.ws, "area"), store.ErrNotFound, "DeleteTicketField twice")
	if list, _ := s.ListTicketFields(ctx, f.ws); len(list) != 2 {
		t.Fatalf("%d fields after delete, want 2", len(list))
	}

	values := map[string]any{"order": "A-1", "count": float64(3), "vip": true, "kind": "返品", "opened": "2025-03-01", "none": nil}
	tk, err := s.CreateTicket(ctx, switchboard.Ticket{ConversationID: f.conversationOf(t, "U1", "x", t0), WorkspaceID: f.ws, Fields: values}, nil)
	must(t, err, "CreateTicket with fields")
	got, err := s.GetTicket(ctx, f.ws, tk.ConversationID)
	must(t, err, "GetTicket")
	if fmt.Sprint(got.Fields) != fmt.Sprint(values) {
		t.Fatalf("fields = %#v, want %#v", got.Fields, values)
	}
	empty := map[string]any{}
	got, err = s.UpdateTicket(ctx, f.ws, tk.ConversationID, store.TicketUpdate{Fields: &empty}, nil)
	must(t, err, "UpdateTicket fields")
	if got.Fields == nil || len(got.Fields) != 0 {
		t.Fatalf("fields after emptying = %#v", got.Fields)
	}
}

func testMessageVia(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	res := customer(t, s, f.ws, f.ch, "U1", switchboard.Profile{}, "hello", t0)
	conv, err := s.GetConversation(ctx, f.ws, res.ConversationID)
	must(t, err, "GetConversation")
	m := newOutgoing(conv, "reply", t0.Add(time.Minute))
	m.Via = "slack"
	must(t, s.CreateMessage(ctx, m, nil), "CreateMessage")
	got, err := s.GetMessage(ctx, f.ws, m.ID)
	must(t, err, "GetMessage")
	if got.Via != "slack" {
		t.Fatalf("Via = %q, want slack", got.Via)
	}
	page, err := s.ListMessages(ctx, f.ws, conv.ID, store.MessageQuery{})
	must(t, err, "ListMessages")
	if len(page.Items) != 2 || page.Items[0].Via != "" || page.Items[1].Via != "slack" {
		t.Fatalf("ListMessages vias = %+v", page.Items)
	}
}

func testConversationTicketBadge(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	plain := f.conversationOf(t, "U0", "x", t0)
	now := time.Now().UTC()
	soon, later, past := now.Add(time.Hour), now.Add(48*time.Hour), now.Add(-time.Hour)
	pending, err := s.CreateTicket(ctx, switchboard.Ticket{ConversationID: f.conversationOf(t, "U1", "x", t0.Add(time.Minute)), WorkspaceID: f.ws,
		Subject: "Pending", Priority: switchboard.PriorityHigh, FirstReplyDueAt: &soon, ResolutionDueAt: &later}, nil)
	must(t, err, "CreateTicket")
	overdue, err := s.CreateTicket(ctx, switchboard.Ticket{ConversationID: f.conversationOf(t, "U2", "x", t0.Add(2*time.Minute)), WorkspaceID: f.ws,
		Subject: "Overdue", FirstReplyDueAt: &past, ResolutionDueAt: &later}, nil)
	must(t, err, "CreateTicket")
	// Replied: the nearest unmet target is the resolution.
	_, err = s.UpdateTicket(ctx, f.ws, pending.ConversationID, store.TicketUpdate{FirstRepliedAt: &now}, nil)
	must(t, err, "UpdateTicket")

	check := func(what string, c switchboard.Conversation) {
		t.Helper()
		switch c.ID {
		case plain:
			if c.Ticket != nil {
				t.Fatalf("%s: a conversation that is no ticket has badge %+v", what, c.Ticket)
			}
		case pending.ConversationID:
			b := c.Ticket
			if b == nil || b.Number != pending.Number || b.Subject != "Pending" || b.Priority != switchboard.PriorityHigh ||
				b.Status != switchboard.TicketOpen || b.Breached || b.DueAt == nil || !b.DueAt.Equal(later.Truncate(time.Microsecond)) {
				t.Fatalf("%s: pending badge = %+v", what, b)
			}
		case overdue.ConversationID:
			b := c.Ticket
			if b == nil || !b.Breached || b.DueAt == nil || !b.DueAt.Equal(past.Truncate(time.Microsecond)) {
				t.Fatalf("%s: overdue badge = %+v", what, b)
			}
		}
	}
	for _, id := range []switchboard.ConversationID{plain, pending.ConversationID, overdue.ConversationID} {
		c, err := s.GetConversation(ctx, f.ws, id)
		must(t, err, "GetConversation")
		check("GetConversation", c)
	}
	page, err := s.ListConversations(ctx, f.ws, store.ConversationQuery{})
	must(t, err, "ListConversations")
	if len(page.Items) != 3 {
		t.Fatalf("ListConversations = %d items, want 3", len(page.Items))
	}
	for _, c := range page.Items {
		check("ListConversations", c)
	}
}

func testListTickets(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	sales, support := switchboard.DepartmentID(switchboard.NewID("dp")), switchboard.DepartmentID(switchboard.NewID("dp"))
	var all []switchboard.Ticket
	for i := range 5 {
		conv := f.conversationOf(t, fmt.Sprintf("U%d", i), "x", t0)
		dept := sales
		if i%2 == 1 {
			dept = support
		}
		_, err := s.SetConversationDepartment(ctx, f.ws, conv, dept)
		must(t, err, "SetConversationDepartment")
		// Two tickets share a creation time: ties go by id.
		all = append(all, f.makeTicket(t, conv, fmt.Sprintf("T%d", i), t0.Add(time.Duration(min(i, 3))*time.Minute)))
	}
	op := switchboard.OperatorID("op_1")
	_, err := s.UpdateConversation(ctx, f.ws, all[1].ConversationID, store.ConversationUpdate{AssigneeID: &op}, nil)
	must(t, err, "UpdateConversation")
	urgent, waiting := switchboard.PriorityUrgent, switchboard.TicketWaiting
	_, err = s.UpdateTicket(ctx, f.ws, all[2].ConversationID, store.TicketUpdate{Priority: &urgent, Status: &waiting}, nil)
	must(t, err, "UpdateTicket")
	due := t0.Add(-time.Hour)
	_, err = s.UpdateTicket(ctx, f.ws, all[4].ConversationID, store.TicketUpdate{FirstReplyDueAt: &due}, nil)
	must(t, err, "UpdateTicket due")
	_, err = s.ClaimTicketBreaches(ctx, t0, 10, nil)
	must(t, err, "ClaimTicketBreaches")

	newest := slices.Clone(all)
	slices.SortFunc(newest, func(a, b switchboard.Ticket) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		if a.ConversationID > b.ConversationID {
			return -1
		}
		return 1
	})
	ids := func(ts []switchboard.Ticket) []string {
		var out []string
		for _, tk := range ts {
			out = append(out, tk.Subject)
		}
		return out
	}
	var walked []switchboard.Ticket
	cursor := ""
	for {
		page, err := s.ListTickets(ctx, f.ws, store.TicketQuery{Limit: 2, Cursor: cursor})
		must(t, err, "ListTickets page")
		for _, tk := range page.Items {
			if tk.Conversation == nil || tk.Conversation.Contact == nil {
				t.Fatalf("listed ticket without its conversation: %+v", tk)
			}
		}
		walked = append(walked, page.Items...)
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if !slices.Equal(ids(walked), ids(newest)) {
		t.Fatalf("paged = %v, want %v", ids(walked), ids(newest))
	}
	_, err = s.ListTickets(ctx, f.ws, store.TicketQuery{Cursor: "nonsense"})
	wantErr(t, err, store.ErrBadCursor, "ListTickets bad cursor")

	for _, tc := range []struct {
		name string
		q    store.TicketQuery
		want []string
	}{
		{"status", store.TicketQuery{Status: switchboard.TicketWaiting}, []string{"T2"}},
		{"status open", store.TicketQuery{Status: switchboard.TicketOpen}, []string{"T4", "T3", "T1", "T0"}},
		{"priority", store.TicketQuery{Priority: switchboard.PriorityUrgent}, []string{"T2"}},
		{"assignee", store.TicketQuery{AssigneeID: op}, []string{"T1"}},
		{"breached", store.TicketQuery{Breached: true}, []string{"T4"}},
		{"contacts", store.TicketQuery{ContactIDs: []switchboard.ContactID{all[0].Conversation.ContactID, all[3].Conversation.ContactID}}, []string{"T3", "T0"}},
		{"departments", store.TicketQuery{Restrict: true, DepartmentIDs: []switchboard.DepartmentID{support}}, []string{"T3", "T1"}},
		{"no departments", store.TicketQuery{Restrict: true}, nil},
		{"combined", store.TicketQuery{Restrict: true, DepartmentIDs: []switchboard.DepartmentID{sales}, Status: switchboard.TicketOpen}, []string{"T4", "T0"}},
	} {
		page, err := s.ListTickets(ctx, f.ws, tc.q)
		must(t, err, "ListTickets "+tc.name)
		got := ids(page.Items)
		if tc.name == "status open" {
			// T3 and T4 share a creation time; their order is by id.
			slices.Sort(got[:2])
			slices.Sort(tc.want[:2])
		}
		if !slices.Equal(got, tc.want) {
			t.Fatalf("ListTickets %s = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func testTicketsOfErasedAndMergedContacts(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	a := customer(t, s, f.ws, f.ch, "UA", switchboard.Profile{Name: "Taro Yamada"}, "Taro Yamada here, my order is late", t0)
	b := customer(t, s, f.ws, f.ch, "UB", switchboard.Profile{}, "hi", t0)
	tkA := f.makeTicket(t, a.ConversationID, "Taro Yamada: order late", t0)
	tkB := f.makeTicket(t, b.ConversationID, "Question", t0)
	must(t, s.LinkTickets(ctx, f.ws, tkA.ConversationID, tkB.ConversationID), "LinkTickets")

	_, err := s.MergeContacts(ctx, f.ws, a.ContactID, b.ContactID, nil)
	must(t, err, "MergeContacts")
	got, err := s.GetTicket(ctx, f.ws, tkB.ConversationID)
	must(t, err, "GetTicket after merge")
	if got.Conversation.ContactID != a.ContactID || got.Number != tkB.Number {
		t.Fatalf("ticket after contact merge = %+v", got)
	}
	page, err := s.ListTickets(ctx, f.ws, store.TicketQuery{ContactIDs: []switchboard.ContactID{a.ContactID}})
	must(t, err, "ListTickets")
	if len(page.Items) != 2 {
		t.Fatalf("merged contact has %d tickets, want 2", len(page.Items))
	}

	_, err = s.EraseContact(ctx, f.ws, a.ContactID, []string{"Taro Yamada", "UA", "UB"}, t0.Add(time.Hour), nil)
	must(t, err, "EraseContact")
	got, err = s.GetTicket(ctx, f.ws, tkA.ConversationID)
	must(t, err, "GetTicket after erasure")
	if got.Number != tkA.Number || got.Subject != "[erased]: order late" || !slices.Equal(got.Links, []switchboard.ConversationID{tkB.ConversationID}) {
		t.Fatalf("ticket after erasure = %+v", got)
	}
	if got.Conversation.LastMessage != "" {
		t.Fatalf("erased conversation's last message = %q", got.Conversation.LastMessage)
	}
}
