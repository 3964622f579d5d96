package postgres

import (
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// The intake's items of issue 16: echoes of messages the business sent
// from elsewhere, and delivery watermarks.

const (
	// qTouchEcho records an echo on its conversation: last activity and
	// message only (no unread, no reopening, no customer_last_at).
	qTouchEcho = `UPDATE conversations SET
			last_message = CASE WHEN $1 >= last_activity_at THEN $2 ELSE last_message END,
			last_activity_at = greatest(last_activity_at, $1)
		WHERE id = $3
		RETURNING workspace_id, channel_id, channel_type, contact_id, department_id, assignee_id, status,
			unread_count, labels, last_message, last_activity_at, created_at, customer_last_at`
	qRaiseWatermark = `INSERT INTO status_watermarks (channel_id, sender, status, watermark) VALUES ($1, $2, $3, $4)
		ON CONFLICT (channel_id, sender, status) DO UPDATE SET watermark = excluded.watermark
		WHERE excluded.watermark > status_watermarks.watermark`
	qApplyWatermark = `UPDATE messages m SET status = $1, failure_reason = ''
		WHERE m.channel_id = $2 AND m.direction = 'out' AND m.created_at <= $4 AND m.status IN ($5, $6)
			AND m.conversation_id IN (SELECT id FROM conversations WHERE contact_id = $3 AND channel_id = $2)
		RETURNING ` + messageCols
)

// scanSnapshot scans a RETURNING row of qTouchConversation or qTouchEcho.
func scanSnapshot(snap *switchboard.Conversation, row pgx.Row) error {
	if err := row.Scan(&snap.WorkspaceID, &snap.ChannelID, &snap.ChannelType, &snap.ContactID, &snap.DepartmentID, &snap.AssigneeID,
		&snap.Status, &snap.UnreadCount, &snap.Labels, &snap.LastMessage, &snap.LastActivityAt, &snap.CreatedAt, &snap.CustomerLastAt); err != nil {
		return err
	}
	snap.LastActivityAt, snap.CreatedAt, snap.CustomerLastAt = utc(snap.LastActivityAt), utc(snap.CreatedAt), utcPtr(snap.CustomerLastAt)
	snap.Unread = snap.UnreadCount > 0
	if len(snap.Labels) == 0 {
		snap.Labels = nil
	}
	return nil
}

// echo stores a message the business sent from somewhere else.
func (a *acceptTx) echo(it *store.AcceptItem) (store.AcceptResult, error) {
	in := &it.Inbound
	var res store.AcceptResult
	if in.ExternalID != "" {
		var cur switchboard.DeliveryStatus
		err := a.tx.QueryRow(a.ctx, qFindOutward, in.ChannelID, in.ExternalID).Scan(&res.MessageID, &res.ConversationID, &res.ContactID, &cur)
		if err == nil {
			res.Duplicate = true
			return res, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return res, err
		}
		// Two concurrent deliveries of one echo: the second waits for the
		// first's row here and then finds it taken.
		tag, err := a.tx.Exec(a.ctx, qProcessedEvent, in.ChannelID, "echo:"+string(in.ExternalID), a.now)
		if err != nil {
			return res, err
		}
		if tag.RowsAffected() == 0 {
			res.Duplicate = true
			return res, nil
		}
	}
	var err error
	if res.ContactID, res.NewContact, err = a.contact(it, false); err != nil {
		return res, err
	}
	if err := a.latest(&res, in.ChannelID); err != nil {
		return res, err
	}
	at := orNow(in.At)
	text := switchboard.PartsText(in.Parts)
	preview := store.Preview(text, in.Parts)
	parts, err := json.Marshal(in.Parts)
	if err != nil {
		return res, err
	}
	if res.ConversationID == "" {
		res.ConversationID = it.ConversationID
		res.NewConversation = true
		if res.ConversationID == "" {
			return res, errors.New("no conversation id for a new conversation")
		}
		res.Conversation = store.NewConversation(it, res.ConversationID, res.ContactID, preview, at)
		if _, err := a.tx.Exec(a.ctx, qInsertConversation, res.ConversationID, it.WorkspaceID, in.ChannelID, it.ChannelType,
			res.ContactID, it.DepartmentID, preview, at, in.Sender, "", nil, in.ThreadRef, 0, nil); err != nil {
			return res, err
		}
	} else {
		snap := switchboard.Conversation{ID: res.ConversationID}
		if err := scanSnapshot(&snap, a.tx.QueryRow(a.ctx, qTouchEcho, at, preview, res.ConversationID)); err != nil {
			return res, err
		}
		res.Conversation = &snap
	}
	res.MessageID = it.MessageID
	if _, err := a.tx.Exec(a.ctx, qInsertMessageVia, it.MessageID, it.WorkspaceID, res.ConversationID, in.ChannelID,
		switchboard.DirectionOut, string(parts), text, in.ExternalID, "", switchboard.StatusSent, "", at, in.Via); err != nil {
		return res, err
	}
	return res, a.outboxes(it, &res)
}

// watermark raises the sender's outgoing messages up to a watermark.
func (a *acceptTx) watermark(it *store.AcceptItem) (store.AcceptResult, error) {
	in := &it.Inbound
	res := store.AcceptResult{Duplicate: true}
	from := store.WatermarkFrom(in.Status)
	if from[0] == "" || in.Sender == "" {
		return res, nil
	}
	err := a.tx.QueryRow(a.ctx, qFindIdentity, in.ChannelID, in.Sender).Scan(&res.ContactID)
	if errors.Is(err, pgx.ErrNoRows) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	tag, err := a.tx.Exec(a.ctx, qRaiseWatermark, in.ChannelID, in.Sender, in.Status, in.Watermark.UTC())
	if err != nil || tag.RowsAffected() == 0 {
		return res, err
	}
	rows, err := a.tx.Query(a.ctx, qApplyWatermark, in.Status, in.ChannelID, res.ContactID, in.Watermark.UTC(), from[0], from[1])
	if err != nil {
		return res, err
	}
	for rows.Next() {
		m, _, err := scanMessage(rows)
		if err != nil {
			rows.Close()
			return res, err
		}
		res.Messages = append(res.Messages, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	if len(res.Messages) == 0 {
		return res, nil
	}
	store.SortMessages(res.Messages)
	last := res.Messages[len(res.Messages)-1]
	res.Duplicate, res.MessageID, res.ConversationID = false, last.ID, last.ConversationID
	return res, a.outboxes(it, &res)
}

// outboxes writes an item's Outbox entries and then OutboxFor's, given
// the result as stored.
func (a *acceptTx) outboxes(it *store.AcceptItem, res *store.AcceptResult) error {
	if err := a.outbox(it, res, it.Outbox); err != nil {
		return err
	}
	if it.OutboxFor != nil {
		return a.outbox(it, res, it.OutboxFor(*res))
	}
	return nil
}
