package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// The customer methods (issue 13) read a contact inside the transaction
// (locked), change it in Go (store.ContactUpdate.Apply,
// store.MergeContact) and write it back whole with saveContact.

// contactTx reads and locks a contact of the workspace with its
// identities; an erased one is pgx.ErrNoRows unless erased is true.
func contactTx(ctx context.Context, tx pgx.Tx, ws switchboard.WorkspaceID, id switchboard.ContactID, erased bool) (switchboard.Contact, error) {
	k, err := scanContact(tx.QueryRow(ctx, `SELECT `+contactCols+` FROM contacts k WHERE k.workspace_id = $1 AND k.id = $2 FOR UPDATE`, ws, id))
	if err != nil {
		return switchboard.Contact{}, err
	}
	if k.ErasedAt != nil && !erased {
		return switchboard.Contact{}, pgx.ErrNoRows
	}
	return k, fillIdentitiesTx(ctx, tx, &k)
}

// jsonParam is an encoded JSON column value for a jsonb parameter ("":
// NULL).
func jsonParam(v string) any {
	if v == "" {
		return nil
	}
	return []byte(v)
}

// saveContact writes every stored field of k (not its identities).
func saveContact(ctx context.Context, tx pgx.Tx, k *switchboard.Contact, now time.Time) error {
	attrs, err := store.EncodeJSON(k.Attributes)
	if err != nil {
		return err
	}
	kctx, err := store.EncodeJSON(k.Context)
	if err != nil {
		return err
	}
	labels := k.Labels
	if labels == nil {
		labels = []string{}
	}
	k.UpdatedAt = now.UTC()
	_, err = tx.Exec(ctx, `UPDATE contacts SET name = $2, email = $3, phone = $4, avatar_url = $5, language = $6,
			email_verified = $7, phone_verified = $8, external_ref = $9, attributes = coalesce($10::jsonb, '{}'), labels = $11,
			context = $12::jsonb, context_seen_at = $13, erased_at = $14, updated_at = $15
		WHERE id = $1`, k.ID, k.Name, k.Email, k.Phone, k.AvatarURL, k.Language, k.EmailVerified, k.PhoneVerified, k.ExternalRef,
		jsonParam(attrs), labels, jsonParam(kctx), store.ContextSeenAt(k.Context, now), k.ErasedAt, k.UpdatedAt)
	return err
}

// UpdateVisitorContext finds or creates the visitor's contact and stores
// the context update returns on it and on its latest conversation on the
// channel, in one transaction.
func (s *Store) UpdateVisitorContext(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, visitor switchboard.ExternalID, newContact switchboard.ContactID, update func(switchboard.CustomerContext) switchboard.CustomerContext, outboxFor func(switchboard.Contact, *switchboard.Conversation) []store.OutboxEntry) (switchboard.Contact, *switchboard.Conversation, error) {
	var k switchboard.Contact
	var conv *switchboard.Conversation
	// A concurrent first call creating the same visitor makes this one's
	// insert a unique violation: the retry finds the visitor.
	err := s.tx(ctx, true, func(tx pgx.Tx) error {
		now := time.Now().UTC()
		conv = nil
		var id switchboard.ContactID
		err := tx.QueryRow(ctx, `SELECT i.contact_id FROM identities i JOIN contacts k ON k.id = i.contact_id
			WHERE i.channel_id = $1 AND i.external_id = $2 AND k.workspace_id = $3`, channel, visitor, ws).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			id, err = newContact, createVisitor(ctx, tx, ws, channel, visitor, newContact, now)
		}
		if err != nil {
			return err
		}
		if k, err = contactTx(ctx, tx, ws, id, false); err != nil {
			return err
		}
		var cur switchboard.CustomerContext
		if k.Context != nil {
			cur = *k.Context
		}
		next := update(cur)
		k.Context = &next
		if err := saveContact(ctx, tx, &k, now); err != nil {
			return err
		}
		var convID switchboard.ConversationID
		err = tx.QueryRow(ctx, `SELECT id FROM conversations WHERE contact_id = $1 AND channel_id = $2
			ORDER BY created_at DESC, id DESC LIMIT 1`, id, channel).Scan(&convID)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		default:
			kctx, err := store.EncodeJSON(k.Context)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE conversations SET context = $2::jsonb, context_seen_at = $3 WHERE id = $1`,
				convID, jsonParam(kctx), store.ContextSeenAt(k.Context, now)); err != nil {
				return err
			}
			c, err := conversationTx(ctx, tx, ws, convID)
			if err != nil {
				return err
			}
			conv = &c
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, now, outboxFor(k, conv))
		}
		return nil
	})
	if err != nil {
		return switchboard.Contact{}, nil, mapErr("update visitor context", err)
	}
	return k, conv, nil
}

// createVisitor creates a contact and its identity on a channel of the
// workspace (pgx.ErrNoRows when the channel is not the workspace's).
func createVisitor(ctx context.Context, tx pgx.Tx, ws switchboard.WorkspaceID, channel switchboard.ChannelID, visitor switchboard.ExternalID, id switchboard.ContactID, now time.Time) error {
	if id == "" {
		return errors.New("no contact id for a new contact")
	}
	var one int
	if err := tx.QueryRow(ctx, `SELECT 1 FROM channels WHERE id = $1 AND workspace_id = $2`, channel, ws).Scan(&one); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, qInsertContact, id, ws, "", "", "", "", "", now); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, qInsertIdentity, channel, visitor, id, false, now)
	return err
}

// FindIdentityContact returns the contact known on channel as sender.
func (s *Store) FindIdentityContact(ctx context.Context, channel switchboard.ChannelID, sender switchboard.ExternalID) (switchboard.Contact, error) {
	k, err := scanContact(s.pool.QueryRow(ctx, `SELECT `+contactCols+` FROM identities i JOIN contacts k ON k.id = i.contact_id
		WHERE i.channel_id = $1 AND i.external_id = $2`, channel, sender))
	if err != nil {
		return switchboard.Contact{}, mapErr("find identity contact", err)
	}
	if err := s.fillIdentities(ctx, &k); err != nil {
		return switchboard.Contact{}, mapErr("find identity contact", err)
	}
	return k, nil
}

// UpdateContact applies u to a contact and writes its outbox entries in
// one transaction.
func (s *Store) UpdateContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID, u store.ContactUpdate, outboxFor func(switchboard.Contact) []store.OutboxEntry) (switchboard.Contact, error) {
	var k switchboard.Contact
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		var err error
		if k, err = contactTx(ctx, tx, ws, id, false); err != nil {
			return err
		}
		u.Apply(&k)
		return saveContactOutbox(ctx, tx, &k, outboxFor)
	})
	if err != nil {
		return switchboard.Contact{}, mapErr("update contact", err)
	}
	return k, nil
}

// saveContactOutbox saves k and writes the entries outboxFor returns for it.
func saveContactOutbox(ctx context.Context, tx pgx.Tx, k *switchboard.Contact, outboxFor func(switchboard.Contact) []store.OutboxEntry) error {
	now := time.Now().UTC()
	if err := saveContact(ctx, tx, k, now); err != nil {
		return err
	}
	if outboxFor != nil {
		return insertOutbox(ctx, tx, now, outboxFor(*k))
	}
	return nil
}

// SearchContacts finds a workspace's contacts by name, e-mail, phone or
// external ref, most recently updated first.
func (s *Store) SearchContacts(ctx context.Context, ws switchboard.WorkspaceID, q string, limit int) ([]switchboard.Contact, error) {
	where := ` WHERE k.workspace_id = $1 AND k.erased_at IS NULL`
	args := []any{ws, store.ClampLimit(limit, 50, 1, 200)}
	if q = strings.TrimSpace(q); q != "" {
		where += ` AND (k.name ILIKE $3 OR k.email ILIKE $3 OR k.phone ILIKE $3 OR k.external_ref ILIKE $3)`
		args = append(args, "%"+escapeLike(q)+"%")
	}
	return s.listContacts(ctx, "search contacts", `SELECT `+contactCols+` FROM contacts k`+where+
		` ORDER BY k.updated_at DESC, k.id DESC LIMIT $2`, args...)
}

// VerifiedContacts lists the contacts other than except with the verified
// e-mail or phone.
func (s *Store) VerifiedContacts(ctx context.Context, ws switchboard.WorkspaceID, email, phone string, except switchboard.ContactID) ([]switchboard.Contact, error) {
	if email == "" && phone == "" {
		return nil, nil
	}
	return s.listContacts(ctx, "verified contacts", `SELECT `+contactCols+` FROM contacts k
		WHERE k.workspace_id = $1 AND k.id <> $2 AND k.erased_at IS NULL AND (
			(k.email_verified AND k.email <> '' AND lower(k.email) = lower($3))
			OR (k.phone_verified AND k.phone <> '' AND k.phone = $4))
		ORDER BY k.created_at, k.id`, ws, except, email, phone)
}

// listContacts runs a query of contactCols and fills the identities.
func (s *Store) listContacts(ctx context.Context, what, query string, args ...any) ([]switchboard.Contact, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, mapErr(what, err)
	}
	defer rows.Close()
	var out []switchboard.Contact
	for rows.Next() {
		k, err := scanContact(rows)
		if err != nil {
			return nil, mapErr(what, err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(what, err)
	}
	rows.Close()
	ptrs := make([]*switchboard.Contact, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, mapErr(what, s.fillIdentities(ctx, ptrs...))
}

// MergeContacts makes from part of into in one transaction.
func (s *Store) MergeContacts(ctx context.Context, ws switchboard.WorkspaceID, into, from switchboard.ContactID, outboxFor func(switchboard.Contact) []store.OutboxEntry) (switchboard.Contact, error) {
	if into == from {
		return switchboard.Contact{}, fmt.Errorf("postgres: merge contacts: %s into itself: %w", into, store.ErrConflict)
	}
	var k switchboard.Contact
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		// Lock both in id order, so two merges of the pair never deadlock.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM contacts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, into, from); err != nil {
			return err
		}
		dst, err := contactTx(ctx, tx, ws, into, false)
		if err != nil {
			return err
		}
		src, err := contactTx(ctx, tx, ws, from, false)
		if err != nil {
			return err
		}
		k = store.MergeContact(dst, src)
		for _, q := range []string{
			`UPDATE identities SET contact_id = $1 WHERE contact_id = $2`,
			`UPDATE conversations SET contact_id = $1 WHERE contact_id = $2`,
		} {
			if _, err := tx.Exec(ctx, q, into, from); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM contacts WHERE id = $1`, from); err != nil {
			return err
		}
		k.Identities = nil
		if err := fillIdentitiesTx(ctx, tx, &k); err != nil {
			return err
		}
		return saveContactOutbox(ctx, tx, &k, outboxFor)
	})
	if err != nil {
		return switchboard.Contact{}, mapErr("merge contacts", err)
	}
	return k, nil
}

// ContactConversations lists a contact's conversations, newest activity
// first.
func (s *Store) ContactConversations(ctx context.Context, ws switchboard.WorkspaceID, contact switchboard.ContactID, limit int) ([]switchboard.Conversation, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+conversationListCols+conversationFrom+` WHERE c.workspace_id = $1 AND c.contact_id = $2
		ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $3`, ws, contact, store.ClampLimit(limit, 50, 1, 200))
	if err != nil {
		return nil, mapErr("contact conversations", err)
	}
	defer rows.Close()
	var out []switchboard.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, mapErr("contact conversations", err)
		}
		c.Contact = nil
		out = append(out, c)
	}
	return out, mapErr("contact conversations", rows.Err())
}

// EraseContact forgets a customer in one transaction (see store.Store).
func (s *Store) EraseContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID, scrub []string, at time.Time, outboxFor func(switchboard.Conversation) []store.OutboxEntry) (store.EraseResult, error) {
	var res store.EraseResult
	at = orNow(at)
	terms := store.ScrubTerms(scrub)
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		res = store.EraseResult{}
		k, err := contactTx(ctx, tx, ws, id, true)
		if err != nil {
			return err
		}
		erased := store.ErasedContact(k, at)
		if err := saveContact(ctx, tx, &erased, at); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM identities WHERE contact_id = $1`, id); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id FROM conversations WHERE workspace_id = $1 AND contact_id = $2 ORDER BY created_at, id FOR UPDATE`, ws, id)
		if err != nil {
			return err
		}
		res.Conversations, err = pgx.CollectRows(rows, pgx.RowTo[switchboard.ConversationID])
		if err != nil {
			return err
		}
		for _, conv := range res.Conversations {
			n, err := eraseConversation(ctx, tx, ws, conv, terms, at, &res)
			if err != nil {
				return err
			}
			res.Messages += n
		}
		names := append([]string{string(id)}, terms...)
		for _, conv := range res.Conversations {
			names = append(names, string(conv))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM outbox o USING unnest($1::text[]) AS n (name)
			WHERE o.done_at IS NOT NULL AND (strpos(o.key, n.name) > 0 OR position(convert_to(n.name, 'UTF8') IN o.payload) > 0)`,
			names); err != nil {
			return err
		}
		for _, conv := range res.Conversations {
			c, err := conversationTx(ctx, tx, ws, conv)
			if err != nil {
				return err
			}
			if outboxFor != nil {
				if err := insertOutbox(ctx, tx, at, outboxFor(c)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return store.EraseResult{}, mapErr("erase contact", err)
	}
	return res, nil
}

// eraseConversation empties the customer's messages of one conversation,
// scrubs the others, deletes the media the customer's messages named
// (adding their ids to res) and clears the conversation's context,
// recipient and reply token; its last message is that of its newest
// message as left. It returns how many messages changed.
func eraseConversation(ctx context.Context, tx pgx.Tx, ws switchboard.WorkspaceID, conv switchboard.ConversationID, terms []string, at time.Time, res *store.EraseResult) (int, error) {
	rows, err := tx.Query(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.conversation_id = $1 ORDER BY m.seq FOR UPDATE`, conv)
	if err != nil {
		return 0, err
	}
	var msgs []switchboard.Message
	for rows.Next() {
		m, _, err := scanMessage(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		msgs = append(msgs, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	changes, mediaIDs, err := store.EraseMessages(msgs, terms, at)
	if err != nil {
		return 0, err
	}
	for _, e := range changes {
		if _, err := tx.Exec(ctx, `UPDATE messages SET parts = $2, text = $3, external_id = $4, failure_reason = $5, deleted_at = $6 WHERE id = $1`,
			e.ID, e.Parts, e.Text, e.ExternalID, e.FailureReason, e.DeletedAt); err != nil {
			return 0, err
		}
	}
	changed := len(changes)
	deleted, err := deleteUnnamedMedia(ctx, tx, ws, mediaIDs)
	if err != nil {
		return 0, err
	}
	res.MediaIDs = append(res.MediaIDs, deleted...)
	last := ""
	if len(msgs) > 0 {
		var parts, text string
		if err := tx.QueryRow(ctx, `SELECT parts, text FROM messages WHERE conversation_id = $1
			ORDER BY created_at DESC, seq DESC LIMIT 1`, conv).Scan(&parts, &text); err != nil {
			return 0, err
		}
		var ps []switchboard.Part
		if err := store.DecodeJSON(parts, &ps); err != nil {
			return 0, err
		}
		last = store.Preview(text, ps)
	}
	_, err = tx.Exec(ctx, `UPDATE conversations SET context = NULL, context_seen_at = NULL, last_message = $2,
			recipient = '', reply_token = '', reply_until = NULL WHERE id = $1`, conv, last)
	if err == nil {
		err = scrubTicketTx(ctx, tx, conv, terms)
	}
	return changed, err
}

// PurgeVisitorContext empties contexts last seen before before.
func (s *Store) PurgeVisitorContext(ctx context.Context, ws switchboard.WorkspaceID, before time.Time) (int, error) {
	var n int64
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE contacts SET context = NULL, context_seen_at = NULL
			WHERE workspace_id = $1 AND context_seen_at < $2`, ws, before)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `UPDATE conversations SET context = NULL, context_seen_at = NULL
			WHERE workspace_id = $1 AND context_seen_at < $2`, ws, before)
		return err
	})
	return int(n), mapErr("purge visitor context", err)
}

// GetWorkspaceSettings returns the saved settings or the defaults.
func (s *Store) GetWorkspaceSettings(ctx context.Context, ws switchboard.WorkspaceID) (switchboard.WorkspaceSettings, error) {
	var set switchboard.WorkspaceSettings
	err := s.pool.QueryRow(ctx, `SELECT collect_ip, collect_location, visitor_retention_days FROM workspace_settings WHERE workspace_id = $1`, ws).
		Scan(&set.CollectIP, &set.CollectLocation, &set.VisitorRetentionDays)
	if errors.Is(err, pgx.ErrNoRows) {
		return switchboard.DefaultWorkspaceSettings(), nil
	}
	return set, mapErr("get workspace settings", err)
}

// PutWorkspaceSettings replaces a workspace's settings.
func (s *Store) PutWorkspaceSettings(ctx context.Context, ws switchboard.WorkspaceID, set switchboard.WorkspaceSettings) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO workspace_settings (workspace_id, collect_ip, collect_location, visitor_retention_days)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (workspace_id) DO UPDATE SET collect_ip = excluded.collect_ip, collect_location = excluded.collect_location,
			visitor_retention_days = excluded.visitor_retention_days`,
		ws, set.CollectIP, set.CollectLocation, set.VisitorRetentionDays)
	return mapErr("put workspace settings", err)
}

// ListWorkspaces lists every workspace, oldest first.
func (s *Store) ListWorkspaces(ctx context.Context) ([]switchboard.Workspace, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, created_at FROM workspaces ORDER BY seq`)
	if err != nil {
		return nil, mapErr("list workspaces", err)
	}
	defer rows.Close()
	var out []switchboard.Workspace
	for rows.Next() {
		var ws switchboard.Workspace
		if err := rows.Scan(&ws.ID, &ws.Name, &ws.CreatedAt); err != nil {
			return nil, mapErr("list workspaces", err)
		}
		ws.CreatedAt = utc(ws.CreatedAt)
		out = append(out, ws)
	}
	return out, mapErr("list workspaces", rows.Err())
}

// MarkMessagesRead raises to read the outgoing messages of a conversation
// created at or before upTo.
func (s *Store) MarkMessagesRead(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, upTo switchboard.MessageID, outboxFor func(switchboard.Message) []store.OutboxEntry) ([]switchboard.Message, error) {
	var out []switchboard.Message
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		out = nil
		var created time.Time
		if err := tx.QueryRow(ctx, `SELECT created_at FROM messages
			WHERE workspace_id = $1 AND conversation_id = $2 AND id = $3 AND direction IN ('in', 'out')`, ws, conv, upTo).Scan(&created); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `UPDATE messages m SET status = 'read'
			WHERE m.workspace_id = $1 AND m.conversation_id = $2 AND m.direction = 'out' AND m.created_at <= $3
				AND m.status IN ('pending', 'sent', 'delivered')
			RETURNING `+messageCols, ws, conv, created)
		if err != nil {
			return err
		}
		seqs := map[switchboard.MessageID]int64{}
		for rows.Next() {
			m, seq, err := scanMessage(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, m)
			seqs[m.ID] = seq
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// RETURNING has no order: insertion order, as ListMessages.
		slices.SortFunc(out, func(a, b switchboard.Message) int { return cmp.Compare(seqs[a.ID], seqs[b.ID]) })
		if outboxFor != nil {
			for _, m := range out {
				if err := insertOutbox(ctx, tx, time.Now().UTC(), outboxFor(m)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, mapErr("mark messages read", err)
	}
	return out, nil
}
