package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// notifyTests are the contract tests of the notification store (issue
// 14); Run registers them.
var notifyTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"NotifyPreferences", testNotifyPreferences},
	{"PushSubscriptions", testPushSubscriptions},
	{"VAPIDKeys", testVAPIDKeys},
	{"NotificationsOncePerKey", testNotificationsOncePerKey},
	{"NotificationsClaimRetry", testNotificationsClaimRetry},
	{"NotificationsConcurrentClaim", testNotificationsConcurrentClaim},
	{"NotificationLogPaging", testNotificationLogPaging},
	{"PruneNotifications", testPruneNotifications},
}

// notifyOperator makes a workspace with one operator.
func notifyOperator(t *testing.T, s store.Store, id string) (switchboard.WorkspaceID, switchboard.OperatorID) {
	t.Helper()
	ws := newWorkspace(t, s, "Notify "+id)
	op := switchboard.Operator{ID: switchboard.OperatorID(id), WorkspaceID: ws, Email: id + "@example.com", Role: switchboard.RoleOperator, CreatedAt: t0}
	must(t, s.CreateOperator(context.Background(), op, "h"), "CreateOperator")
	return ws, op.ID
}

func testNotifyPreferences(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws, op := notifyOperator(t, s, "op_np")
	got, err := s.GetNotifyPreferences(ctx, ws, op)
	must(t, err, "GetNotifyPreferences")
	if got != switchboard.DefaultNotifyPreferences() {
		t.Fatalf("unsaved preferences = %+v, want the defaults", got)
	}
	want := switchboard.DefaultNotifyPreferences()
	want.Email.NewConversation = false
	want.Push.Waiting = false
	must(t, s.PutNotifyPreferences(ctx, ws, op, want), "PutNotifyPreferences")
	got, err = s.GetNotifyPreferences(ctx, ws, op)
	must(t, err, "GetNotifyPreferences")
	if got != want {
		t.Fatalf("preferences = %+v, want %+v", got, want)
	}
	other := newWorkspace(t, s, "Other")
	_, err = s.GetNotifyPreferences(ctx, other, op)
	wantErr(t, err, store.ErrNotFound, "GetNotifyPreferences of another workspace")
	wantErr(t, s.PutNotifyPreferences(ctx, other, op, want), store.ErrNotFound, "PutNotifyPreferences of another workspace")
}

func testPushSubscriptions(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws, op := notifyOperator(t, s, "op_ps")
	a := store.PushSubscription{WorkspaceID: ws, OperatorID: op, Endpoint: "https://push.example/a", P256dh: "k1", Auth: "a1", CreatedAt: t0}
	b := store.PushSubscription{WorkspaceID: ws, OperatorID: op, Endpoint: "https://push.example/b", P256dh: "k2", Auth: "a2", CreatedAt: t0.Add(time.Minute)}
	must(t, s.PutPushSubscription(ctx, a), "PutPushSubscription a")
	must(t, s.PutPushSubscription(ctx, b), "PutPushSubscription b")
	a.P256dh = "k1'"
	must(t, s.PutPushSubscription(ctx, a), "PutPushSubscription a again")
	subs, err := s.ListPushSubscriptions(ctx, ws, op)
	must(t, err, "ListPushSubscriptions")
	if len(subs) != 2 || subs[0].Endpoint != a.Endpoint || subs[0].P256dh != "k1'" || subs[1].Endpoint != b.Endpoint || !subs[0].CreatedAt.Equal(t0) {
		t.Fatalf("subscriptions = %+v", subs)
	}
	other := newWorkspace(t, s, "Other")
	wantErr(t, s.PutPushSubscription(ctx, store.PushSubscription{WorkspaceID: other, OperatorID: op, Endpoint: "https://push.example/c"}), store.ErrNotFound, "PutPushSubscription in another workspace")
	wantErr(t, s.DeletePushSubscription(ctx, other, op, a.Endpoint), store.ErrNotFound, "DeletePushSubscription from another workspace")
	must(t, s.DeletePushSubscription(ctx, ws, op, a.Endpoint), "DeletePushSubscription")
	wantErr(t, s.DeletePushSubscription(ctx, ws, op, a.Endpoint), store.ErrNotFound, "DeletePushSubscription again")
	subs, err = s.ListPushSubscriptions(ctx, ws, op)
	must(t, err, "ListPushSubscriptions")
	if len(subs) != 1 || subs[0].Endpoint != b.Endpoint {
		t.Fatalf("subscriptions after delete = %+v", subs)
	}
}

func testVAPIDKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	// Instances starting at once each offer their own pair; all get one.
	got := make([]store.VAPIDKeys, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := s.VAPIDKeys(ctx, store.VAPIDKeys{PublicKey: "pub" + string(rune('a'+i)), PrivateKey: "priv" + string(rune('a'+i))})
			if err != nil {
				t.Errorf("VAPIDKeys: %v", err)
			}
			got[i] = k
		}()
	}
	wg.Wait()
	for _, k := range got {
		if k != got[0] || k.PublicKey == "" || k.PrivateKey[len("priv"):] != k.PublicKey[len("pub"):] {
			t.Fatalf("instances got different or mixed pairs: %+v", got)
		}
	}
	k, err := s.VAPIDKeys(ctx, store.VAPIDKeys{PublicKey: "later", PrivateKey: "later"})
	must(t, err, "VAPIDKeys")
	if k != got[0] {
		t.Fatalf("a later start replaced the pair: %+v", k)
	}
}

func notification(ws switchboard.WorkspaceID, op switchboard.OperatorID, key string, method switchboard.NotifyMethod) store.Notification {
	return store.Notification{WorkspaceID: ws, Key: key, Kind: switchboard.NotifyNewConversation, Method: method, RecipientID: op,
		ConversationID: "cv_1", Address: "op@example.com", Subject: "New conversation", Body: "Hello", URL: "https://hub.example/conversations/cv_1", CreatedAt: t0}
}

func testNotificationsOncePerKey(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws, op := notifyOperator(t, s, "op_nk")
	n, err := s.EnqueueNotifications(ctx, []store.Notification{
		notification(ws, op, "ev1", switchboard.NotifyEmail),
		notification(ws, op, "ev1", switchboard.NotifyPush),
		notification(ws, op, "ev1", switchboard.NotifyEmail), // the same in one batch
	})
	must(t, err, "EnqueueNotifications")
	if n != 2 {
		t.Fatalf("stored %d, want 2", n)
	}
	n, err = s.EnqueueNotifications(ctx, []store.Notification{notification(ws, op, "ev1", switchboard.NotifyEmail), notification(ws, op, "ev2", switchboard.NotifyEmail)})
	must(t, err, "EnqueueNotifications again")
	if n != 1 {
		t.Fatalf("stored %d on redelivery, want 1 (ev2 only)", n)
	}
	page, err := s.ListNotifications(ctx, ws, store.NotificationQuery{})
	must(t, err, "ListNotifications")
	if len(page.Items) != 3 {
		t.Fatalf("log has %d rows, want 3", len(page.Items))
	}
	for _, it := range page.Items {
		if it.Status != store.NotificationPending || it.Attempts != 0 || it.SentAt != nil || !it.CreatedAt.Equal(t0) || it.URL == "" {
			t.Fatalf("fresh row = %+v", it)
		}
	}
}

func testNotificationsClaimRetry(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws, op := notifyOperator(t, s, "op_nc")
	later := time.Now().Add(time.Hour)
	scheduled := notification(ws, op, "ev_later", switchboard.NotifyEmail)
	scheduled.NextAttemptAt = &later
	_, err := s.EnqueueNotifications(ctx, []store.Notification{notification(ws, op, "ev_now", switchboard.NotifyEmail), scheduled})
	must(t, err, "EnqueueNotifications")

	now := time.Now()
	claimed, err := s.ClaimNotifications(ctx, 10, time.Minute, now)
	must(t, err, "ClaimNotifications")
	if len(claimed) != 1 || claimed[0].Key != "ev_now" {
		t.Fatalf("claimed %+v, want ev_now only (ev_later is not due)", claimed)
	}
	again, err := s.ClaimNotifications(ctx, 10, time.Minute, now)
	must(t, err, "ClaimNotifications while leased")
	if len(again) != 0 {
		t.Fatalf("a leased row was claimed again: %+v", again)
	}
	retry := now.Add(30 * time.Second)
	must(t, s.FinishNotification(ctx, claimed[0].ID, store.NotificationResult{Error: "451 try later", RetryAt: &retry}), "FinishNotification failed")
	page, err := s.ListNotifications(ctx, ws, store.NotificationQuery{})
	must(t, err, "ListNotifications")
	row := findNotification(t, page.Items, "ev_now")
	if row.Status != store.NotificationFailed || row.Attempts != 1 || row.Error != "451 try later" {
		t.Fatalf("after a failure: %+v", row)
	}
	if c, _ := s.ClaimNotifications(ctx, 10, time.Minute, now.Add(10*time.Second)); len(c) != 0 {
		t.Fatalf("claimed before the retry was due: %+v", c)
	}
	claimed, err = s.ClaimNotifications(ctx, 10, time.Minute, retry)
	must(t, err, "ClaimNotifications at the retry")
	if len(claimed) != 1 || claimed[0].ID != row.ID || claimed[0].Attempts != 1 {
		t.Fatalf("retry claim = %+v", claimed)
	}
	must(t, s.FinishNotification(ctx, row.ID, store.NotificationResult{Sent: true, At: retry}), "FinishNotification sent")
	page, err = s.ListNotifications(ctx, ws, store.NotificationQuery{})
	must(t, err, "ListNotifications")
	row = findNotification(t, page.Items, "ev_now")
	if row.Status != store.NotificationSent || row.Attempts != 2 || row.Error != "" || row.SentAt == nil || !row.SentAt.Equal(retry.UTC().Truncate(time.Microsecond)) || row.NextAttemptAt != nil {
		t.Fatalf("after sending: %+v", row)
	}
	c, err := s.ClaimNotifications(ctx, 10, time.Minute, later.Add(time.Hour))
	must(t, err, "ClaimNotifications when the scheduled row is due")
	if len(c) != 1 || c[0].Key != "ev_later" {
		t.Fatalf("a sent row came back, or the scheduled one did not: %+v", c)
	}
	must(t, s.FinishNotification(ctx, c[0].ID, store.NotificationResult{Skipped: true, Error: "the conversation was taken"}), "FinishNotification skipped")
	page, err = s.ListNotifications(ctx, ws, store.NotificationQuery{})
	must(t, err, "ListNotifications")
	if row := findNotification(t, page.Items, "ev_later"); row.Status != store.NotificationSkipped || row.Error != "the conversation was taken" || row.NextAttemptAt != nil || row.SentAt != nil {
		t.Fatalf("after skipping: %+v", row)
	}
	if c, _ := s.ClaimNotifications(ctx, 10, time.Minute, later.Add(2*time.Hour)); len(c) != 0 {
		t.Fatalf("a skipped row came back: %+v", c)
	}
	wantErr(t, s.FinishNotification(ctx, 1<<40, store.NotificationResult{Sent: true}), store.ErrNotFound, "FinishNotification of no row")
}

func findNotification(t *testing.T, items []store.Notification, key string) store.Notification {
	t.Helper()
	for _, it := range items {
		if it.Key == key {
			return it
		}
	}
	t.Fatalf("no notification %q in %+v", key, items)
	return store.Notification{}
}

func testNotificationsConcurrentClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws, op := notifyOperator(t, s, "op_ncc")
	var batch []store.Notification
	for i := range 40 {
		batch = append(batch, notification(ws, op, "ev"+string(rune('A'+i)), switchboard.NotifyEmail))
	}
	_, err := s.EnqueueNotifications(ctx, batch)
	must(t, err, "EnqueueNotifications")
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := s.ClaimNotifications(ctx, 3, time.Minute, time.Now())
				if err != nil {
					t.Errorf("ClaimNotifications: %v", err)
					return
				}
				if len(c) == 0 {
					return
				}
				mu.Lock()
				for _, n := range c {
					seen[n.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 40 {
		t.Fatalf("claimed %d distinct rows, want 40", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("row %d claimed %d times", id, n)
		}
	}
}

func testNotificationLogPaging(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws, op := notifyOperator(t, s, "op_nl")
	other, otherOp := notifyOperator(t, s, "op_nl2")
	var batch []store.Notification
	for i := range 5 {
		batch = append(batch, notification(ws, op, "ev"+string(rune('a'+i)), switchboard.NotifyEmail))
	}
	_, err := s.EnqueueNotifications(ctx, append(batch, notification(other, otherOp, "evx", switchboard.NotifyEmail)))
	must(t, err, "EnqueueNotifications")
	var keys []string
	cursor := ""
	for {
		page, err := s.ListNotifications(ctx, ws, store.NotificationQuery{Limit: 2, Cursor: cursor})
		must(t, err, "ListNotifications")
		for _, it := range page.Items {
			keys = append(keys, it.Key)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if got := len(keys); got != 5 || keys[0] != "eve" || keys[4] != "eva" {
		t.Fatalf("log keys = %v, want eve..eva (newest first, this workspace only)", keys)
	}
	_, err = s.ListNotifications(ctx, ws, store.NotificationQuery{Cursor: "bogus"})
	wantErr(t, err, store.ErrBadCursor, "ListNotifications with a bad cursor")
}

func testPruneNotifications(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws, op := notifyOperator(t, s, "op_pn")
	old := t0.Add(-48 * time.Hour)
	rows := []store.Notification{notification(ws, op, "old_sent", switchboard.NotifyEmail), notification(ws, op, "old_due", switchboard.NotifyEmail), notification(ws, op, "new_sent", switchboard.NotifyEmail)}
	rows[0].CreatedAt, rows[1].CreatedAt = old, old
	_, err := s.EnqueueNotifications(ctx, rows)
	must(t, err, "EnqueueNotifications")
	claimed, err := s.ClaimNotifications(ctx, 10, time.Minute, time.Now())
	must(t, err, "ClaimNotifications")
	for _, c := range claimed {
		if c.Key != "old_due" {
			must(t, s.FinishNotification(ctx, c.ID, store.NotificationResult{Sent: true}), "FinishNotification")
		}
	}
	n, err := s.PruneNotifications(ctx, t0.Add(-24*time.Hour))
	must(t, err, "PruneNotifications")
	if n != 1 {
		t.Fatalf("pruned %d rows, want 1 (old_sent)", n)
	}
	page, err := s.ListNotifications(ctx, ws, store.NotificationQuery{})
	must(t, err, "ListNotifications")
	if len(page.Items) != 2 {
		t.Fatalf("left %+v, want old_due (still due) and new_sent (recent)", page.Items)
	}
	findNotification(t, page.Items, "old_due")
	findNotification(t, page.Items, "new_sent")
}
