package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console/portal"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// csatRoutes mounts the satisfaction surveys (issue 15): the answers and
// their aggregates for operators, the widget's rating card and the
// public rating page /csat/{token}.
func (s *Server) csatRoutes(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/csat", s.authed(s.listCSAT))
	mux.HandleFunc("POST /widget/v1/csat", s.widgetCORS(s.widgetCSAT))
	mux.Handle("/csat/", portal.NewCSAT(s.router, func(ctx context.Context, msg string, err error) {
		s.log.ErrorContext(ctx, msg, "err", err, "request_id", RequestID(ctx))
	}))
}

// csatItem is an answer as the API shows it.
type csatItem struct {
	ID             switchboard.CSATSurveyID   `json:"id"`
	ConversationID switchboard.ConversationID `json:"conversation_id"`
	Score          int                        `json:"score"`
	Comment        string                     `json:"comment"`
	OperatorID     switchboard.OperatorID     `json:"operator_id"`
	OperatorName   string                     `json:"operator_name"`
	DepartmentID   switchboard.DepartmentID   `json:"department_id"`
	DepartmentName string                     `json:"department_name"`
	Channel        switchboard.ChannelID      `json:"channel"`
	ChannelType    string                     `json:"channel_type"`
	Via            string                     `json:"via"`
	AskedAt        time.Time                  `json:"asked_at"`
	AnsweredAt     *time.Time                 `json:"answered_at"`
}

// csatBucket is an aggregate with the name of what it groups by.
type csatBucket struct {
	switchboard.CSATBucket
	Name string `json:"name,omitempty"`
}

type csatAggregates struct {
	Overall      switchboard.CSATBucket `json:"overall"`
	ByOperator   []csatBucket           `json:"by_operator"`
	ByDepartment []csatBucket           `json:"by_department"`
	ByChannel    []csatBucket           `json:"by_channel"`
	ByPeriod     []csatBucket           `json:"by_period"`
}

// csatTime reads a from/to parameter: RFC 3339, or a date (YYYY-MM-DD,
// UTC midnight; for "to" the end of that day).
func csatTime(v string, end bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, err
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// csatQuery reads GET /api/v1/csat's parameters; it writes the 400
// itself, naming the parameter.
func csatQuery(w http.ResponseWriter, r *http.Request) (store.CSATQuery, bool) {
	v := r.URL.Query()
	q := store.CSATQuery{
		OperatorID:   switchboard.OperatorID(v.Get("operator_id")),
		DepartmentID: switchboard.DepartmentID(v.Get("department_id")),
		ChannelID:    switchboard.ChannelID(v.Get("channel")),
		Period:       switchboard.CSATPeriod(v.Get("group")),
		Cursor:       v.Get("cursor"),
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
		end  bool
	}{{"from", &q.From, false}, {"to", &q.To, true}} {
		if raw := v.Get(p.name); raw != "" {
			t, err := csatTime(raw, p.end)
			if err != nil {
				writeError(w, http.StatusBadRequest, "invalid_"+p.name, p.name+": must be a date (2025-03-01) or an RFC 3339 time")
				return q, false
			}
			*p.dst = t
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		writeError(w, http.StatusBadRequest, "invalid_to", "to: must be after from")
		return q, false
	}
	if q.Period == "" {
		q.Period = switchboard.CSATDay
	}
	if !q.Period.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_group", "group: must be day, week or month")
		return q, false
	}
	if raw := v.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 200 {
			writeError(w, http.StatusBadRequest, "invalid_limit", "limit: must be a number from 1 to 200")
			return q, false
		}
		q.Limit = n
	}
	return q, true
}

// listCSAT answers the rated surveys (newest first, paged) and the
// aggregates of all that match. Operators see their departments'
// answers only; admins and supervisors all.
func (s *Server) listCSAT(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	q, ok := csatQuery(w, r)
	if !ok {
		return
	}
	if q.DepartmentID != "" && !p.canSee(q.DepartmentID) {
		writeError(w, http.StatusForbidden, "forbidden", "department_id: you are not a member of this department")
		return
	}
	if restricted, depts := p.restrict(); restricted {
		q.Departments = append([]switchboard.DepartmentID{}, depts...)
	}
	page, err := s.store.ListCSATAnswers(ctx, p.WorkspaceID, q)
	if err != nil {
		s.writeStoreError(w, r, err, "csat")
		return
	}
	agg, err := s.store.CSATAggregates(ctx, p.WorkspaceID, q)
	if err != nil {
		s.writeStoreError(w, r, err, "csat")
		return
	}
	opNames, deptNames, chNames := s.csatNames(ctx, p.WorkspaceID)
	items := make([]csatItem, 0, len(page.Items))
	for _, v := range page.Items {
		items = append(items, csatItem{ID: v.ID, ConversationID: v.ConversationID, Score: v.Score, Comment: v.Comment,
			OperatorID: v.OperatorID, OperatorName: opNames[string(v.OperatorID)], DepartmentID: v.DepartmentID,
			DepartmentName: deptNames[string(v.DepartmentID)], Channel: v.ChannelID, ChannelType: v.ChannelType, Via: v.Via,
			AskedAt: v.AskedAt, AnsweredAt: v.AnsweredAt})
	}
	named := func(bs []switchboard.CSATBucket, names map[string]string) []csatBucket {
		out := make([]csatBucket, 0, len(bs))
		for _, b := range bs {
			out = append(out, csatBucket{CSATBucket: b, Name: names[b.Key]})
		}
		return out
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"items": items,
		"next":  page.Next,
		"aggregates": csatAggregates{Overall: agg.Overall, ByOperator: named(agg.ByOperator, opNames),
			ByDepartment: named(agg.ByDepartment, deptNames), ByChannel: named(agg.ByChannel, chNames),
			ByPeriod: named(agg.ByPeriod, nil)},
	})
}

// csatNames are the names of the workspace's operators, departments and
// channels by id, for the answers' labels; a failed look-up leaves ids
// unnamed.
func (s *Server) csatNames(ctx context.Context, ws switchboard.WorkspaceID) (ops, depts, chans map[string]string) {
	ops, depts, chans = map[string]string{}, map[string]string{}, map[string]string{}
	if list, err := s.store.ListOperators(ctx, ws); err == nil {
		for _, o := range list {
			ops[string(o.ID)] = o.Name
		}
	}
	if list, err := s.store.ListDepartments(ctx, ws); err == nil {
		for _, d := range list {
			depts[string(d.ID)] = d.Name
		}
	}
	if list, err := s.store.ListChannels(ctx, ws); err == nil {
		for _, c := range list {
			chans[string(c.ID)] = c.Name
		}
	}
	return ops, depts, chans
}

type widgetCSATRequest struct {
	Token   string `json:"token"`
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// widgetCSAT records a site-chat visitor's rating from the widget's
// card. The survey must be of a conversation of this visitor on this
// channel; anyone else's token is 404, like an unknown one.
func (s *Server) widgetCSAT(w http.ResponseWriter, r *http.Request) {
	_, channel, visitor, ok := s.visitor(w, r)
	if !ok {
		return
	}
	var req widgetCSATRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	ctx := r.Context()
	if req.Token == "" {
		writeError(w, http.StatusBadRequest, "invalid_token", "token: missing")
		return
	}
	survey, err := s.router.CSATSurvey(ctx, req.Token)
	if survey.ID == "" && err != nil && !errors.Is(err, router.ErrCSATToken) {
		s.writeStoreError(w, r, err, "survey")
		return
	}
	if survey.ID == "" || !s.ownsSurvey(ctx, survey, channel, visitor) {
		writeError(w, http.StatusNotFound, "unknown_survey", "token: no rating of your conversation")
		return
	}
	if err == nil {
		survey, err = s.router.AnswerCSAT(ctx, req.Token, req.Score, req.Comment, switchboard.CSATViaWidget)
	}
	switch {
	case errors.Is(err, router.ErrCSATAnswered):
		writeError(w, http.StatusConflict, "already_rated", "this conversation was already rated")
	case errors.Is(err, router.ErrCSATExpired):
		writeError(w, http.StatusGone, "expired", "this rating has expired")
	case err != nil:
		s.writeStoreError(w, r, err, "survey")
	default:
		writeJSON(w, http.StatusOK, map[string]any{"score": survey.Score, "comment": survey.Comment, "answered_at": survey.AnsweredAt})
	}
}

// ownsSurvey reports whether survey is of a conversation of visitor on
// channel.
func (s *Server) ownsSurvey(ctx context.Context, survey switchboard.CSATSurvey, channel switchboard.ChannelID, visitor switchboard.ExternalID) bool {
	if survey.ChannelID != channel {
		return false
	}
	contact, err := s.store.FindIdentityContact(ctx, channel, visitor)
	if err != nil {
		return false
	}
	conv, err := s.store.GetConversation(ctx, survey.WorkspaceID, survey.ConversationID)
	return err == nil && conv.ChannelID == channel && conv.ContactID == contact.ID
}

// csatCards marks the rating cards among a visitor's parts that take no
// answer any more (rated: with the score; expired), so a reloaded widget
// shows the outcome instead of the stars. parts is changed in place (the
// caller's copy).
func (s *Server) csatCards(ctx context.Context, parts []switchboard.Part) []switchboard.Part {
	for i, p := range parts {
		if p.Kind != switchboard.PartCSAT || p.CSAT == nil {
			continue
		}
		survey, err := s.router.CSATSurvey(ctx, p.CSAT.Token)
		if errors.Is(err, router.ErrCSATAnswered) || errors.Is(err, router.ErrCSATExpired) {
			card := *p.CSAT
			card.Score, card.Closed = survey.Score, true
			parts[i].CSAT = &card
		}
	}
	return parts
}
