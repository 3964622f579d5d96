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

// Routing (issue 14): departments' settings and members, rules, the queue
// and assignment. Every transaction that changes who holds a conversation
// first takes the workspace's routing lock (an advisory transaction lock),
// so transactions of several hubs that read loads and write an assignment
// never interleave: no conversation is assigned twice, no operator goes
// over their limit.

// lockRouting is the advisory lock class of routing transactions (the
// second key is the workspace's hash).
const lockRouting int32 = 0x5342_5254

// departmentSettings encodes d's settings for the settings column;
// settings nobody set (no assignment mode) are stored as none, read back
// as store.DefaultDepartmentSettings.
func departmentSettings(d switchboard.Department) any {
	if d.Assignment == "" {
		return nil
	}
	b, _ := json.Marshal(d.DepartmentSettings)
	return string(b)
}

// setMembers replaces the department's members when d.MemberIDs is set.
func setMembers(ctx context.Context, tx pgx.Tx, d switchboard.Department) error {
	if d.MemberIDs == nil {
		return nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM operator_departments WHERE department_id = $1`, d.ID); err != nil {
		return err
	}
	for _, op := range d.MemberIDs {
		res, err := tx.Exec(ctx, `INSERT INTO operator_departments (operator_id, department_id)
			SELECT id, $1 FROM operators WHERE id = $2 AND workspace_id = $3 ON CONFLICT DO NOTHING`, d.ID, op, d.WorkspaceID)
		if err != nil {
			return err
		}
		if res.RowsAffected() == 0 {
			var one int
			if err := tx.QueryRow(ctx, `SELECT 1 FROM operator_departments WHERE operator_id = $1 AND department_id = $2`, op, d.ID).Scan(&one); err != nil {
				return fmt.Errorf("operator %s: %w", op, store.ErrNotFound)
			}
		}
	}
	return nil
}

// GetDepartment returns a department with its settings and members.
func (s *Store) GetDepartment(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.DepartmentID) (switchboard.Department, error) {
	d, err := scanDepartment(s.pool.QueryRow(ctx, `SELECT `+departmentCols+` FROM departments WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err != nil {
		return d, mapErr("get department", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT operator_id FROM operator_departments WHERE department_id = $1 ORDER BY operator_id`, id)
	if err != nil {
		return d, mapErr("get department", err)
	}
	defer rows.Close()
	d.MemberIDs = []switchboard.OperatorID{}
	for rows.Next() {
		var op switchboard.OperatorID
		if err := rows.Scan(&op); err != nil {
			return d, mapErr("get department", err)
		}
		d.MemberIDs = append(d.MemberIDs, op)
	}
	return d, mapErr("get department", rows.Err())
}

// UpdateDepartment replaces name, settings and (when set) members.
func (s *Store) UpdateDepartment(ctx context.Context, d switchboard.Department) error {
	return mapErr("update department", s.tx(ctx, false, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE departments SET name = $1, settings = $2 WHERE workspace_id = $3 AND id = $4`,
			d.Name, departmentSettings(d), d.WorkspaceID, d.ID)
		if err != nil {
			return err
		}
		if res.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return setMembers(ctx, tx, d)
	}))
}

// DeleteDepartment removes a department that is not the default and has
// no unresolved conversations.
func (s *Store) DeleteDepartment(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.DepartmentID) error {
	return mapErr("delete department", s.tx(ctx, false, func(tx pgx.Tx) error {
		var isDefault bool
		if err := tx.QueryRow(ctx, `SELECT is_default FROM departments WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&isDefault); err != nil {
			return err
		}
		if isDefault {
			return fmt.Errorf("the default department: %w", store.ErrConflict)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM conversations WHERE workspace_id = $1 AND department_id = $2 AND status <> 'resolved'`, ws, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%d conversations are not resolved: %w", n, store.ErrConflict)
		}
		_, err := tx.Exec(ctx, `DELETE FROM departments WHERE workspace_id = $1 AND id = $2`, ws, id)
		return err
	}))
}

const ruleCols = `id, workspace_id, name, position, match::text, action::text, created_at, updated_at`

func scanRule(sc interface{ Scan(...any) error }) (switchboard.RoutingRule, error) {
	var r switchboard.RoutingRule
	var match, action string
	if err := sc.Scan(&r.ID, &r.WorkspaceID, &r.Name, &r.Position, &match, &action, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return r, err
	}
	r.CreatedAt, r.UpdatedAt = utc(r.CreatedAt), utc(r.UpdatedAt)
	return r, errors.Join(store.DecodeJSON(match, &r.Match), store.DecodeJSON(action, &r.Action))
}

// ListRoutingRules lists a workspace's rules in order.
func (s *Store) ListRoutingRules(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.RoutingRule, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ruleCols+` FROM routing_rules WHERE workspace_id = $1 ORDER BY position, id`, ws)
	if err != nil {
		return nil, mapErr("list routing rules", err)
	}
	defer rows.Close()
	out := []switchboard.RoutingRule{}
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, mapErr("list routing rules", err)
		}
		out = append(out, r)
	}
	return out, mapErr("list routing rules", rows.Err())
}

// GetRoutingRule finds a rule of the workspace.
func (s *Store) GetRoutingRule(ctx context.Context, ws switchboard.WorkspaceID, id string) (switchboard.RoutingRule, error) {
	r, err := scanRule(s.pool.QueryRow(ctx, `SELECT `+ruleCols+` FROM routing_rules WHERE workspace_id = $1 AND id = $2`, ws, id))
	return r, mapErr("get routing rule", err)
}

// CreateRoutingRule stores a rule at the end of the order.
func (s *Store) CreateRoutingRule(ctx context.Context, r switchboard.RoutingRule) (switchboard.RoutingRule, error) {
	if r.ID == "" || r.WorkspaceID == "" {
		return r, errors.New("postgres: create routing rule: empty id or workspace")
	}
	r.CreatedAt = orNow(r.CreatedAt).Truncate(time.Microsecond)
	r.UpdatedAt = r.CreatedAt
	match, _ := json.Marshal(r.Match)
	action, _ := json.Marshal(r.Action)
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(position) + 1, 0) FROM routing_rules WHERE workspace_id = $1`, r.WorkspaceID).Scan(&r.Position); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO routing_rules (id, workspace_id, name, position, match, action, created_at, updated_at)`+` VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			r.ID, r.WorkspaceID, r.Name, r.Position, string(match), string(action), r.CreatedAt, r.UpdatedAt)
		return err
	})
	return r, mapErr("create routing rule", err)
}

// UpdateRoutingRule replaces a rule's name, match and action.
func (s *Store) UpdateRoutingRule(ctx context.Context, r switchboard.RoutingRule) (switchboard.RoutingRule, error) {
	match, _ := json.Marshal(r.Match)
	action, _ := json.Marshal(r.Action)
	var out switchboard.RoutingRule
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE routing_rules SET name = $1, match = $2, action = $3, updated_at = $4 WHERE workspace_id = $5 AND id = $6`,
			r.Name, string(match), string(action), orNow(r.UpdatedAt), r.WorkspaceID, r.ID)
		if err != nil {
			return err
		}
		if res.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		out, err = scanRule(tx.QueryRow(ctx, `SELECT `+ruleCols+` FROM routing_rules WHERE id = $1`, r.ID))
		return err
	})
	return out, mapErr("update routing rule", err)
}

// DeleteRoutingRule removes a rule.
func (s *Store) DeleteRoutingRule(ctx context.Context, ws switchboard.WorkspaceID, id string) error {
	return mapErr("delete routing rule", s.tx(ctx, false, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM routing_rules WHERE workspace_id = $1 AND id = $2`, ws, id)
		if err != nil {
			return err
		}
		if res.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return nil
	}))
}

// ReorderRoutingRules numbers the rules in the order of ids.
func (s *Store) ReorderRoutingRules(ctx context.Context, ws switchboard.WorkspaceID, ids []string) error {
	return mapErr("reorder routing rules", s.tx(ctx, false, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM routing_rules WHERE workspace_id = $1`, ws)
		if err != nil {
			return err
		}
		var have []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			have = append(have, id)
		}
		rows.Close()
		if !store.ValidateOrder(have, ids) {
			return fmt.Errorf("the order must name each of the %d rules once: %w", len(have), store.ErrInvalid)
		}
		for i, id := range ids {
			if _, err := tx.Exec(ctx, `UPDATE routing_rules SET position = $1 WHERE workspace_id = $2 AND id = $3`, i, ws, id); err != nil {
				return err
			}
		}
		return nil
	}))
}

// SetOperatorMaxChats sets or clears an operator's own limit.
func (s *Store) SetOperatorMaxChats(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, limit *int) error {
	return mapErr("set operator max chats", s.tx(ctx, false, func(tx pgx.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE operators SET max_chats = $1 WHERE workspace_id = $2 AND id = $3`, limit, ws, op)
		if err != nil {
			return err
		}
		if res.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return nil
	}))
}

// OpenChats counts each operator's open assigned conversations.
func (s *Store) OpenChats(ctx context.Context, ws switchboard.WorkspaceID) (map[switchboard.OperatorID]int, error) {
	out, err := openChats(ctx, s.pool, ws)
	return out, mapErr("open chats", err)
}

func openChats(ctx context.Context, q querier, ws switchboard.WorkspaceID) (map[switchboard.OperatorID]int, error) {
	rows, err := q.Query(ctx, `SELECT assignee_id, count(*) FROM conversations
		WHERE workspace_id = $1 AND status = 'open' AND assignee_id <> '' GROUP BY assignee_id`, ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[switchboard.OperatorID]int{}
	for rows.Next() {
		var op switchboard.OperatorID
		var n int
		if err := rows.Scan(&op, &n); err != nil {
			return nil, err
		}
		out[op] = n
	}
	return out, rows.Err()
}

// ChangeRouting applies a routing change with its activity entries.
func (s *Store) ChangeRouting(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, c store.RoutingChange, outboxFor func(store.RoutingResult) []store.OutboxEntry) (store.RoutingResult, error) {
	var res store.RoutingResult
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		var err error
		res, err = store.ChangeRoutingIn(ctx, routingTx{tx}, ws, id, c, outboxFor)
		return err
	})
	if err != nil {
		return store.RoutingResult{}, mapErr("change routing", err)
	}
	return res, nil
}

// Assign hands a waiting conversation to an online member under their
// limit, in one write transaction.
func (s *Store) Assign(ctx context.Context, a store.AssignRequest, outboxFor func(store.RoutingResult) []store.OutboxEntry) (store.RoutingResult, error) {
	var res store.RoutingResult
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		var err error
		res, err = store.AssignIn(ctx, routingTx{tx}, a, outboxFor)
		return err
	})
	if err != nil {
		return store.RoutingResult{}, mapErr("assign", err)
	}
	return res, nil
}

// routingTx is the store.RoutingTx of a write transaction.
type routingTx struct{ tx pgx.Tx }

// Lock takes the workspace's routing lock.
func (r routingTx) Lock(ctx context.Context, ws switchboard.WorkspaceID) error {
	_, err := r.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockRouting, string(ws))
	return err
}

func (r routingTx) Department(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.DepartmentID) (switchboard.Department, switchboard.OperatorID, error) {
	d, err := scanDepartment(r.tx.QueryRow(ctx, `SELECT `+departmentCols+` FROM departments WHERE workspace_id = $1 AND id = $2`, ws, id))
	if err != nil {
		return d, "", err
	}
	var last switchboard.OperatorID
	err = r.tx.QueryRow(ctx, `SELECT last_assignee FROM departments WHERE id = $1`, id).Scan(&last)
	return d, last, err
}

func (r routingTx) NextWaiting(ctx context.Context, a store.AssignRequest) (switchboard.ConversationID, error) {
	where, args := `c.workspace_id = $1 AND c.department_id = $2 AND c.status = 'open' AND c.assignee_id = ''`, []any{a.WorkspaceID, a.DepartmentID}
	if a.ConversationID != "" {
		where += ` AND c.id = $3`
		args = append(args, a.ConversationID)
	} else {
		where += ` AND c.queued_at IS NOT NULL`
	}
	var id switchboard.ConversationID
	err := r.tx.QueryRow(ctx, `SELECT c.id FROM conversations c WHERE `+where+` ORDER BY c.priority DESC, c.queued_at, c.id LIMIT 1`, args...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return id, err
}

func (r routingTx) Candidates(ctx context.Context, a store.AssignRequest, deptMax int) ([]store.Candidate, error) {
	if len(a.Online) == 0 {
		return nil, nil
	}
	loads, err := openChats(ctx, r.tx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	online := make([]string, len(a.Online))
	for i, op := range a.Online {
		online[i] = string(op)
	}
	rows, err := r.tx.Query(ctx, `SELECT o.id, o.max_chats FROM operators o JOIN operator_departments od ON od.operator_id = o.id
		WHERE od.department_id = $1 AND o.workspace_id = $2 AND NOT o.disabled AND o.id = ANY($3)`, a.DepartmentID, a.WorkspaceID, online)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Candidate
	for rows.Next() {
		var c store.Candidate
		var own *int
		if err := rows.Scan(&c.ID, &own); err != nil {
			return nil, err
		}
		c.Chats, c.Limit = loads[c.ID], store.ChatLimit(own, deptMax)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (r routingTx) Conversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error) {
	return conversationTx(ctx, r.tx, ws, id)
}

func (r routingTx) OperatorName(ctx context.Context, id switchboard.OperatorID) (string, error) {
	var name string
	err := r.tx.QueryRow(ctx, `SELECT name FROM operators WHERE id = $1`, id).Scan(&name)
	return name, err
}

func (r routingTx) Write(ctx context.Context, after switchboard.Conversation, _ []string, activities []switchboard.Message) ([]switchboard.Message, error) {
	labels := after.Labels
	if labels == nil {
		labels = []string{}
	}
	if _, err := r.tx.Exec(ctx, `UPDATE conversations SET department_id = $1, assignee_id = $2, status = $3, priority = $4,
		labels = $5, queued_at = $6 WHERE id = $7`, after.DepartmentID, after.AssigneeID, after.Status, after.Priority,
		labels, after.QueuedAt, after.ID); err != nil {
		return nil, err
	}
	for _, m := range activities {
		activity, _ := json.Marshal(m.Activity)
		if _, err := r.tx.Exec(ctx, `INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, parts, text,
			external_id, author_id, status, failure_reason, created_at, activity)
			VALUES ($1, $2, $3, $4, 'activity', '[]', '', '', $5, 'delivered', '', $6, $7)`,
			m.ID, m.WorkspaceID, m.ConversationID, m.ChannelID, m.AuthorID, m.CreatedAt, string(activity)); err != nil {
			return nil, err
		}
	}
	return activities, nil
}

func (r routingTx) SetLastAssignee(ctx context.Context, dept switchboard.DepartmentID, op switchboard.OperatorID) error {
	_, err := r.tx.Exec(ctx, `UPDATE departments SET last_assignee = $1 WHERE id = $2`, op, dept)
	return err
}

func (r routingTx) Outbox(ctx context.Context, entries []store.OutboxEntry) error {
	return insertOutbox(ctx, r.tx, orNow(time.Time{}), entries)
}

// Queue lists a department's waiting conversations in queue order.
func (s *Store) Queue(ctx context.Context, ws switchboard.WorkspaceID, dept switchboard.DepartmentID, limit int) ([]switchboard.Conversation, error) {
	limit = store.ClampLimit(limit, 50, 1, 500)
	rows, err := s.pool.Query(ctx, `SELECT `+conversationListCols+conversationFrom+`
		WHERE c.workspace_id = $1 AND c.department_id = $2 AND c.status = 'open' AND c.assignee_id = '' AND c.queued_at IS NOT NULL
		ORDER BY c.priority DESC, c.queued_at, c.id LIMIT $3`, ws, dept, limit)
	if err != nil {
		return nil, mapErr("queue", err)
	}
	defer rows.Close()
	out := []switchboard.Conversation{}
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, mapErr("queue", err)
		}
		out = append(out, c)
	}
	return out, mapErr("queue", rows.Err())
}

// QueueStats summarises a department's queue and recent first replies.
func (s *Store) QueueStats(ctx context.Context, ws switchboard.WorkspaceID, dept switchboard.DepartmentID) (store.QueueStats, error) {
	var st store.QueueStats
	var oldest *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT count(*), min(queued_at) FROM conversations
		WHERE workspace_id = $1 AND department_id = $2 AND status = 'open' AND assignee_id = '' AND queued_at IS NOT NULL`, ws, dept).Scan(&st.Waiting, &oldest); err != nil {
		return st, mapErr("queue stats", err)
	}
	st.OldestQueued = utcPtr(oldest)
	rows, err := s.pool.Query(ctx, `SELECT (extract(epoch FROM f - c.created_at) * 1000000)::bigint FROM (
			SELECT c.created_at, (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out' AND m.author_id <> '') AS f
			FROM conversations c WHERE c.workspace_id = $1 AND c.department_id = $2
			ORDER BY c.created_at DESC LIMIT 50) c
		WHERE f IS NOT NULL LIMIT 20`, ws, dept)
	if err != nil {
		return st, mapErr("queue stats", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return st, mapErr("queue stats", err)
		}
		st.RecentFirstReplies = append(st.RecentFirstReplies, time.Duration(max(d, 0))*time.Microsecond)
	}
	return st, mapErr("queue stats", rows.Err())
}
