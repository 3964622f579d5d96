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

// Ticket custom fields, the customer's portal messages and contacts by
// address, and the scrubbing of tickets on erasure.

// PutTicketField creates or replaces a custom field.
func (s *Store) PutTicketField(ctx context.Context, f switchboard.TicketField) error {
	if !f.Type.Valid() {
		return fmt.Errorf("postgres: put ticket field: invalid type %q", f.Type)
	}
	opts := f.Options
	if opts == nil {
		opts = []string{}
	}
	b, err := json.Marshal(opts)
	if err != nil {
		return fmt.Errorf("postgres: put ticket field: %w", err)
	}
	return s.execOne(ctx, "put ticket field", `INSERT INTO ticket_fields (workspace_id, key, label, type, options, required, public, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (workspace_id, key) DO UPDATE SET label = excluded.label, type = excluded.type, options = excluded.options,
			required = excluded.required, public = excluded.public, position = excluded.position`,
		f.WorkspaceID, f.Key, f.Label, string(f.Type), string(b), f.Required, f.Public, f.Position)
}

// DeleteTicketField removes a custom field.
func (s *Store) DeleteTicketField(ctx context.Context, ws switchboard.WorkspaceID, key string) error {
	return s.execOne(ctx, "delete ticket field", `DELETE FROM ticket_fields WHERE workspace_id = $1 AND key = $2`, ws, key)
}

// ListTicketFields lists a workspace's custom fields by position, then key.
func (s *Store) ListTicketFields(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.TicketField, error) {
	rows, err := s.pool.Query(ctx, `SELECT workspace_id, key, label, type, options, required, public, position FROM ticket_fields
		WHERE workspace_id = $1 ORDER BY position, key`, ws)
	if err != nil {
		return nil, mapErr("list ticket fields", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (switchboard.TicketField, error) {
		var f switchboard.TicketField
		var opts []byte
		if err := row.Scan(&f.WorkspaceID, &f.Key, &f.Label, &f.Type, &opts, &f.Required, &f.Public, &f.Position); err != nil {
			return f, err
		}
		if err := store.DecodeJSON(string(opts), &f.Options); err != nil {
			return f, err
		}
		if len(f.Options) == 0 {
			f.Options = nil
		}
		return f, nil
	})
	if out == nil && err == nil {
		out = []switchboard.TicketField{}
	}
	return out, mapErr("list ticket fields", err)
}

// AddCustomerMessage stores a message the customer wrote in the portal.
func (s *Store) AddCustomerMessage(ctx context.Context, msg switchboard.Message, outbox []store.OutboxEntry) error {
	if msg.ID == "" {
		return errors.New("postgres: add customer message: empty id")
	}
	parts, err := json.Marshal(msg.Parts)
	if err != nil {
		return fmt.Errorf("postgres: add customer message: %w", err)
	}
	at := orNow(msg.CreatedAt)
	text := msg.Text()
	return mapErr("add customer message", s.tx(ctx, false, func(tx pgx.Tx) error {
		var ch switchboard.ChannelID
		if err := tx.QueryRow(ctx, `SELECT channel_id FROM conversations WHERE workspace_id = $1 AND id = $2`,
			msg.WorkspaceID, msg.ConversationID).Scan(&ch); err != nil {
			return err
		}
		channel := msg.ChannelID
		if channel == "" {
			channel = ch
		}
		if _, err := tx.Exec(ctx, qInsertMessageVia, msg.ID, msg.WorkspaceID, msg.ConversationID, channel,
			switchboard.DirectionIn, string(parts), text, msg.ExternalID, "", switchboard.StatusDelivered, "", at, msg.Via); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE conversations SET
				status = CASE WHEN status IN ('resolved', 'snoozed') THEN 'open' ELSE status END,
				unread_count = unread_count + 1,
				last_message = CASE WHEN $1 >= last_activity_at THEN $2 ELSE last_message END,
				last_activity_at = greatest(last_activity_at, $1)
			WHERE id = $3`, at, store.Preview(text, msg.Parts), msg.ConversationID); err != nil {
			return err
		}
		return insertOutbox(ctx, tx, time.Now().UTC(), outbox)
	}))
}

// ContactsByAddress lists the workspace's contacts with this e-mail or phone.
func (s *Store) ContactsByAddress(ctx context.Context, ws switchboard.WorkspaceID, email, phone string) ([]switchboard.ContactID, error) {
	email, phone = strings.TrimSpace(email), strings.TrimSpace(phone)
	if email == "" && phone == "" {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id FROM contacts WHERE workspace_id = $1 AND erased_at IS NULL
		AND (($2 <> '' AND lower(email) = lower($2)) OR ($3 <> '' AND phone = $3)) ORDER BY created_at, id`, ws, email, phone)
	if err != nil {
		return nil, mapErr("contacts by address", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[switchboard.ContactID])
	return out, mapErr("contacts by address", err)
}

// scrubTicketTx scrubs the subject and field values of a conversation's
// ticket, if it is one (EraseContact).
func scrubTicketTx(ctx context.Context, tx pgx.Tx, conv switchboard.ConversationID, terms []string) error {
	var subject string
	var raw []byte
	err := tx.QueryRow(ctx, `SELECT subject, fields FROM tickets WHERE conversation_id = $1 FOR UPDATE`, conv).Scan(&subject, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	fields := map[string]any{}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("ticket %s fields: %w", conv, err)
	}
	subject, fields = store.ScrubTicket(subject, fields, terms)
	enc, err := encodeFields(fields)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE tickets SET subject = $1, fields = $2 WHERE conversation_id = $3`, subject, enc, conv)
	return err
}
