package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// TestTicketCSATQuestionEmailed: the CSAT question of a portal ticket
// (the hub's message, no author) e-mails the customer the rating link in
// their language, in its own e-mail even right after an operator's reply
// in the same collapse window, once when redelivered; a ticket on
// another channel was asked there and gets no rating e-mail.
func TestTicketCSATQuestionEmailed(t *testing.T) {
	tests := []struct {
		name        string
		channelType string
		lang        string
		wantRate    string // "" when no rating e-mail
	}{
		{"portal ticket", "portal", "en", "Rate: "},
		{"Japanese customer", "portal", "ja", "評価する: "},
		{"ticket on another channel", "webchat", "en", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := context.Background()
			// Both messages fall in one collapse window (5m by default).
			base := time.Now().UTC().Truncate(5 * time.Minute).Add(time.Minute)
			conv := f.siteConversation(t, "rater", tc.channelType, "My parcel is late", base)
			email, lang := "rater@example.net", tc.lang
			_, err := f.st.UpdateContact(ctx, f.ws, "ct_rater", store.ContactUpdate{Email: &email, Language: &lang}, func(switchboard.Contact) []store.OutboxEntry { return nil })
			must(t, err)
			f.ticketOf(t, conv, "My parcel is late")
			rateURL := publicURL + "/csat/cs_1.tok.sig"
			msgs := []switchboard.Message{
				{ID: "msg_reply", AuthorID: f.alice.ID, Parts: switchboard.TextParts("It ships tomorrow"), CreatedAt: base.Add(time.Second)},
				{ID: "msg_csat", Parts: []switchboard.Part{{Kind: switchboard.PartCSAT, Text: "How did we do?",
					CSAT: &switchboard.CSATCard{Token: "cs_1.tok.sig", URL: rateURL}}}, CreatedAt: base.Add(2 * time.Second)},
			}
			for _, m := range msgs {
				m.WorkspaceID, m.ConversationID, m.Direction, m.Status = f.ws, conv.ID, switchboard.DirectionOut, switchboard.StatusSent
				must(t, f.st.CreateMessage(ctx, m, nil))
				ev := switchboard.Event{ID: switchboard.EventID("ev_" + string(m.ID)), Type: switchboard.EventMessageCreated, WorkspaceID: f.ws, ConversationID: conv.ID, Message: &m, Conversation: &conv}
				must(t, f.n.HandleEvent(ctx, ev))
				must(t, f.n.HandleEvent(ctx, ev)) // redelivered
			}
			f.run(t)
			want := 2
			if tc.wantRate == "" {
				want = 1
			}
			f.mb.waitFor(t, want)
			f.settled(t)
			got := f.mb.messages()
			if len(got) != want {
				t.Fatalf("%d e-mails, want %d: %+v", len(got), want, got)
			}
			var rating []string
			for _, m := range got {
				if strings.Contains(m.Text, rateURL) {
					rating = append(rating, m.Text)
				} else if !strings.Contains(m.Text, "It ships tomorrow") {
					t.Fatalf("e-mail without the reply or the rating: %q", m.Text)
				}
			}
			if tc.wantRate == "" {
				if len(rating) != 0 {
					t.Fatalf("rating e-mailed for a %s ticket: %q", tc.channelType, rating)
				}
				return
			}
			if len(rating) != 1 || !strings.Contains(rating[0], "How did we do?") || !strings.Contains(rating[0], tc.wantRate+rateURL) ||
				!strings.Contains(rating[0], publicURL+"/portal/"+string(f.ws)+"/tickets/1") || strings.Contains(rating[0], "It ships tomorrow") {
				t.Fatalf("rating e-mails %q", rating)
			}
		})
	}
}
