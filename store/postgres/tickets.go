package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// ticketCols are a ticket's columns (alias t); reads of a ticket select
// them before conversationCols.
const ticketCols = `t.conversation_id, t.workspace_id, t.number, t.subject, t.priority, t.status, t.source, t.fields,
	t.first_reply_due_at, t.resolution_due_at, t.first_replied_at, t.resolved_at,
	t.first_reply_breached_at, t.resolution_breached_at, t.merged_into, t.customer_read_at, t.created_at, t.updated_at`

// ticketFrom joins a ticket's conversation and contact.
const ticketFrom = ` FROM tickets t JOIN conversations c ON c.id = t.conversation_id JOIN contacts k ON k.id = c.contact_id`

// badgeScan scans badgeCols (NULL when the conversation is no ticket).
// pgtype values rather than pointers: the inbox list scans them for
// every row.
type badgeScan struct {
	number                                                pgtype.Int8
	subject, priority, status                             pgtype.Text
	frDue, resDue, replied, resolved, frBreach, resBreach pgtype.Timestamptz
}

func (b *badgeScan) dest() []any {
	return []any{&b.number, &b.subject, &b.priority, &b.status, &b.frDue, &b.resDue, &b.replied, &b.resolved, &b.frBreach, &b.resBreach}
}

// tsPtr returns a NULL-able timestamp as *time.Time in UTC.
func tsPtr(v pgtype.Timestamptz) *time.Time {
	if !v.Valid {
		return nil
	}
	t := v.Time.UTC()
	return &t
}

func (b *badgeScan) badge() *switchboard.TicketBadge {
	if !b.number.Valid {
		return nil
	}
	return store.Badge(switchboard.Ticket{Number: b.number.Int64, Subject: b.subject.String,
		Priority: switchboard.TicketPriority(b.priority.String), Status: switchboard.TicketStatus(b.status.String),
		FirstReplyDueAt: tsPtr(b.frDue), ResolutionDueAt: tsPtr(b.resDue), FirstRepliedAt: tsPtr(b.replied), ResolvedAt: tsPtr(b.resolved),
		FirstReplyBreachedAt: tsPtr(b.frBreach), ResolutionBreachedAt: tsPtr(b.resBreach)}, time.Now())
}

// prefixScan scans pre first, then what its caller asks for: a ticket's
// columns before its conversation's.
type prefixScan struct {
	row pgx.Row
	pre []any
}

func (p prefixScan) Scan(dest ...any) error { return p.row.Scan(append(p.pre, dest...)...) }

// scanTicket scans ticketCols and conversationCols (or conversationListCols).
func scanTicket(row pgx.Row) (switchboard.Ticket, error) {
	var t switchboard.Ticket
	var fields []byte
	conv, err := scanConversation(prefixScan{row: row, pre: []any{&t.ConversationID, &t.WorkspaceID, &t.Number, &t.Subject, &t.Priority,
		&t.Status, &t.Source, &fields, &t.FirstReplyDueAt, &t.ResolutionDueAt, &t.FirstRepliedAt, &t.ResolvedAt,
		&t.FirstReplyBreachedAt, &t.ResolutionBreachedAt, &t.MergedInto, &t.CustomerReadAt, &t.CreatedAt, &t.UpdatedAt}})
	if err != nil {
		return t, err
	}
	t.FirstReplyDueAt, t.ResolutionDueAt = utcPtr(t.FirstReplyDueAt), utcPtr(t.ResolutionDueAt)
	t.FirstRepliedAt, t.ResolvedAt = utcPtr(t.FirstRepliedAt), utcPtr(t.ResolvedAt)
	t.FirstReplyBreachedAt, t.ResolutionBreachedAt = utcPtr(t.FirstReplyBreachedAt), utcPtr(t.ResolutionBreachedAt)
	t.CustomerReadAt, t.CreatedAt, t.UpdatedAt = utcPtr(t.CustomerReadAt), utc(t.CreatedAt), utc(t.UpdatedAt)
	t.Conversation = &conv
	t.Links = []switchboard.ConversationID{}
	t.Fields = map[string]any{}
	if len(fields) > 0 {
		if err := json.Unmarshal(fields, &t.Fields); err != nil {
			return t, fmt.Errorf("ticket %s fields: %w", t.ConversationID, err)
		}
		if t.Fields == nil {
			t.Fields = map[string]any{}
		}
	}
	return t, nil
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
func ticketTx(ctx context.Context, tx pgx.Tx, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Ticket, error) {
	t, err := scanTicket(tx.QueryRow(ctx, `SELECT `+ticketCols+`, `+conversationCols+ticketFrom+
		` WHERE t.workspace_id = $1 AND t.conversation_id = $2`, ws, id))
	if err != nil {
		return t, err
	}
	if err := fillIdentitiesTx(ctx, tx, t.Conversation.Contact); err != nil {
		return t, err
	}
	rows, err := tx.Query(ctx, `SELECT linked_id FROM ticket_links WHERE conversation_id = $1 ORDER BY linked_id`, id)
	if err != nil {
		return t, err
	}
	links, err := pgx.CollectRows(rows, pgx.RowTo[switchboard.ConversationID])
	if err != nil {
		return t, err
	}
	t.Links = append(t.Links, links...)
	return t, nil
}

// readTicket runs ticketTx in a read-only transaction.
func (s *Store) readTicket(ctx context.Context, what string, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Ticket, error) {
	var t switchboard.Ticket
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		t, err = ticketTx(ctx, tx, ws, id)
		return err
	})
	return t, mapErr(what, err)
}

// nextTicketNumber takes the workspace's next ticket number. The counter
// row stays locked until the transaction ends, so concurrent creators on
// any process take distinct numbers, in order.
func nextTicketNumber(ctx context.Context, tx pgx.Tx, ws switchboard.WorkspaceID) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, `INSERT INTO ticket_counters (workspace_id, last_number) VALUES ($1, 1)
		ON CONFLICT (workspace_id) DO UPDATE SET last_number = ticket_counters.last_number + 1 RETURNING last_number`, ws).Scan(&n)
	return n, err
}

// insertTicket stores t with the next number; ErrConflict when the
// conversation is a ticket already.
func insertTicket(ctx context.Context, tx pgx.Tx, t *switchboard.Ticket) error {
	store.TicketDefaults(t)
	if err := store.CheckTicket(t.Status, t.Priority); err != nil {
		return err
	}
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM tickets WHERE conversation_id = $1`, t.ConversationID).Scan(&one)
	if err == nil {
		return fmt.Errorf("conversation %s is a ticket already: %w", t.ConversationID, store.ErrConflict)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
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
	updated := created
	if !t.UpdatedAt.IsZero() {
		updated = t.UpdatedAt.UTC()
	}
	// A concurrent creator of the same conversation's ticket makes this a
	// unique violation: ErrConflict as well.
	_, err = tx.Exec(ctx, `INSERT INTO tickets (conversation_id, workspace_id, number, subject, priority, status, source, fields,
			first_reply_due_at, resolution_due_at, first_replied_at, resolved_at, first_reply_breached_at, resolution_breached_at,
			merged_into, customer_read_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		t.ConversationID, t.WorkspaceID, t.Number, t.Subject, t.Priority, t.Status, t.Source, fields,
		utcPtr(t.FirstReplyDueAt), utcPtr(t.ResolutionDueAt), utcPtr(t.FirstRepliedAt), utcPtr(t.ResolvedAt),
		utcPtr(t.FirstReplyBreachedAt), utcPtr(t.ResolutionBreachedAt), t.MergedInto, utcPtr(t.CustomerReadAt), created, updated)
	return err
}

// CreateTicket makes a conversation a ticket with the next number.
func (s *Store) CreateTicket(ctx context.Context, t switchboard.Ticket, outboxFor func(switchboard.Ticket) []store.OutboxEntry) (switchboard.Ticket, error) {
	var out switchboard.Ticket
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		in := t
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM conversations WHERE workspace_id = $1 AND id = $2`, in.WorkspaceID, in.ConversationID).Scan(&one); err != nil {
			return err
		}
		if err := insertTicket(ctx, tx, &in); err != nil {
			return err
		}
		var err error
		if out, err = ticketTx(ctx, tx, in.WorkspaceID, in.ConversationID); err != nil {
			return err
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, time.Now().UTC(), outboxFor(out))
		}
		return nil
	})
	return out, mapErr("create ticket", err)
}

// OpenTicket stores a customer's new ticket with its contact, conversation
// and first message in one transaction (retried when a concurrent first
// contact of the same customer created the identity first).
func (s *Store) OpenTicket(ctx context.Context, req store.OpenTicketRequest, outboxFor func(switchboard.Ticket, switchboard.Message) []store.OutboxEntry) (switchboard.Ticket, error) {
	if req.ConversationID == "" || req.Message.ID == "" || req.Sender == "" {
		return switchboard.Ticket{}, errors.New("postgres: open ticket: conversation id, message id and sender are required")
	}
	msg := req.Message
	msg.WorkspaceID, msg.ConversationID, msg.ChannelID = req.WorkspaceID, req.ConversationID, req.ChannelID
	msg.Direction, msg.Status = switchboard.DirectionIn, switchboard.StatusDelivered
	msg.CreatedAt = orNow(msg.CreatedAt).Truncate(time.Microsecond)
	parts, err := json.Marshal(msg.Parts)
	if err != nil {
		return switchboard.Ticket{}, fmt.Errorf("postgres: open ticket: %w", err)
	}
	text := msg.Text()
	preview := store.Preview(text, msg.Parts)
	at := msg.CreatedAt
	var out switchboard.Ticket
	err = s.tx(ctx, true, func(tx pgx.Tx) error {
		var chType string
		if err := tx.QueryRow(ctx, `SELECT type FROM channels WHERE workspace_id = $1 AND id = $2`, req.WorkspaceID, req.ChannelID).Scan(&chType); err != nil {
			return err
		}
		now := time.Now().UTC()
		var contact switchboard.ContactID
		err := tx.QueryRow(ctx, qFindIdentity, req.ChannelID, req.Sender).Scan(&contact)
		p := req.Profile
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			contact = req.ContactID
			if contact == "" {
				return errors.New("no contact id for a new contact")
			}
			if _, err := tx.Exec(ctx, qInsertContact, contact, req.WorkspaceID, p.Name, p.Email, p.Phone, p.AvatarURL, p.Language, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, qInsertIdentity, req.ChannelID, req.Sender, contact, false, now); err != nil {
				return err
			}
		case err != nil:
			return err
		case p != (switchboard.Profile{}):
			if _, err := tx.Exec(ctx, qFillProfile, p.Name, p.Email, p.Phone, p.AvatarURL, p.Language, now, contact); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, qInsertConversation, req.ConversationID, req.WorkspaceID, req.ChannelID, chType,
			contact, req.DepartmentID, preview, at, req.Sender, "", nil, "", 1, at); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, qInsertMessageVia, msg.ID, msg.WorkspaceID, msg.ConversationID, msg.ChannelID,
			msg.Direction, string(parts), text, msg.ExternalID, "", msg.Status, "", at, msg.Via); err != nil {
			return err
		}
		t := req.Ticket
		t.WorkspaceID, t.ConversationID = req.WorkspaceID, req.ConversationID
		if t.CreatedAt.IsZero() {
			t.CreatedAt = msg.CreatedAt
		}
		if err := insertTicket(ctx, tx, &t); err != nil {
			return err
		}
		if out, err = ticketTx(ctx, tx, req.WorkspaceID, req.ConversationID); err != nil {
			return err
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, now, outboxFor(out, msg))
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
	if err := s.pool.QueryRow(ctx, `SELECT conversation_id FROM tickets WHERE workspace_id = $1 AND number = $2`, ws, number).Scan(&id); err != nil {
		return switchboard.Ticket{}, mapErr("get ticket by number", err)
	}
	return s.readTicket(ctx, "get ticket by number", ws, id)
}

// ListTickets pages tickets newest first.
func (s *Store) ListTickets(ctx context.Context, ws switchboard.WorkspaceID, q store.TicketQuery) (store.TicketPage, error) {
	var page store.TicketPage
	limit := store.ClampLimit(q.Limit, 50, 1, 200)
	args := []any{ws}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := ` WHERE t.workspace_id = $1`
	if q.Cursor != "" {
		at, id, err := store.DecodeTicketCursor(q.Cursor)
		if err != nil {
			return page, fmt.Errorf("postgres: list tickets: %w", err)
		}
		where += ` AND (t.created_at, t.conversation_id) < (` + arg(at) + `, ` + arg(string(id)) + `)`
	}
	if q.Restrict {
		if len(q.DepartmentIDs) == 0 {
			return page, nil
		}
		where += ` AND c.department_id = ANY(` + arg(strs(q.DepartmentIDs)) + `)`
	}
	if len(q.ContactIDs) > 0 {
		where += ` AND c.contact_id = ANY(` + arg(strs(q.ContactIDs)) + `)`
	}
	if q.Status != "" {
		where += ` AND t.status = ` + arg(string(q.Status))
	}
	if q.Priority != "" {
		where += ` AND t.priority = ` + arg(string(q.Priority))
	}
	if q.AssigneeID != "" {
		where += ` AND c.assignee_id = ` + arg(string(q.AssigneeID))
	}
	if q.Breached {
		where += ` AND (t.first_reply_breached_at IS NOT NULL OR t.resolution_breached_at IS NOT NULL)`
	}
	rows, err := s.pool.Query(ctx, `SELECT `+ticketCols+`, `+conversationListCols+ticketFrom+where+
		` ORDER BY t.created_at DESC, t.conversation_id DESC LIMIT `+arg(limit+1), args...)
	if err != nil {
		return page, mapErr("list tickets", err)
	}
	page.Items, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (switchboard.Ticket, error) { return scanTicket(row) })
	if err != nil {
		return store.TicketPage{}, mapErr("list tickets", err)
	}
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
		return switchboard.Ticket{}, fmt.Errorf("postgres: update ticket: invalid status %q", *u.Status)
	}
	if u.Priority != nil && !u.Priority.Valid() {
		return switchboard.Ticket{}, fmt.Errorf("postgres: update ticket: invalid priority %q", *u.Priority)
	}
	args := []any{}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	sets := []string{`updated_at = ` + arg(time.Now().UTC())}
	set := func(col string, v any) { sets = append(sets, col+` = `+arg(v)) }
	if u.Subject != nil {
		set(`subject`, *u.Subject)
	}
	if u.Priority != nil {
		set(`priority`, string(*u.Priority))
	}
	if u.Status != nil {
		set(`status`, string(*u.Status))
	}
	if u.Fields != nil {
		f, err := encodeFields(*u.Fields)
		if err != nil {
			return switchboard.Ticket{}, fmt.Errorf("postgres: update ticket: fields: %w", err)
		}
		set(`fields`, f)
	}
	if u.MergedInto != nil {
		set(`merged_into`, string(*u.MergedInto))
	}
	if u.FirstRepliedAt != nil {
		set(`first_replied_at`, u.FirstRepliedAt.UTC())
	}
	switch {
	case u.ClearResolved:
		sets = append(sets, `resolved_at = NULL`)
	case u.ResolvedAt != nil:
		set(`resolved_at`, u.ResolvedAt.UTC())
	}
	if u.FirstReplyDueAt != nil {
		set(`first_reply_due_at`, u.FirstReplyDueAt.UTC())
	}
	if u.ResolutionDueAt != nil {
		set(`resolution_due_at`, u.ResolutionDueAt.UTC())
	}
	if u.CustomerReadAt != nil {
		set(`customer_read_at`, u.CustomerReadAt.UTC())
	}
	q := `UPDATE tickets SET ` + strings.Join(sets, ", ") + ` WHERE workspace_id = ` + arg(ws) + ` AND conversation_id = ` + arg(conv)
	var out switchboard.Ticket
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		if out, err = ticketTx(ctx, tx, ws, conv); err != nil {
			return err
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, time.Now().UTC(), outboxFor(out))
		}
		return nil
	})
	return out, mapErr("update ticket", err)
}

// ticketsExist reports pgx.ErrNoRows unless every id is a ticket of ws.
func ticketsExist(ctx context.Context, tx pgx.Tx, ws switchboard.WorkspaceID, ids ...switchboard.ConversationID) error {
	for _, id := range ids {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM tickets WHERE workspace_id = $1 AND conversation_id = $2`, ws, id).Scan(&one); err != nil {
			return err
		}
	}
	return nil
}

// LinkTickets relates two tickets both ways.
func (s *Store) LinkTickets(ctx context.Context, ws switchboard.WorkspaceID, a, b switchboard.ConversationID) error {
	if a == b {
		return fmt.Errorf("postgres: link tickets: a ticket cannot be linked to itself: %w", store.ErrConflict)
	}
	return mapErr("link tickets", s.tx(ctx, false, func(tx pgx.Tx) error {
		if err := ticketsExist(ctx, tx, ws, a, b); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO ticket_links (workspace_id, conversation_id, linked_id) VALUES ($1, $2, $3), ($1, $3, $2)
			ON CONFLICT DO NOTHING`, ws, a, b)
		return err
	}))
}

// UnlinkTickets removes the relation of two tickets.
func (s *Store) UnlinkTickets(ctx context.Context, ws switchboard.WorkspaceID, a, b switchboard.ConversationID) error {
	return mapErr("unlink tickets", s.tx(ctx, false, func(tx pgx.Tx) error {
		if err := ticketsExist(ctx, tx, ws, a, b); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM ticket_links WHERE workspace_id = $1
			AND ((conversation_id = $2 AND linked_id = $3) OR (conversation_id = $3 AND linked_id = $2))`, ws, a, b)
		return err
	}))
}
