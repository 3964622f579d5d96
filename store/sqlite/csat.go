package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

const csatCols = `id, workspace_id, conversation_id, contact_id, channel_id, channel_type, operator_id, department_id,
	asked_at, expires_at, score, comment, answered_at, via, question_message_id, question_at`

func scanCSAT(sc interface{ Scan(...any) error }) (switchboard.CSATSurvey, error) {
	var s switchboard.CSATSurvey
	var asked, expires int64
	var answered, question sql.NullInt64
	err := sc.Scan(&s.ID, &s.WorkspaceID, &s.ConversationID, &s.ContactID, &s.ChannelID, &s.ChannelType, &s.OperatorID, &s.DepartmentID,
		&asked, &expires, &s.Score, &s.Comment, &answered, &s.Via, &s.QuestionMessageID, &question)
	s.AskedAt, s.ExpiresAt, s.AnsweredAt, s.QuestionAt = fromTS(asked), fromTS(expires), ptrTS(answered), ptrTS(question)
	return s, err
}

// CreateCSATSurvey stores a new survey; ErrConflict for a second one of
// the conversation.
func (s *Store) CreateCSATSurvey(ctx context.Context, v switchboard.CSATSurvey) error {
	return s.writeOne(ctx, "create csat survey", `INSERT INTO csat_surveys (id, workspace_id, conversation_id, contact_id, channel_id,
			channel_type, operator_id, department_id, asked_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.WorkspaceID, v.ConversationID, v.ContactID, v.ChannelID, v.ChannelType, v.OperatorID, v.DepartmentID,
		ts(orNow(v.AskedAt)), ts(v.ExpiresAt))
}

// MarkCSATAsked records the survey's stored question.
func (s *Store) MarkCSATAsked(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CSATSurveyID, msg switchboard.MessageID, at time.Time) error {
	return s.writeOne(ctx, "mark csat asked", `UPDATE csat_surveys SET question_message_id = ?, question_at = ? WHERE workspace_id = ? AND id = ?`,
		msg, ts(orNow(at)), ws, id)
}

// GetCSATSurvey finds a survey by id.
func (s *Store) GetCSATSurvey(ctx context.Context, id switchboard.CSATSurveyID) (switchboard.CSATSurvey, error) {
	v, err := scanCSAT(s.queryRow(ctx, `SELECT `+csatCols+` FROM csat_surveys WHERE id = ?`, id))
	return v, mapErr("get csat survey", err)
}

// CSATSurveyOfConversation finds a conversation's survey.
func (s *Store) CSATSurveyOfConversation(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.CSATSurvey, error) {
	v, err := scanCSAT(s.queryRow(ctx, `SELECT `+csatCols+` FROM csat_surveys WHERE workspace_id = ? AND conversation_id = ?`, ws, conv))
	return v, mapErr("csat survey of conversation", err)
}

// AnswerCSATSurvey records the answer once: the UPDATE only touches an
// unanswered row, so of two answers racing one wins.
func (s *Store) AnswerCSATSurvey(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CSATSurveyID, a store.CSATAnswer) (switchboard.CSATSurvey, error) {
	var out switchboard.CSATSurvey
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE csat_surveys SET score = ?, comment = ?, via = ?, answered_at = ?
			WHERE workspace_id = ? AND id = ? AND answered_at IS NULL`, a.Score, a.Comment, a.Via, ts(orNow(a.At)), ws, id)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		out, err = scanCSAT(tx.QueryRowContext(ctx, `SELECT `+csatCols+` FROM csat_surveys WHERE workspace_id = ? AND id = ?`, ws, id))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("csat survey %s was answered: %w", id, store.ErrConflict)
		}
		return nil
	})
	if err != nil {
		return switchboard.CSATSurvey{}, mapErr("answer csat survey", err)
	}
	return out, nil
}

// csatWhere is the WHERE clause (answered surveys of ws matching q) and
// its arguments.
func csatWhere(ws switchboard.WorkspaceID, q store.CSATQuery) (string, []any) {
	conds := []string{"workspace_id = ?", "answered_at IS NOT NULL"}
	args := []any{ws}
	if q.OperatorID != "" {
		conds, args = append(conds, "operator_id = ?"), append(args, q.OperatorID)
	}
	if q.DepartmentID != "" {
		conds, args = append(conds, "department_id = ?"), append(args, q.DepartmentID)
	}
	if q.Departments != nil {
		if len(q.Departments) == 0 {
			conds = append(conds, "0")
		} else {
			conds = append(conds, "department_id IN ("+placeholders(len(q.Departments))+")")
			for _, d := range q.Departments {
				args = append(args, d)
			}
		}
	}
	if q.ChannelID != "" {
		conds, args = append(conds, "channel_id = ?"), append(args, q.ChannelID)
	}
	if !q.From.IsZero() {
		conds, args = append(conds, "answered_at >= ?"), append(args, ts(q.From))
	}
	if !q.To.IsZero() {
		conds, args = append(conds, "answered_at < ?"), append(args, ts(q.To))
	}
	return strings.Join(conds, " AND "), args
}

// ListCSATAnswers pages answered surveys, newest first.
func (s *Store) ListCSATAnswers(ctx context.Context, ws switchboard.WorkspaceID, q store.CSATQuery) (store.CSATPage, error) {
	where, args := csatWhere(ws, q)
	if q.Cursor != "" {
		at, id, err := store.DecodeCSATCursor(q.Cursor)
		if err != nil {
			return store.CSATPage{}, err
		}
		where += " AND (answered_at < ? OR (answered_at = ? AND id < ?))"
		args = append(args, at, at, id)
	}
	limit := q.PageLimit()
	rows, err := s.r.QueryContext(ctx, `SELECT `+csatCols+` FROM csat_surveys WHERE `+where+
		` ORDER BY answered_at DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return store.CSATPage{}, mapErr("list csat answers", err)
	}
	defer rows.Close()
	var page store.CSATPage
	for rows.Next() {
		v, err := scanCSAT(rows)
		if err != nil {
			return store.CSATPage{}, mapErr("list csat answers", err)
		}
		page.Items = append(page.Items, v)
	}
	if err := rows.Err(); err != nil {
		return store.CSATPage{}, mapErr("list csat answers", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = store.EncodeCSATCursor(ts(*last.AnsweredAt), last.ID)
	}
	return page, nil
}

// csatPeriodExpr is the SQL of an answer's period bucket: its first day,
// YYYY-MM-DD in UTC (weeks start on Monday).
func csatPeriodExpr(p switchboard.CSATPeriod) string {
	const at = "answered_at / 1000000, 'unixepoch'"
	switch p {
	case switchboard.CSATWeek:
		return "date(" + at + ", 'weekday 0', '-6 days')"
	case switchboard.CSATMonth:
		return "strftime('%Y-%m-01', " + at + ")"
	}
	return "date(" + at + ")"
}

// CSATAggregates computes the aggregates in one query: a UNION of one
// GROUP BY per grouping.
func (s *Store) CSATAggregates(ctx context.Context, ws switchboard.WorkspaceID, q store.CSATQuery) (switchboard.CSATAggregates, error) {
	where, args := csatWhere(ws, q)
	groups := []struct{ name, expr string }{
		{"overall", "''"}, {"operator", "operator_id"}, {"department", "department_id"},
		{"channel", "channel_id"}, {"period", csatPeriodExpr(q.Period)},
	}
	var sqls []string
	var all []any
	for _, g := range groups {
		sqls = append(sqls, `SELECT '`+g.name+`', `+g.expr+`, COUNT(*), COALESCE(AVG(score), 0), COALESCE(SUM(score >= 4), 0)
			FROM csat_surveys WHERE `+where+` GROUP BY 2`)
		all = append(all, args...)
	}
	rows, err := s.r.QueryContext(ctx, strings.Join(sqls, " UNION ALL ")+` ORDER BY 1, 2`, all...)
	if err != nil {
		return switchboard.CSATAggregates{}, mapErr("csat aggregates", err)
	}
	defer rows.Close()
	agg := switchboard.CSATAggregates{ByOperator: []switchboard.CSATBucket{}, ByDepartment: []switchboard.CSATBucket{},
		ByChannel: []switchboard.CSATBucket{}, ByPeriod: []switchboard.CSATBucket{}}
	for rows.Next() {
		var group string
		var b switchboard.CSATBucket
		if err := rows.Scan(&group, &b.Key, &b.Count, &b.Average, &b.Satisfied); err != nil {
			return switchboard.CSATAggregates{}, mapErr("csat aggregates", err)
		}
		store.AddCSATBucket(&agg, group, b)
	}
	return agg, mapErr("csat aggregates", rows.Err())
}
