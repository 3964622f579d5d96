package router_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/postgres"
	"github.com/switchboardhq/switchboard/store/sqlite"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// ticketEngines opens a fresh migrated store of each engine: SQLite, and
// PostgreSQL when SWITCHBOARD_TEST_POSTGRES_URL is set (else that subtest
// is skipped, visibly).
var ticketEngines = map[string]func(t *testing.T) store.Store{
	"sqlite": func(t *testing.T) store.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	},
	"postgres": func(t *testing.T) store.Store {
		st, err := postgres.Open(context.Background(), storetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	},
}

// ticketEnv is a running router over a store whose default department
// has an SLA; events lists what the router announced.
type ticketEnv struct {
	st   store.Store
	rt   *router.Router
	ws   switchboard.WorkspaceID
	dept switchboard.Department

	mu     sync.Mutex
	events []switchboard.Event
}

func newTicketEnv(t *testing.T, open func(t *testing.T) store.Store) *ticketEnv {
	t.Helper()
	ctx := context.Background()
	st := open(t)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	def, err := st.DefaultDepartment(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	dept, err := st.GetDepartment(ctx, ws.ID, def.ID)
	if err != nil {
		t.Fatal(err)
	}
	dept.SLA = switchboard.SLA{FirstReplyMinutes: 30, ResolutionMinutes: 240}
	if err := st.UpdateDepartment(ctx, dept); err != nil {
		t.Fatal(err)
	}
	rt, err := router.New(st, router.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), TicketSweep: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	e := &ticketEnv{st: st, rt: rt, ws: ws.ID, dept: dept}
	rt.Listen(func(ev switchboard.Event) {
		e.mu.Lock()
		e.events = append(e.events, ev)
		e.mu.Unlock()
	})
	runRouter(t, rt)
	return e
}

// count is how many events of typ the router announced for conv.
func (e *ticketEnv) count(typ switchboard.EventType, conv switchboard.ConversationID) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.events {
		if ev.Type == typ && ev.ConversationID == conv {
			n++
		}
	}
	return n
}

// waitTicket polls the ticket until ok says it is as wanted.
func (e *ticketEnv) waitTicket(t *testing.T, conv switchboard.ConversationID, what string, ok func(switchboard.Ticket) bool) switchboard.Ticket {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		tk, err := e.st.GetTicket(context.Background(), e.ws, conv)
		if err != nil {
			t.Fatal(err)
		}
		if ok(tk) {
			return tk
		}
		if time.Now().After(deadline) {
			t.Fatalf("ticket never %s: %+v", what, tk)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTicketLifecycle(t *testing.T) {
	for name, open := range ticketEngines {
		t.Run(name, func(t *testing.T) { testTicketLifecycle(t, open) })
	}
}

func testTicketLifecycle(t *testing.T, open func(t *testing.T) store.Store) {
	e := newTicketEnv(t, open)
	ctx := context.Background()
	hub := e.rt.Hub

	before := time.Now().UTC()
	tk, err := hub.OpenTicket(ctx, router.TicketRequest{WorkspaceID: e.ws, Text: "Refund for order 1234\nIt arrived broken.", Name: "Mei", Email: "Mei@Example.JP", Source: switchboard.TicketFromPortal})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Number != 1 || tk.Subject != "Refund for order 1234" || tk.Status != switchboard.TicketOpen || tk.Priority != switchboard.PriorityNormal || tk.Source != switchboard.TicketFromPortal {
		t.Fatalf("opened: %+v", tk)
	}
	if tk.FirstReplyDueAt == nil || tk.ResolutionDueAt == nil ||
		tk.FirstReplyDueAt.Sub(tk.CreatedAt) != 30*time.Minute || tk.ResolutionDueAt.Sub(tk.CreatedAt) != 240*time.Minute || tk.CreatedAt.Before(before.Add(-time.Second)) {
		t.Fatalf("due times from the department's SLA: created %v, first %v, resolution %v", tk.CreatedAt, tk.FirstReplyDueAt, tk.ResolutionDueAt)
	}
	ch, err := hub.PortalChannel(ctx, e.ws)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := e.st.GetConversation(ctx, e.ws, tk.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if conv.ChannelID != ch || conv.DepartmentID != e.dept.ID || conv.Contact == nil || conv.Contact.Email != "mei@example.jp" || conv.Contact.Name != "Mei" {
		t.Fatalf("conversation on the portal channel %s: %+v contact %+v", ch, conv, conv.Contact)
	}
	msgs, err := e.st.ListMessages(ctx, e.ws, conv.ID, store.MessageQuery{})
	if err != nil || len(msgs.Items) != 1 || msgs.Items[0].Via != "portal" || msgs.Items[0].Direction != switchboard.DirectionIn {
		t.Fatalf("first message: %v %+v", err, msgs.Items)
	}
	stored, err := e.st.GetChannel(ctx, ch)
	if err != nil || stored.Type != "portal" || stored.WorkspaceID != e.ws {
		t.Fatalf("portal channel: %v %+v", err, stored)
	}
	// A second ticket of the same customer is a second conversation of
	// the same contact, on the same channel.
	tk2, err := hub.OpenTicket(ctx, router.TicketRequest{WorkspaceID: e.ws, Subject: "Another", Text: "hello", Email: "mei@example.jp", Priority: switchboard.PriorityHigh})
	if err != nil {
		t.Fatal(err)
	}
	if tk2.Number != 2 || tk2.Priority != switchboard.PriorityHigh || tk2.Source != switchboard.TicketFromAPI || tk2.Conversation.ContactID != conv.ContactID {
		t.Fatalf("second ticket: %+v (contact %s, want %s)", tk2, tk2.Conversation.ContactID, conv.ContactID)
	}

	// The operator's reply: sent by the portal channel, ticket waiting,
	// first reply recorded.
	op := switchboard.Operator{ID: "op_t", WorkspaceID: e.ws, Email: "op@example.com", Name: "Op", Role: switchboard.RoleOperator, DepartmentIDs: []switchboard.DepartmentID{e.dept.ID}, CreatedAt: time.Now().UTC()}
	if err := e.st.CreateOperator(ctx, op, "x"); err != nil {
		t.Fatal(err)
	}
	reply, err := hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: conv.ID, AuthorID: op.ID, Parts: switchboard.TextParts("We are sorry; a refund is on its way."), Via: "console"})
	if err != nil {
		t.Fatal(err)
	}
	if reply.Via != "console" {
		t.Fatalf("reply via = %q", reply.Via)
	}
	waited := e.waitTicket(t, conv.ID, "waiting", func(x switchboard.Ticket) bool {
		return x.Status == switchboard.TicketWaiting && x.FirstRepliedAt != nil
	})
	firstReply := *waited.FirstRepliedAt
	waitMessage(t, e.st, e.ws, reply.ID, switchboard.StatusSent)

	// A note does not count as a reply; the customer's answer opens it.
	if _, err := hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: conv.ID, AuthorID: op.ID, Parts: switchboard.TextParts("internal"), Note: true}); err != nil {
		t.Fatal(err)
	}
	m, err := hub.CustomerReply(ctx, waited, switchboard.TextParts("Thanks, when?"))
	if err != nil || m.Via != "portal" {
		t.Fatalf("customer reply: %v %+v", err, m)
	}
	e.waitTicket(t, conv.ID, "open again", func(x switchboard.Ticket) bool { return x.Status == switchboard.TicketOpen })

	// A redelivered old reply event changes nothing.
	if err := hub.HandleTicketEvent(ctx, switchboard.Event{Type: switchboard.EventMessageCreated, Message: &reply}); err != nil {
		t.Fatal(err)
	}
	again, _ := e.st.GetTicket(ctx, e.ws, conv.ID)
	if again.Status != switchboard.TicketOpen || !again.FirstRepliedAt.Equal(firstReply) {
		t.Fatalf("redelivered reply moved the ticket: %+v", again)
	}

	// The conversation resolved resolves the ticket; the customer writing
	// again reopens it.
	resolved := switchboard.ConversationResolved
	if _, err := hub.UpdateConversation(ctx, conv, store.ConversationUpdate{Status: &resolved}); err != nil {
		t.Fatal(err)
	}
	done := e.waitTicket(t, conv.ID, "resolved", func(x switchboard.Ticket) bool { return x.Status == switchboard.TicketResolved && x.ResolvedAt != nil })
	if _, err := hub.CustomerReply(ctx, done, switchboard.TextParts("It broke again")); err != nil {
		t.Fatal(err)
	}
	e.waitTicket(t, conv.ID, "reopened", func(x switchboard.Ticket) bool { return x.Status == switchboard.TicketOpen && x.ResolvedAt == nil })
	if c, _ := e.st.GetConversation(ctx, e.ws, conv.ID); c.Status != switchboard.ConversationOpen {
		t.Fatalf("conversation not reopened: %s", c.Status)
	}
	if n := e.count(switchboard.EventTicketUpdated, conv.ID); n < 4 {
		t.Fatalf("only %d ticket.updated events", n)
	}
}

func TestOpenTicketRefusesBadInput(t *testing.T) {
	e := newTicketEnv(t, ticketEngines["sqlite"])
	ctx := context.Background()
	if err := e.st.PutTicketField(ctx, switchboard.TicketField{WorkspaceID: e.ws, Key: "plan", Label: "Plan", Type: switchboard.TicketFieldSelect, Options: []string{"free", "pro"}}); err != nil {
		t.Fatal(err)
	}
	ok := router.TicketRequest{WorkspaceID: e.ws, Text: "help", Email: "a@example.com"}
	tests := []struct {
		name  string
		edit  func(*router.TicketRequest)
		field string
	}{
		{"no text", func(r *router.TicketRequest) { r.Text = "  " }, "text"},
		{"no address", func(r *router.TicketRequest) { r.Email = "" }, "contact"},
		{"bad e-mail", func(r *router.TicketRequest) { r.Email = "a@@b" }, "contact.email"},
		{"bad phone", func(r *router.TicketRequest) { r.Email, r.Phone = "", "090-1234" }, "contact.phone"},
		{"priority", func(r *router.TicketRequest) { r.Priority = "asap" }, "priority"},
		{"department", func(r *router.TicketRequest) { r.DepartmentID = "dep_nope" }, "department_id"},
		{"subject lines", func(r *router.TicketRequest) { r.Subject = "a\nb" }, "subject"},
		{"unknown field", func(r *router.TicketRequest) { r.Fields = map[string]any{"colour": "red"} }, "fields.colour"},
		{"not an option", func(r *router.TicketRequest) { r.Fields = map[string]any{"plan": "gold"} }, "fields.plan"},
		{"wrong type", func(r *router.TicketRequest) { r.Fields = map[string]any{"plan": 3.0} }, "fields.plan"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := ok
			tc.edit(&req)
			_, err := e.rt.Hub.OpenTicket(ctx, req)
			var verr *router.ValidationError
			if !errors.As(err, &verr) || verr.Field != tc.field {
				t.Fatalf("err = %v, want a validation error of %s", err, tc.field)
			}
		})
	}
	page, err := e.st.ListTickets(ctx, e.ws, store.TicketQuery{})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("refused requests stored tickets: %v %d", err, len(page.Items))
	}
}

func TestRequiredFieldsBeforeResolved(t *testing.T) {
	e := newTicketEnv(t, ticketEngines["sqlite"])
	ctx := context.Background()
	hub := e.rt.Hub
	for _, f := range []switchboard.TicketField{
		{WorkspaceID: e.ws, Key: "order_id", Label: "Order", Type: switchboard.TicketFieldText, Required: true},
		{WorkspaceID: e.ws, Key: "due", Label: "Due", Type: switchboard.TicketFieldDate},
	} {
		if err := e.st.PutTicketField(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	tk, err := hub.OpenTicket(ctx, router.TicketRequest{WorkspaceID: e.ws, Text: "help", Phone: "+819012345678"})
	if err != nil {
		t.Fatal(err)
	}
	op := switchboard.Operator{ID: "op_r", WorkspaceID: e.ws, Email: "r@example.com", Name: "R", Role: switchboard.RoleAdmin, CreatedAt: time.Now().UTC()}
	if err := e.st.CreateOperator(ctx, op, "x"); err != nil {
		t.Fatal(err)
	}
	_, err = hub.SetTicketStatus(ctx, tk, switchboard.TicketResolved, op.ID)
	var verr *router.ValidationError
	if !errors.As(err, &verr) || verr.Field != "fields.order_id" {
		t.Fatalf("resolve without the required field: %v", err)
	}
	// Resolving the conversation itself is refused the same way.
	conv, err := e.st.GetConversation(ctx, e.ws, tk.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	resolvedConv := switchboard.ConversationResolved
	if _, err := hub.UpdateConversation(ctx, conv, store.ConversationUpdate{Status: &resolvedConv}); !errors.As(err, &verr) || verr.Field != "fields.order_id" {
		t.Fatalf("conversation resolved without the required field: %v", err)
	}
	if c, _ := e.st.GetConversation(ctx, e.ws, tk.ConversationID); c.Status == switchboard.ConversationResolved {
		t.Fatal("refused resolution resolved the conversation")
	}
	// The customer closing their own ticket is not asked for the fields.
	own, err := hub.OpenTicket(ctx, router.TicketRequest{WorkspaceID: e.ws, Text: "never mind", Phone: "+819012345679"})
	if err != nil {
		t.Fatal(err)
	}
	if closed, err := hub.SetTicketStatus(ctx, own, switchboard.TicketResolved, ""); err != nil || closed.Status != switchboard.TicketResolved {
		t.Fatalf("customer closing: %v %+v", err, closed)
	}
	if _, err := hub.EditTicket(ctx, tk, router.TicketEdit{Fields: map[string]any{"due": "2026-13-01"}}); !errors.As(err, &verr) || verr.Field != "fields.due" {
		t.Fatalf("bad date: %v", err)
	}
	status := switchboard.TicketResolved
	out, err := hub.EditTicket(ctx, tk, router.TicketEdit{Fields: map[string]any{"order_id": "A-1", "due": "2026-12-24"}, Status: &status})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != switchboard.TicketResolved || out.ResolvedAt == nil || out.Fields["order_id"] != "A-1" || out.Fields["due"] != "2026-12-24" {
		t.Fatalf("resolved with fields: %+v", out)
	}
	if c, _ := e.st.GetConversation(ctx, e.ws, tk.ConversationID); c.Status != switchboard.ConversationResolved {
		t.Fatalf("conversation status %s", c.Status)
	}
}

func TestTicketBreachesClaimedOnce(t *testing.T) {
	for name, open := range ticketEngines {
		t.Run(name, func(t *testing.T) {
			e := newTicketEnv(t, open)
			ctx := context.Background()
			tk, err := e.rt.Hub.OpenTicket(ctx, router.TicketRequest{WorkspaceID: e.ws, Text: "help", Email: "b@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			past := time.Now().UTC().Add(-time.Minute)
			if _, err := e.st.UpdateTicket(ctx, e.ws, tk.ConversationID, store.TicketUpdate{FirstReplyDueAt: &past}, func(switchboard.Ticket) []store.OutboxEntry { return nil }); err != nil {
				t.Fatal(err)
			}
			// Sweepers of several instances at once: the breach is recorded
			// and announced once.
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := e.rt.Hub.SweepTicketBreaches(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			got := e.waitTicket(t, tk.ConversationID, "breached", func(x switchboard.Ticket) bool { return x.FirstReplyBreachedAt != nil })
			if got.ResolutionBreachedAt != nil {
				t.Fatalf("resolution not due yet but recorded: %+v", got)
			}
			deadline := time.Now().Add(5 * time.Second)
			for e.count(switchboard.EventTicketBreached, tk.ConversationID) == 0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if err := e.rt.Hub.SweepTicketBreaches(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			if n := e.count(switchboard.EventTicketBreached, tk.ConversationID); n != 1 {
				t.Fatalf("%d ticket.breached events, want 1", n)
			}
		})
	}
}

func TestMergeAndLinkTickets(t *testing.T) {
	e := newTicketEnv(t, ticketEngines["sqlite"])
	ctx := router.WithActor(context.Background(), router.Actor{ID: "op_x", Name: "Xu"})
	hub := e.rt.Hub
	a, err := hub.OpenTicket(ctx, router.TicketRequest{WorkspaceID: e.ws, Text: "broken", Email: "c@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := hub.OpenTicket(ctx, router.TicketRequest{WorkspaceID: e.ws, Text: "broken again", Email: "c@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := hub.OpenTicket(ctx, router.TicketRequest{WorkspaceID: e.ws, Text: "other", Email: "d@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	var conflict *router.ConflictError
	if _, err := hub.MergeTicket(ctx, a, a); !errors.As(err, &conflict) {
		t.Fatalf("merge into itself: %v", err)
	}
	dst, err := hub.MergeTicket(ctx, b, a)
	if err != nil || dst.ConversationID != a.ConversationID {
		t.Fatalf("merge: %v %+v", err, dst)
	}
	src, _ := e.st.GetTicket(ctx, e.ws, b.ConversationID)
	if src.MergedInto != a.ConversationID || src.Status != switchboard.TicketResolved {
		t.Fatalf("merged source: %+v", src)
	}
	if _, err := hub.MergeTicket(ctx, src, c); !errors.As(err, &conflict) {
		t.Fatalf("merging a merged ticket again: %v", err)
	}
	// The customer answering the duplicate writes into the ticket it was
	// merged into; the duplicate cannot be reopened.
	if m, err := hub.CustomerReply(ctx, src, switchboard.TextParts("still broken")); err != nil || m.ConversationID != a.ConversationID {
		t.Fatalf("reply to a merged ticket: %v %+v", err, m)
	}
	if _, err := hub.SetTicketStatus(ctx, src, switchboard.TicketOpen, "op_x"); !errors.As(err, &conflict) || conflict.Code != "merged" {
		t.Fatalf("reopening a merged ticket: %v", err)
	}
	for _, conv := range []switchboard.ConversationID{a.ConversationID, b.ConversationID} {
		if !hasActivity(t, e, conv, switchboard.ActivityTicketMerged, "#2 → #1") {
			t.Fatalf("no merge entry in %s", conv)
		}
	}
	linked, err := hub.LinkTicket(ctx, a, c)
	if err != nil || len(linked.Links) != 1 || linked.Links[0] != c.ConversationID {
		t.Fatalf("link: %v %+v", err, linked.Links)
	}
	other, _ := e.st.GetTicket(ctx, e.ws, c.ConversationID)
	if len(other.Links) != 1 || other.Links[0] != a.ConversationID {
		t.Fatalf("link both ways: %+v", other.Links)
	}
	if !hasActivity(t, e, c.ConversationID, switchboard.ActivityTicketLinked, "#1") {
		t.Fatal("no link entry")
	}
	unlinked, err := hub.UnlinkTicket(ctx, linked, c)
	if err != nil || len(unlinked.Links) != 0 {
		t.Fatalf("unlink: %v %+v", err, unlinked.Links)
	}
}

func hasActivity(t *testing.T, e *ticketEnv, conv switchboard.ConversationID, kind switchboard.ActivityKind, reason string) bool {
	t.Helper()
	page, err := e.st.ListMessages(context.Background(), e.ws, conv, store.MessageQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range page.Items {
		if m.Activity != nil && m.Activity.Kind == kind && m.Activity.Reason == reason {
			return m.Activity.ActorName == "Xu"
		}
	}
	return false
}

func waitMessage(t *testing.T, st store.Store, ws switchboard.WorkspaceID, id switchboard.MessageID, want switchboard.DeliveryStatus) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		m, err := st.GetMessage(context.Background(), ws, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s stays %s, want %s", id, m.Status, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPortalChannelCreatedOnce: callers racing for the workspace's portal
// channel all get the same one, stored once.
func TestPortalChannelCreatedOnce(t *testing.T) {
	for name, open := range ticketEngines {
		t.Run(name, func(t *testing.T) {
			e := newTicketEnv(t, open)
			ctx := context.Background()
			ids := make([]switchboard.ChannelID, 8)
			var wg sync.WaitGroup
			for i := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id, err := e.rt.Hub.PortalChannel(ctx, e.ws)
					if err != nil {
						t.Error(err)
					}
					ids[i] = id
				}()
			}
			wg.Wait()
			chans, err := e.st.ListChannels(ctx, e.ws)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, ch := range chans {
				if ch.Type == "portal" {
					n++
					if ch.ID != ids[0] {
						t.Fatalf("portal channel %s, callers got %s", ch.ID, ids[0])
					}
				}
			}
			for _, id := range ids {
				if id != ids[0] {
					t.Fatalf("callers got different channels: %v", ids)
				}
			}
			if n != 1 {
				t.Fatalf("%d portal channels stored", n)
			}
			if _, ok := e.rt.Channels.Get(ids[0]); !ok {
				t.Fatal("portal channel not running")
			}
		})
	}
}
