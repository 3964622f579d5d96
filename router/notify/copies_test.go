package notify_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router/notify"
	"github.com/switchboardhq/switchboard/store"
)

// TestReplyCopiesToVisitorsWhoLeft: an operator's reply in a site chat is
// e-mailed to the visitor when they gave an address, agreed and were not
// there to read it; not otherwise.
func TestReplyCopiesToVisitorsWhoLeft(t *testing.T) {
	tests := []struct {
		name     string
		consent  string
		inChat   bool
		read     bool
		lang     string
		want     store.NotificationStatus // "" : no copy at all
		wantText string
	}{
		{"agreed and left", "email", false, false, "en", store.NotificationSent, "We answered you in the chat after you had left:"},
		{"agreed and left, Japanese", "email", false, false, "ja", store.NotificationSent, "ご覧になる前に閉じられたようです"},
		{"still in the chat", "email", true, false, "en", store.NotificationSkipped, ""},
		{"read it meanwhile", "email", false, true, "en", store.NotificationSkipped, ""},
		{"never agreed", "", false, false, "en", "", ""},
		{"agreed to SMS and left", "sms", false, false, "en", store.NotificationSent, "We answered you in the chat after you had left:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := context.Background()
			clk := &clock{now: time.Now().UTC()}
			sms := &smsBox{}
			f.n = notify.New(f.st, notify.Config{PublicURL: publicURL, SMTP: notify.SMTPConfig{Addr: f.mb.Addr, From: "hub@example.com", TLS: "none"},
				Logger: quiet(), Poll: 10 * time.Millisecond, Now: clk.Now, SMS: sms})
			now := clk.Now()
			conv := f.siteConversation(t, "v", "webchat", "送料は？", now)
			email, phone, lang := "visitor@example.net", "+819012345678", tc.lang
			u := store.ContactUpdate{Email: &email, Phone: &phone, Language: &lang}
			if tc.consent != "" {
				u.MergeAttributes = map[string]string{switchboard.ReplyCopyAttribute: tc.consent}
			}
			_, err := f.st.UpdateContact(ctx, f.ws, "ct_v", u, func(switchboard.Contact) []store.OutboxEntry { return nil })
			must(t, err)
			reply := switchboard.Message{ID: "msg_r", WorkspaceID: f.ws, ConversationID: "cv_v", Direction: switchboard.DirectionOut, AuthorID: f.alice.ID,
				Parts: switchboard.TextParts("送料は無料です / Shipping is free"), Status: switchboard.StatusSent, CreatedAt: now}
			must(t, f.st.CreateMessage(ctx, reply, nil))
			must(t, f.n.HandleEvent(ctx, switchboard.Event{Type: switchboard.EventMessageCreated, WorkspaceID: f.ws, ConversationID: conv.ID, Message: &reply, Conversation: &conv}))
			if tc.inChat {
				must(t, f.st.TouchPresenceLease(ctx, "conv:cv_v", "stream-1", now.Add(time.Hour)))
			}
			if tc.read {
				_, _, err := f.st.UpdateMessageStatus(ctx, reply.ID, store.StatusUpdate{Status: switchboard.StatusRead}, nil)
				must(t, err)
			}
			f.run(t)
			if rows := f.logRows(t); tc.want == "" {
				if len(rows) != 0 {
					t.Fatalf("log %+v, want no copy", rows)
				}
				return
			} else if len(rows) != 1 || rows[0].Status != store.NotificationPending {
				t.Fatalf("log %+v, want one copy waiting for its time", rows)
			}
			clk.advance(3 * time.Minute)
			f.n.Kick()
			rows := f.settled(t)
			to := email
			if tc.consent == "sms" {
				to = phone
			}
			if rows[0].Status != tc.want || rows[0].Address != to {
				t.Fatalf("copy %+v, want %s to %s", rows[0], tc.want, to)
			}
			if tc.consent == "sms" {
				if got := sms.sent(); len(got) != 1 || got[0].phone != phone || got[0].ws != f.ws || !strings.Contains(got[0].text, "Shipping is free") {
					t.Fatalf("SMS sent %+v", got)
				}
				return
			}
			if tc.want != store.NotificationSent {
				if got := f.mb.messages(); len(got) != 0 {
					t.Fatalf("e-mailed %+v", got)
				}
				return
			}
			got := f.mb.waitFor(t, 1)
			if got[0].To != email || !strings.Contains(got[0].Text, "Shipping is free") || !strings.Contains(got[0].Text, tc.wantText) {
				t.Fatalf("copy e-mail to %s: %q", got[0].To, got[0].Text)
			}
		})
	}
}

// smsBox is an SMS channel that keeps what it was asked to send.
type smsBox struct {
	mu   sync.Mutex
	msgs []smsMessage
}

type smsMessage struct {
	ws          switchboard.WorkspaceID
	phone, text string
}

func (b *smsBox) SendSMS(_ context.Context, ws switchboard.WorkspaceID, phone, text string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, smsMessage{ws, phone, text})
	return nil
}

func (b *smsBox) sent() []smsMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]smsMessage(nil), b.msgs...)
}
