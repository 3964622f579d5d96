package console_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/store"
)

// TestPortalThreadRatesTheTicket: resolving a portal ticket asks its
// customer in the thread: the question with a "Rate" / 「評価する」 button
// to the rating link; once rated the thread says so instead. A CSAT part
// stored with a script URL gets no link.
func TestPortalThreadRatesTheTicket(t *testing.T) {
	f := newPortalFixture(t, console.Config{})
	ctx := context.Background()
	tk := f.openTicket(t, "kana@example.com", "Parcel never arrived", "Order 1042 has not arrived.")
	if _, err := f.rt.Hub.SetTicketStatus(ctx, tk, switchboard.TicketResolved, ""); err != nil {
		t.Fatal(err)
	}
	var card *switchboard.Part
	deadline := time.Now().Add(5 * time.Second)
	for card == nil {
		page, err := f.store.ListMessages(ctx, f.ws, tk.ConversationID, store.MessageQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Items {
			if m.Direction == switchboard.DirectionOut && len(m.Parts) == 1 && m.Parts[0].Kind == switchboard.PartCSAT {
				card = &m.Parts[0]
			}
		}
		if card == nil && time.Now().After(deadline) {
			t.Fatal("no CSAT question in the portal ticket")
		}
		time.Sleep(10 * time.Millisecond)
	}
	c := f.signIn(t, "kana@example.com")
	href := `href="` + html.EscapeString(card.CSAT.URL) + `"`
	for _, tc := range []struct{ lang, rate string }{{"en", ">Rate</a>"}, {"ja", ">評価する</a>"}} {
		code, body := f.page(t, c, "GET", ticketPath(f, tk)+"?lang="+tc.lang, nil)
		if code != 200 || !strings.Contains(body, html.EscapeString(card.Text)) || !strings.Contains(body, tc.rate) || !strings.Contains(body, href) {
			t.Fatalf("%s thread = %d, want the question %q and %s to %s:\n%s", tc.lang, code, card.Text, tc.rate, href, body)
		}
	}
	if _, err := f.rt.AnswerCSAT(ctx, card.CSAT.Token, 4, "", switchboard.CSATViaLink); err != nil {
		t.Fatal(err)
	}
	_, body := f.page(t, c, "GET", ticketPath(f, tk)+"?lang=ja", nil)
	if !strings.Contains(body, "評価済みです(★4)") || strings.Contains(body, href) {
		t.Fatalf("rated thread, want the rating and no link:\n%s", body)
	}

	other := f.openTicket(t, "kana@example.com", "Another one", "Second question.")
	forged := switchboard.Message{ID: "msg_forged_csat", WorkspaceID: f.ws, ConversationID: other.ConversationID, ChannelID: other.Conversation.ChannelID,
		Direction: switchboard.DirectionOut, Status: switchboard.StatusSent, CreatedAt: time.Now().UTC(),
		Parts: []switchboard.Part{{Kind: switchboard.PartCSAT, Text: "Rate us", CSAT: &switchboard.CSATCard{Token: "x", URL: "javascript:alert(1)"}}}}
	if err := f.store.CreateMessage(ctx, forged, nil); err != nil {
		t.Fatal(err)
	}
	_, body = f.page(t, c, "GET", ticketPath(f, other)+"?lang=en", nil)
	if !strings.Contains(body, "Rate us") || strings.Contains(body, "javascript:") || strings.Contains(body, ">Rate</a>") {
		t.Fatalf("forged CSAT part rendered a link:\n%s", body)
	}
}

// TestPortalHubErrorsTranslated: a validation error of the hub (not
// caught by the portal's own checks) is shown in the page's language.
func TestPortalHubErrorsTranslated(t *testing.T) {
	f := newPortalFixture(t, console.Config{})
	c := f.signIn(t, "kana@example.com")
	for _, tc := range []struct{ lang, want string }{
		{"ja", "件名をご確認ください"},
		{"en", "Please check the subject: one line"},
	} {
		_, body := f.page(t, c, "GET", f.base()+"/tickets/new?lang="+tc.lang, nil)
		token := csrfOf(t, body)
		code, body := f.page(t, c, "POST", f.base()+"/tickets?lang="+tc.lang+"&csrf="+token,
			url.Values{"subject": {"一行目\n二行目"}, "text": {"荷物が届きません。"}})
		if code != 400 || !strings.Contains(body, tc.want) || strings.Contains(body, "must be one line") {
			t.Fatalf("%s: hub error = %d, want %q:\n%s", tc.lang, code, tc.want, body)
		}
	}
}
