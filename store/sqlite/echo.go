package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// The intake's items of issue 16: echoes of messages the business sent
// from elsewhere, and delivery watermarks.

// snapshot scans a RETURNING row of qTouchConversation or qTouchEcho
// into snap (whose id is set).
func (a *acceptTx) snapshot(snap *switchboard.Conversation, row rawRow) error {
	var last, created int64
	var labels string
	var customer sql.NullInt64
	if err := row.Scan(&snap.WorkspaceID, &snap.ChannelID, &snap.ChannelType, &snap.ContactID, &snap.DepartmentID, &snap.AssigneeID,
		&snap.Status, &snap.UnreadCount, &labels, &snap.LastMessage, &last, &created, &customer); err != nil {
		return err
	}
	var err error
	if snap.Labels, err = decodeLabels(labels); err != nil {
		return err
	}
	snap.LastActivityAt, snap.CreatedAt, snap.CustomerLastAt = fromTS(last), fromTS(created), ptrTS(customer)
	snap.Unread = snap.UnreadCount > 0
	return nil
}

// echo stores a message the business sent from somewhere else.
func (a *acceptTx) echo(it *store.AcceptItem) (store.AcceptResult, error) {
	in := &it.Inbound
	var res store.AcceptResult
	if in.ExternalID != "" {
		var cur switchboard.DeliveryStatus
		err := a.row(sFindOutward, in.ChannelID, in.ExternalID).Scan(&res.MessageID, &res.ConversationID, &res.ContactID, &cur)
		if err == nil {
			res.Duplicate = true
			return res, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return res, err
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
		if _, err := a.exec(sInsertConversation, res.ConversationID, it.WorkspaceID, in.ChannelID, it.ChannelType,
			res.ContactID, it.DepartmentID, 0, preview, ts(at), ts(at), in.Sender, "", nil, in.ThreadRef, nil); err != nil {
			return res, err
		}
		if _, err := a.exec(sSetIdentityConversation, res.ConversationID, in.ChannelID, in.Sender); err != nil {
			return res, err
		}
	} else {
		snap := switchboard.Conversation{ID: res.ConversationID}
		if err := a.snapshot(&snap, a.row(sTouchEcho, ts(at), preview, res.ConversationID)); err != nil {
			return res, err
		}
		res.Conversation = &snap
	}
	res.MessageID = it.MessageID
	if _, err := a.exec(sInsertMessageVia, it.MessageID, it.WorkspaceID, res.ConversationID, in.ChannelID,
		switchboard.DirectionOut, string(parts), text, in.ExternalID, "", switchboard.StatusSent, "", ts(at), in.Via); err != nil {
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
	var conv sql.NullString
	err := a.row(sFindIdentity, in.ChannelID, in.Sender).Scan(&res.ContactID, &conv)
	if errors.Is(err, sql.ErrNoRows) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	r, err := a.exec(sRaiseWatermark, in.ChannelID, in.Sender, in.Status, ts(in.Watermark))
	if err != nil {
		return res, err
	}
	if n, err := r.RowsAffected(); err != nil || n == 0 {
		return res, err
	}
	var ids []switchboard.MessageID
	if err := a.rc.each(qApplyWatermark, func(row rawRow) error {
		var id switchboard.MessageID
		err := row.Scan(&id)
		ids = append(ids, id)
		return err
	}, in.Status, in.ChannelID, res.ContactID, ts(in.Watermark), from[0], from[1]); err != nil {
		return res, err
	}
	if len(ids) == 0 {
		return res, nil
	}
	for _, id := range ids {
		m, _, err := scanMessage(a.rc.row(`SELECT `+messageCols+` FROM messages m WHERE m.id = ?`, id))
		if err != nil {
			return res, err
		}
		res.Messages = append(res.Messages, m)
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
