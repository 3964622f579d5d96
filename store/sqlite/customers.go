package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// The customer methods (issue 13) read a contact inside the writer's
// transaction, change it in Go (store.ContactUpdate.Apply,
// store.MergeContact) and write it back whole with saveContact.

// contactTx reads a contact of the workspace with its identities inside a
// transaction; an erased one is sql.ErrNoRows unless erased is true.
func contactTx(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID, id switchboard.ContactID, erased bool) (switchboard.Contact, error) {
	k, err := scanContact(tx.QueryRowContext(ctx, `SELECT `+contactCols+` FROM contacts k WHERE k.workspace_id = ? AND k.id = ?`, ws, id))
	if err != nil {
		return switchboard.Contact{}, err
	}
	if k.ErasedAt != nil && !erased {
		return switchboard.Contact{}, sql.ErrNoRows
	}
	return k, fillIdentitiesTx(ctx, tx, &k)
}

// saveContact writes every stored field of k (not its identities).
func saveContact(ctx context.Context, tx *sql.Tx, k *switchboard.Contact, now time.Time) error {
	attrs, err := store.EncodeJSON(k.Attributes)
	if err != nil {
		return err
	}
	labels, err := store.EncodeJSON(k.Labels)
	if err != nil {
		return err
	}
	kctx, err := store.EncodeJSON(k.Context)
	if err != nil {
		return err
	}
	k.UpdatedAt = now.UTC()
	_, err = tx.ExecContext(ctx, `UPDATE contacts SET name = ?, email = ?, phone = ?, avatar_url = ?, language = ?,
			email_verified = ?, phone_verified = ?, external_ref = ?, attributes = ?, labels = ?, context = ?,
			context_seen_at = ?, erased_at = ?, updated_at = ?
		WHERE id = ?`, k.Name, k.Email, k.Phone, k.AvatarURL, k.Language, k.EmailVerified, k.PhoneVerified, k.ExternalRef,
		attrs, labels, kctx, nullTS(store.ContextSeenAt(k.Context, now)), nullTS(k.ErasedAt), ts(k.UpdatedAt), k.ID)
	return err
}

// UpdateVisitorContext finds or creates the visitor's contact and stores
// the context update returns on it and on its latest conversation on the
// channel, in one transaction.
func (s *Store) UpdateVisitorContext(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, visitor switchboard.ExternalID, newContact switchboard.ContactID, update func(switchboard.CustomerContext) switchboard.CustomerContext, outboxFor func(switchboard.Contact, *switchboard.Conversation) []store.OutboxEntry) (switchboard.Contact, *switchboard.Conversation, error) {
	var k switchboard.Contact
	var conv *switchboard.Conversation
	now := time.Now().UTC()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var id switchboard.ContactID
		err := tx.QueryRowContext(ctx, `SELECT i.contact_id FROM identities i JOIN contacts k ON k.id = i.contact_id
			WHERE i.channel_id = ? AND i.external_id = ? AND k.workspace_id = ?`, channel, visitor, ws).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
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
		err = tx.QueryRowContext(ctx, qLatestConversation, id, channel).Scan(&convID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			kctx, err := store.EncodeJSON(k.Context)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE conversations SET context = ?, context_seen_at = ? WHERE id = ?`,
				kctx, nullTS(store.ContextSeenAt(k.Context, now)), convID); err != nil {
				return err
			}
			c, err := conversationTx(ctx, tx, ws, convID)
			if err != nil {
				return err
			}
			conv = &c
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, outboxFor(k, conv))
		}
		return nil
	})
	if err != nil {
		return switchboard.Contact{}, nil, mapErr("update visitor context", err)
	}
	return k, conv, nil
}

// createVisitor creates a contact and its identity on a channel of the
// workspace (sql.ErrNoRows when the channel is not the workspace's).
func createVisitor(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID, channel switchboard.ChannelID, visitor switchboard.ExternalID, id switchboard.ContactID, now time.Time) error {
	if id == "" {
		return errors.New("no contact id for a new contact")
	}
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM channels WHERE id = ? AND workspace_id = ?`, channel, ws).Scan(&one); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, qInsertContact, id, ws, "", "", "", "", "", ts(now), ts(now)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, qInsertIdentity, channel, visitor, id, false, ts(now), nil)
	return err
}

// FindIdentityContact returns the contact known on channel as sender.
func (s *Store) FindIdentityContact(ctx context.Context, channel switchboard.ChannelID, sender switchboard.ExternalID) (switchboard.Contact, error) {
	k, err := scanContact(s.queryRow(ctx, `SELECT `+contactCols+` FROM identities i JOIN contacts k ON k.id = i.contact_id
		WHERE i.channel_id = ? AND i.external_id = ?`, channel, sender))
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
	err := s.write(ctx, func(tx *sql.Tx) error {
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
func saveContactOutbox(ctx context.Context, tx *sql.Tx, k *switchboard.Contact, outboxFor func(switchboard.Contact) []store.OutboxEntry) error {
	if err := saveContact(ctx, tx, k, time.Now()); err != nil {
		return err
	}
	if outboxFor != nil {
		return insertOutbox(ctx, tx, outboxFor(*k))
	}
	return nil
}

// SearchContacts finds a workspace's contacts by name, e-mail, phone or
// external ref, most recently updated first.
func (s *Store) SearchContacts(ctx context.Context, ws switchboard.WorkspaceID, q string, limit int) ([]switchboard.Contact, error) {
	where := ` WHERE k.workspace_id = ? AND k.erased_at IS NULL`
	args := []any{ws}
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + escapeLike(q) + "%"
		where += ` AND (k.name LIKE ? ESCAPE '\' OR k.email LIKE ? ESCAPE '\' OR k.phone LIKE ? ESCAPE '\' OR k.external_ref LIKE ? ESCAPE '\')`
		args = append(args, like, like, like, like)
	}
	args = append(args, store.ClampLimit(limit, 50, 1, 200))
	return s.listContacts(ctx, "search contacts", `SELECT `+contactCols+` FROM contacts k`+where+
		` ORDER BY k.updated_at DESC, k.id DESC LIMIT ?`, args...)
}

// VerifiedContacts lists the contacts other than except with the verified
// e-mail or phone.
func (s *Store) VerifiedContacts(ctx context.Context, ws switchboard.WorkspaceID, email, phone string, except switchboard.ContactID) ([]switchboard.Contact, error) {
	if email == "" && phone == "" {
		return nil, nil
	}
	return s.listContacts(ctx, "verified contacts", `SELECT `+contactCols+` FROM contacts k
		WHERE k.workspace_id = ? AND k.id <> ? AND k.erased_at IS NULL AND (
			(k.email_verified = 1 AND k.email <> '' AND lower(k.email) = lower(?))
			OR (k.phone_verified = 1 AND k.phone <> '' AND k.phone = ?))
		ORDER BY k.created_at, k.id`, ws, except, email, phone)
}

// listContacts runs a query of contactCols and fills the identities.
func (s *Store) listContacts(ctx context.Context, what, query string, args ...any) ([]switchboard.Contact, error) {
	rows, err := s.query(ctx, query, args...)
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
		return switchboard.Contact{}, fmt.Errorf("sqlite: merge contacts: %s into itself: %w", into, store.ErrConflict)
	}
	var k switchboard.Contact
	err := s.write(ctx, func(tx *sql.Tx) error {
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
			`UPDATE identities SET contact_id = ?1 WHERE contact_id = ?2`,
			`UPDATE conversations SET contact_id = ?1 WHERE contact_id = ?2`,
		} {
			if _, err := tx.ExecContext(ctx, q, into, from); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE id = ?`, from); err != nil {
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
	rows, err := s.query(ctx, `SELECT `+conversationListCols+conversationFrom+` WHERE c.workspace_id = ? AND c.contact_id = ?
		ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?`, ws, contact, store.ClampLimit(limit, 50, 1, 200))
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		res = store.EraseResult{}
		k, err := contactTx(ctx, tx, ws, id, true)
		if err != nil {
			return err
		}
		erased := store.ErasedContact(k, at)
		if err := saveContact(ctx, tx, &erased, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM identities WHERE contact_id = ?`, id); err != nil {
			return err
		}
		if res.Conversations, err = contactConversationIDs(ctx, tx, ws, id); err != nil {
			return err
		}
		var sums []string
		for _, conv := range res.Conversations {
			n, convSums, err := s.eraseConversation(ctx, tx, ws, conv, terms, at, &res)
			if err != nil {
				return err
			}
			res.Messages += n
			sums = append(sums, convSums...)
		}
		names := append([]string{string(id)}, terms...)
		for _, conv := range res.Conversations {
			names = append(names, string(conv))
		}
		for _, name := range names {
			pat := "%" + escapeLike(name) + "%"
			if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE done_at IS NOT NULL
				AND (key LIKE ?1 ESCAPE '\' OR CAST(payload AS TEXT) LIKE ?1 ESCAPE '\')`, pat); err != nil {
				return err
			}
		}
		for _, conv := range res.Conversations {
			c, err := conversationTx(ctx, tx, ws, conv)
			if err != nil {
				return err
			}
			if outboxFor != nil {
				if err := insertOutbox(ctx, tx, outboxFor(c)); err != nil {
					return err
				}
			}
		}
		// Last: a file goes only when no row names it any more.
		return s.dropMediaFiles(tx, sums)
	})
	if err != nil {
		return store.EraseResult{}, mapErr("erase contact", err)
	}
	// The write-ahead log still holds the pages as they were before: copy
	// it into the database and empty it. A reader in the middle of a
	// snapshot can keep it from finishing; the next checkpoint then does.
	var busy, logged, done int
	if err := s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil || busy != 0 {
		slog.WarnContext(ctx, "sqlite: write-ahead log not emptied after an erasure; the next checkpoint will", "busy", busy, "err", err)
	}
	return res, nil
}

// contactConversationIDs lists the ids of a contact's conversations.
func contactConversationIDs(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID, id switchboard.ContactID) ([]switchboard.ConversationID, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM conversations WHERE workspace_id = ? AND contact_id = ? ORDER BY created_at, id`, ws, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []switchboard.ConversationID
	for rows.Next() {
		var c switchboard.ConversationID
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// eraseConversation empties the customer's messages of one conversation,
// scrubs the others, deletes the media the customer's messages named
// (adding their ids to res) and clears the conversation's context,
// recipient and reply token; its last message is that of its newest
// message as left. It returns how many messages changed and the media
// files' hashes (for dropMediaFiles).
func (s *Store) eraseConversation(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID, conv switchboard.ConversationID, terms []string, at time.Time, res *store.EraseResult) (int, []string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.conversation_id = ? ORDER BY m.seq`, conv)
	if err != nil {
		return 0, nil, err
	}
	var msgs []switchboard.Message
	for rows.Next() {
		m, _, err := scanMessage(rows)
		if err != nil {
			rows.Close()
			return 0, nil, err
		}
		msgs = append(msgs, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	changes, mediaIDs, err := store.EraseMessages(msgs, terms, at)
	if err != nil {
		return 0, nil, err
	}
	for _, e := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET parts = ?, text = ?, external_id = ?, failure_reason = ?, deleted_at = ? WHERE id = ?`,
			e.Parts, e.Text, e.ExternalID, e.FailureReason, nullTS(e.DeletedAt), e.ID); err != nil {
			return 0, nil, err
		}
	}
	changed := len(changes)
	deleted, sums, err := deleteUnnamedMedia(ctx, tx, ws, mediaIDs)
	if err != nil {
		return 0, nil, err
	}
	res.MediaIDs = append(res.MediaIDs, deleted...)
	last := ""
	if n := len(msgs); n > 0 {
		var parts, text string
		err := tx.QueryRowContext(ctx, `SELECT parts, text FROM messages WHERE conversation_id = ?
			ORDER BY created_at DESC, seq DESC LIMIT 1`, conv).Scan(&parts, &text)
		if err != nil {
			return 0, nil, err
		}
		var ps []switchboard.Part
		if err := store.DecodeJSON(parts, &ps); err != nil {
			return 0, nil, err
		}
		last = store.Preview(text, ps)
	}
	_, err = tx.ExecContext(ctx, `UPDATE conversations SET context = '', context_seen_at = NULL, last_message = ?,
			recipient = '', reply_token = '', reply_until = NULL WHERE id = ?`, last, conv)
	if err == nil {
		err = scrubTicketTx(ctx, tx, conv, terms)
	}
	return changed, sums, err
}

// PurgeVisitorContext empties contexts last seen before before.
func (s *Store) PurgeVisitorContext(ctx context.Context, ws switchboard.WorkspaceID, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE contacts SET context = '', context_seen_at = NULL
			WHERE workspace_id = ? AND context_seen_at < ?`, ws, ts(before))
		if err != nil {
			return err
		}
		if n, err = r.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE conversations SET context = '', context_seen_at = NULL
			WHERE workspace_id = ? AND context_seen_at < ?`, ws, ts(before))
		return err
	})
	return int(n), mapErr("purge visitor context", err)
}

// GetWorkspaceSettings returns the saved settings or the defaults.
func (s *Store) GetWorkspaceSettings(ctx context.Context, ws switchboard.WorkspaceID) (switchboard.WorkspaceSettings, error) {
	var set switchboard.WorkspaceSettings
	err := s.queryRow(ctx, `SELECT collect_ip, collect_location, visitor_retention_days FROM workspace_settings WHERE workspace_id = ?`, ws).
		Scan(&set.CollectIP, &set.CollectLocation, &set.VisitorRetentionDays)
	if errors.Is(err, sql.ErrNoRows) {
		return switchboard.DefaultWorkspaceSettings(), nil
	}
	return set, mapErr("get workspace settings", err)
}

// PutWorkspaceSettings replaces a workspace's settings.
func (s *Store) PutWorkspaceSettings(ctx context.Context, ws switchboard.WorkspaceID, set switchboard.WorkspaceSettings) error {
	return mapErr("put workspace settings", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO workspace_settings (workspace_id, collect_ip, collect_location, visitor_retention_days)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (workspace_id) DO UPDATE SET collect_ip = excluded.collect_ip, collect_location = excluded.collect_location,
				visitor_retention_days = excluded.visitor_retention_days`,
			ws, set.CollectIP, set.CollectLocation, set.VisitorRetentionDays)
		return err
	}))
}

// ListWorkspaces lists every workspace, oldest first.
func (s *Store) ListWorkspaces(ctx context.Context) ([]switchboard.Workspace, error) {
	rows, err := s.query(ctx, `SELECT id, name, created_at FROM workspaces ORDER BY seq`)
	if err != nil {
		return nil, mapErr("list workspaces", err)
	}
	defer rows.Close()
	var out []switchboard.Workspace
	for rows.Next() {
		var ws switchboard.Workspace
		var at int64
		if err := rows.Scan(&ws.ID, &ws.Name, &at); err != nil {
			return nil, mapErr("list workspaces", err)
		}
		ws.CreatedAt = fromTS(at)
		out = append(out, ws)
	}
	return out, mapErr("list workspaces", rows.Err())
}

// MarkMessagesRead raises to read the outgoing messages of a conversation
// created at or before upTo.
func (s *Store) MarkMessagesRead(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, upTo switchboard.MessageID, outboxFor func(switchboard.Message) []store.OutboxEntry) ([]switchboard.Message, error) {
	var out []switchboard.Message
	err := s.write(ctx, func(tx *sql.Tx) error {
		out = nil
		var created int64
		if err := tx.QueryRowContext(ctx, `SELECT created_at FROM messages
			WHERE workspace_id = ? AND conversation_id = ? AND id = ? AND direction IN ('in', 'out')`, ws, conv, upTo).Scan(&created); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+messageCols+` FROM messages m
			WHERE m.workspace_id = ? AND m.conversation_id = ? AND m.direction = 'out' AND m.created_at <= ?
				AND m.status IN ('pending', 'sent', 'delivered')
			ORDER BY m.seq`, ws, conv, created)
		if err != nil {
			return err
		}
		for rows.Next() {
			m, _, err := scanMessage(rows)
			if err != nil {
				rows.Close()
				return err
			}
			m.Status = switchboard.StatusRead
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE messages SET status = 'read' WHERE id = ?`, m.ID); err != nil {
				return err
			}
			if outboxFor != nil {
				if err := insertOutbox(ctx, tx, outboxFor(m)); err != nil {
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
