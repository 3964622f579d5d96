package notify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router/notify"
	"github.com/switchboardhq/switchboard/store"
)

// policyStore gives every department the same notification policy (the
// store of this branch keeps none).
type policyStore struct {
	store.Store
	policy switchboard.NotifyPolicy
}

func (s policyStore) ListDepartments(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.Department, error) {
	ds, err := s.Store.ListDepartments(ctx, ws)
	for i := range ds {
		ds[i].Notify = s.policy
	}
	return ds, err
}

// clock is a time the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestWaitingConversationNotifiedWhenDue: a department that wants to hear
// of conversations waiting over N minutes gets an e-mail once they are
// due, for a conversation still unassigned; one taken meanwhile is
// skipped (visible in the log), never sent.
func TestWaitingConversationNotifiedWhenDue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	clk := &clock{now: time.Now().UTC()}
	st := policyStore{Store: f.st, policy: switchboard.NotifyPolicy{Waiting: []switchboard.NotifyMethod{switchboard.NotifyEmail}, WaitingMinutes: 10}}
	f.n = notify.New(st, notify.Config{PublicURL: publicURL, SMTP: notify.SMTPConfig{Addr: f.mb.Addr, From: "hub@example.com", TLS: "none"},
		Logger: quiet(), Poll: 10 * time.Millisecond, Now: clk.Now})

	// Two real conversations: one stays waiting, one gets taken.
	now := clk.Now()
	convs := map[string]switchboard.Conversation{}
	for _, visitor := range []string{"waits", "taken"} {
		conv := f.siteConversation(t, visitor, "notifytest", "hello", now)
		convs[visitor] = conv
		must(t, f.n.HandleEvent(ctx, f.inbound(conv, "msg_"+visitor, "hello", now)))
	}
	taken := f.bob.ID
	_, err := f.st.UpdateConversation(ctx, f.ws, convs["taken"].ID, store.ConversationUpdate{AssigneeID: &taken}, func(switchboard.Conversation) []store.OutboxEntry { return nil })
	must(t, err)
	f.run(t)

	// Nothing is due yet: the policy sends no new-conversation e-mail.
	rows := f.logRows(t)
	if len(rows) != 4 {
		t.Fatalf("log has %d rows, want 4 (2 members × 2 conversations): %+v", len(rows), rows)
	}
	for _, r := range rows {
		if r.Kind != switchboard.NotifyWaiting || r.NextAttemptAt == nil || !r.NextAttemptAt.Equal(now.Add(10*time.Minute).Truncate(time.Microsecond)) {
			t.Fatalf("row %+v, want a waiting row due in 10 minutes", r)
		}
	}
	clk.advance(11 * time.Minute)
	f.n.Kick()
	got := f.mb.waitFor(t, 2)
	for _, m := range got {
		if m.Subject != "A customer has been waiting over 10 minutes in General" && m.Subject != "お客様が10分以上お待ちです（General）" {
			t.Errorf("subject %q", m.Subject)
		}
	}
	for _, r := range f.settled(t) {
		want := store.NotificationSent
		if r.ConversationID == convs["taken"].ID {
			want = store.NotificationSkipped
		}
		if r.Status != want {
			t.Errorf("row of %s to %s: %s (%s), want %s", r.ConversationID, r.RecipientID, r.Status, r.Error, want)
		}
	}
	if got := f.mb.messages(); len(got) != 2 {
		t.Fatalf("%d e-mails, want 2 (the taken conversation is not told)", len(got))
	}
}
