package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// GetNotifyPreferences returns the saved preferences or the defaults.
func (s *Store) GetNotifyPreferences(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) (switchboard.NotifyPreferences, error) {
	var raw string
	err := s.queryRow(ctx, `SELECT prefs FROM notify_preferences WHERE workspace_id = ? AND operator_id = ?`, ws, op).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
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
	return s.writeOne(ctx, "put notify preferences", `INSERT INTO notify_preferences (operator_id, workspace_id, prefs)
		SELECT id, workspace_id, ? FROM operators WHERE workspace_id = ? AND id = ?
		ON CONFLICT (operator_id) DO UPDATE SET prefs = excluded.prefs`, string(raw), ws, op)
}

// PutPushSubscription stores or replaces a subscription by endpoint.
func (s *Store) PutPushSubscription(ctx context.Context, sub store.PushSubscription) error {
	return s.writeOne(ctx, "put push subscription", `INSERT INTO push_subscriptions (endpoint, workspace_id, operator_id, p256dh, auth, created_at)
		SELECT ?, workspace_id, id, ?, ?, ? FROM operators WHERE workspace_id = ? AND id = ?
		ON CONFLICT (endpoint) DO UPDATE SET workspace_id = excluded.workspace_id, operator_id = excluded.operator_id,
			p256dh = excluded.p256dh, auth = excluded.auth`,
		sub.Endpoint, sub.P256dh, sub.Auth, ts(orNow(sub.CreatedAt)), sub.WorkspaceID, sub.OperatorID)
}

// DeletePushSubscription removes one of the operator's subscriptions.
func (s *Store) DeletePushSubscription(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, endpoint string) error {
	return s.writeOne(ctx, "delete push subscription", `DELETE FROM push_subscriptions WHERE workspace_id = ? AND operator_id = ? AND endpoint = ?`, ws, op, endpoint)
}

// ListPushSubscriptions lists an operator's subscriptions, oldest first.
func (s *Store) ListPushSubscriptions(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) ([]store.PushSubscription, error) {
	rows, err := s.query(ctx, `SELECT endpoint, workspace_id, operator_id, p256dh, auth, created_at FROM push_subscriptions
		WHERE workspace_id = ? AND operator_id = ? ORDER BY created_at, endpoint`, ws, op)
	if err != nil {
		return nil, mapErr("list push subscriptions", err)
	}
	defer rows.Close()
	var out []store.PushSubscription
	for rows.Next() {
		var sub store.PushSubscription
		var at int64
		if err := rows.Scan(&sub.Endpoint, &sub.WorkspaceID, &sub.OperatorID, &sub.P256dh, &sub.Auth, &at); err != nil {
			return nil, mapErr("list push subscriptions", err)
		}
		sub.CreatedAt = fromTS(at)
		out = append(out, sub)
	}
	return out, mapErr("list push subscriptions", rows.Err())
}

// VAPIDKeys returns the stored key pair, storing candidate when none is.
func (s *Store) VAPIDKeys(ctx context.Context, candidate store.VAPIDKeys) (store.VAPIDKeys, error) {
	var k store.VAPIDKeys
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO vapid_keys (id, public_key, private_key, created_at) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`, candidate.PublicKey, candidate.PrivateKey, ts(time.Now())); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT public_key, private_key FROM vapid_keys WHERE id = 1`).Scan(&k.PublicKey, &k.PrivateKey)
	})
	return k, mapErr("vapid keys", err)
}

// EnqueueNotifications stores the notifications not stored yet.
func (s *Store) EnqueueNotifications(ctx context.Context, ns []store.Notification) (int, error) {
	if len(ns) == 0 {
		return 0, nil
	}
	now := time.Now()
	stored := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		stored = 0
		for _, n := range ns {
			due := now
			if n.NextAttemptAt != nil {
				due = *n.NextAttemptAt
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO notifications (workspace_id, key, kind, method, recipient_id, conversation_id,
					address, subject, body, url, status, next_attempt_at, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key, recipient_id, method) DO NOTHING`,
				n.WorkspaceID, n.Key, n.Kind, n.Method, n.RecipientID, n.ConversationID, n.Address, n.Subject, n.Body, n.URL,
				store.NotificationPending, ts(due), ts(orNow(n.CreatedAt)))
			if err != nil {
				return err
			}
			if c, _ := res.RowsAffected(); c > 0 {
				stored++
			}
		}
		return nil
	})
	return stored, mapErr("enqueue notifications", err)
}

const notificationCols = `id, workspace_id, key, kind, method, recipient_id, conversation_id, address, subject, body, url,
	status, attempts, error, next_attempt_at, created_at, sent_at`

func scanNotification(sc interface{ Scan(...any) error }) (store.Notification, error) {
	var n store.Notification
	var next, sent sql.NullInt64
	var created int64
	err := sc.Scan(&n.ID, &n.WorkspaceID, &n.Key, &n.Kind, &n.Method, &n.RecipientID, &n.ConversationID, &n.Address,
		&n.Subject, &n.Body, &n.URL, &n.Status, &n.Attempts, &n.Error, &next, &created, &sent)
	n.NextAttemptAt, n.SentAt, n.CreatedAt = ptrTS(next), ptrTS(sent), fromTS(created)
	return n, err
}

func collectNotifications(rows *sql.Rows) ([]store.Notification, error) {
	defer rows.Close()
	var out []store.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// ClaimNotifications leases due notifications. The write transaction is
// exclusive, so two senders never claim the same row.
func (s *Store) ClaimNotifications(ctx context.Context, limit int, lease time.Duration, now time.Time) ([]store.Notification, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []store.Notification
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE notifications SET next_attempt_at = ?
			WHERE id IN (SELECT id FROM notifications WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?
				ORDER BY next_attempt_at, id LIMIT ?)
			RETURNING `+notificationCols, ts(now.Add(lease)), ts(now), limit)
		if err != nil {
			return err
		}
		out, err = collectNotifications(rows)
		return err
	})
	return out, mapErr("claim notifications", err)
}

// FinishNotification records one attempt's outcome.
func (s *Store) FinishNotification(ctx context.Context, id int64, r store.NotificationResult) error {
	status, sent, next := store.NotificationFailed, any(nil), nullTS(r.RetryAt)
	switch {
	case r.Sent:
		status, sent, next = store.NotificationSent, ts(orNow(r.At)), nil
		r.Error = ""
	case r.Skipped:
		status, next = store.NotificationSkipped, nil
	}
	return s.writeOne(ctx, "finish notification", `UPDATE notifications SET status = ?, attempts = attempts + 1, error = ?, next_attempt_at = ?, sent_at = ?
		WHERE id = ?`, status, r.Error, next, sent, id)
}

// ListNotifications pages the log newest first.
func (s *Store) ListNotifications(ctx context.Context, ws switchboard.WorkspaceID, q store.NotificationQuery) (store.NotificationPage, error) {
	after, err := store.ParseNotificationCursor(q.Cursor)
	if err != nil {
		return store.NotificationPage{}, err
	}
	limit := q.ClampLimit()
	rows, err := s.query(ctx, `SELECT `+notificationCols+` FROM notifications
		WHERE workspace_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`, ws, after, after, limit+1)
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
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE next_attempt_at IS NULL AND created_at < ?`, ts(before))
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	return int(n), mapErr("prune notifications", err)
}

// writeOne runs one statement in a write transaction; ErrNotFound when it
// touched no row.
func (s *Store) writeOne(ctx context.Context, what, q string, args ...any) error {
	return mapErr(what, s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}
