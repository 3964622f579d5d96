package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router/notify"
	"github.com/switchboardhq/switchboard/store"
)

// ticketOf makes conv a ticket numbered by the store.
func (f *fixture) ticketOf(t *testing.T, conv switchboard.Conversation, subject string) switchboard.Ticket {
	t.Helper()
	now := time.Now().UTC()
	tk, err := f.st.CreateTicket(context.Background(), switchboard.Ticket{ConversationID: conv.ID, WorkspaceID: f.ws, Subject: subject,
		Priority: switchboard.PriorityNormal, Status: switchboard.TicketOpen, Source: switchboard.TicketFromAPI, Fields: map[string]any{}, CreatedAt: now, UpdatedAt: now},
		func(switchboard.Ticket) []store.OutboxEntry { return nil })
	must(t, err)
	return tk
}

// TestTicketReplyEmailsTheCustomer: an operator's reply in a ticket
// e-mails the customer "[#n] subject" with the reply and the portal's
// link; a burst of replies is one e-mail, a note none, and an opted-out
// customer gets nothing.
func TestTicketReplyEmailsTheCustomer(t *testing.T) {
	tests := []struct {
		name     string
		optOut   bool
		note     bool
		replies  int
		lang     string
		wantMail bool
		wantText string
	}{
		{"one reply", false, false, 1, "en", true, "Read and answer your request [#1] here: "},
		{"Japanese customer", false, false, 1, "ja", true, "お問い合わせ [#1] の全文と返信はこちら"},
		{"a burst is one e-mail", false, false, 3, "en", true, "Read and answer your request"},
		{"a note is not sent", false, true, 1, "en", false, ""},
		{"opted out", true, false, 1, "en", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := context.Background()
			now := time.Now().UTC()
			conv := f.siteConversation(t, "cust", "webchat", "My parcel is late", now)
			email, lang := "cust@example.net", tc.lang
			_, err := f.st.UpdateContact(ctx, f.ws, "ct_cust", store.ContactUpdate{Email: &email, Language: &lang}, func(switchboard.Contact) []store.OutboxEntry { return nil })
			must(t, err)
			if tc.optOut {
				_, err := f.st.Accept(ctx, []store.AcceptItem{{WorkspaceID: f.ws, ChannelType: "webchat", MessageID: "msg_unf", ContactID: "ct_x", ConversationID: "cv_x",
					Inbound: switchboard.Inbound{Kind: switchboard.InboundUnfollow, ChannelID: "site", ExternalID: "unf", Sender: "cust", At: now}}})
				must(t, err)
			}
			tk := f.ticketOf(t, conv, "My parcel is late")
			for i := range tc.replies {
				dir := switchboard.DirectionOut
				if tc.note {
					dir = switchboard.DirectionNote
				}
				m := switchboard.Message{ID: switchboard.MessageID("msg_r" + string(rune('a'+i))), WorkspaceID: f.ws, ConversationID: conv.ID, Direction: dir, AuthorID: f.alice.ID,
					Parts: switchboard.TextParts("It ships tomorrow, part " + string(rune('1'+i))), Status: switchboard.StatusSent, CreatedAt: now.Add(time.Duration(i) * time.Second)}
				must(t, f.st.CreateMessage(ctx, m, nil))
				ev := switchboard.Event{ID: switchboard.EventID("ev_" + string(m.ID)), Type: switchboard.EventMessageCreated, WorkspaceID: f.ws, ConversationID: conv.ID, Message: &m, Conversation: &conv}
				must(t, f.n.HandleEvent(ctx, ev))
				must(t, f.n.HandleEvent(ctx, ev)) // redelivered
			}
			f.run(t)
			if !tc.wantMail {
				time.Sleep(200 * time.Millisecond)
				for _, r := range f.logRows(t) {
					if r.Kind == switchboard.NotifyTicketReply {
						t.Fatalf("ticket e-mail stored: %+v", r)
					}
				}
				if got := f.mb.messages(); len(got) != 0 {
					t.Fatalf("e-mailed %+v", got)
				}
				return
			}
			got := f.mb.waitFor(t, 1)
			link := publicURL + "/portal/" + string(f.ws) + "/tickets/1"
			if got[0].To != email || got[0].Subject != "[#1] My parcel is late" || !strings.Contains(got[0].Text, "It ships tomorrow, part 1") ||
				!strings.Contains(got[0].Text, tc.wantText) || !strings.Contains(got[0].Text, link) {
				t.Fatalf("ticket e-mail to %s %q: %q", got[0].To, got[0].Subject, got[0].Text)
			}
			rows := f.settled(t)
			if len(rows) != 1 || tk.Number != 1 {
				t.Fatalf("log %+v, want one e-mail", rows)
			}
			if n := len(f.mb.messages()); n != 1 {
				t.Fatalf("%d e-mails, want 1", n)
			}
		})
	}
}

// TestTicketBreachNotifiesAssigneeOrDepartment: a ticket.breached event
// tells the assignee, or every member of the department when nobody holds
// it, once per recipient and method even when redelivered; an operator
// who turned off waiting e-mails gets none.
func TestTicketBreachNotifiesAssigneeOrDepartment(t *testing.T) {
	tests := []struct {
		name     string
		assignee switchboard.OperatorID
		bobOff   bool
		want     []string
	}{
		{"assigned", "op_alice", false, []string{"alice@example.com"}},
		{"unassigned: the department", "", false, []string{"alice@example.com", "bob@example.com"}},
		{"preferences keep e-mail off", "", true, []string{"alice@example.com"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := context.Background()
			f.n = notify.New(f.st, notify.Config{PublicURL: publicURL, SMTP: notify.SMTPConfig{Addr: f.mb.Addr, From: "hub@example.com", TLS: "none"},
				Logger: quiet(), Poll: 10 * time.Millisecond})
			conv := f.siteConversation(t, "late", "webchat", "where is it", time.Now().UTC())
			if tc.assignee != "" {
				_, err := f.st.UpdateConversation(ctx, f.ws, conv.ID, store.ConversationUpdate{AssigneeID: &tc.assignee}, func(switchboard.Conversation) []store.OutboxEntry { return nil })
				must(t, err)
			}
			if tc.bobOff {
				prefs := switchboard.DefaultNotifyPreferences()
				prefs.Email.Waiting = false
				must(t, f.st.PutNotifyPreferences(ctx, f.ws, f.bob.ID, prefs))
			}
			tk := f.ticketOf(t, conv, "Where is my parcel")
			ev := switchboard.Event{ID: "ev_breach", Type: switchboard.EventTicketBreached, WorkspaceID: f.ws, ConversationID: conv.ID, Ticket: &tk, Reason: "first_reply"}
			must(t, f.n.HandleEvent(ctx, ev))
			must(t, f.n.HandleEvent(ctx, ev))
			f.run(t)
			got := f.mb.waitFor(t, len(tc.want))
			time.Sleep(100 * time.Millisecond)
			got = f.mb.messages()
			var to []string
			for _, m := range got {
				to = append(to, m.To)
				if !strings.Contains(m.Subject, "[#1]") || !strings.Contains(m.Subject, "Where is my parcel") {
					t.Fatalf("breach subject %q", m.Subject)
				}
			}
			if strings.Join(sorted(to), ",") != strings.Join(tc.want, ",") {
				t.Fatalf("e-mailed %v, want %v", to, tc.want)
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
