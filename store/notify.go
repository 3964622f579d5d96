package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
)

// NotifyStore keeps what the notifier needs (issue 14): operators'
// preferences, their Web Push subscriptions, the install's VAPID keys and
// the notification log, which is also the queue the senders work from.
type NotifyStore interface {
	// GetNotifyPreferences returns an operator's notification preferences,
	// or switchboard.DefaultNotifyPreferences when none were saved;
	// ErrNotFound when the operator is not in the workspace.
	GetNotifyPreferences(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) (switchboard.NotifyPreferences, error)
	// PutNotifyPreferences replaces them; ErrNotFound when the operator is
	// not in the workspace.
	PutNotifyPreferences(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, p switchboard.NotifyPreferences) error

	// PutPushSubscription stores a browser's Web Push subscription for an
	// operator; putting an endpoint again replaces its keys and owner.
	// ErrNotFound when the operator is not in the workspace.
	PutPushSubscription(ctx context.Context, sub PushSubscription) error
	// DeletePushSubscription removes the operator's subscription of
	// endpoint; ErrNotFound when there is none.
	DeletePushSubscription(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, endpoint string) error
	// ListPushSubscriptions lists an operator's subscriptions, oldest first.
	ListPushSubscriptions(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) ([]PushSubscription, error)

	// VAPIDKeys returns the install's VAPID key pair, storing candidate as
	// it when there is none yet (insert if absent: instances starting at
	// once all get the same pair, whichever was stored first).
	VAPIDKeys(ctx context.Context, candidate VAPIDKeys) (VAPIDKeys, error)

	// EnqueueNotifications stores notifications to send (status pending,
	// next attempt at NextAttemptAt or now), skipping each whose (Key,
	// RecipientID, Method) is already stored: every event reaches every
	// recipient by every method at most once. It returns how many it
	// stored.
	EnqueueNotifications(ctx context.Context, ns []Notification) (int, error)
	// ClaimNotifications leases up to limit notifications that are pending
	// or failed with a next attempt due at now, for lease (their next
	// attempt moves to now + lease), so that senders on several processes
	// never hold the same one at once. Oldest due first.
	ClaimNotifications(ctx context.Context, limit int, lease time.Duration, now time.Time) ([]Notification, error)
	// FinishNotification records an attempt of a claimed notification:
	// attempts + 1; with r.Sent, status sent at r.At (error cleared, no
	// next attempt); with r.Skipped, status skipped with r.Error as the
	// reason (no next attempt); otherwise status failed with r.Error and
	// the next attempt at r.RetryAt (nil: given up).
	FinishNotification(ctx context.Context, id int64, r NotificationResult) error
	// ListNotifications pages a workspace's notification log, newest first.
	ListNotifications(ctx context.Context, ws switchboard.WorkspaceID, q NotificationQuery) (NotificationPage, error)
	// PruneNotifications deletes log rows created before before that have
	// nothing more to do (sent, skipped, or failed for good; never one
	// still due) and returns how many.
	PruneNotifications(ctx context.Context, before time.Time) (int, error)
}

// PushSubscription is a browser's Web Push subscription (the JSON of the
// Push API's PushSubscription: endpoint and keys).
type PushSubscription struct {
	WorkspaceID switchboard.WorkspaceID
	OperatorID  switchboard.OperatorID
	Endpoint    string
	// P256dh and Auth are the browser's public key and auth secret,
	// base64url.
	P256dh, Auth string
	CreatedAt    time.Time
}

// VAPIDKeys are the install's application server keys for Web Push,
// base64url (the public key uncompressed P-256, the private key its
// scalar). The private key never leaves the hub.
type VAPIDKeys struct {
	PublicKey  string
	PrivateKey string
}

// NotificationStatus is where a notification stands.
type NotificationStatus string

const (
	NotificationPending NotificationStatus = "pending"
	NotificationSent    NotificationStatus = "sent"
	NotificationFailed  NotificationStatus = "failed"
	// NotificationSkipped is a row that was no longer needed when it was
	// due (a waiting conversation someone took meanwhile).
	NotificationSkipped NotificationStatus = "skipped"
)

// Notification is one message to one recipient by one method, for one
// event: a row of the notification log.
type Notification struct {
	ID          int64
	WorkspaceID switchboard.WorkspaceID
	// Key names the event (with RecipientID and Method it is unique).
	Key            string
	Kind           switchboard.NotifyKind
	Method         switchboard.NotifyMethod
	RecipientID    switchboard.OperatorID
	ConversationID switchboard.ConversationID
	// Address is where it goes: an e-mail address (push: empty, the
	// operator's subscriptions).
	Address string
	// Subject and Body are the text, in the recipient's language; URL
	// links to the conversation.
	Subject, Body, URL string
	Status             NotificationStatus
	Attempts           int
	Error              string
	NextAttemptAt      *time.Time
	CreatedAt          time.Time
	SentAt             *time.Time
}

// NotificationResult is the outcome of one attempt.
type NotificationResult struct {
	Sent bool
	// Skipped ends the row unsent, with Error saying why (not a failure).
	Skipped bool
	At      time.Time
	Error   string
	RetryAt *time.Time
}

// NotificationQuery pages the notification log.
type NotificationQuery struct {
	// Limit is clamped to 1..200 (0 means 50).
	Limit  int
	Cursor string
}

// NotificationPage is one page; Next is empty on the last page.
type NotificationPage struct {
	Items []Notification
	Next  string
}

// ClampLimit returns q's limit within 1..200 (0: 50).
func (q NotificationQuery) ClampLimit() int {
	switch {
	case q.Limit <= 0:
		return 50
	case q.Limit > 200:
		return 200
	}
	return q.Limit
}

// NotificationCursor is the cursor after the log row id; both engines use it.
func NotificationCursor(id int64) string { return "n" + strconv.FormatInt(id, 10) }

// ParseNotificationCursor reads a NotificationCursor ("" is 0, the start);
// ErrBadCursor when the engine did not make it.
func ParseNotificationCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(c, "n"), 10, 64)
	if err != nil || !strings.HasPrefix(c, "n") || id <= 0 {
		return 0, ErrBadCursor
	}
	return id, nil
}

// PageNotifications cuts rows read with limit+1 into a page.
func PageNotifications(rows []Notification, limit int) NotificationPage {
	if len(rows) > limit {
		return NotificationPage{Items: rows[:limit], Next: NotificationCursor(rows[limit-1].ID)}
	}
	return NotificationPage{Items: rows}
}

// DecodeNotifyPreferences reads stored preferences (JSON); choices a
// stored row lacks (added since it was saved) are the defaults.
func DecodeNotifyPreferences(raw string) (switchboard.NotifyPreferences, error) {
	p := switchboard.DefaultNotifyPreferences()
	err := json.Unmarshal([]byte(raw), &p)
	return p, err
}
