package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// contactCols are a contact's columns (alias k), read by contactScan.
const contactCols = `k.id, k.workspace_id, k.name, k.email, k.phone, k.avatar_url, k.language, k.created_at, k.updated_at,
	k.email_verified, k.phone_verified, k.external_ref, k.attributes, k.labels, k.context, k.erased_at`

// conversationHead are a conversation's columns before its context.
const conversationHead = `c.id, c.workspace_id, c.channel_id, c.channel_type, c.contact_id, c.department_id,
	c.assignee_id, c.status, c.unread_count, c.marked_unread, c.labels, c.last_message, c.last_activity_at, c.created_at,
	c.last_read_at, c.priority, c.queued_at, c.customer_last_at`

// conversationCols read a conversation with its context and contact;
// conversationListCols leave the context out (lists do not fill it).
const (
	conversationCols     = conversationHead + `, c.context, ` + contactCols + `, ` + badgeCols
	conversationListCols = conversationHead + `, NULL::jsonb, ` + contactCols + `, ` + badgeCols
)

// badgeCols are the ticket's columns (alias t, NULL when the conversation
// is no ticket) that make Conversation.Ticket.
const badgeCols = `t.number, t.subject, t.priority, t.status, t.first_reply_due_at, t.resolution_due_at,
	t.first_replied_at, t.resolved_at, t.first_reply_breached_at, t.resolution_breached_at`

// conversationFrom joins a conversation's contact and, by its primary key,
// its ticket (one lookup per row: lists keep their conversations index).
const conversationFrom = ` FROM conversations c JOIN contacts k ON k.id = c.contact_id
	LEFT JOIN tickets t ON t.conversation_id = c.id`

// contactScan scans contactCols into k: Scan into dest(), then finish().
type contactScan struct {
	k              *switchboard.Contact
	attrs, context []byte
}

func (cs *contactScan) dest() []any {
	k := cs.k
	return []any{&k.ID, &k.WorkspaceID, &k.Name, &k.Email, &k.Phone, &k.AvatarURL, &k.Language, &k.CreatedAt, &k.UpdatedAt,
		&k.EmailVerified, &k.PhoneVerified, &k.ExternalRef, &cs.attrs, &k.Labels, &cs.context, &k.ErasedAt}
}

func (cs *contactScan) finish() error {
	k := cs.k
	k.CreatedAt, k.UpdatedAt, k.ErasedAt = utc(k.CreatedAt), utc(k.UpdatedAt), utcPtr(k.ErasedAt)
	if len(k.Labels) == 0 {
		k.Labels = nil
	}
	if err := store.DecodeJSON(string(cs.attrs), &k.Attributes); err != nil {
		return err
	}
	if len(k.Attributes) == 0 {
		k.Attributes = nil
	}
	return decodeContext(cs.context, &k.Context)
}

// decodeContext decodes a context column (NULL: none) into *dst.
func decodeContext(v []byte, dst **switchboard.CustomerContext) error {
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	*dst = &switchboard.CustomerContext{}
	return store.DecodeJSON(string(v), *dst)
}

// scanContact scans one row of contactCols.
func scanContact(row pgx.Row) (switchboard.Contact, error) {
	var k switchboard.Contact
	cs := contactScan{k: &k}
	if err := row.Scan(cs.dest()...); err != nil {
		return k, err
	}
	return k, cs.finish()
}

func scanConversation(row pgx.Row) (switchboard.Conversation, error) {
	var c switchboard.Conversation
	k := &switchboard.Contact{}
	cs := contactScan{k: k}
	var marked bool
	var context []byte
	var b badgeScan
	err := row.Scan(append(append([]any{&c.ID, &c.WorkspaceID, &c.ChannelID, &c.ChannelType, &c.ContactID, &c.DepartmentID,
		&c.AssigneeID, &c.Status, &c.UnreadCount, &marked, &c.Labels, &c.LastMessage, &c.LastActivityAt, &c.CreatedAt,
		&c.LastReadAt, &c.Priority, &c.QueuedAt, &c.CustomerLastAt, &context}, cs.dest()...), b.dest()...)...)
	if err != nil {
		return c, err
	}
	c.Ticket = b.badge()
	c.Unread = c.UnreadCount > 0 || marked
	if len(c.Labels) == 0 {
		c.Labels = nil
	}
	c.LastActivityAt, c.CreatedAt, c.LastReadAt, c.QueuedAt = utc(c.LastActivityAt), utc(c.CreatedAt), utcPtr(c.LastReadAt), utcPtr(c.QueuedAt)
	c.CustomerLastAt = utcPtr(c.CustomerLastAt)
	c.Contact = k
	if err := cs.finish(); err != nil {
		return c, err
	}
	return c, decodeContext(context, &c.Context)
}

// fillIdentities loads the identities of the given contacts.
func (s *Store) fillIdentities(ctx context.Context, contacts ...*switchboard.Contact) error {
	if len(contacts) == 0 {
		return nil
	}
	byID := make(map[switchboard.ContactID][]*switchboard.Contact, len(contacts))
	ids := make([]string, 0, len(contacts))
	for _, k := range contacts {
		if _, ok := byID[k.ID]; !ok {
			ids = append(ids, string(k.ID))
		}
		byID[k.ID] = append(byID[k.ID], k)
	}
	rows, err := s.pool.Query(ctx, `SELECT contact_id, channel_id, external_id, opted_out FROM identities
		WHERE contact_id = ANY($1) ORDER BY contact_id, created_at, channel_id, external_id`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id switchboard.ContactID
		var idn switchboard.Identity
		if err := rows.Scan(&id, &idn.ChannelID, &idn.ExternalID, &idn.OptedOut); err != nil {
			return err
		}
		for _, k := range byID[id] {
			k.Identities = append(k.Identities, idn)
		}
	}
	return rows.Err()
}

// GetConversation returns a conversation with its Contact filled.
func (s *Store) GetConversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error) {
	c, err := scanConversation(s.pool.QueryRow(ctx, `SELECT `+conversationCols+conversationFrom+` WHERE c.workspace_id = $1 AND c.id = $2`, ws, id))
	if err != nil {
		return switchboard.Conversation{}, mapErr("get conversation", err)
	}
	if err := s.fillIdentities(ctx, c.Contact); err != nil {
		return switchboard.Conversation{}, mapErr("get conversation", err)
	}
	return c, nil
}

// ListConversations pages conversations by last activity, newest first.
func (s *Store) ListConversations(ctx context.Context, ws switchboard.WorkspaceID, q store.ConversationQuery) (store.ConversationPage, error) {
	var page store.ConversationPage
	limit := store.ClampLimit(q.Limit, 50, 1, 200)
	args := []any{ws}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := ` WHERE c.workspace_id = $1`
	if q.Cursor != "" {
		at, id, err := decodeConvCursor(q.Cursor)
		if err != nil {
			return page, fmt.Errorf("postgres: list conversations: %w", err)
		}
		where += ` AND (c.last_activity_at, c.id) < (` + arg(at) + `, ` + arg(id) + `)`
	}
	if q.Restrict {
		if len(q.DepartmentIDs) == 0 {
			return page, nil
		}
		where += ` AND c.department_id = ANY(` + arg(strs(q.DepartmentIDs)) + `)`
	}
	if q.Status != "" {
		where += ` AND c.status = ` + arg(string(q.Status))
	}
	if q.ChannelID != "" {
		where += ` AND c.channel_id = ` + arg(string(q.ChannelID))
	}
	switch {
	case q.Unassigned:
		where += ` AND c.assignee_id = ''`
	case q.AssigneeID != "":
		where += ` AND c.assignee_id = ` + arg(string(q.AssigneeID))
	}
	if q.DepartmentID != "" {
		where += ` AND c.department_id = ` + arg(string(q.DepartmentID))
	}
	if q.Unread {
		where += ` AND (c.unread_count > 0 OR c.marked_unread)`
	}
	if q.Label != "" {
		where += ` AND c.labels @> ARRAY[` + arg(q.Label) + `]::text[]`
	}
	if q.Contact != "" {
		like := arg("%" + escapeLike(q.Contact) + "%")
		where += ` AND (k.name ILIKE ` + like + ` OR k.email ILIKE ` + like + ` OR k.phone ILIKE ` + like + `)`
	}
	rows, err := s.pool.Query(ctx, `SELECT `+conversationListCols+conversationFrom+where+
		` ORDER BY c.last_activity_at DESC, c.id DESC LIMIT `+arg(limit+1), args...)
	if err != nil {
		return page, mapErr("list conversations", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return page, mapErr("list conversations", err)
		}
		page.Items = append(page.Items, c)
	}
	if err := rows.Err(); err != nil {
		return page, mapErr("list conversations", err)
	}
	rows.Close()
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = encodeConvCursor(last.LastActivityAt, string(last.ID))
	}
	contacts := make([]*switchboard.Contact, len(page.Items))
	for i := range page.Items {
		contacts[i] = page.Items[i].Contact
	}
	if err := s.fillIdentities(ctx, contacts...); err != nil {
		return store.ConversationPage{}, mapErr("list conversations", err)
	}
	return page, nil
}

// FindConversation returns the latest conversation of the contact known on
// channel as sender.
func (s *Store) FindConversation(ctx context.Context, channel switchboard.ChannelID, sender switchboard.ExternalID) (switchboard.Conversation, error) {
	c, err := scanConversation(s.pool.QueryRow(ctx, `SELECT `+conversationCols+conversationFrom+`
		JOIN identities i ON i.contact_id = c.contact_id AND i.channel_id = c.channel_id
		WHERE i.channel_id = $1 AND i.external_id = $2
		ORDER BY c.created_at DESC, c.id DESC LIMIT 1`, channel, sender))
	if err != nil {
		return switchboard.Conversation{}, mapErr("find conversation", err)
	}
	if err := s.fillIdentities(ctx, c.Contact); err != nil {
		return switchboard.Conversation{}, mapErr("find conversation", err)
	}
	return c, nil
}

// updateConversation runs an UPDATE of one conversation of the workspace
// ($1 workspace, $2 id, $3 the value) and reports whether a row changed;
// ErrNotFound when the conversation is not in the workspace.
func (s *Store) updateConversation(ctx context.Context, what, set, where string, ws switchboard.WorkspaceID, id switchboard.ConversationID, args ...any) (bool, error) {
	var changed bool
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE conversations SET `+set+` WHERE workspace_id = $1 AND id = $2`+where,
			append([]any{ws, id}, args...)...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() > 0 {
			changed = true
			return nil
		}
		var one int
		return tx.QueryRow(ctx, `SELECT 1 FROM conversations WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&one)
	})
	return changed, mapErr(what, err)
}

// SetConversationDepartment routes a conversation and reports whether the
// department changed.
func (s *Store) SetConversationDepartment(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, dept switchboard.DepartmentID) (bool, error) {
	return s.updateConversation(ctx, "set conversation department", `department_id = $3`, ` AND department_id <> $3`, ws, id, string(dept))
}

// SetConversationStatus changes a conversation's status.
func (s *Store) SetConversationStatus(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, status switchboard.ConversationStatus) error {
	if !status.Valid() {
		return fmt.Errorf("postgres: set conversation status: invalid status %q", status)
	}
	_, err := s.updateConversation(ctx, "set conversation status", `status = $3`, ``, ws, id, string(status))
	return err
}

// MarkConversationRead sets the unread count to zero.
func (s *Store) MarkConversationRead(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) error {
	_, err := s.updateConversation(ctx, "mark conversation read", `unread_count = 0, marked_unread = false, last_read_at = now()`, ``, ws, id)
	return err
}

// UpdateConversation applies a change and writes its outbox entries in
// one transaction.
func (s *Store) UpdateConversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, u store.ConversationUpdate, outboxFor func(switchboard.Conversation) []store.OutboxEntry) (switchboard.Conversation, error) {
	if u.Status != nil && !u.Status.Valid() {
		return switchboard.Conversation{}, fmt.Errorf("postgres: update conversation: invalid status %q", *u.Status)
	}
	var sets []string
	args := []any{ws, id}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if u.Status != nil {
		sets = append(sets, `status = `+arg(string(*u.Status)))
	}
	if u.AssigneeID != nil {
		sets = append(sets, `assignee_id = `+arg(string(*u.AssigneeID)))
	}
	if u.DepartmentID != nil {
		sets = append(sets, `department_id = `+arg(string(*u.DepartmentID)))
	}
	if u.Unread != nil {
		if *u.Unread {
			sets = append(sets, `marked_unread = true`)
		} else {
			sets = append(sets, `unread_count = 0, marked_unread = false, last_read_at = now()`)
		}
	}
	if u.Labels != nil {
		labels := *u.Labels
		if labels == nil {
			labels = []string{}
		}
		sets = append(sets, `labels = `+arg(labels))
	}
	var conv switchboard.Conversation
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		if len(sets) > 0 {
			tag, err := tx.Exec(ctx, `UPDATE conversations SET `+strings.Join(sets, ", ")+` WHERE workspace_id = $1 AND id = $2`, args...)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return pgx.ErrNoRows
			}
		}
		var err error
		if conv, err = conversationTx(ctx, tx, ws, id); err != nil {
			return err
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, time.Now().UTC(), outboxFor(conv))
		}
		return nil
	})
	if err != nil {
		return switchboard.Conversation{}, mapErr("update conversation", err)
	}
	return conv, nil
}

// conversationTx reads a conversation of the workspace, Contact and its
// identities filled, inside a transaction.
func conversationTx(ctx context.Context, tx pgx.Tx, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error) {
	conv, err := scanConversation(tx.QueryRow(ctx, `SELECT `+conversationCols+conversationFrom+` WHERE c.workspace_id = $1 AND c.id = $2`, ws, id))
	if err != nil {
		return switchboard.Conversation{}, err
	}
	return conv, fillIdentitiesTx(ctx, tx, conv.Contact)
}

// fillIdentitiesTx loads a contact's identities inside a transaction.
func fillIdentitiesTx(ctx context.Context, tx pgx.Tx, k *switchboard.Contact) error {
	rows, err := tx.Query(ctx, `SELECT channel_id, external_id, opted_out FROM identities
		WHERE contact_id = $1 ORDER BY created_at, channel_id, external_id`, k.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var idn switchboard.Identity
		if err := rows.Scan(&idn.ChannelID, &idn.ExternalID, &idn.OptedOut); err != nil {
			return err
		}
		k.Identities = append(k.Identities, idn)
	}
	return rows.Err()
}

// DeliveryTarget returns where replies into a conversation go.
func (s *Store) DeliveryTarget(ctx context.Context, id switchboard.ConversationID) (store.DeliveryTarget, error) {
	var t store.DeliveryTarget
	var opted *bool
	err := s.pool.QueryRow(ctx, `SELECT c.workspace_id, c.id, c.channel_id, c.channel_type, c.recipient,
			i.opted_out, c.thread_ref, c.customer_last_at
		FROM conversations c
		LEFT JOIN identities i ON i.channel_id = c.channel_id AND i.external_id = c.recipient
		WHERE c.id = $1`, id).
		Scan(&t.WorkspaceID, &t.ConversationID, &t.ChannelID, &t.ChannelType, &t.Recipient, &opted, &t.ThreadRef, &t.CustomerLastAt)
	if err != nil {
		return store.DeliveryTarget{}, mapErr("delivery target", err)
	}
	t.OptedOut, t.CustomerLastAt = opted != nil && *opted, utcPtr(t.CustomerLastAt)
	return t, nil
}

// TakeReplyToken returns the conversation's reply token if still valid at
// now and clears it.
func (s *Store) TakeReplyToken(ctx context.Context, id switchboard.ConversationID, now time.Time) (string, error) {
	var tok string
	var until *time.Time
	// The old values come from the locked row the UPDATE replaced.
	err := s.pool.QueryRow(ctx, `UPDATE conversations c SET reply_token = '', reply_until = NULL
		FROM (SELECT id, reply_token, reply_until FROM conversations WHERE id = $1 FOR UPDATE) old
		WHERE c.id = old.id
		RETURNING old.reply_token, old.reply_until`, id).Scan(&tok, &until)
	if err != nil {
		return "", mapErr("take reply token", err)
	}
	if until != nil && !until.After(now) {
		tok = ""
	}
	return tok, nil
}

// GetContact returns a contact with its identities (an erased one too).
func (s *Store) GetContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID) (switchboard.Contact, error) {
	k, err := scanContact(s.pool.QueryRow(ctx, `SELECT `+contactCols+` FROM contacts k WHERE k.workspace_id = $1 AND k.id = $2`, ws, id))
	if err != nil {
		return switchboard.Contact{}, mapErr("get contact", err)
	}
	if err := s.fillIdentities(ctx, &k); err != nil {
		return switchboard.Contact{}, mapErr("get contact", err)
	}
	return k, nil
}
