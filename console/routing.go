package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/router/hours"
	"github.com/switchboardhq/switchboard/router/rules"
	"github.com/switchboardhq/switchboard/store"
)

// Departments, routing rules, transfers, claims and queues (issue 14).

// actorContext returns ctx naming the caller as the actor of the hub's
// changes (activity entries say who).
func (s *Server) actorContext(ctx context.Context) context.Context {
	p := principalFrom(ctx)
	if p.OperatorID == "" {
		return ctx
	}
	name := p.Name
	if name == "" {
		name = p.Email
	}
	return router.WithActor(ctx, router.Actor{ID: p.OperatorID, Name: name})
}

// writeFieldError answers 400 for a validation error written
// "field: what is wrong", with the code invalid_<field>.
func writeFieldError(w http.ResponseWriter, err error) {
	msg := err.Error()
	field, _, _ := strings.Cut(msg, ": ")
	field = strings.SplitN(strings.SplitN(field, "[", 2)[0], ".", 2)[0]
	writeError(w, http.StatusBadRequest, "invalid_"+field, msg)
}

// departmentBody is what POST and PATCH take: the department's name,
// members and settings. PATCH decodes onto the stored department, so
// fields left out stay.
type departmentBody struct {
	Name      string                   `json:"name"`
	MemberIDs []switchboard.OperatorID `json:"member_ids"`
	switchboard.DepartmentSettings
}

// validateDepartment checks a department as an admin wrote it; the error
// names the field.
func (s *Server) validateDepartment(ctx context.Context, d switchboard.Department) error {
	switch {
	case strings.TrimSpace(d.Name) == "" || utf8.RuneCountInString(d.Name) > 100:
		return errors.New("name: required, at most 100 characters")
	case !d.Assignment.Valid():
		return fmt.Errorf("assignment: %q is not one of round_robin, least_busy, manual", d.Assignment)
	case d.MaxChats < 0:
		return fmt.Errorf("max_chats: %d is negative", d.MaxChats)
	case d.DefaultWaitSeconds < 0:
		return fmt.Errorf("default_wait_seconds: %d is negative", d.DefaultWaitSeconds)
	case !d.Offline.Mode.Valid():
		return fmt.Errorf("offline.mode: %q is not one of form, banner, queue", d.Offline.Mode)
	case d.Notify.WaitingMinutes < 0:
		return fmt.Errorf("notify.waiting_minutes: %d is negative", d.Notify.WaitingMinutes)
	}
	if err := hours.Validate(d.Hours); err != nil {
		return err
	}
	for field, methods := range map[string][]switchboard.NotifyMethod{
		"new_conversation": d.Notify.NewConversation, "new_message": d.Notify.NewMessage,
		"transfer": d.Notify.Transfer, "waiting": d.Notify.Waiting,
	} {
		for i, m := range methods {
			switch m {
			case switchboard.NotifyEmail, switchboard.NotifyPush, switchboard.NotifySMS, switchboard.NotifyBrowser:
			default:
				return fmt.Errorf("notify.%s[%d]: %q is not one of email, push, sms, browser", field, i, m)
			}
		}
	}
	if len(d.MemberIDs) > 0 {
		ops, err := s.store.ListOperators(ctx, d.WorkspaceID)
		if err != nil {
			return err
		}
		for i, id := range d.MemberIDs {
			if !slices.ContainsFunc(ops, func(o switchboard.Operator) bool { return o.ID == id }) {
				return fmt.Errorf("member_ids[%d]: no operator %q in this workspace", i, id)
			}
		}
	}
	return nil
}

// saveDepartment validates and stores d (create or update) and answers
// it as stored.
func (s *Server) saveDepartment(w http.ResponseWriter, r *http.Request, d switchboard.Department, create bool) {
	ctx := r.Context()
	if err := s.validateDepartment(ctx, d); err != nil {
		if errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), ": ") {
			s.writeStoreError(w, r, err, "department")
			return
		}
		writeFieldError(w, err)
		return
	}
	var err error
	if create {
		err = s.store.CreateDepartment(ctx, d)
	} else {
		err = s.store.UpdateDepartment(ctx, d)
	}
	if errors.Is(err, store.ErrConflict) {
		writeError(w, http.StatusConflict, "name_taken", fmt.Sprintf("name: a department named %q exists", d.Name))
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "department")
		return
	}
	stored, err := s.store.GetDepartment(ctx, d.WorkspaceID, d.ID)
	if err != nil {
		s.writeStoreError(w, r, err, "department")
		return
	}
	status := http.StatusOK
	if create {
		status = http.StatusCreated
	}
	writeJSON(w, status, stored)
}

func (s *Server) createDepartment(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "departments") {
		return
	}
	body := departmentBody{DepartmentSettings: store.DefaultDepartmentSettings()}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	p := principalFrom(r.Context())
	d := switchboard.Department{
		ID: switchboard.DepartmentID(switchboard.NewID("dep")), WorkspaceID: p.WorkspaceID, Name: strings.TrimSpace(body.Name),
		MemberIDs: body.MemberIDs, DepartmentSettings: body.DepartmentSettings, CreatedAt: s.now(),
	}
	if d.MemberIDs == nil {
		d.MemberIDs = []switchboard.OperatorID{}
	}
	s.saveDepartment(w, r, d, true)
}

// department loads the department named by the path (every member of the
// workspace may read departments, as the list shows them all).
func (s *Server) department(w http.ResponseWriter, r *http.Request) (switchboard.Department, bool) {
	p := principalFrom(r.Context())
	d, err := s.store.GetDepartment(r.Context(), p.WorkspaceID, switchboard.DepartmentID(r.PathValue("id")))
	if err != nil {
		s.writeStoreError(w, r, err, "department")
		return d, false
	}
	return d, true
}

func (s *Server) getDepartment(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.department(w, r); ok {
		writeJSON(w, http.StatusOK, d)
	}
}

func (s *Server) patchDepartment(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "departments") {
		return
	}
	d, ok := s.department(w, r)
	if !ok {
		return
	}
	body := departmentBody{Name: d.Name, DepartmentSettings: d.DepartmentSettings}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	d.Name, d.DepartmentSettings, d.MemberIDs = strings.TrimSpace(body.Name), body.DepartmentSettings, body.MemberIDs
	s.saveDepartment(w, r, d, false)
}

func (s *Server) deleteDepartment(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "departments") {
		return
	}
	p := principalFrom(r.Context())
	err := s.store.DeleteDepartment(r.Context(), p.WorkspaceID, switchboard.DepartmentID(r.PathValue("id")))
	if errors.Is(err, store.ErrConflict) {
		writeError(w, http.StatusConflict, "department_in_use",
			"the default department cannot be deleted, nor one with conversations not resolved (move them first): "+err.Error())
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "department")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ruleBody is what POST and PATCH of a rule take.
type ruleBody struct {
	Name   string                 `json:"name"`
	Match  switchboard.RuleMatch  `json:"match"`
	Action switchboard.RuleAction `json:"action"`
}

// validateRule checks a rule and that its department and assignee exist
// in the workspace; the error names the field.
func (s *Server) validateRule(ctx context.Context, rule switchboard.RoutingRule) error {
	if err := rules.Validate(rule); err != nil {
		return err
	}
	if d := rule.Action.DepartmentID; d != "" {
		if _, err := s.store.GetDepartment(ctx, rule.WorkspaceID, d); err != nil {
			return fmt.Errorf("action.department_id: no department %q in this workspace", d)
		}
	}
	if op := rule.Action.AssigneeID; op != "" {
		if _, err := s.store.GetOperator(ctx, rule.WorkspaceID, op); err != nil {
			return fmt.Errorf("action.assignee_id: no operator %q in this workspace", op)
		}
	}
	return nil
}

func (s *Server) listRoutingRules(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	list, err := s.store.ListRoutingRules(r.Context(), p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "routing rules")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
}

func (s *Server) createRoutingRule(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "routing rules") {
		return
	}
	var body ruleBody
	if !s.decodeJSON(w, r, &body) {
		return
	}
	p := principalFrom(r.Context())
	rule := switchboard.RoutingRule{ID: switchboard.NewID("rule"), WorkspaceID: p.WorkspaceID, Name: strings.TrimSpace(body.Name),
		Match: body.Match, Action: body.Action, CreatedAt: s.now()}
	if err := s.validateRule(r.Context(), rule); err != nil {
		writeFieldError(w, err)
		return
	}
	stored, err := s.store.CreateRoutingRule(r.Context(), rule)
	if err != nil {
		s.writeStoreError(w, r, err, "routing rule")
		return
	}
	writeJSON(w, http.StatusCreated, stored)
}

func (s *Server) routingRule(w http.ResponseWriter, r *http.Request) (switchboard.RoutingRule, bool) {
	p := principalFrom(r.Context())
	rule, err := s.store.GetRoutingRule(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		s.writeStoreError(w, r, err, "routing rule")
		return rule, false
	}
	return rule, true
}

func (s *Server) getRoutingRule(w http.ResponseWriter, r *http.Request) {
	if rule, ok := s.routingRule(w, r); ok {
		writeJSON(w, http.StatusOK, rule)
	}
}

func (s *Server) patchRoutingRule(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "routing rules") {
		return
	}
	rule, ok := s.routingRule(w, r)
	if !ok {
		return
	}
	body := ruleBody{Name: rule.Name, Match: rule.Match, Action: rule.Action}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	rule.Name, rule.Match, rule.Action, rule.UpdatedAt = strings.TrimSpace(body.Name), body.Match, body.Action, s.now()
	if err := s.validateRule(r.Context(), rule); err != nil {
		writeFieldError(w, err)
		return
	}
	stored, err := s.store.UpdateRoutingRule(r.Context(), rule)
	if err != nil {
		s.writeStoreError(w, r, err, "routing rule")
		return
	}
	writeJSON(w, http.StatusOK, stored)
}

func (s *Server) deleteRoutingRule(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "routing rules") {
		return
	}
	p := principalFrom(r.Context())
	if err := s.store.DeleteRoutingRule(r.Context(), p.WorkspaceID, r.PathValue("id")); err != nil {
		s.writeStoreError(w, r, err, "routing rule")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) orderRoutingRules(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "routing rules") {
		return
	}
	var body struct {
		IDs []string `json:"ids"`
	}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	p := principalFrom(r.Context())
	err := s.store.ReorderRoutingRules(r.Context(), p.WorkspaceID, body.IDs)
	if errors.Is(err, store.ErrInvalid) {
		writeError(w, http.StatusBadRequest, "invalid_ids", "ids: must list every rule of the workspace exactly once")
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "routing rules")
		return
	}
	s.listRoutingRules(w, r)
}

// testRoutingRules answers where a conversation with the given traits
// would go: the first matching rule (null when none) and its action, or
// the default department.
func (s *Server) testRoutingRules(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Channel     switchboard.ChannelID `json:"channel"`
		ChannelType string                `json:"channel_type"`
		Language    string                `json:"language"`
		PageURL     string                `json:"page_url"`
		Text        string                `json:"text"`
		Attributes  map[string]string     `json:"attributes"`
		Labels      []string              `json:"labels"`
	}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	p := principalFrom(r.Context())
	list, err := s.store.ListRoutingRules(r.Context(), p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "routing rules")
		return
	}
	rule, ok := rules.First(list, switchboard.RoutingInput{Channel: body.Channel, ChannelType: body.ChannelType, Language: body.Language,
		PageURL: body.PageURL, Text: body.Text, Attributes: body.Attributes, Labels: body.Labels})
	answer := map[string]any{"rule_id": nil, "rule_name": nil, "priority": 0, "labels": []string{}, "assignee_id": nil}
	dept := rule.Action.DepartmentID
	if ok {
		answer["rule_id"], answer["rule_name"], answer["priority"] = rule.ID, rule.Name, rule.Action.Priority
		if rule.Action.Labels != nil {
			answer["labels"] = rule.Action.Labels
		}
		if rule.Action.AssigneeID != "" {
			answer["assignee_id"] = rule.Action.AssigneeID
		}
	}
	if dept == "" {
		d, err := s.store.DefaultDepartment(r.Context(), p.WorkspaceID)
		if err != nil {
			s.writeStoreError(w, r, err, "department")
			return
		}
		dept = d.ID
	}
	answer["department_id"] = dept
	writeJSON(w, http.StatusOK, answer)
}

func (s *Server) transferConversation(w http.ResponseWriter, r *http.Request) {
	var body struct {
		DepartmentID switchboard.DepartmentID `json:"department_id"`
		OperatorID   switchboard.OperatorID   `json:"operator_id"`
		Reason       string                   `json:"reason"`
	}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	if (body.DepartmentID == "") == (body.OperatorID == "") {
		writeError(w, http.StatusBadRequest, "invalid_target", "department_id or operator_id: set exactly one")
		return
	}
	if utf8.RuneCountInString(body.Reason) > 500 {
		writeError(w, http.StatusBadRequest, "invalid_reason", "reason: longer than 500 characters")
		return
	}
	conv, ok := s.conversation(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if body.DepartmentID != "" {
		if _, err := s.store.GetDepartment(ctx, conv.WorkspaceID, body.DepartmentID); err != nil {
			writeError(w, http.StatusBadRequest, "invalid_department_id", fmt.Sprintf("department_id: no department %q in this workspace", body.DepartmentID))
			return
		}
	}
	if body.OperatorID != "" {
		op, err := s.store.GetOperator(ctx, conv.WorkspaceID, body.OperatorID)
		if err != nil || op.Disabled {
			writeError(w, http.StatusBadRequest, "invalid_operator_id", fmt.Sprintf("operator_id: no active operator %q in this workspace", body.OperatorID))
			return
		}
	}
	updated, err := s.hub.Transfer(s.actorContext(ctx), conv, body.DepartmentID, body.OperatorID, strings.TrimSpace(body.Reason))
	if err != nil {
		s.writeStoreError(w, r, err, "conversation")
		return
	}
	writeJSON(w, http.StatusOK, s.viewConversation(ctx, updated))
}

func (s *Server) claimConversation(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if p.OperatorID == "" {
		writeError(w, http.StatusBadRequest, "invalid_operator", "only an operator's session can claim a conversation, not an API token")
		return
	}
	conv, ok := s.conversation(w, r)
	if !ok {
		return
	}
	updated, err := s.hub.Claim(s.actorContext(r.Context()), conv)
	if errors.Is(err, store.ErrConflict) {
		writeError(w, http.StatusConflict, "already_assigned", "someone else took the conversation first (or it is resolved)")
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "conversation")
		return
	}
	writeJSON(w, http.StatusOK, s.viewConversation(r.Context(), updated))
}

// queueOperator is an online member in the queues view.
type queueOperator struct {
	OperatorID switchboard.OperatorID `json:"operator_id"`
	Name       string                 `json:"name"`
	Chats      int                    `json:"chats"`
	MaxChats   int                    `json:"max_chats"`
}

// queueView is one department's queue in the supervisor view.
type queueView struct {
	DepartmentID         switchboard.DepartmentID `json:"department_id"`
	Name                 string                   `json:"name"`
	Open                 bool                     `json:"open"`
	Waiting              int                      `json:"waiting"`
	LongestWaitSeconds   int                      `json:"longest_wait_seconds"`
	Online               []queueOperator          `json:"online"`
	EstimatedWaitSeconds int                      `json:"estimated_wait_seconds"`
}

func (s *Server) listQueues(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := principalFrom(ctx)
	depts, err := s.store.ListDepartments(ctx, p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "departments")
		return
	}
	ops, err := s.store.ListOperators(ctx, p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "operators")
		return
	}
	presence, err := s.store.OperatorPresence(ctx, p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "operators")
		return
	}
	loads, err := s.store.OpenChats(ctx, p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "operators")
		return
	}
	now := s.now()
	items := []queueView{}
	for _, d := range depts {
		if !p.canSee(d.ID) {
			continue
		}
		st, err := s.store.QueueStats(ctx, p.WorkspaceID, d.ID)
		if err != nil {
			s.writeStoreError(w, r, err, "queue")
			return
		}
		v := queueView{DepartmentID: d.ID, Name: d.Name, Open: hours.Open(d.Hours, now), Waiting: st.Waiting, Online: []queueOperator{}}
		if st.OldestQueued != nil {
			v.LongestWaitSeconds = int(now.Sub(*st.OldestQueued).Seconds())
		}
		for _, op := range ops {
			if op.Disabled || presence[op.ID] != switchboard.PresenceOnline || !slices.Contains(op.DepartmentIDs, d.ID) {
				continue
			}
			limit := store.ChatLimit(op.MaxChats, d.MaxChats)
			if op.MaxChats != nil && *op.MaxChats <= 0 {
				limit = 0 // no limit
			}
			v.Online = append(v.Online, queueOperator{OperatorID: op.ID, Name: op.Name, Chats: loads[op.ID], MaxChats: limit})
		}
		v.EstimatedWaitSeconds = int(store.EstimateWait(st.RecentFirstReplies, st.Waiting+1, len(v.Online), store.WaitFallback(d.DepartmentSettings)).Seconds())
		items = append(items, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// activityText says in a line what an activity entry records (for
// transcripts): "Transferred to Billing by Sue: asks for a refund".
func activityText(a *switchboard.Activity) string {
	if a == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(map[switchboard.ActivityKind]string{
		switchboard.ActivityRouted: "Routed", switchboard.ActivityAssigned: "Assigned", switchboard.ActivityUnassigned: "Unassigned",
		switchboard.ActivityClaimed: "Claimed", switchboard.ActivityTransferred: "Transferred", switchboard.ActivityResolved: "Resolved",
		switchboard.ActivityReopened: "Reopened",
	}[a.Kind])
	if b.Len() == 0 {
		b.WriteString(string(a.Kind))
	}
	target := firstNonEmpty(a.OperatorName, string(a.OperatorID))
	if d := firstNonEmpty(a.DepartmentName, string(a.DepartmentID)); d != "" && (target == "" || a.Kind == switchboard.ActivityTransferred) {
		target = strings.TrimSpace(target + " (" + d + ")")
		if a.OperatorID == "" {
			target = d
		}
	}
	if target != "" {
		if a.Kind == switchboard.ActivityUnassigned {
			b.WriteString(" from " + target)
		} else {
			b.WriteString(" to " + target)
		}
	}
	if a.ActorName != "" {
		b.WriteString(" by " + a.ActorName)
	}
	if a.Reason != "" {
		b.WriteString(": " + a.Reason)
	}
	return b.String()
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
