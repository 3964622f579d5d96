package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Ticket custom fields, the customer's portal messages and contacts by
// address, and the scrubbing of tickets on erasure.

// PutTicketField creates or replaces a custom field.
func (s *Store) PutTicketField(ctx context.Context, f switchboard.TicketField) error {
	if !f.Type.Valid() {
		return fmt.Errorf("sqlite: put ticket field: invalid type %q", f.Type)
	}
	opts := f.Options
	if opts == nil {
		opts = []string{}
	}
	b, err := json.Marshal(opts)
	if err != nil {
		return fmt.Errorf("sqlite: put ticket field: %w", err)
	}
	return s.writeOne(ctx, "put ticket field", `INSERT INTO ticket_fields (workspace_id, key, label, type, options, required, public, position)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, key) DO UPDATE SET label = excluded.label, type = excluded.type, options = excluded.options,
			required = excluded.required, public = excluded.public, position = excluded.position`,
		f.WorkspaceID, f.Key, f.Label, f.Type, string(b), f.Required, f.Public, f.Position)
}

// DeleteTicketField removes a custom field.
func (s *Store) DeleteTicketField(ctx context.Context, ws switchboard.WorkspaceID, key string) error {
	return s.writeOne(ctx, "delete ticket field", `DELETE FROM ticket_fields WHERE workspace_id = ? AND key = ?`, ws, key)
}

// ListTicketFields lists a workspace's custom fields by position, then key.
func (s *Store) ListTicketFields(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.TicketField, error) {
	rows, err := s.query(ctx, `SELECT workspace_id, key, label, type, options, required, public, position FROM ticket_fields
		WHERE workspace_id = ? ORDER BY position, key`, ws)
	if err != nil {
		return nil, mapErr("list ticket fields", err)
	}
	defer rows.Close()
	out := []switchboard.TicketField{}
	for rows.Next() {
		var f switchboard.TicketField
		var opts string
		if err := rows.Scan(&f.WorkspaceID, &f.Key, &f.Label, &f.Type, &opts, &f.Required, &f.Public, &f.Position); err != nil {
			return nil, mapErr("list ticket fields", err)
		}
		if err := store.DecodeJSON(opts, &f.Options); err != nil {
			return nil, mapErr("list ticket fields", err)
		}
		if len(f.Options) == 0 {
			f.Options = nil
		}
		out = append(out, f)
	}
	return out, mapErr("list ticket fields", rows.Err())
}

// AddCustomerMessage stores a message the customer wrote in the portal.
func (s *Store) AddCustomerMessage(ctx context.Context, msg switchboard.Message, outbox []store.OutboxEntry) error {
	if msg.ID == "" {
		return errors.New("sqlite: add customer message: empty id")
	}
	parts, err := json.Marshal(msg.Parts)
	if err != nil {
		return fmt.Errorf("sqlite: add customer message: %w", err)
	}
	at := ts(orNow(msg.CreatedAt))
	text := msg.Text()
	return mapErr("add customer message", s.write(ctx, func(tx *sql.Tx) error {
		var ch switchboard.ChannelID
		if err := tx.QueryRowContext(ctx, `SELECT channel_id FROM conversations WHERE workspace_id = ? AND id = ?`,
			msg.WorkspaceID, msg.ConversationID).Scan(&ch); err != nil {
			return err
		}
		if msg.ChannelID == "" {
			msg.ChannelID = ch
		}
		if _, err := tx.ExecContext(ctx, qInsertMessageVia, msg.ID, msg.WorkspaceID, msg.ConversationID, msg.ChannelID,
			switchboard.DirectionIn, string(parts), text, msg.ExternalID, "", switchboard.StatusDelivered, "", at, msg.Via); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET
				status = CASE WHEN status IN ('resolved', 'snoozed') THEN 'open' ELSE status END,
				unread_count = unread_count + 1,
				last_message = CASE WHEN ?1 >= last_activity_at THEN ?2 ELSE last_message END,
				last_activity_at = max(last_activity_at, ?1)
			WHERE id = ?3`, at, store.Preview(text, msg.Parts), msg.ConversationID); err != nil {
			return err
		}
		return insertOutbox(ctx, tx, outbox)
	}))
}

// ContactsByAddress lists the workspace's contacts with this e-mail or phone.
func (s *Store) ContactsByAddress(ctx context.Context, ws switchboard.WorkspaceID, email, phone string) ([]switchboard.ContactID, error) {
	email, phone = strings.TrimSpace(email), strings.TrimSpace(phone)
	if email == "" && phone == "" {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT id FROM contacts WHERE workspace_id = ?1 AND erased_at IS NULL
		AND ((?2 <> '' AND lower(email) = lower(?2)) OR (?3 <> '' AND phone = ?3)) ORDER BY created_at, id`, ws, email, phone)
	if err != nil {
		return nil, mapErr("contacts by address", err)
	}
	defer rows.Close()
	var out []switchboard.ContactID
	for rows.Next() {
		var id switchboard.ContactID
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr("contacts by address", err)
		}
		out = append(out, id)
	}
	return out, mapErr("contacts by address", rows.Err())
}

// scrubTicketTx scrubs the subject and field values of a conversation's
// ticket, if it is one (EraseContact).
func scrubTicketTx(ctx context.Context, tx *sql.Tx, conv switchboard.ConversationID, terms []string) error {
	var subject, fields string
	err := tx.QueryRowContext(ctx, `SELECT subject, fields FROM tickets WHERE conversation_id = ?`, conv).Scan(&subject, &fields)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	t := switchboard.Ticket{ConversationID: conv}
	if err := decodeFields(fields, &t); err != nil {
		return err
	}
	subject, t.Fields = store.ScrubTicket(subject, t.Fields, terms)
	if fields, err = encodeFields(t.Fields); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE tickets SET subject = ?, fields = ? WHERE conversation_id = ?`, subject, fields, conv)
	return err
}
