package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// GetNotifyPreferences returns the saved preferences or the defaults.
func (s *Store) GetNotifyPreferences(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) (switchboard.NotifyPreferences, error) {
	var raw string
	err := s.pool.QueryRow(ctx, `SELECT prefs FROM notify_preferences WHERE workspace_id = $1 AND operator_id = $2`, ws, op).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := s.GetOperator(ctx, ws, op); err != nil {
			return switchboard.NotifyPreferences{}, err
		}
		return switchboard.DefaultNotifyPreferences(), nil
	}
	if err != nil {
		return switchboard.NotifyPreferences{}, mapErr("get notify preferences", err)
	}
	p, err := store.DecodeNotifyPreferences(raw)
	return p, mapErr("get notify preferences", err)
}

// PutNotifyPreferences replaces an operator's preferences.
func (s *Store) PutNotifyPreferences(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, p switchboard.NotifyPreferences) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO notify_preferences (operator_id, workspace_id, prefs)
		SELECT id, workspace_id, $1 FROM operators WHERE workspace_id = $2 AND id = $3
		ON CONFLICT (operator_id) DO UPDATE SET prefs = excluded.prefs`, string(raw), ws, op)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return mapErr("put notify preferences", err)
}

// PutPushSubscription stores or replaces a subscription by endpoint.
func (s *Store) PutPushSubscription(ctx context.Context, sub store.PushSubscription) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO push_subscriptions (endpoint, workspace_id, operator_id, p256dh, auth, created_at)
		SELECT $1, workspace_id, id, $2, $3, $4 FROM operators WHERE workspace_id = $5 AND id = $6
		ON CONFLICT (endpoint) DO UPDATE SET workspace_id = excluded.workspace_id, operator_id = excluded.operator_id,
			p256dh = excluded.p256dh, auth = excluded.auth`,
		sub.Endpoint, sub.P256dh, sub.Auth, orNow(sub.CreatedAt), sub.WorkspaceID, sub.OperatorID)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return mapErr("put push subscription", err)
}

// DeletePushSubscription removes one of the operator's subscriptions.
func (s *Store) DeletePushSubscription(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, endpoint string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM push_subscriptions WHERE workspace_id = $1 AND operator_id = $2 AND endpoint = $3`, ws, op, endpoint)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return mapErr("delete push subscription", err)
}

// ListPushSubscriptions lists an operator's subscriptions, oldest first.
func (s *Store) ListPushSubscriptions(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) ([]store.PushSubscription, error) {
	rows, err := s.pool.Query(ctx, `SELECT endpoint, workspace_id, operator_id, p256dh, auth, created_at FROM push_subscriptions
		WHERE workspace_id = $1 AND operator_id = $2 ORDER BY created_at, endpoint`, ws, op)
	if err != nil {
		return nil, mapErr("list push subscriptions", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.PushSubscription, error) {
		var sub store.PushSubscription
		err := row.Scan(&sub.Endpoint, &sub.WorkspaceID, &sub.OperatorID, &sub.P256dh, &sub.Auth, &sub.CreatedAt)
		sub.CreatedAt = utc(sub.CreatedAt)
		return sub, err
	})
	return out, mapErr("list push subscriptions", err)
}

// VAPIDKeys returns the stored key pair, storing candidate when none is.
func (s *Store) VAPIDKeys(ctx context.Context, candidate store.VAPIDKeys) (store.VAPIDKeys, error) {
	if _, err := s.pool.Exec(ctx, `INSERT INTO vapid_keys (id, public_key, private_key, created_at) VALUES (1, $1, $2, $3)
		ON CONFLICT (id) DO NOTHING`, candidate.PublicKey, candidate.PrivateKey, time.Now().UTC()); err != nil {
		return store.VAPIDKeys{}, mapErr("vapid keys", err)
	}
	var k store.VAPIDKeys
	err := s.pool.QueryRow(ctx, `SELECT public_key, private_key FROM vapid_keys WHERE id = 1`).Scan(&k.PublicKey, &k.PrivateKey)
	return k, mapErr("vapid keys", err)
}

// EnqueueNotifications stores the notifications not stored yet.
func (s *Store) EnqueueNotifications(ctx context.Context, ns []store.Notification) (int, error) {
	if len(ns) == 0 {
		return 0, nil
	}
	now := time.Now().UTC()
	stored := 0
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		stored = 0
		for _, n := range ns {
			due := now
			if n.NextAttemptAt != nil {
				due = n.NextAttemptAt.UTC()
			}
			tag, err := tx.Exec(ctx, `INSERT INTO notifications (workspace_id, key, kind, method, recipient_id, conversation_id,
					address, subject, body, url, status, next_attempt_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (key, recipient_id, method) DO NOTHING`,
				n.WorkspaceID, n.Key, n.Kind, n.Method, n.RecipientID, n.ConversationID, n.Address, n.Subject, n.Body, n.URL,
				store.NotificationPending, due, orNow(n.CreatedAt))
			if err != nil {
				return err
			}
			stored += int(tag.RowsAffected())
		}
		return nil
	})
	return stored, mapErr("enqueue notifications", err)
}

const notificationCols = `id, workspace_id, key, kind, method, recipient_id, conversation_id, address, subject, body, url,
	status, attempts, error, next_attempt_at, created_at, sent_at`

func collectNotifications(rows pgx.Rows) ([]store.Notification, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Notification, error) {
		var n store.Notification
		err := row.Scan(&n.ID, &n.WorkspaceID, &n.Key, &n.Kind, &n.Method, &n.RecipientID, &n.ConversationID, &n.Address,
			&n.Subject, &n.Body, &n.URL, &n.Status, &n.Attempts, &n.Error, &n.NextAttemptAt, &n.CreatedAt, &n.SentAt)
		n.CreatedAt, n.NextAttemptAt, n.SentAt = utc(n.CreatedAt), utcPtr(n.NextAttemptAt), utcPtr(n.SentAt)
		return n, err
	})
}

// ClaimNotifications leases due notifications; rows another sender is
// claiming at the same moment are skipped (FOR UPDATE SKIP LOCKED).
func (s *Store) ClaimNotifications(ctx context.Context, limit int, lease time.Duration, now time.Time) ([]store.Notification, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `UPDATE notifications n SET next_attempt_at = $1
		FROM (SELECT id FROM notifications WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $2
			ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) c
		WHERE n.id = c.id
		RETURNING n.id, n.workspace_id, n.key, n.kind, n.method, n.recipient_id, n.conversation_id, n.address, n.subject, n.body, n.url,
			n.status, n.attempts, n.error, n.next_attempt_at, n.created_at, n.sent_at`, now.Add(lease).UTC(), now.UTC(), limit)
	if err != nil {
		return nil, mapErr("claim notifications", err)
	}
	out, err := collectNotifications(rows)
	return out, mapErr("claim notifications", err)
}

// FinishNotification records one attempt's outcome.
func (s *Store) FinishNotification(ctx context.Context, id int64, r store.NotificationResult) error {
	status, sent, next := store.NotificationFailed, (*time.Time)(nil), utcPtr(r.RetryAt)
	switch {
	case r.Sent:
		at := orNow(r.At)
		status, sent, next = store.NotificationSent, &at, nil
		r.Error = ""
	case r.Skipped:
		status, next = store.NotificationSkipped, nil
	}
	tag, err := s.pool.Exec(ctx, `UPDATE notifications SET status = $1, attempts = attempts + 1, error = $2, next_attempt_at = $3, sent_at = $4
		WHERE id = $5`, status, r.Error, next, sent, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return mapErr("finish notification", err)
}

// ListNotifications pages the log newest first.
func (s *Store) ListNotifications(ctx context.Context, ws switchboard.WorkspaceID, q store.NotificationQuery) (store.NotificationPage, error) {
	after, err := store.ParseNotificationCursor(q.Cursor)
	if err != nil {
		return store.NotificationPage{}, err
	}
	limit := q.ClampLimit()
	rows, err := s.pool.Query(ctx, `SELECT `+notificationCols+` FROM notifications
		WHERE workspace_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`, ws, after, limit+1)
	if err != nil {
		return store.NotificationPage{}, mapErr("list notifications", err)
	}
	items, err := collectNotifications(rows)
	if err != nil {
		return store.NotificationPage{}, mapErr("list notifications", err)
	}
	return store.PageNotifications(items, limit), nil
}

// PruneNotifications deletes finished rows created before before.
func (s *Store) PruneNotifications(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM notifications WHERE next_attempt_at IS NULL AND created_at < $1`, before.UTC())
	if err != nil {
		return 0, mapErr("prune notifications", err)
	}
	return int(tag.RowsAffected()), nil
}
