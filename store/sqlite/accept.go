package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Statements of the intake hot path, prepared once on the writer.
const (
	// Correlated subqueries rather than joins, and no ORDER BY: with
	// mattn/go-sqlite3 they measured several times faster on this path.
	qFindInbound = `SELECT m.id, m.conversation_id,
			(SELECT c.contact_id FROM conversations c WHERE c.id = m.conversation_id)
		FROM messages m
		WHERE m.channel_id = ? AND m.external_id = ? AND m.direction = 'in' AND m.external_id <> ''`
	qFindIdentity  = `SELECT contact_id, conversation_id FROM identities WHERE channel_id = ? AND external_id = ?`
	qInsertContact = `INSERT INTO contacts (id, workspace_id, name, email, phone, avatar_url, language, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qInsertIdentity = `INSERT INTO identities (channel_id, external_id, contact_id, opted_out, created_at, conversation_id)
		VALUES (?, ?, ?, ?, ?, ?)`
	qSetIdentityConversation = `UPDATE identities SET conversation_id = ? WHERE channel_id = ? AND external_id = ?`
	qFillProfile             = `UPDATE contacts SET
			name = CASE WHEN name = '' THEN ?1 ELSE name END,
			email = CASE WHEN email = '' THEN ?2 ELSE email END,
			phone = CASE WHEN phone = '' THEN ?3 ELSE phone END,
			avatar_url = CASE WHEN avatar_url = '' THEN ?4 ELSE avatar_url END,
			language = CASE WHEN language = '' THEN ?5 ELSE language END,
			updated_at = ?6
		WHERE id = ?7 AND ((name = '' AND ?1 <> '') OR (email = '' AND ?2 <> '') OR (phone = '' AND ?3 <> '')
			OR (avatar_url = '' AND ?4 <> '') OR (language = '' AND ?5 <> ''))`
	qLatestConversation = `SELECT id FROM conversations WHERE contact_id = ? AND channel_id = ?
		ORDER BY created_at DESC, id DESC LIMIT 1`
	qInsertConversation = `INSERT INTO conversations (id, workspace_id, channel_id, channel_type, contact_id,
			department_id, status, unread_count, last_message, last_activity_at, created_at, recipient,
			reply_token, reply_until, thread_ref, customer_last_at)
		VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qTouchConversation = `UPDATE conversations SET
			status = CASE WHEN status IN ('resolved', 'snoozed') THEN 'open' ELSE status END,
			unread_count = unread_count + 1,
			last_message = CASE WHEN ?1 >= last_activity_at THEN ?2 ELSE last_message END,
			last_activity_at = max(last_activity_at, ?1),
			reply_token = CASE WHEN ?3 <> '' THEN ?3 ELSE reply_token END,
			reply_until = CASE WHEN ?3 <> '' THEN ?4 ELSE reply_until END,
			thread_ref = CASE WHEN ?5 <> '' THEN ?5 ELSE thread_ref END,
			customer_last_at = max(coalesce(customer_last_at, ?1), ?1)
		WHERE id = ?6
		RETURNING workspace_id, channel_id, channel_type, contact_id, department_id, assignee_id, status,
			unread_count, labels, last_message, last_activity_at, created_at, customer_last_at`
	qInsertMessage = `INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, parts, text,
			external_id, author_id, status, failure_reason, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// qInsertInbound inserts a customer's message unless the channel already
	// has one with its external id (a redelivery): no row is written then.
	qInsertInbound = qInsertMessage + ` ON CONFLICT (channel_id, external_id)
		WHERE direction = 'in' AND external_id <> '' DO NOTHING`
	qInsertOutbox   = `INSERT INTO outbox (topic, key, payload, created_at, lease_until) VALUES (?, ?, ?, ?, ?)`
	qProcessedEvent = `INSERT INTO processed_events (channel_id, external_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`
	qSetOptOut   = `UPDATE identities SET opted_out = ? WHERE channel_id = ? AND external_id = ?`
	qFindOutward = `SELECT m.id, m.conversation_id,
			(SELECT c.contact_id FROM conversations c WHERE c.id = m.conversation_id), m.status
		FROM messages m
		WHERE m.channel_id = ? AND m.external_id = ? AND m.direction = 'out' AND m.external_id <> ''
		ORDER BY m.seq DESC LIMIT 1`
	qSetStatus = `UPDATE messages SET status = ?, failure_reason = ? WHERE id = ?`
	// qTouchEcho records an echo on its conversation: last activity and
	// message only (no unread, no reopening, no customer_last_at).
	qTouchEcho = `UPDATE conversations SET
			last_message = CASE WHEN ?1 >= last_activity_at THEN ?2 ELSE last_message END,
			last_activity_at = max(last_activity_at, ?1)
		WHERE id = ?3
		RETURNING workspace_id, channel_id, channel_type, contact_id, department_id, assignee_id, status,
			unread_count, labels, last_message, last_activity_at, created_at, customer_last_at`
	// qRaiseWatermark keeps the latest watermark per (channel, sender,
	// status); no row changes for one not later than the stored one.
	qRaiseWatermark = `INSERT INTO status_watermarks (channel_id, sender, status, watermark) VALUES (?, ?, ?, ?)
		ON CONFLICT (channel_id, sender, status) DO UPDATE SET watermark = excluded.watermark
		WHERE excluded.watermark > status_watermarks.watermark`
	// qApplyWatermark raises the sender's outgoing messages on the channel
	// created at or before the watermark, from the statuses ?5 and ?6.
	qApplyWatermark = `UPDATE messages SET status = ?1, failure_reason = ''
		WHERE channel_id = ?2 AND direction = 'out' AND created_at <= ?4 AND status IN (?5, ?6)
			AND conversation_id IN (SELECT id FROM conversations WHERE contact_id = ?3 AND channel_id = ?2)
		RETURNING id`
)

const (
	sFindInbound = iota
	sFindIdentity
	sInsertContact
	sInsertIdentity
	sFillProfile
	sLatestConversation
	sInsertConversation
	sTouchConversation
	sInsertMessage
	sInsertOutbox
	sProcessedEvent
	sSetOptOut
	sFindOutward
	sSetStatus
	sSetIdentityConversation
	sInsertInbound
	sTouchEcho
	sRaiseWatermark
	sApplyWatermark
	sInsertMessageVia
	nStmts
)

var acceptQueries = [nStmts]string{
	qFindInbound, qFindIdentity, qInsertContact, qInsertIdentity, qFillProfile,
	qLatestConversation, qInsertConversation, qTouchConversation, qInsertMessage,
	qInsertOutbox, qProcessedEvent, qSetOptOut, qFindOutward, qSetStatus,
	qSetIdentityConversation, qInsertInbound, qTouchEcho, qRaiseWatermark, qApplyWatermark, qInsertMessageVia,
}

// acceptTx is one group commit on the writer's driver connection.
type acceptTx struct {
	rc  *rawConn
	now time.Time
}

func (a *acceptTx) exec(i int, args ...any) (driver.Result, error) {
	return a.rc.exec(acceptQueries[i], args...)
}

func (a *acceptTx) row(i int, args ...any) rawRow {
	return a.rc.row(acceptQueries[i], args...)
}

// Accept stores normalised provider events in one transaction.
func (s *Store) Accept(ctx context.Context, items []store.AcceptItem) ([]store.AcceptResult, error) {
	return s.AcceptAndComplete(ctx, items, nil)
}

// AcceptAndComplete is Accept that also marks the outbox rows done
// (CompleteOutbox) in the same transaction. The hub's intake calls it to
// carry its relay's completions along with customers' messages, so that
// marking rows done does not take the single writer between two group
// commits.
func (s *Store) AcceptAndComplete(ctx context.Context, items []store.AcceptItem, done []int64) ([]store.AcceptResult, error) {
	if len(items) == 0 && len(done) == 0 {
		return nil, nil
	}
	var doneList []byte
	if len(done) > 0 {
		var err error
		if doneList, err = json.Marshal(done); err != nil {
			return nil, err
		}
	}
	results := make([]store.AcceptResult, len(items))
	err := s.writeRaw(ctx, func(rc *rawConn) error {
		a := &acceptTx{rc: rc, now: time.Now().UTC()}
		for i := range items {
			r, err := a.item(&items[i])
			if err != nil {
				return fmt.Errorf("sqlite: accept item %d (%s %s/%s): %w", i,
					items[i].Inbound.Kind, items[i].Inbound.ChannelID, items[i].Inbound.ExternalID, err)
			}
			results[i] = r
		}
		if doneList != nil {
			if _, err := rc.exec(qCompleteOutbox, ts(a.now), string(doneList)); err != nil {
				return fmt.Errorf("sqlite: complete outbox: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

func (a *acceptTx) item(it *store.AcceptItem) (store.AcceptResult, error) {
	switch it.Inbound.Kind {
	case switchboard.InboundMessage:
		return a.message(it)
	case switchboard.InboundFollow, switchboard.InboundUnfollow:
		return a.follow(it)
	case switchboard.InboundStatus:
		if it.Inbound.ExternalID == "" && !it.Inbound.Watermark.IsZero() {
			return a.watermark(it)
		}
		return a.status(it)
	case switchboard.InboundEcho:
		return a.echo(it)
	}
	return store.AcceptResult{}, fmt.Errorf("unknown inbound kind %q", it.Inbound.Kind)
}

func (a *acceptTx) message(it *store.AcceptItem) (store.AcceptResult, error) {
	in := &it.Inbound
	var res store.AcceptResult
	var conv sql.NullString
	err := a.row(sFindIdentity, in.ChannelID, in.Sender).Scan(&res.ContactID, &conv)
	known := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}
	// A sender with a conversation is the common case: there the message is
	// inserted first and the unique index tells a redelivery. Otherwise a
	// redelivery is looked for before anything is created.
	if !(known && conv.Valid) {
		if dup, err := a.findInbound(in, &res); dup || err != nil {
			return res, err
		}
	}
	at := orNow(in.At)
	text := switchboard.PartsText(in.Parts)
	preview := store.Preview(text, in.Parts)
	parts, err := json.Marshal(in.Parts)
	if err != nil {
		return res, err
	}
	var until any
	if in.ReplyToken != "" && !in.ReplyUntil.IsZero() {
		until = ts(in.ReplyUntil)
	}
	res.MessageID = it.MessageID
	if known && conv.Valid {
		res.ConversationID = switchboard.ConversationID(conv.String)
		r, err := a.exec(sInsertInbound, it.MessageID, it.WorkspaceID, res.ConversationID, in.ChannelID,
			switchboard.DirectionIn, string(parts), text, in.ExternalID, "", switchboard.StatusDelivered, "", ts(at))
		if err != nil {
			return res, err
		}
		n, err := r.RowsAffected()
		if err != nil {
			return res, err
		}
		if n == 0 { // a redelivery: nothing was written
			res = store.AcceptResult{}
			dup, err := a.findInbound(in, &res)
			if err == nil && !dup {
				err = fmt.Errorf("message %s/%s: insert ignored but no such message", in.ChannelID, in.ExternalID)
			}
			return res, err
		}
		if err := a.fillProfile(res.ContactID, in.Profile); err != nil {
			return res, err
		}
		snap := switchboard.Conversation{ID: res.ConversationID}
		if err := a.snapshot(&snap, a.row(sTouchConversation, ts(at), preview, in.ReplyToken, until, in.ThreadRef, res.ConversationID)); err != nil {
			return res, err
		}
		snap.Unread = true // a customer message was just counted
		res.Conversation = &snap
	} else {
		if known {
			if err := a.fillProfile(res.ContactID, in.Profile); err != nil {
				return res, err
			}
		} else {
			if res.ContactID, err = a.newContact(it); err != nil {
				return res, err
			}
			res.NewContact = true
		}
		res.ConversationID = it.ConversationID
		res.NewConversation = true
		if res.ConversationID == "" {
			return res, errors.New("no conversation id for a new conversation")
		}
		res.Conversation = store.NewConversation(it, res.ConversationID, res.ContactID, preview, at)
		_, err = a.exec(sInsertConversation, res.ConversationID, it.WorkspaceID, in.ChannelID, it.ChannelType,
			res.ContactID, it.DepartmentID, 1, preview, ts(at), ts(at), in.Sender, in.ReplyToken, until, in.ThreadRef, ts(at))
		if err == nil {
			if res.NewContact {
				_, err = a.exec(sInsertIdentity, in.ChannelID, in.Sender, res.ContactID, false, ts(a.now), res.ConversationID)
			} else {
				_, err = a.exec(sSetIdentityConversation, res.ConversationID, in.ChannelID, in.Sender)
			}
		}
		if err != nil {
			return res, err
		}
		if _, err := a.exec(sInsertMessage, it.MessageID, it.WorkspaceID, res.ConversationID, in.ChannelID,
			switchboard.DirectionIn, string(parts), text, in.ExternalID, "", switchboard.StatusDelivered, "", ts(at)); err != nil {
			return res, err
		}
	}
	return res, a.outboxes(it, &res)
}

// findInbound looks for the customer message the event redelivers and, if
// there is one, fills res with its ids and marks it a duplicate.
func (a *acceptTx) findInbound(in *switchboard.Inbound, res *store.AcceptResult) (bool, error) {
	if in.ExternalID == "" {
		return false, nil
	}
	err := a.row(sFindInbound, in.ChannelID, in.ExternalID).Scan(&res.MessageID, &res.ConversationID, &res.ContactID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	res.Duplicate = true
	return true, nil
}

// fillProfile fills a contact's empty profile fields from p.
func (a *acceptTx) fillProfile(id switchboard.ContactID, p switchboard.Profile) error {
	if p == (switchboard.Profile{}) {
		return nil
	}
	_, err := a.exec(sFillProfile, p.Name, p.Email, p.Phone, p.AvatarURL, p.Language, ts(a.now), id)
	return err
}

// newContact creates the item's contact (without its identity).
func (a *acceptTx) newContact(it *store.AcceptItem) (switchboard.ContactID, error) {
	id := it.ContactID
	if id == "" {
		return id, errors.New("no contact id for a new contact")
	}
	p := it.Inbound.Profile
	now := ts(a.now)
	_, err := a.exec(sInsertContact, id, it.WorkspaceID, p.Name, p.Email, p.Phone, p.AvatarURL, p.Language, now, now)
	return id, err
}

// contact finds the contact known on the item's channel as its sender or
// creates it with the identity (opted out as given).
func (a *acceptTx) contact(it *store.AcceptItem, optedOut bool) (switchboard.ContactID, bool, error) {
	in := &it.Inbound
	var id switchboard.ContactID
	var conv sql.NullString
	err := a.row(sFindIdentity, in.ChannelID, in.Sender).Scan(&id, &conv)
	if err == nil {
		return id, false, a.fillProfile(id, in.Profile)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return id, false, err
	}
	if id, err = a.newContact(it); err != nil {
		return id, false, err
	}
	if _, err := a.exec(sInsertIdentity, in.ChannelID, in.Sender, id, optedOut, ts(a.now), nil); err != nil {
		return id, false, err
	}
	return id, true, nil
}

func (a *acceptTx) follow(it *store.AcceptItem) (store.AcceptResult, error) {
	in := &it.Inbound
	var res store.AcceptResult
	optedOut := in.Kind == switchboard.InboundUnfollow
	if in.ExternalID != "" {
		r, err := a.exec(sProcessedEvent, in.ChannelID, in.ExternalID, ts(a.now))
		if err != nil {
			return res, err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			res.Duplicate = true
			var conv sql.NullString
			if err := a.row(sFindIdentity, in.ChannelID, in.Sender).Scan(&res.ContactID, &conv); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return res, err
			}
			return res, a.latest(&res, in.ChannelID)
		}
	}
	var err error
	res.ContactID, res.NewContact, err = a.contact(it, optedOut)
	if err != nil {
		return res, err
	}
	if !res.NewContact {
		if _, err := a.exec(sSetOptOut, optedOut, in.ChannelID, in.Sender); err != nil {
			return res, err
		}
	}
	if err := a.latest(&res, in.ChannelID); err != nil {
		return res, err
	}
	return res, a.outbox(it, &res, it.Outbox)
}

// latest fills the result's conversation with the contact's latest one on
// the channel, when there is one.
func (a *acceptTx) latest(res *store.AcceptResult, ch switchboard.ChannelID) error {
	if res.ContactID == "" {
		return nil
	}
	err := a.row(sLatestConversation, res.ContactID, ch).Scan(&res.ConversationID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

func (a *acceptTx) status(it *store.AcceptItem) (store.AcceptResult, error) {
	in := &it.Inbound
	res := store.AcceptResult{Duplicate: true}
	if in.ExternalID == "" {
		return res, nil
	}
	var cur switchboard.DeliveryStatus
	err := a.row(sFindOutward, in.ChannelID, in.ExternalID).Scan(&res.MessageID, &res.ConversationID, &res.ContactID, &cur)
	if errors.Is(err, sql.ErrNoRows) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	if !in.Status.Valid() || in.Status.Rank() <= cur.Rank() {
		return res, nil
	}
	reason := ""
	if in.Status == switchboard.StatusFailed {
		reason = in.StatusReason
	}
	if _, err := a.exec(sSetStatus, in.Status, reason, res.MessageID); err != nil {
		return res, err
	}
	res.Duplicate = false
	return res, a.outboxes(it, &res)
}

// outbox writes an item's outbox entries; with it.Claim set they are
// written leased and returned in res.Outbox.
func (a *acceptTx) outbox(it *store.AcceptItem, res *store.AcceptResult, entries []store.OutboxEntry) error {
	var lease int64
	if it.Claim > 0 {
		lease = ts(a.now.Add(it.Claim))
	}
	for _, e := range entries {
		r, err := a.exec(sInsertOutbox, e.Topic, e.Key, e.Payload, ts(a.now), lease)
		if err != nil {
			return err
		}
		if it.Claim > 0 {
			id, err := r.LastInsertId()
			if err != nil {
				return err
			}
			res.Outbox = append(res.Outbox, store.OutboxRow{ID: id, OutboxEntry: e, CreatedAt: fromTS(ts(a.now))})
		}
	}
	return nil
}
