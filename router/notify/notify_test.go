package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/router/notify"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/sqlite"
)

const publicURL = "https://hub.example"

// fixture is a store with a workspace whose default department has two
// members (alice reads Japanese, bob English) and one operator elsewhere,
// a notifier sending to an in-process SMTP server and push service.
type fixture struct {
	st                *sqlite.Store
	ws                switchboard.WorkspaceID
	dept              switchboard.Department
	other             switchboard.Department
	alice, bob, carol switchboard.Operator
	mb                *mailbox
	push              *pushService
	n                 *notify.Notifier
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{st: openStore(t), mb: newMailbox(t), push: newPushService(t)}
	ws, err := f.st.DefaultWorkspace(ctx)
	must(t, err)
	f.ws = ws.ID
	f.dept, err = f.st.DefaultDepartment(ctx, f.ws)
	must(t, err)
	f.other = switchboard.Department{ID: "dp_billing", WorkspaceID: f.ws, Name: "Billing", CreatedAt: time.Now().UTC()}
	must(t, f.st.CreateDepartment(ctx, f.other))
	mk := func(id, email string, dept switchboard.DepartmentID, lang string) switchboard.Operator {
		op := switchboard.Operator{ID: switchboard.OperatorID(id), WorkspaceID: f.ws, Email: email, Name: strings.ToUpper(id[3:4]) + id[4:],
			Role: switchboard.RoleOperator, DepartmentIDs: []switchboard.DepartmentID{dept}, CreatedAt: time.Now().UTC()}
		must(t, f.st.CreateOperator(ctx, op, "h"))
		if lang != "" {
			set := switchboard.DefaultOperatorSettings()
			set.Language = lang
			must(t, f.st.PutOperatorSettings(ctx, f.ws, op.ID, set))
		}
		return op
	}
	f.alice = mk("op_alice", "alice@example.com", f.dept.ID, "ja")
	f.bob = mk("op_bob", "bob@example.com", f.dept.ID, "en")
	f.carol = mk("op_carol", "carol@example.com", f.other.ID, "")
	f.n = notify.New(f.st, notify.Config{
		PublicURL:    publicURL,
		SMTP:         notify.SMTPConfig{Addr: f.mb.Addr, From: "Switchboard <hub@example.com>", TLS: "none"},
		HTTPClient:   f.push.srv.Client(),
		Logger:       quiet(),
		Poll:         20 * time.Millisecond,
		RetryInitial: 150 * time.Millisecond,
		MaxAttempts:  3,
	})
	return f
}

// run starts the sender until the test ends.
func (f *fixture) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.n.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// inbound is the event of a customer message in conv.
func (f *fixture) inbound(conv switchboard.Conversation, id, text string, at time.Time) switchboard.Event {
	m := switchboard.Message{ID: switchboard.MessageID(id), WorkspaceID: f.ws, ConversationID: conv.ID, Direction: switchboard.DirectionIn,
		Parts: switchboard.TextParts(text), Status: switchboard.StatusDelivered, CreatedAt: at}
	return switchboard.Event{ID: switchboard.EventID("ev_in_" + id), Type: switchboard.EventMessageCreated, WorkspaceID: f.ws,
		ConversationID: conv.ID, DepartmentID: conv.DepartmentID, Message: &m, Conversation: &conv, At: at}
}

func (f *fixture) conversation(id string, assignee switchboard.OperatorID, unread int) switchboard.Conversation {
	return switchboard.Conversation{ID: switchboard.ConversationID(id), WorkspaceID: f.ws, DepartmentID: f.dept.ID, AssigneeID: assignee,
		Status: switchboard.ConversationOpen, UnreadCount: unread, Contact: &switchboard.Contact{Profile: switchboard.Profile{Name: "Yamada"}}, CreatedAt: time.Now().UTC()}
}

// logRows reads the whole notification log.
func (f *fixture) logRows(t *testing.T) []store.Notification {
	t.Helper()
	page, err := f.st.ListNotifications(context.Background(), f.ws, store.NotificationQuery{Limit: 200})
	must(t, err)
	return page.Items
}

// settled waits until no row of the log is pending (sent or failed for
// good) and returns the log.
func (f *fixture) settled(t *testing.T) []store.Notification {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows := f.logRows(t)
		done := true
		for _, r := range rows {
			if r.Status == store.NotificationPending || r.NextAttemptAt != nil {
				done = false
			}
		}
		if done {
			return rows
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications still pending: %+v", rows)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestNewConversationEmailedToMembers(t *testing.T) {
	f := newFixture(t)
	f.run(t)
	conv := f.conversation("cv_new", "", 1)
	must(t, f.n.HandleEvent(context.Background(), f.inbound(conv, "m1", "返品したいです", time.Now().UTC())))
	got := f.mb.waitFor(t, 2)
	byTo := map[string]received{}
	for _, m := range got {
		byTo[m.To] = m
	}
	link := publicURL + "/conversations/cv_new"
	tests := []struct {
		to, subject, text string
	}{
		{"alice@example.com", "新しい会話（General）: Yamada", "会話を開く: " + link},
		{"bob@example.com", "New conversation in General: Yamada", "Open the conversation: " + link},
	}
	for _, tc := range tests {
		m, ok := byTo[tc.to]
		if !ok {
			t.Fatalf("no e-mail to %s (got %v)", tc.to, got)
		}
		if m.Subject != tc.subject {
			t.Errorf("%s: subject %q, want %q", tc.to, m.Subject, tc.subject)
		}
		if !strings.Contains(m.Text, tc.text) || !strings.Contains(m.Text, "返品したいです") {
			t.Errorf("%s: text %q lacks %q or the customer's words", tc.to, m.Text, tc.text)
		}
		if !strings.Contains(m.HTML, `<a href="`+link+`">`) {
			t.Errorf("%s: HTML %q lacks the link", tc.to, m.HTML)
		}
		if m.From != "hub@example.com" {
			t.Errorf("%s: envelope from %q", tc.to, m.From)
		}
	}
	if _, ok := byTo["carol@example.com"]; ok {
		t.Error("an operator of another department was told")
	}
	for _, r := range f.settled(t) {
		if r.Status != store.NotificationSent || r.Attempts != 1 || r.SentAt == nil {
			t.Errorf("log row %+v, want sent after one attempt", r)
		}
	}
}

func TestAtMostOncePerEventAndRecipient(t *testing.T) {
	f := newFixture(t)
	conv := f.conversation("cv_once", "", 1)
	ev := f.inbound(conv, "m1", "hello", time.Now().UTC())
	ctx := context.Background()
	// The event handled twice (a redelivery), and the conversation's next
	// message: still one new-conversation e-mail per member.
	must(t, f.n.HandleEvent(ctx, ev))
	must(t, f.n.HandleEvent(ctx, ev))
	conv.UnreadCount = 2
	must(t, f.n.HandleEvent(ctx, f.inbound(conv, "m2", "anyone?", time.Now().UTC())))
	f.run(t)
	rows := f.settled(t)
	if len(rows) != 2 {
		t.Fatalf("log has %d rows, want 2 (one per member): %+v", len(rows), rows)
	}
	// Handled again after sending: nothing new is sent either.
	must(t, f.n.HandleEvent(ctx, ev))
	if rows := f.settled(t); len(rows) != 2 {
		t.Fatalf("log has %d rows after a late redelivery, want 2", len(rows))
	}
	if got := f.mb.messages(); len(got) != 2 {
		t.Fatalf("%d e-mails, want 2", len(got))
	}
}

func TestFailedSendRetriedAndLogged(t *testing.T) {
	f := newFixture(t)
	f.mb.failNext(1)
	// Only bob: alice turned e-mail off.
	prefs := switchboard.DefaultNotifyPreferences()
	prefs.Email.NewConversation = false
	must(t, f.st.PutNotifyPreferences(context.Background(), f.ws, f.alice.ID, prefs))
	f.run(t)
	must(t, f.n.HandleEvent(context.Background(), f.inbound(f.conversation("cv_retry", "", 1), "m1", "hi", time.Now().UTC())))

	// The log shows the failure (with the server's answer), then the
	// retry's success.
	deadline := time.Now().Add(10 * time.Second)
	sawFailed := false
	for !sawFailed {
		for _, r := range f.logRows(t) {
			if r.Status == store.NotificationFailed && r.Attempts == 1 && strings.Contains(r.Error, "451") && r.NextAttemptAt != nil {
				sawFailed = true
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("never saw the failed attempt: %+v", f.logRows(t))
		}
		time.Sleep(5 * time.Millisecond)
	}
	rows := f.settled(t)
	if len(rows) != 1 || rows[0].Status != store.NotificationSent || rows[0].Attempts != 2 || rows[0].Error != "" {
		t.Fatalf("log after the retry: %+v", rows)
	}
	if got := f.mb.waitFor(t, 1); got[0].To != "bob@example.com" {
		t.Fatalf("e-mail went to %s", got[0].To)
	}
}

func TestPreferencesTurnMethodsOff(t *testing.T) {
	tests := []struct {
		name   string
		change func(*switchboard.NotifyPreferences)
		want   int // e-mails to alice
	}{
		{"defaults", func(*switchboard.NotifyPreferences) {}, 1},
		{"new conversations off", func(p *switchboard.NotifyPreferences) { p.Email.NewConversation = false }, 0},
		{"other events off", func(p *switchboard.NotifyPreferences) {
			p.Email.Transfer, p.Email.NewMessage, p.Push.NewConversation = false, false, false
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			prefs := switchboard.DefaultNotifyPreferences()
			tc.change(&prefs)
			must(t, f.st.PutNotifyPreferences(context.Background(), f.ws, f.alice.ID, prefs))
			f.run(t)
			must(t, f.n.HandleEvent(context.Background(), f.inbound(f.conversation("cv_p", "", 1), "m1", "hi", time.Now().UTC())))
			f.settled(t)
			toAlice := 0
			for _, m := range f.mb.waitFor(t, 1+tc.want) { // bob always
				if m.To == "alice@example.com" {
					toAlice++
				}
			}
			if toAlice != tc.want {
				t.Fatalf("%d e-mails to alice, want %d", toAlice, tc.want)
			}
		})
	}
}

// subscribe registers a browser of op with the push service.
func (f *fixture) subscribe(t *testing.T, op switchboard.Operator, path string) *browser {
	t.Helper()
	b, endpoint := f.push.add(t, path)
	sub := b.subscription(endpoint)
	keys := sub["keys"].(map[string]string)
	must(t, f.st.PutPushSubscription(context.Background(), store.PushSubscription{WorkspaceID: f.ws, OperatorID: op.ID, Endpoint: endpoint,
		P256dh: keys["p256dh"], Auth: keys["auth"]}))
	return b
}

func TestWebPushDeliveredEndToEnd(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	key, err := f.n.VAPIDPublicKey(ctx)
	must(t, err)
	f.push.vapidKey = key
	f.subscribe(t, f.bob, "/push/bob-laptop")
	f.subscribe(t, f.bob, "/push/bob-phone")
	f.run(t)
	must(t, f.n.HandleEvent(ctx, f.inbound(f.conversation("cv_push", "", 1), "m1", "Is anyone there?", time.Now().UTC())))
	rows := f.settled(t)
	got, errs := f.push.received()
	for _, e := range errs {
		t.Error("push service:", e)
	}
	if len(got) != 2 {
		t.Fatalf("push service got %d messages, want 2 (both of bob's browsers): %+v", len(got), got)
	}
	for _, p := range got {
		want := map[string]string{"title": "New conversation in General: Yamada", "url": publicURL + "/conversations/cv_push", "tag": "conversation:cv_push"}
		for k, v := range want {
			if p.Payload[k] != v {
				t.Errorf("%s: payload %s = %q, want %q", p.Path, k, p.Payload[k], v)
			}
		}
		if !strings.Contains(p.Payload["body"], "Is anyone there?") || strings.Contains(p.Payload["body"], "Open the conversation") {
			t.Errorf("%s: body %q", p.Path, p.Payload["body"])
		}
	}
	pushRows := 0
	for _, r := range rows {
		if r.Method == switchboard.NotifyPush {
			pushRows++
			if r.RecipientID != f.bob.ID || r.Status != store.NotificationSent {
				t.Errorf("push row %+v", r)
			}
		}
	}
	if pushRows != 1 {
		t.Fatalf("%d push rows, want 1 (bob; alice has no browser)", pushRows)
	}
	// The key pair is stored: another instance signs with the same.
	again, err := notify.New(f.st, notify.Config{Logger: quiet()}).VAPIDPublicKey(ctx)
	must(t, err)
	if again != key {
		t.Fatalf("another instance has VAPID key %s, want %s", again, key)
	}
}

func TestBurstOfMessagesCollapses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.subscribe(t, f.bob, "/push/bob")
	f.run(t)
	conv := f.conversation("cv_burst", f.bob.ID, 1)
	at := time.Now().UTC().Truncate(5 * time.Minute)
	for i := range 5 {
		conv.UnreadCount = i + 1
		must(t, f.n.HandleEvent(ctx, f.inbound(conv, "m"+string(rune('1'+i)), "message "+string(rune('1'+i)), at.Add(time.Duration(i)*time.Second))))
	}
	rows := f.settled(t)
	if len(rows) != 1 || rows[0].Kind != switchboard.NotifyNewMessage || rows[0].RecipientID != f.bob.ID {
		t.Fatalf("log = %+v, want one new-message notification to bob", rows)
	}
	if got, _ := f.push.received(); len(got) != 1 || got[0].Payload["title"] != "New message from Yamada" {
		t.Fatalf("pushes = %+v, want one", got)
	}
	// A message after the window is a new notification.
	conv.UnreadCount = 6
	must(t, f.n.HandleEvent(ctx, f.inbound(conv, "m6", "still there?", at.Add(5*time.Minute))))
	if rows := f.settled(t); len(rows) != 2 {
		t.Fatalf("log has %d rows after the window, want 2", len(rows))
	}
}

func TestTransferNotifiesTheReceivingSide(t *testing.T) {
	tests := []struct {
		name     string
		activity switchboard.Activity
		want     []string
	}{
		{"to an operator", switchboard.Activity{Kind: switchboard.ActivityTransferred, ActorID: "op_bob", ActorName: "Bob", OperatorID: "op_carol", OperatorName: "Carol", Reason: "billing question"},
			[]string{"carol@example.com"}},
		{"to a department, not its actor", switchboard.Activity{Kind: switchboard.ActivityTransferred, ActorID: "op_bob", ActorName: "Bob", DepartmentID: "dp_default_placeholder"},
			[]string{"alice@example.com"}},
		{"an assignment is no transfer", switchboard.Activity{Kind: switchboard.ActivityAssigned, OperatorID: "op_carol"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			if tc.activity.DepartmentID == "dp_default_placeholder" {
				tc.activity.DepartmentID = f.dept.ID
			}
			f.run(t)
			conv := f.conversation("cv_tr", "", 0)
			m := switchboard.Message{ID: "msg_act1", WorkspaceID: f.ws, ConversationID: conv.ID, Direction: switchboard.DirectionActivity, Activity: &tc.activity, CreatedAt: time.Now().UTC()}
			must(t, f.n.HandleEvent(context.Background(), switchboard.Event{Type: switchboard.EventMessageCreated, WorkspaceID: f.ws, ConversationID: conv.ID, Message: &m, Conversation: &conv}))
			f.settled(t)
			got := f.mb.waitFor(t, len(tc.want))
			if len(got) != len(tc.want) {
				t.Fatalf("e-mails %+v, want to %v", got, tc.want)
			}
			for i, m := range got {
				if m.To != tc.want[i] {
					t.Errorf("e-mail to %s, want %s", m.To, tc.want[i])
				}
				if tc.activity.Reason != "" && !strings.Contains(m.Text, "Reason: "+tc.activity.Reason) {
					t.Errorf("text %q lacks the reason", m.Text)
				}
			}
		})
	}
}

func TestExpiredPushSubscriptionIsDropped(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.subscribe(t, f.bob, "/push/bob-old")
	f.push.status = 410
	f.run(t)
	must(t, f.n.HandleEvent(ctx, f.inbound(f.conversation("cv_gone", "", 1), "m1", "hi", time.Now().UTC())))
	for _, r := range f.settled(t) {
		if r.Method == switchboard.NotifyPush && (r.Status != store.NotificationFailed || r.Attempts != 1 || !strings.Contains(r.Error, "410")) {
			t.Fatalf("push row %+v, want failed for good after one attempt", r)
		}
	}
	subs, err := f.st.ListPushSubscriptions(ctx, f.ws, f.bob.ID)
	must(t, err)
	if len(subs) != 0 {
		t.Fatalf("expired subscription kept: %+v", subs)
	}
}

// siteConversation stores a conversation (id cv_<visitor>, contact
// ct_<visitor>) opened by visitor's text at at on the channel "site",
// of channelType.
func (f *fixture) siteConversation(t *testing.T, visitor, channelType, text string, at time.Time) switchboard.Conversation {
	t.Helper()
	ctx := context.Background()
	must(t, f.st.PutChannel(ctx, store.Channel{ID: "site", WorkspaceID: f.ws, Type: "notifytest", Name: "Site", Config: json.RawMessage("{}"), CreatedAt: at, UpdatedAt: at}))
	res, err := f.st.Accept(ctx, []store.AcceptItem{{WorkspaceID: f.ws, ChannelType: channelType, DepartmentID: f.dept.ID,
		MessageID: switchboard.MessageID("msg_" + visitor), ContactID: switchboard.ContactID("ct_" + visitor), ConversationID: switchboard.ConversationID("cv_" + visitor),
		Inbound: switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: "site", ExternalID: switchboard.ExternalID(visitor), Sender: switchboard.ExternalID(visitor),
			Parts: switchboard.TextParts(text), At: at}}})
	must(t, err)
	return *res[0].Conversation
}

// TestVAPIDPrivateKeySealedAtRest: with the hub's secret key the stored
// private key is encrypted, and pushes still verify with the public one.
func TestVAPIDPrivateKeySealedAtRest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sealer, err := router.NewSealer([]byte("0123456789abcdef0123456789abcdef"))
	must(t, err)
	f.n = notify.New(f.st, notify.Config{PublicURL: publicURL, HTTPClient: f.push.srv.Client(), Logger: quiet(), Poll: 10 * time.Millisecond, Secrets: sealer})
	key, err := f.n.VAPIDPublicKey(ctx)
	must(t, err)
	stored, err := f.st.VAPIDKeys(ctx, store.VAPIDKeys{PublicKey: "other", PrivateKey: "other"})
	must(t, err)
	if stored.PublicKey != key || !strings.HasPrefix(stored.PrivateKey, "sealed:") {
		t.Fatalf("stored pair %q / %q, want the public key and a sealed private one", stored.PublicKey, stored.PrivateKey)
	}
	f.push.vapidKey = key
	f.subscribe(t, f.bob, "/push/bob")
	f.run(t)
	must(t, f.n.HandleEvent(ctx, f.inbound(f.conversation("cv_sealed", "", 1), "m1", "hi", time.Now().UTC())))
	f.settled(t)
	if got, errs := f.push.received(); len(got) != 1 || len(errs) != 0 {
		t.Fatalf("pushes %+v, push service errors %v", got, errs)
	}
}
