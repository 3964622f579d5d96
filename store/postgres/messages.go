package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

const messageCols = `m.seq, m.id, m.workspace_id, m.conversation_id, m.channel_id, m.direction, m.parts,
	m.external_id, m.author_id, m.status, m.failure_reason, m.created_at, m.edited_at, m.retracted_at,
	m.deleted_at, m.deleted_by, m.activity, m.via`

func scanMessage(row pgx.Row) (switchboard.Message, int64, error) {
	var m switchboard.Message
	var seq int64
	var parts string
	if err := row.Scan(&seq, &m.ID, &m.WorkspaceID, &m.ConversationID, &m.ChannelID, &m.Direction, &parts,
		&m.ExternalID, &m.AuthorID, &m.Status, &m.FailureReason, &m.CreatedAt, &m.EditedAt, &m.RetractedAt,
		&m.DeletedAt, &m.DeletedBy, &m.Activity, &m.Via); err != nil {
		return m, 0, err
	}
	if err := json.Unmarshal([]byte(parts), &m.Parts); err != nil {
		return m, 0, fmt.Errorf("message %s parts: %w", m.ID, err)
	}
	m.CreatedAt = utc(m.CreatedAt)
	m.EditedAt, m.RetractedAt, m.DeletedAt = utcPtr(m.EditedAt), utcPtr(m.RetractedAt), utcPtr(m.DeletedAt)
	return m, seq, nil
}

// CreateMessage stores an outgoing message or a note and its outbox
// entries, and updates the conversation's last activity and last message.
func (s *Store) CreateMessage(ctx context.Context, msg switchboard.Message, outbox []store.OutboxEntry) error {
	if msg.ID == "" {
		return errors.New("postgres: create message: empty id")
	}
	if msg.Direction == "" {
		msg.Direction = switchboard.DirectionOut
	}
	if !msg.Direction.Valid() {
		return fmt.Errorf("postgres: create message: invalid direction %q", msg.Direction)
	}
	if msg.Status == "" {
		msg.Status = switchboard.StatusPending
		if msg.Direction != switchboard.DirectionOut {
			msg.Status = switchboard.StatusDelivered
		}
	}
	parts, err := json.Marshal(msg.Parts)
	if err != nil {
		return fmt.Errorf("postgres: create message: %w", err)
	}
	at := orNow(msg.CreatedAt)
	text := msg.Text()
	return mapErr("create message", s.tx(ctx, false, func(tx pgx.Tx) error {
		var ch switchboard.ChannelID
		if err := tx.QueryRow(ctx, `SELECT channel_id FROM conversations WHERE workspace_id = $1 AND id = $2`,
			msg.WorkspaceID, msg.ConversationID).Scan(&ch); err != nil {
			return err
		}
		if msg.ChannelID == "" {
			msg.ChannelID = ch
		}
		if _, err := tx.Exec(ctx, qInsertMessageVia, msg.ID, msg.WorkspaceID, msg.ConversationID, msg.ChannelID,
			msg.Direction, string(parts), text, msg.ExternalID, msg.AuthorID, msg.Status, msg.FailureReason, at, msg.Via); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE conversations SET
				last_message = CASE WHEN $1 >= last_activity_at THEN $2 ELSE last_message END,
				last_activity_at = greatest(last_activity_at, $1)
			WHERE id = $3`, at, store.Preview(text, msg.Parts), msg.ConversationID); err != nil {
			return err
		}
		return insertOutbox(ctx, tx, time.Now().UTC(), outbox)
	}))
}

// qInsertMessageVia is qInsertMessage with the message's Via (the intake
// path leaves it to the column's default, "").
const qInsertMessageVia = `INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, parts, text,
		external_id, author_id, status, failure_reason, created_at, via)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`

// GetMessage finds a message by id within a workspace.
func (s *Store) GetMessage(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID) (switchboard.Message, error) {
	m, _, err := scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.workspace_id = $1 AND m.id = $2`, ws, id))
	if err != nil {
		return switchboard.Message{}, mapErr("get message", err)
	}
	return m, nil
}

// DeferOutbox writes outbox entries leased until notBefore.
func (s *Store) DeferOutbox(ctx context.Context, entries []store.OutboxEntry, notBefore time.Time) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, e := range entries {
			if _, err := tx.Exec(ctx, `INSERT INTO outbox (topic, key, payload, created_at, lease_until) VALUES ($1, $2, $3, now(), $4)`,
				e.Topic, e.Key, e.Payload, notBefore.UTC()); err != nil {
				return err
			}
		}
		return nil
	})
	return mapErr("defer outbox", err)
}

// LatestInbound returns the customer's newest message of a conversation.
func (s *Store) LatestInbound(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Message, error) {
	m, _, err := scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageCols+` FROM messages m
		WHERE m.conversation_id = $1 AND m.workspace_id = $2 AND m.direction = 'in' ORDER BY m.seq DESC LIMIT 1`, conv, ws))
	if err != nil {
		return switchboard.Message{}, mapErr("latest inbound", err)
	}
	return m, nil
}

// ListMessages pages a conversation's messages oldest first.
func (s *Store) ListMessages(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, q store.MessageQuery) (store.MessagePage, error) {
	var page store.MessagePage
	limit := store.ClampLimit(q.Limit, 100, 1, 500)
	var after int64
	if q.Cursor != "" {
		var err error
		if after, err = store.DecodeMessageCursor(q.Cursor); err != nil {
			return page, fmt.Errorf("postgres: list messages: %w", err)
		}
	}
	var one int
	if err := s.pool.QueryRow(ctx, `SELECT 1 FROM conversations WHERE workspace_id = $1 AND id = $2`, ws, conv).Scan(&one); err != nil {
		return page, mapErr("list messages", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+messageCols+` FROM messages m
		WHERE m.conversation_id = $1 AND m.workspace_id = $2 AND m.seq > $3 ORDER BY m.seq LIMIT $4`, conv, ws, after, limit+1)
	if err != nil {
		return page, mapErr("list messages", err)
	}
	defer rows.Close()
	var seqs []int64
	for rows.Next() {
		m, seq, err := scanMessage(rows)
		if err != nil {
			return page, mapErr("list messages", err)
		}
		page.Items = append(page.Items, m)
		seqs = append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return page, mapErr("list messages", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = store.EncodeMessageCursor(seqs[limit-1])
	}
	return page, nil
}

// UpdateMessageStatus records a delivery outcome of an outgoing message.
func (s *Store) UpdateMessageStatus(ctx context.Context, id switchboard.MessageID, u store.StatusUpdate, outbox []store.OutboxEntry) (switchboard.Message, bool, error) {
	if !u.Status.Valid() {
		return switchboard.Message{}, false, fmt.Errorf("postgres: update message status: invalid status %q", u.Status)
	}
	var m switchboard.Message
	var changed bool
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		changed = false
		var err error
		m, _, err = scanMessage(tx.QueryRow(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if !statusMayChange(m.Status, u.Status) {
			return nil
		}
		m.Status = u.Status
		m.FailureReason = ""
		if u.Status == switchboard.StatusFailed {
			m.FailureReason = u.Reason
		}
		if u.ExternalID != "" {
			m.ExternalID = u.ExternalID
		}
		if _, err := tx.Exec(ctx, `UPDATE messages SET status = $1, failure_reason = $2, external_id = $3 WHERE id = $4`,
			m.Status, m.FailureReason, m.ExternalID, m.ID); err != nil {
			return err
		}
		changed = true
		return insertOutbox(ctx, tx, time.Now().UTC(), outbox)
	})
	if err != nil {
		return switchboard.Message{}, false, mapErr("update message status", err)
	}
	return m, changed, nil
}

// statusMayChange reports whether a message's status may move from cur to
// next: up by rank, or failed → pending (an operator's retry).
func statusMayChange(cur, next switchboard.DeliveryStatus) bool {
	if cur == switchboard.StatusFailed && next == switchboard.StatusPending {
		return true
	}
	return next.Rank() > cur.Rank()
}

// SearchMessages finds a workspace's messages whose text contains query
// (ILIKE, served by a pg_trgm index where the extension exists), newest
// first.
func (s *Store) SearchMessages(ctx context.Context, ws switchboard.WorkspaceID, query string, limit int) ([]switchboard.Message, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil
	}
	limit = store.ClampLimit(limit, 50, 1, 500)
	rows, err := s.pool.Query(ctx, `SELECT `+messageCols+` FROM messages m
		WHERE m.workspace_id = $1 AND m.text ILIKE $2
		ORDER BY m.created_at DESC, m.seq DESC LIMIT $3`, ws, "%"+escapeLike(query)+"%", limit)
	if err != nil {
		return nil, mapErr("search messages", err)
	}
	defer rows.Close()
	var out []switchboard.Message
	for rows.Next() {
		m, _, err := scanMessage(rows)
		if err != nil {
			return nil, mapErr("search messages", err)
		}
		out = append(out, m)
	}
	return out, mapErr("search messages", rows.Err())
}

// escapeLike escapes LIKE wildcards (backslash is PostgreSQL's default
// escape character).
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
