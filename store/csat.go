package store

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
)

// CSATStore keeps the satisfaction surveys (issue 15): one per
// conversation, answered once, and their aggregates.
type CSATStore interface {
	// CreateCSATSurvey stores a new, unanswered survey. It is called by the
	// router when a conversation is resolved; ErrConflict when the
	// conversation already has a survey (the first stands).
	CreateCSATSurvey(ctx context.Context, s switchboard.CSATSurvey) error
	// MarkCSATAsked records that survey id's question was stored as
	// message msg at at. The router calls it after Hub.Reply stored the
	// question; a survey not marked is asked again on the resolution's
	// redelivery. A second mark replaces the first. ErrNotFound when
	// there is no such survey in ws.
	MarkCSATAsked(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CSATSurveyID, msg switchboard.MessageID, at time.Time) error
	// GetCSATSurvey finds a survey by id alone: rating links carry no
	// workspace. ErrNotFound when there is none.
	GetCSATSurvey(ctx context.Context, id switchboard.CSATSurveyID) (switchboard.CSATSurvey, error)
	// CSATSurveyOfConversation finds the survey of a conversation.
	CSATSurveyOfConversation(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.CSATSurvey, error)
	// AnswerCSATSurvey records the answer (score 1–5, comment, via, at)
	// atomically, once: ErrConflict when the survey was answered (the
	// first answer stands, nothing changes), ErrNotFound when there is no
	// such survey in ws. It returns the answered survey. It does not check
	// expiry or the score's range: callers do.
	AnswerCSATSurvey(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CSATSurveyID, a CSATAnswer) (switchboard.CSATSurvey, error)
	// ListCSATAnswers pages the answered surveys matching q, newest answer
	// first (by answered at, then id).
	ListCSATAnswers(ctx context.Context, ws switchboard.WorkspaceID, q CSATQuery) (CSATPage, error)
	// CSATAggregates computes, in the database, the count, average and
	// satisfied (4–5) count of the answers matching q (Cursor and Limit
	// ignored): overall, per operator, department, channel and period
	// (buckets of q.Period, UTC; day when empty), each list by key.
	CSATAggregates(ctx context.Context, ws switchboard.WorkspaceID, q CSATQuery) (switchboard.CSATAggregates, error)
}

// CSATAnswer is a customer's answer to a survey.
type CSATAnswer struct {
	Score   int
	Comment string
	Via     string
	At      time.Time
}

// CSATQuery filters answered surveys; zero fields do not filter.
type CSATQuery struct {
	OperatorID   switchboard.OperatorID
	DepartmentID switchboard.DepartmentID
	// Departments, when not nil, restricts to surveys of these departments
	// (an operator's own); an empty non-nil slice matches nothing.
	Departments []switchboard.DepartmentID
	ChannelID   switchboard.ChannelID
	// From and To bound the answer time: From <= answered_at < To.
	From, To time.Time
	Period   switchboard.CSATPeriod
	Cursor   string
	// Limit caps a page (default 50, at most 200).
	Limit int
}

// PageLimit is q.Limit within its bounds.
func (q CSATQuery) PageLimit() int {
	switch {
	case q.Limit <= 0:
		return 50
	case q.Limit > 200:
		return 200
	}
	return q.Limit
}

// CSATPage is one page of answered surveys; Next is "" on the last page.
type CSATPage struct {
	Items []switchboard.CSATSurvey
	Next  string
}

// EncodeCSATCursor is the cursor after a survey answered at (unix
// microseconds) with id.
func EncodeCSATCursor(atMicro int64, id switchboard.CSATSurveyID) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s1|" + strconv.FormatInt(atMicro, 10) + "|" + string(id)))
}

// DecodeCSATCursor reads a cursor of EncodeCSATCursor; ErrBadCursor for
// anything else.
func DecodeCSATCursor(c string) (int64, switchboard.CSATSurveyID, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 || parts[0] != "s1" || parts[2] == "" {
		return 0, "", ErrBadCursor
	}
	at, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	return at, switchboard.CSATSurveyID(parts[2]), nil
}

// CSATShare fills b's SatisfiedShare from its counts.
func CSATShare(b switchboard.CSATBucket) switchboard.CSATBucket {
	if b.Count > 0 {
		b.SatisfiedShare = float64(b.Satisfied) / float64(b.Count)
	}
	return b
}

// AddCSATBucket puts b, a row of an engine's aggregate query, in its
// group of agg ("overall", "operator", "department", "channel",
// "period"), with its share filled.
func AddCSATBucket(agg *switchboard.CSATAggregates, group string, b switchboard.CSATBucket) {
	b = CSATShare(b)
	switch group {
	case "overall":
		b.Key = ""
		agg.Overall = b
	case "operator":
		agg.ByOperator = append(agg.ByOperator, b)
	case "department":
		agg.ByDepartment = append(agg.ByDepartment, b)
	case "channel":
		agg.ByChannel = append(agg.ByChannel, b)
	case "period":
		agg.ByPeriod = append(agg.ByPeriod, b)
	}
}
