package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Statements of the intake path. pgx prepares and caches them per
// connection, so each is one round trip.
const (
	qFindInbound = `SELECT m.id, m.conversation_id, c.contact_id FROM messages m
		JOIN conversations c ON c.id = m.conversation_id
		WHERE m.channel_id = $1 AND m.external_id = $2 AND m.direction = 'in' AND m.external_id <> ''`
	// The identity row is locked so that concurrent messages of one customer
	// do not create two conversations.
	qFindIdentity  = `SELECT contact_id FROM identities WHERE channel_id = $1 AND external_id = $2 FOR UPDATE`
	qInsertContact = `INSERT INTO contacts (id, workspace_id, name, email, phone, avatar_url, language, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`
	qInsertIdentity = `INSERT INTO identities (channel_id, external_id, contact_id, opted_out, created_at)
		VALUES ($1, $2, $3, $4, $5)`
	qFillProfile = `UPDATE contacts SET
			name = CASE WHEN name = '' THEN $1 ELSE name END,
			email = CASE WHEN email = '' THEN $2 ELSE email END,
			phone = CASE WHEN phone = '' THEN $3 ELSE phone END,
			avatar_url = CASE WHEN avatar_url = '' THEN $4 ELSE avatar_url END,
			language = CASE WHEN language = '' THEN $5 ELSE language END,
			updated_at = $6
		WHERE id = $7 AND ((name = '' AND $1 <> '') OR (email = '' AND $2 <> '') OR (phone = '' AND $3 <> '')
			OR (avatar_url = '' AND $4 <> '') OR (language = '' AND $5 <> ''))`
	qLatestConversation = `SELECT id FROM conversations WHERE contact_id = $1 AND channel_id = $2
		ORDER BY created_at DESC, id DESC LIMIT 1`
	qInsertConversation = `INSERT INTO conversations (id, workspace_id, channel_id, channel_type, contact_id,
			department_id, status, unread_count, last_message, last_activity_at, created_at, recipient,
			reply_token, reply_until, thread_ref, customer_last_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'open', $13, $7, $8, $8, $9, $10, $11, $12, $14)`
	qTouchConversation = `UPDATE conversations SET
			status = CASE WHEN status IN ('resolved', 'snoozed') THEN 'open' ELSE status END,
			unread_count = unread_count + 1,
			last_message = CASE WHEN $1 >= last_activity_at THEN $2 ELSE last_message END,
			last_activity_at = greatest(last_activity_at, $1),
			reply_token = CASE WHEN $3 <> '' THEN $3 ELSE reply_token END,
			reply_until = CASE WHEN $3 <> '' THEN $4 ELSE reply_until END,
			thread_ref = CASE WHEN $5 <> '' THEN $5 ELSE thread_ref END,
			customer_last_at = greatest(customer_last_at, $1)
		WHERE id = $6
		RETURNING workspace_id, channel_id, channel_type, contact_id, department_id, assignee_id, status,
			unread_count, labels, last_message, last_activity_at, created_at, customer_last_at`
	qInsertMessage = `INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, parts, text,
			external_id, author_id, status, failure_reason, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
	qInsertOutbox       = `INSERT INTO outbox (topic, key, payload, created_at) VALUES ($1, $2, $3, $4)`
	qInsertOutboxLeased = `INSERT INTO outbox (topic, key, payload, created_at, lease_until)
		VALUES ($1, $2, $3, $4, clock_timestamp() + $5 * interval '1 microsecond') RETURNING id`
	qProcessedEvent = `INSERT INTO processed_events (channel_id, external_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`
	qFindIdentityNoLock = `SELECT contact_id FROM identities WHERE channel_id = $1 AND external_id = $2`
	qSetOptOut          = `UPDATE identities SET opted_out = $1 WHERE channel_id = $2 AND external_id = $3`
	qFindOutward        = `SELECT m.id, m.conversation_id, c.contact_id, m.status FROM messages m
		JOIN conversations c ON c.id = m.conversation_id
		WHERE m.channel_id = $1 AND m.external_id = $2 AND m.direction = 'out' AND m.external_id <> ''
		ORDER BY m.seq DESC LIMIT 1
		FOR UPDATE OF m`
	qSetStatus = `UPDATE messages SET status = $1, failure_reason = $2 WHERE id = $3`
)

type acceptTx struct {
	ctx context.Context
	tx  pgx.Tx
	now time.Time
}

// Accept stores normalised provider events in one transaction. When a
// concurrent transaction stored the same contact or message first, the
// whole transaction is retried (and then sees it).
func (s *Store) Accept(ctx context.Context, items []store.AcceptItem) ([]store.AcceptResult, error) {
	if len(items) == 0 {
		return nil, nil
	}
	results := make([]store.AcceptResult, len(items))
	err := s.tx(ctx, true, func(tx pgx.Tx) error {
		a := &acceptTx{ctx: ctx, tx: tx, now: time.Now().UTC()}
		for i := range items {
			r, err := a.item(&items[i])
			if err != nil {
				return fmt.Errorf("accept item %d (%s %s/%s): %w", i,
					items[i].Inbound.Kind, items[i].Inbound.ChannelID, items[i].Inbound.ExternalID, err)
			}
			results[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
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
	if in.ExternalID != "" {
		err := a.tx.QueryRow(a.ctx, qFindInbound, in.ChannelID, in.ExternalID).Scan(&res.MessageID, &res.ConversationID, &res.ContactID)
		if err == nil {
			res.Duplicate = true
			return res, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return res, err
		}
	}
	var err error
	res.ContactID, res.NewContact, err = a.contact(it, false)
	if err != nil {
		return res, err
	}
	at := orNow(in.At)
	text := switchboard.PartsText(in.Parts)
	preview := store.Preview(text, in.Parts)
	var until *time.Time
	if in.ReplyToken != "" && !in.ReplyUntil.IsZero() {
		u := in.ReplyUntil.UTC()
		until = &u
	}
	err = a.tx.QueryRow(a.ctx, qLatestConversation, res.ContactID, in.ChannelID).Scan(&res.ConversationID)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		res.ConversationID = it.ConversationID
		res.NewConversation = true
		if res.ConversationID == "" {
			return res, errors.New("no conversation id for a new conversation")
		}
		_, err = a.tx.Exec(a.ctx, qInsertConversation, res.ConversationID, it.WorkspaceID, in.ChannelID, it.ChannelType,
			res.ContactID, it.DepartmentID, preview, at, in.Sender, in.ReplyToken, until, in.ThreadRef, 1, at)
		res.Conversation = store.NewConversation(it, res.ConversationID, res.ContactID, preview, at)
	case err == nil:
		snap := switchboard.Conversation{ID: res.ConversationID}
		err = scanSnapshot(&snap, a.tx.QueryRow(a.ctx, qTouchConversation, at, preview, in.ReplyToken, until, in.ThreadRef, res.ConversationID))
		snap.Unread = true // a customer message was just counted
		res.Conversation = &snap
	}
	if err != nil {
		return res, err
	}
	parts, err := json.Marshal(in.Parts)
	if err != nil {
		return res, err
	}
	res.MessageID = it.MessageID
	if _, err := a.tx.Exec(a.ctx, qInsertMessage, it.MessageID, it.WorkspaceID, res.ConversationID, in.ChannelID,
		switchboard.DirectionIn, string(parts), text, in.ExternalID, "", switchboard.StatusDelivered, "", at); err != nil {
		return res, err
	}
	return res, a.outboxes(it, &res)
}

// contact finds the contact known on the item's channel as its sender
// (locking the identity) or creates it with the identity.
func (a *acceptTx) contact(it *store.AcceptItem, optedOut bool) (switchboard.ContactID, bool, error) {
	in := &it.Inbound
	var id switchboard.ContactID
	err := a.tx.QueryRow(a.ctx, qFindIdentity, in.ChannelID, in.Sender).Scan(&id)
	if err == nil {
		p := in.Profile
		if p != (switchboard.Profile{}) {
			if _, err := a.tx.Exec(a.ctx, qFillProfile, p.Name, p.Email, p.Phone, p.AvatarURL, p.Language, a.now, id); err != nil {
				return id, false, err
			}
		}
		return id, false, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return id, false, err
	}
	id = it.ContactID
	if id == "" {
		return id, false, errors.New("no contact id for a new contact")
	}
	p := in.Profile
	if _, err := a.tx.Exec(a.ctx, qInsertContact, id, it.WorkspaceID, p.Name, p.Email, p.Phone, p.AvatarURL, p.Language, a.now); err != nil {
		return id, false, err
	}
	// A concurrent first message of the same customer makes this a unique
	// violation; Accept then retries and finds the identity.
	if _, err := a.tx.Exec(a.ctx, qInsertIdentity, in.ChannelID, in.Sender, id, optedOut, a.now); err != nil {
		return id, false, err
	}
	return id, true, nil
}

func (a *acceptTx) follow(it *store.AcceptItem) (store.AcceptResult, error) {
	in := &it.Inbound
	var res store.AcceptResult
	optedOut := in.Kind == switchboard.InboundUnfollow
	if in.ExternalID != "" {
		tag, err := a.tx.Exec(a.ctx, qProcessedEvent, in.ChannelID, in.ExternalID, a.now)
		if err != nil {
			return res, err
		}
		if tag.RowsAffected() == 0 {
			res.Duplicate = true
			err := a.tx.QueryRow(a.ctx, qFindIdentityNoLock, in.ChannelID, in.Sender).Scan(&res.ContactID)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
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
		if _, err := a.tx.Exec(a.ctx, qSetOptOut, optedOut, in.ChannelID, in.Sender); err != nil {
			return res, err
		}
	}
	if err := a.latest(&res, in.ChannelID); err != nil {
		return res, err
	}
	return res, a.outbox(it, &res, it.Outbox)
}

func (a *acceptTx) latest(res *store.AcceptResult, ch switchboard.ChannelID) error {
	if res.ContactID == "" {
		return nil
	}
	err := a.tx.QueryRow(a.ctx, qLatestConversation, res.ContactID, ch).Scan(&res.ConversationID)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err := a.tx.QueryRow(a.ctx, qFindOutward, in.ChannelID, in.ExternalID).Scan(&res.MessageID, &res.ConversationID, &res.ContactID, &cur)
	if errors.Is(err, pgx.ErrNoRows) {
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
	if _, err := a.tx.Exec(a.ctx, qSetStatus, in.Status, reason, res.MessageID); err != nil {
		return res, err
	}
	res.Duplicate = false
	return res, a.outboxes(it, &res)
}

// outbox writes an item's outbox entries; with it.Claim set they are
// written leased (by the database's clock, as ClaimOutbox does) and
// returned in res.Outbox.
func (a *acceptTx) outbox(it *store.AcceptItem, res *store.AcceptResult, entries []store.OutboxEntry) error {
	if it.Claim <= 0 {
		return insertOutbox(a.ctx, a.tx, a.now, entries)
	}
	for _, e := range entries {
		var id int64
		if err := a.tx.QueryRow(a.ctx, qInsertOutboxLeased, e.Topic, e.Key, e.Payload, a.now, it.Claim.Microseconds()).Scan(&id); err != nil {
			return err
		}
		res.Outbox = append(res.Outbox, store.OutboxRow{ID: id, OutboxEntry: e, CreatedAt: a.now.UTC()})
	}
	return nil
}

func insertOutbox(ctx context.Context, tx pgx.Tx, now time.Time, entries []store.OutboxEntry) error {
	for _, e := range entries {
		if _, err := tx.Exec(ctx, qInsertOutbox, e.Topic, e.Key, e.Payload, now); err != nil {
			return err
		}
	}
	return nil
}
