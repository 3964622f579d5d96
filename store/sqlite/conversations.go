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
	conversationListCols = conversationHead + `, '', ` + contactCols + `, ` + badgeCols
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
	k                      *switchboard.Contact
	created, updated       int64
	attrs, labels, context string
	erased                 sql.NullInt64
}

func (cs *contactScan) dest() []any {
	k := cs.k
	return []any{&k.ID, &k.WorkspaceID, &k.Name, &k.Email, &k.Phone, &k.AvatarURL, &k.Language, &cs.created, &cs.updated,
		&k.EmailVerified, &k.PhoneVerified, &k.ExternalRef, &cs.attrs, &cs.labels, &cs.context, &cs.erased}
}

func (cs *contactScan) finish() error {
	k := cs.k
	k.CreatedAt, k.UpdatedAt, k.ErasedAt = fromTS(cs.created), fromTS(cs.updated), ptrTS(cs.erased)
	return decodeContextJSON(cs.context, &k.Context, store.DecodeJSON(cs.attrs, &k.Attributes), store.DecodeJSON(cs.labels, &k.Labels))
}

// decodeContextJSON decodes a context column into *dst, after the errors
// of earlier decodes (the first one wins).
func decodeContextJSON(v string, dst **switchboard.CustomerContext, earlier ...error) error {
	if err := errors.Join(earlier...); err != nil {
		return err
	}
	if v == "" {
		return nil
	}
	*dst = &switchboard.CustomerContext{}
	return store.DecodeJSON(v, *dst)
}

// scanContact scans one row of contactCols.
func scanContact(sc interface{ Scan(...any) error }) (switchboard.Contact, error) {
	var k switchboard.Contact
	cs := contactScan{k: &k}
	if err := sc.Scan(cs.dest()...); err != nil {
		return k, err
	}
	return k, cs.finish()
}

func scanConversation(sc interface{ Scan(...any) error }) (switchboard.Conversation, error) {
	var c switchboard.Conversation
	k := &switchboard.Contact{}
	cs := contactScan{k: k}
	var last, created int64
	var read, queued, customer sql.NullInt64
	var marked bool
	var labels, context string
	var b badgeScan
	err := sc.Scan(append(append([]any{&c.ID, &c.WorkspaceID, &c.ChannelID, &c.ChannelType, &c.ContactID, &c.DepartmentID,
		&c.AssigneeID, &c.Status, &c.UnreadCount, &marked, &labels, &c.LastMessage, &last, &created, &read, &c.Priority, &queued, &customer, &context},
		cs.dest()...), b.dest()...)...)
	if err != nil {
		return c, err
	}
	c.Ticket = b.badge()
	c.Labels, err = decodeLabels(labels)
	c.Unread = c.UnreadCount > 0 || marked
	c.LastActivityAt, c.CreatedAt, c.LastReadAt, c.QueuedAt = fromTS(last), fromTS(created), ptrTS(read), ptrTS(queued)
	c.CustomerLastAt = ptrTS(customer)
	c.Contact = k
	return c, decodeContextJSON(context, &c.Context, err, cs.finish())
}

// fillIdentities loads the identities of the given contacts.
func (s *Store) fillIdentities(ctx context.Context, contacts ...*switchboard.Contact) error {
	if len(contacts) == 0 {
		return nil
	}
	byID := make(map[switchboard.ContactID][]*switchboard.Contact, len(contacts))
	args := make([]any, 0, len(contacts))
	for _, k := range contacts {
		if _, ok := byID[k.ID]; !ok {
			args = append(args, k.ID)
		}
		byID[k.ID] = append(byID[k.ID], k)
	}
	rows, err := s.query(ctx, `SELECT contact_id, channel_id, external_id, opted_out FROM identities
		WHERE contact_id IN (`+placeholders(len(args))+`) ORDER BY contact_id, created_at, channel_id, external_id`, args...)
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
	c, err := scanConversation(s.queryRow(ctx,
		`SELECT `+conversationCols+conversationFrom+` WHERE c.workspace_id = ? AND c.id = ?`, ws, id))
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
	where := ` WHERE c.workspace_id = ?`
	args := []any{ws}
	if q.Cursor != "" {
		at, id, err := decodeConvCursor(q.Cursor)
		if err != nil {
			return page, fmt.Errorf("sqlite: list conversations: %w", err)
		}
		where += ` AND (c.last_activity_at, c.id) < (?, ?)`
		args = append(args, at, id)
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
	if q.Status != "" {
		where += ` AND c.status = ?`
		args = append(args, q.Status)
	}
	if q.ChannelID != "" {
		where += ` AND c.channel_id = ?`
		args = append(args, q.ChannelID)
	}
	switch {
	case q.Unassigned:
		where += ` AND c.assignee_id = ''`
	case q.AssigneeID != "":
		where += ` AND c.assignee_id = ?`
		args = append(args, q.AssigneeID)
	}
	if q.DepartmentID != "" {
		where += ` AND c.department_id = ?`
		args = append(args, q.DepartmentID)
	}
	if q.Unread {
		where += ` AND (c.unread_count > 0 OR c.marked_unread = 1)`
	}
	if q.Label != "" {
		where += ` AND c.id IN (SELECT l.conversation_id FROM conversation_labels l WHERE l.workspace_id = ? AND l.label = ?)`
		args = append(args, ws, q.Label)
	}
	if q.Contact != "" {
		like := "%" + escapeLike(q.Contact) + "%"
		where += ` AND (k.name LIKE ? ESCAPE '\' OR k.email LIKE ? ESCAPE '\' OR k.phone LIKE ? ESCAPE '\')`
		args = append(args, like, like, like)
	}
	args = append(args, limit+1)
	rows, err := s.query(ctx, `SELECT `+conversationListCols+conversationFrom+where+
		` ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?`, args...)
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
		page.Next = encodeConvCursor(ts(last.LastActivityAt), string(last.ID))
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
	c, err := scanConversation(s.queryRow(ctx, `SELECT `+conversationCols+conversationFrom+`
		JOIN identities i ON i.contact_id = c.contact_id AND i.channel_id = c.channel_id
		WHERE i.channel_id = ? AND i.external_id = ?
		ORDER BY c.created_at DESC, c.id DESC LIMIT 1`, channel, sender))
	if err != nil {
		return switchboard.Conversation{}, mapErr("find conversation", err)
	}
	if err := s.fillIdentities(ctx, c.Contact); err != nil {
		return switchboard.Conversation{}, mapErr("find conversation", err)
	}
	return c, nil
}

// updateConversation runs an UPDATE of one conversation of the workspace and
// reports whether a row changed; ErrNotFound when the conversation is not
// in the workspace.
func (s *Store) updateConversation(ctx context.Context, what string, ws switchboard.WorkspaceID, id switchboard.ConversationID, set string, setArg any, where string, whereArg any) (bool, error) {
	var changed bool
	args := []any{}
	if setArg != nil {
		args = append(args, setArg)
	}
	args = append(args, ws, id)
	if whereArg != nil {
		args = append(args, whereArg)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET `+set+` WHERE workspace_id = ? AND id = ?`+where, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n > 0 {
			changed = true
			return nil
		}
		var one int
		return tx.QueryRowContext(ctx, `SELECT 1 FROM conversations WHERE workspace_id = ? AND id = ?`, ws, id).Scan(&one)
	})
	return changed, mapErr(what, err)
}

// SetConversationDepartment routes a conversation and reports whether the
// department changed.
func (s *Store) SetConversationDepartment(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, dept switchboard.DepartmentID) (bool, error) {
	return s.updateConversation(ctx, "set conversation department", ws, id,
		`department_id = ?`, dept, ` AND department_id <> ?`, dept)
}

// SetConversationStatus changes a conversation's status.
func (s *Store) SetConversationStatus(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, status switchboard.ConversationStatus) error {
	if !status.Valid() {
		return fmt.Errorf("sqlite: set conversation status: invalid status %q", status)
	}
	_, err := s.updateConversation(ctx, "set conversation status", ws, id, `status = ?`, status, ``, nil)
	return err
}

// MarkConversationRead sets the unread count to zero (and clears an
// operator's unread mark).
func (s *Store) MarkConversationRead(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) error {
	_, err := s.updateConversation(ctx, "mark conversation read", ws, id, `unread_count = 0, marked_unread = 0, last_read_at = ?`, ts(time.Now()), ``, nil)
	return err
}

// decodeLabels reads the labels column (a JSON array, or ” for none).
func decodeLabels(v string) ([]string, error) {
	if v == "" || v == "[]" {
		return nil, nil
	}
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	return out, nil
}

// UpdateConversation applies a change and writes its outbox entries in
// one transaction.
func (s *Store) UpdateConversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, u store.ConversationUpdate, outboxFor func(switchboard.Conversation) []store.OutboxEntry) (switchboard.Conversation, error) {
	if u.Status != nil && !u.Status.Valid() {
		return switchboard.Conversation{}, fmt.Errorf("sqlite: update conversation: invalid status %q", *u.Status)
	}
	var sets []string
	var args []any
	set := func(expr string, v ...any) {
		sets = append(sets, expr)
		args = append(args, v...)
	}
	if u.Status != nil {
		set(`status = ?`, *u.Status)
	}
	if u.AssigneeID != nil {
		set(`assignee_id = ?`, *u.AssigneeID)
	}
	if u.DepartmentID != nil {
		set(`department_id = ?`, *u.DepartmentID)
	}
	if u.Unread != nil {
		if *u.Unread {
			set(`marked_unread = 1`)
		} else {
			set(`unread_count = 0, marked_unread = 0, last_read_at = ?`, ts(time.Now()))
		}
	}
	if u.Labels != nil {
		enc := ""
		if len(*u.Labels) > 0 {
			b, err := json.Marshal(*u.Labels)
			if err != nil {
				return switchboard.Conversation{}, fmt.Errorf("sqlite: update conversation: %w", err)
			}
			enc = string(b)
		}
		set(`labels = ?`, enc)
	}
	var conv switchboard.Conversation
	err := s.write(ctx, func(tx *sql.Tx) error {
		if len(sets) > 0 {
			res, err := tx.ExecContext(ctx, `UPDATE conversations SET `+strings.Join(sets, ", ")+` WHERE workspace_id = ? AND id = ?`,
				append(args, ws, id)...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return sql.ErrNoRows
			}
		}
		if u.Labels != nil {
			if _, err := tx.ExecContext(ctx, `DELETE FROM conversation_labels WHERE conversation_id = ?`, id); err != nil {
				return err
			}
			for _, l := range *u.Labels {
				if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_labels (conversation_id, workspace_id, label) VALUES (?, ?, ?)
					ON CONFLICT DO NOTHING`, id, ws, l); err != nil {
					return err
				}
			}
		}
		var err error
		if conv, err = conversationTx(ctx, tx, ws, id); err != nil {
			return err
		}
		if outboxFor != nil {
			return insertOutbox(ctx, tx, outboxFor(conv))
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
func conversationTx(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error) {
	conv, err := scanConversation(tx.QueryRowContext(ctx, `SELECT `+conversationCols+conversationFrom+` WHERE c.workspace_id = ? AND c.id = ?`, ws, id))
	if err != nil {
		return switchboard.Conversation{}, err
	}
	return conv, fillIdentitiesTx(ctx, tx, conv.Contact)
}

// fillIdentitiesTx loads a contact's identities inside a transaction.
func fillIdentitiesTx(ctx context.Context, tx *sql.Tx, k *switchboard.Contact) error {
	rows, err := tx.QueryContext(ctx, `SELECT channel_id, external_id, opted_out FROM identities
		WHERE contact_id = ? ORDER BY created_at, channel_id, external_id`, k.ID)
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
	var opted sql.NullBool
	var customer sql.NullInt64
	err := s.queryRow(ctx, `SELECT c.workspace_id, c.id, c.channel_id, c.channel_type, c.recipient,
			i.opted_out, c.thread_ref, c.customer_last_at
		FROM conversations c
		LEFT JOIN identities i ON i.channel_id = c.channel_id AND i.external_id = c.recipient
		WHERE c.id = ?`, id).
		Scan(&t.WorkspaceID, &t.ConversationID, &t.ChannelID, &t.ChannelType, &t.Recipient, &opted, &t.ThreadRef, &customer)
	if err != nil {
		return store.DeliveryTarget{}, mapErr("delivery target", err)
	}
	t.OptedOut, t.CustomerLastAt = opted.Bool, ptrTS(customer)
	return t, nil
}

// TakeReplyToken returns the conversation's reply token if still valid at
// now and clears it.
func (s *Store) TakeReplyToken(ctx context.Context, id switchboard.ConversationID, now time.Time) (string, error) {
	// Most sends find no token: a read says so without taking the single
	// writer. (A token stored just after this read is left for the next
	// send, which is what would happen had this send come a moment
	// earlier.)
	var tok string
	if err := s.queryRow(ctx, `SELECT reply_token FROM conversations WHERE id = ?`, id).Scan(&tok); err != nil {
		return "", mapErr("take reply token", err)
	}
	if tok == "" {
		return "", nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var until sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT reply_token, reply_until FROM conversations WHERE id = ?`, id).
			Scan(&tok, &until); err != nil {
			return err
		}
		if tok == "" {
			return nil
		}
		if until.Valid && until.Int64 <= ts(now) {
			tok = ""
		}
		_, err := tx.ExecContext(ctx, `UPDATE conversations SET reply_token = '', reply_until = NULL WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return "", mapErr("take reply token", err)
	}
	return tok, nil
}

// GetContact returns a contact with its identities (an erased one too).
func (s *Store) GetContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID) (switchboard.Contact, error) {
	k, err := scanContact(s.queryRow(ctx, `SELECT `+contactCols+` FROM contacts k WHERE k.workspace_id = ? AND k.id = ?`, ws, id))
	if err != nil {
		return switchboard.Contact{}, mapErr("get contact", err)
	}
	if err := s.fillIdentities(ctx, &k); err != nil {
		return switchboard.Contact{}, mapErr("get contact", err)
	}
	return k, nil
}
