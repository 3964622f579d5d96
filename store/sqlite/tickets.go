package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// ticketCols are a ticket's columns (alias t), read by ticketScan; reads
// of a ticket select them before conversationCols.
const ticketCols = `t.conversation_id, t.workspace_id, t.number, t.subject, t.priority, t.status, t.source, t.fields,
	t.first_reply_due_at, t.resolution_due_at, t.first_replied_at, t.resolved_at,
	t.first_reply_breached_at, t.resolution_breached_at, t.merged_into, t.customer_read_at, t.created_at, t.updated_at`

// ticketFrom joins a ticket's conversation and contact.
const ticketFrom = ` FROM tickets t JOIN conversations c ON c.id = t.conversation_id JOIN contacts k ON k.id = c.contact_id`

// badgeScan scans badgeCols (NULL when the conversation is no ticket).
type badgeScan struct {
	number                                                sql.NullInt64
	subject, priority, status                             sql.NullString
	frDue, resDue, replied, resolved, frBreach, resBreach sql.NullInt64
}

func (b *badgeScan) dest() []any {
	return []any{&b.number, &b.subject, &b.priority, &b.status, &b.frDue, &b.resDue, &b.replied, &b.resolved, &b.frBreach, &b.resBreach}
}

func (b *badgeScan) badge() *switchboard.TicketBadge {
	if !b.number.Valid {
		return nil
	}
	return store.Badge(switchboard.Ticket{Number: b.number.Int64, Subject: b.subject.String,
		Priority: switchboard.TicketPriority(b.priority.String), Status: switchboard.TicketStatus(b.status.String),
		FirstReplyDueAt: ptrTS(b.frDue), ResolutionDueAt: ptrTS(b.resDue), FirstRepliedAt: ptrTS(b.replied), ResolvedAt: ptrTS(b.resolved),
		FirstReplyBreachedAt: ptrTS(b.frBreach), ResolutionBreachedAt: ptrTS(b.resBreach)}, time.Now())
}

// scanner is a row of database/sql.
type scanner interface{ Scan(...any) error }

// prefixScan scans pre first, then what its caller asks for: a ticket's
// columns before its conversation's.
type prefixScan struct {
	sc  scanner
	pre []any
}

func (p prefixScan) Scan(dest ...any) error { return p.sc.Scan(append(p.pre, dest...)...) }

// scanTicket scans ticketCols and conversationCols (or conversationListCols).
func scanTicket(sc scanner) (switchboard.Ticket, error) {
	var t switchboard.Ticket
	var fields string
	var frDue, resDue, replied, resolved, frBreach, resBreach, read sql.NullInt64
	var created, updated int64
	conv, err := scanConversation(prefixScan{sc: sc, pre: []any{&t.ConversationID, &t.WorkspaceID, &t.Number, &t.Subject, &t.Priority,
		&t.Status, &t.Source, &fields, &frDue, &resDue, &replied, &resolved, &frBreach, &resBreach, &t.MergedInto, &read, &created, &updated}})
	if err != nil {
		return t, err
	}
	t.FirstReplyDueAt, t.ResolutionDueAt, t.FirstRepliedAt, t.ResolvedAt = ptrTS(frDue), ptrTS(resDue), ptrTS(replied), ptrTS(resolved)
	t.FirstReplyBreachedAt, t.ResolutionBreachedAt, t.CustomerReadAt = ptrTS(frBreach), ptrTS(resBreach), ptrTS(read)
	t.CreatedAt, t.UpdatedAt = fromTS(created), fromTS(updated)
	t.Conversation = &conv
	t.Links = []switchboard.ConversationID{}
	return t, decodeFields(fields, &t)
}

func decodeFields(v string, t *switchboard.Ticket) error {
	t.Fields = map[string]any{}
	if v == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(v), &t.Fields); err != nil {
		return fmt.Errorf("ticket %s fields: %w", t.ConversationID, err)
	}
	if t.Fields == nil {
		t.Fields = map[string]any{}
	}
	return nil
}

func encodeFields(f map[string]any) (string, error) {
	if f == nil {
		return "{}", nil
	}
	b, err := json.Marshal(f)
	return string(b), err
}

// ticketTx reads a ticket of the workspace with its conversation, contact
// identities and links, inside a transaction.
func ticketTx(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Ticket, error) {
	t, err := scanTicket(tx.QueryRowContext(ctx, `SELECT `+ticketCols+`, `+conversationCols+ticketFrom+
		` WHERE t.workspace_id = ? AND t.conversation_id = ?`, ws, id))
	if err != nil {
		return t, err
	}
	if err := fillIdentitiesTx(ctx, tx, t.Conversation.Contact); err != nil {
		return t, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT linked_id FROM ticket_links WHERE conversation_id = ? ORDER BY linked_id`, id)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var l switchboard.ConversationID
		if err := rows.Scan(&l); err != nil {
			return t, err
		}
		t.Links = append(t.Links, l)
	}
	return t, rows.Err()
}

// readTicket runs ticketTx in a read transaction.
func (s *Store) readTicket(ctx context.Context, what string, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Ticket, error) {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return switchboard.Ticket{}, mapErr(what, err)
	}
	defer tx.Rollback()
	t, err := ticketTx(ctx, tx, ws, id)
	return t, mapErr(what, err)
}

// nextTicketNumber takes the workspace's next ticket number (the single
// writer serialises takers).
func nextTicketNumber(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO ticket_counters (workspace_id, last_number) VALUES (?, 1)
		ON CONFLICT (workspace_id) DO UPDATE SET last_number = last_number + 1 RETURNING last_number`, ws).Scan(&n)
	return n, err
}

// insertTicket stores t with the next number; ErrConflict when the
// conversation is a ticket already.
func insertTicket(ctx context.Context, tx *sql.Tx, t *switchboard.Ticket) error {
	store.TicketDefaults(t)
	if err := store.CheckTicket(t.Status, t.Priority); err != nil {
		return err
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM tickets WHERE conversation_id = ?`, t.ConversationID).Scan(&one)
	if err == nil {
		return fmt.Errorf("conversation %s is a ticket already: %w", t.ConversationID, store.ErrConflict)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if t.Number, err = nextTicketNumber(ctx, tx, t.WorkspaceID); err != nil {
		return err
	}
	fields, err := encodeFields(t.Fields)
	if err != nil {
		return err
	}
	created := orNow(t.CreatedAt)
	_, err = tx.ExecContext(ctx, `INSERT INTO tickets (conversation_id, workspace_id, number, subject, priority, status, source, fields,
			first_reply_due_at, resolution_due_at, first_replied_at, resolved_at, first_reply_breached_at, resolution_breached_at,
			merged_into, customer_read_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ConversationID, t.WorkspaceID, t.Number, t.Subject, t.Priority, t.Status, t.Source, fields,
		nullTS(t.FirstReplyDueAt), nullTS(t.ResolutionDueAt), nullTS(t.FirstRepliedAt), nullTS(t.ResolvedAt),
		nullTS(t.FirstReplyBreachedAt), nullTS(t.ResolutionBreachedAt), t.MergedInto, nullTS(t.CustomerReadAt),
		ts(created), ts(orTime(t.UpdatedAt, created)))
	return err
}

// CreateTicket makes a conversation a ticket with the next number.
func (s *Store) CreateTicket(ctx context.Context, t switchboard.Ticket, outboxFor func(switchboard.Ticket) []store.OutboxEntry) (switchboard.Ticket, error) {
	var out switchboard.Ticket
	err := s.write(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM conversations WHERE workspace_id = ? AND id = ?`, t.WorkspaceID, t.ConversationID).Scan(&one); err != nil {
			return err
		}
		if err := insertTicket(ctx, tx, &t); err != nil {
			return err
		}
		var err error
		if out, err = ticketTx(ctx, tx, t.WorkspaceID, t.ConversationID); err != nil {
			return err
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, outboxFor(out))
		}
		return nil
	})
	return out, mapErr("create ticket", err)
}

// OpenTicket stores a customer's new ticket with its contact, conversation
// and first message in one transaction.
func (s *Store) OpenTicket(ctx context.Context, req store.OpenTicketRequest, outboxFor func(switchboard.Ticket, switchboard.Message) []store.OutboxEntry) (switchboard.Ticket, error) {
	if req.ConversationID == "" || req.Message.ID == "" || req.Sender == "" {
		return switchboard.Ticket{}, errors.New("sqlite: open ticket: conversation id, message id and sender are required")
	}
	msg := req.Message
	msg.WorkspaceID, msg.ConversationID, msg.ChannelID = req.WorkspaceID, req.ConversationID, req.ChannelID
	msg.Direction, msg.Status = switchboard.DirectionIn, switchboard.StatusDelivered
	msg.CreatedAt = orNow(msg.CreatedAt).Truncate(time.Microsecond)
	parts, err := json.Marshal(msg.Parts)
	if err != nil {
		return switchboard.Ticket{}, fmt.Errorf("sqlite: open ticket: %w", err)
	}
	text := msg.Text()
	preview := store.Preview(text, msg.Parts)
	at := ts(msg.CreatedAt)
	var out switchboard.Ticket
	err = s.write(ctx, func(tx *sql.Tx) error {
		var chType string
		if err := tx.QueryRowContext(ctx, `SELECT type FROM channels WHERE workspace_id = ? AND id = ?`, req.WorkspaceID, req.ChannelID).Scan(&chType); err != nil {
			return err
		}
		now := ts(time.Now())
		var contact switchboard.ContactID
		var latest sql.NullString
		err := tx.QueryRowContext(ctx, qFindIdentity, req.ChannelID, req.Sender).Scan(&contact, &latest)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			contact = req.ContactID
			if contact == "" {
				return errors.New("no contact id for a new contact")
			}
			p := req.Profile
			if _, err := tx.ExecContext(ctx, qInsertContact, contact, req.WorkspaceID, p.Name, p.Email, p.Phone, p.AvatarURL, p.Language, now, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, qInsertIdentity, req.ChannelID, req.Sender, contact, false, now, req.ConversationID); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if p := req.Profile; p != (switchboard.Profile{}) {
				if _, err := tx.ExecContext(ctx, qFillProfile, p.Name, p.Email, p.Phone, p.AvatarURL, p.Language, now, contact); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, qSetIdentityConversation, req.ConversationID, req.ChannelID, req.Sender); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, qInsertConversation, req.ConversationID, req.WorkspaceID, req.ChannelID, chType,
			contact, req.DepartmentID, 1, preview, at, at, req.Sender, "", nil, "", at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qInsertMessageVia, msg.ID, msg.WorkspaceID, msg.ConversationID, msg.ChannelID,
			msg.Direction, string(parts), text, msg.ExternalID, "", msg.Status, "", at, msg.Via); err != nil {
			return err
		}
		t := req.Ticket
		t.WorkspaceID, t.ConversationID = req.WorkspaceID, req.ConversationID
		t.CreatedAt = orTime(t.CreatedAt, msg.CreatedAt)
		if err := insertTicket(ctx, tx, &t); err != nil {
			return err
		}
		if out, err = ticketTx(ctx, tx, req.WorkspaceID, req.ConversationID); err != nil {
			return err
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, outboxFor(out, msg))
		}
		return nil
	})
	return out, mapErr("open ticket", err)
}

// GetTicket returns a conversation's ticket.
func (s *Store) GetTicket(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Ticket, error) {
	return s.readTicket(ctx, "get ticket", ws, conv)
}

// GetTicketByNumber finds a ticket by its number in the workspace.
func (s *Store) GetTicketByNumber(ctx context.Context, ws switchboard.WorkspaceID, number int64) (switchboard.Ticket, error) {
	var id switchboard.ConversationID
	if err := s.queryRow(ctx, `SELECT conversation_id FROM tickets WHERE workspace_id = ? AND number = ?`, ws, number).Scan(&id); err != nil {
		return switchboard.Ticket{}, mapErr("get ticket by number", err)
	}
	return s.readTicket(ctx, "get ticket by number", ws, id)
}

// ListTickets pages tickets newest first.
func (s *Store) ListTickets(ctx context.Context, ws switchboard.WorkspaceID, q store.TicketQuery) (store.TicketPage, error) {
	var page store.TicketPage
	limit := store.ClampLimit(q.Limit, 50, 1, 200)
	where, args := ` WHERE t.workspace_id = ?`, []any{ws}
	if q.Cursor != "" {
		at, id, err := store.DecodeTicketCursor(q.Cursor)
		if err != nil {
			return page, fmt.Errorf("sqlite: list tickets: %w", err)
		}
		where, args = where+` AND (t.created_at, t.conversation_id) < (?, ?)`, append(args, ts(at), id)
	}
	if q.Restrict {
		if len(q.DepartmentIDs) == 0 {
			return page, nil
		}
		where += ` AND c.department_id IN (` + placeholders(len(q.DepartmentIDs)) + `)`
		for _, d := range q.DepartmentIDs {
			args = append(args, d)
		}
	}
	if len(q.ContactIDs) > 0 {
		where += ` AND c.contact_id IN (` + placeholders(len(q.ContactIDs)) + `)`
		for _, k := range q.ContactIDs {
			args = append(args, k)
		}
	}
	if q.Status != "" {
		where, args = where+` AND t.status = ?`, append(args, q.Status)
	}
	if q.Priority != "" {
		where, args = where+` AND t.priority = ?`, append(args, q.Priority)
	}
	if q.AssigneeID != "" {
		where, args = where+` AND c.assignee_id = ?`, append(args, q.AssigneeID)
	}
	if q.Breached {
		where += ` AND (t.first_reply_breached_at IS NOT NULL OR t.resolution_breached_at IS NOT NULL)`
	}
	rows, err := s.query(ctx, `SELECT `+ticketCols+`, `+conversationListCols+ticketFrom+where+
		` ORDER BY t.created_at DESC, t.conversation_id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return page, mapErr("list tickets", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return page, mapErr("list tickets", err)
		}
		page.Items = append(page.Items, t)
	}
	if err := rows.Err(); err != nil {
		return page, mapErr("list tickets", err)
	}
	rows.Close()
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = store.EncodeTicketCursor(last.CreatedAt, last.ConversationID)
	}
	contacts := make([]*switchboard.Contact, len(page.Items))
	for i := range page.Items {
		contacts[i] = page.Items[i].Conversation.Contact
	}
	return page, mapErr("list tickets", s.fillIdentities(ctx, contacts...))
}

// UpdateTicket applies a change and writes its outbox entries in one
// transaction.
func (s *Store) UpdateTicket(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, u store.TicketUpdate, outboxFor func(switchboard.Ticket) []store.OutboxEntry) (switchboard.Ticket, error) {
	if u.Status != nil && !u.Status.Valid() {
		return switchboard.Ticket{}, fmt.Errorf("sqlite: update ticket: invalid status %q", *u.Status)
	}
	if u.Priority != nil && !u.Priority.Valid() {
		return switchboard.Ticket{}, fmt.Errorf("sqlite: update ticket: invalid priority %q", *u.Priority)
	}
	sets, args := []string{`updated_at = ?`}, []any{ts(time.Now())}
	set := func(expr string, v any) { sets, args = append(sets, expr), append(args, v) }
	if u.Subject != nil {
		set(`subject = ?`, *u.Subject)
	}
	if u.Priority != nil {
		set(`priority = ?`, *u.Priority)
	}
	if u.Status != nil {
		set(`status = ?`, *u.Status)
	}
	if u.Fields != nil {
		f, err := encodeFields(*u.Fields)
		if err != nil {
			return switchboard.Ticket{}, fmt.Errorf("sqlite: update ticket: fields: %w", err)
		}
		set(`fields = ?`, f)
	}
	if u.MergedInto != nil {
		set(`merged_into = ?`, *u.MergedInto)
	}
	if u.FirstRepliedAt != nil {
		set(`first_replied_at = ?`, ts(*u.FirstRepliedAt))
	}
	switch {
	case u.ClearResolved:
		sets = append(sets, `resolved_at = NULL`)
	case u.ResolvedAt != nil:
		set(`resolved_at = ?`, ts(*u.ResolvedAt))
	}
	if u.FirstReplyDueAt != nil {
		set(`first_reply_due_at = ?`, ts(*u.FirstReplyDueAt))
	}
	if u.ResolutionDueAt != nil {
		set(`resolution_due_at = ?`, ts(*u.ResolutionDueAt))
	}
	if u.CustomerReadAt != nil {
		set(`customer_read_at = ?`, ts(*u.CustomerReadAt))
	}
	var out switchboard.Ticket
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tickets SET `+strings.Join(sets, ", ")+` WHERE workspace_id = ? AND conversation_id = ?`,
			append(args, ws, conv)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return sql.ErrNoRows
		}
		if out, err = ticketTx(ctx, tx, ws, conv); err != nil {
			return err
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, outboxFor(out))
		}
		return nil
	})
	return out, mapErr("update ticket", err)
}

// ticketsExist reports sql.ErrNoRows unless every id is a ticket of ws.
func ticketsExist(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID, ids ...switchboard.ConversationID) error {
	for _, id := range ids {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM tickets WHERE workspace_id = ? AND conversation_id = ?`, ws, id).Scan(&one); err != nil {
			return err
		}
	}
	return nil
}

// LinkTickets relates two tickets both ways.
func (s *Store) LinkTickets(ctx context.Context, ws switchboard.WorkspaceID, a, b switchboard.ConversationID) error {
	if a == b {
		return fmt.Errorf("sqlite: link tickets: a ticket cannot be linked to itself: %w", store.ErrConflict)
	}
	return mapErr("link tickets", s.write(ctx, func(tx *sql.Tx) error {
		if err := ticketsExist(ctx, tx, ws, a, b); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ticket_links (workspace_id, conversation_id, linked_id) VALUES (?1, ?2, ?3), (?1, ?3, ?2)
			ON CONFLICT DO NOTHING`, ws, a, b)
		return err
	}))
}

// UnlinkTickets removes the relation of two tickets.
func (s *Store) UnlinkTickets(ctx context.Context, ws switchboard.WorkspaceID, a, b switchboard.ConversationID) error {
	return mapErr("unlink tickets", s.write(ctx, func(tx *sql.Tx) error {
		if err := ticketsExist(ctx, tx, ws, a, b); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM ticket_links WHERE workspace_id = ?1
			AND ((conversation_id = ?2 AND linked_id = ?3) OR (conversation_id = ?3 AND linked_id = ?2))`, ws, a, b)
		return err
	}))
}
