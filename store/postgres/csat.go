package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

const csatCols = `id, workspace_id, conversation_id, contact_id, channel_id, channel_type, operator_id, department_id,
	asked_at, expires_at, score, comment, answered_at, via, question_message_id, question_at`

func scanCSAT(row pgx.Row) (switchboard.CSATSurvey, error) {
	var s switchboard.CSATSurvey
	err := row.Scan(&s.ID, &s.WorkspaceID, &s.ConversationID, &s.ContactID, &s.ChannelID, &s.ChannelType, &s.OperatorID, &s.DepartmentID,
		&s.AskedAt, &s.ExpiresAt, &s.Score, &s.Comment, &s.AnsweredAt, &s.Via, &s.QuestionMessageID, &s.QuestionAt)
	s.AskedAt, s.ExpiresAt, s.AnsweredAt, s.QuestionAt = utc(s.AskedAt), utc(s.ExpiresAt), utcPtr(s.AnsweredAt), utcPtr(s.QuestionAt)
	return s, err
}

// CreateCSATSurvey stores a new survey; ErrConflict for a second one of
// the conversation.
func (s *Store) CreateCSATSurvey(ctx context.Context, v switchboard.CSATSurvey) error {
	return s.execOne(ctx, "create csat survey", `INSERT INTO csat_surveys (id, workspace_id, conversation_id, contact_id, channel_id,
			channel_type, operator_id, department_id, asked_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		v.ID, v.WorkspaceID, v.ConversationID, v.ContactID, v.ChannelID, v.ChannelType, v.OperatorID, v.DepartmentID,
		orNow(v.AskedAt), v.ExpiresAt.UTC())
}

// MarkCSATAsked records the survey's stored question.
func (s *Store) MarkCSATAsked(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CSATSurveyID, msg switchboard.MessageID, at time.Time) error {
	return s.execOne(ctx, "mark csat asked", `UPDATE csat_surveys SET question_message_id = $1, question_at = $2 WHERE workspace_id = $3 AND id = $4`,
		msg, orNow(at), ws, id)
}

// GetCSATSurvey finds a survey by id.
func (s *Store) GetCSATSurvey(ctx context.Context, id switchboard.CSATSurveyID) (switchboard.CSATSurvey, error) {
	v, err := scanCSAT(s.pool.QueryRow(ctx, `SELECT `+csatCols+` FROM csat_surveys WHERE id = $1`, id))
	return v, mapErr("get csat survey", err)
}

// CSATSurveyOfConversation finds a conversation's survey.
func (s *Store) CSATSurveyOfConversation(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.CSATSurvey, error) {
	v, err := scanCSAT(s.pool.QueryRow(ctx, `SELECT `+csatCols+` FROM csat_surveys WHERE workspace_id = $1 AND conversation_id = $2`, ws, conv))
	return v, mapErr("csat survey of conversation", err)
}

// AnswerCSATSurvey records the answer once: the UPDATE only touches an
// unanswered row, so of two answers racing one wins.
func (s *Store) AnswerCSATSurvey(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CSATSurveyID, a store.CSATAnswer) (switchboard.CSATSurvey, error) {
	v, err := scanCSAT(s.pool.QueryRow(ctx, `UPDATE csat_surveys SET score = $1, comment = $2, via = $3, answered_at = $4
		WHERE workspace_id = $5 AND id = $6 AND answered_at IS NULL RETURNING `+csatCols, a.Score, a.Comment, a.Via, orNow(a.At), ws, id))
	if errors.Is(err, pgx.ErrNoRows) {
		if got, gerr := s.GetCSATSurvey(ctx, id); gerr == nil && got.WorkspaceID == ws {
			return switchboard.CSATSurvey{}, fmt.Errorf("postgres: csat survey %s was answered: %w", id, store.ErrConflict)
		}
	}
	return v, mapErr("answer csat survey", err)
}

// csatWhere is the WHERE clause (answered surveys of ws matching q) and
// its arguments, numbered from $1.
func csatWhere(ws switchboard.WorkspaceID, q store.CSATQuery) (string, []any) {
	args := []any{ws}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	conds := []string{"workspace_id = $1", "answered_at IS NOT NULL"}
	if q.OperatorID != "" {
		conds = append(conds, "operator_id = "+arg(string(q.OperatorID)))
	}
	if q.DepartmentID != "" {
		conds = append(conds, "department_id = "+arg(string(q.DepartmentID)))
	}
	if q.Departments != nil {
		ids := make([]string, len(q.Departments))
		for i, d := range q.Departments {
			ids[i] = string(d)
		}
		conds = append(conds, "department_id = ANY("+arg(ids)+")")
	}
	if q.ChannelID != "" {
		conds = append(conds, "channel_id = "+arg(string(q.ChannelID)))
	}
	if !q.From.IsZero() {
		conds = append(conds, "answered_at >= "+arg(q.From.UTC()))
	}
	if !q.To.IsZero() {
		conds = append(conds, "answered_at < "+arg(q.To.UTC()))
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
		n := len(args)
		where += fmt.Sprintf(" AND (answered_at, id) < ($%d, $%d)", n+1, n+2)
		args = append(args, time.UnixMicro(at).UTC(), string(id))
	}
	limit := q.PageLimit()
	rows, err := s.pool.Query(ctx, `SELECT `+csatCols+` FROM csat_surveys WHERE `+where+
		fmt.Sprintf(` ORDER BY answered_at DESC, id DESC LIMIT $%d`, len(args)+1), append(args, limit+1)...)
	if err != nil {
		return store.CSATPage{}, mapErr("list csat answers", err)
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (switchboard.CSATSurvey, error) { return scanCSAT(row) })
	if err != nil {
		return store.CSATPage{}, mapErr("list csat answers", err)
	}
	page := store.CSATPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		last := page.Items[limit-1]
		page.Next = store.EncodeCSATCursor(last.AnsweredAt.UnixMicro(), last.ID)
	}
	return page, nil
}

// csatPeriodExpr is the SQL of an answer's period bucket: its first day,
// YYYY-MM-DD in UTC (weeks start on Monday).
func csatPeriodExpr(p switchboard.CSATPeriod) string {
	unit := "day"
	switch p {
	case switchboard.CSATWeek:
		unit = "week"
	case switchboard.CSATMonth:
		unit = "month"
	}
	return "to_char(date_trunc('" + unit + "', answered_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"
}

// CSATAggregates computes the aggregates in one query with GROUPING SETS.
func (s *Store) CSATAggregates(ctx context.Context, ws switchboard.WorkspaceID, q store.CSATQuery) (switchboard.CSATAggregates, error) {
	where, args := csatWhere(ws, q)
	period := csatPeriodExpr(q.Period)
	rows, err := s.pool.Query(ctx, `SELECT
			CASE WHEN GROUPING(operator_id) = 0 THEN 'operator' WHEN GROUPING(department_id) = 0 THEN 'department'
				WHEN GROUPING(channel_id) = 0 THEN 'channel' WHEN GROUPING(`+period+`) = 0 THEN 'period' ELSE 'overall' END,
			COALESCE(operator_id, department_id, channel_id, `+period+`, ''),
			COUNT(*), COALESCE(AVG(score), 0)::float8, COUNT(*) FILTER (WHERE score >= 4)
		FROM csat_surveys WHERE `+where+`
		GROUP BY GROUPING SETS ((), (operator_id), (department_id), (channel_id), (`+period+`))
		ORDER BY 1, 2`, args...)
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
