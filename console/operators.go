package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Operators: /api/v1/operators (admins only). Disabling an operator ends
// their sessions at once (the store deletes them; authenticate refuses a
// disabled operator's remaining requests).

// requireAdmin answers 403 unless the caller is an admin; what names what
// only admins manage.
func requireAdmin(w http.ResponseWriter, r *http.Request, what string) bool {
	if principalFrom(r.Context()).Role != switchboard.RoleAdmin {
		writeError(w, http.StatusForbidden, "forbidden", "only admins manage "+what)
		return false
	}
	return true
}

// operatorView is an operator as the API shows it.
type operatorView struct {
	switchboard.Operator
	// Presence is what the operator chose (PUT /api/v1/me/presence);
	// offline when never set.
	Presence    switchboard.Presence `json:"presence"`
	SlackUserID string               `json:"slack_user_id,omitempty"`
}

// viewOperator shows op with its presence from presences (the
// workspace's, from store.OperatorPresence; nil or missing: offline).
func viewOperator(op switchboard.Operator, presences map[switchboard.OperatorID]switchboard.Presence) operatorView {
	if op.DepartmentIDs == nil {
		op.DepartmentIDs = []switchboard.DepartmentID{}
	}
	p, ok := presences[op.ID]
	if !ok || p == "" {
		p = switchboard.PresenceOffline
	}
	return operatorView{Operator: op, Presence: p}
}

// presences reads the workspace's operator presences for a view; a store
// error shows everyone offline rather than failing the admin screen.
func (s *Server) presences(r *http.Request) map[switchboard.OperatorID]switchboard.Presence {
	m, err := s.store.OperatorPresence(r.Context(), principalFrom(r.Context()).WorkspaceID)
	if err != nil {
		s.log.WarnContext(r.Context(), "operator presence unavailable", "err", err)
	}
	return m
}

func (s *Server) listOperators(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "operators") {
		return
	}
	ops, err := s.store.ListOperators(r.Context(), principalFrom(r.Context()).WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "operators")
		return
	}
	presences := s.presences(r)
	out := make([]operatorView, 0, len(ops))
	for _, op := range ops {
		out = append(out, viewOperator(op, presences))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

type createOperatorRequest struct {
	Email         string                     `json:"email"`
	Name          string                     `json:"name"`
	Role          switchboard.Role           `json:"role"`
	DepartmentIDs []switchboard.DepartmentID `json:"department_ids"`
	Password      string                     `json:"password"`
	SlackUserID   string                     `json:"slack_user_id"`
}

// validRole answers 400 naming the field unless r is a known role.
func validRole(w http.ResponseWriter, r switchboard.Role) bool {
	if !r.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_role", fmt.Sprintf("role: %q is not one of admin, supervisor, operator", r))
		return false
	}
	return true
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

func (s *Server) createOperator(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "operators") {
		return
	}
	var req createOperatorRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	req.Email, req.Name = strings.TrimSpace(req.Email), strings.TrimSpace(req.Name)
	switch {
	case !validEmail(req.Email):
		writeError(w, http.StatusBadRequest, "invalid_email", fmt.Sprintf("email: %q is not an e-mail address", req.Email))
		return
	case req.Name == "":
		writeError(w, http.StatusBadRequest, "invalid_name", "name: missing")
		return
	case !validRole(w, req.Role):
		return
	}
	hash, err := HashPassword(req.Password)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_password", err.Error())
		return
	}
	p := principalFrom(r.Context())
	op := switchboard.Operator{ID: switchboard.OperatorID(switchboard.NewID("op")), WorkspaceID: p.WorkspaceID, Email: req.Email,
		Name: req.Name, Role: req.Role, DepartmentIDs: req.DepartmentIDs, CreatedAt: s.now()}
	if err := s.store.CreateOperator(r.Context(), op, hash); err != nil {
		switch {
		case errors.Is(err, store.ErrConflict):
			writeError(w, http.StatusConflict, "email_taken", "email: an operator with this e-mail exists")
		case errors.Is(err, store.ErrNotFound):
			writeError(w, http.StatusBadRequest, "invalid_department_ids", "department_ids: a department does not exist in this workspace")
		default:
			s.writeStoreError(w, r, err, "operator")
		}
		return
	}
	v := viewOperator(op, s.presences(r))
	if req.SlackUserID != "" {
		if err := s.store.LinkOperatorAccount(r.Context(), p.WorkspaceID, op.ID, "slack", req.SlackUserID); err != nil {
			s.writeStoreError(w, r, err, "operator")
			return
		}
		v.SlackUserID = req.SlackUserID
	}
	writeJSON(w, http.StatusCreated, v)
}

type patchOperatorRequest struct {
	Name          *string                     `json:"name"`
	Role          *switchboard.Role           `json:"role"`
	DepartmentIDs *[]switchboard.DepartmentID `json:"department_ids"`
	Disabled      *bool                       `json:"disabled"`
	SlackUserID   *string                     `json:"slack_user_id"`
	// MaxChats is the operator's own limit of open assigned chats: a
	// number (0: no limit), or null to use their departments' limit.
	MaxChats json.RawMessage `json:"max_chats"`
}

func (s *Server) patchOperator(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "operators") {
		return
	}
	var req patchOperatorRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	p := principalFrom(r.Context())
	op, err := s.store.GetOperator(r.Context(), p.WorkspaceID, switchboard.OperatorID(r.PathValue("id")))
	if err != nil {
		s.writeStoreError(w, r, err, "operator")
		return
	}
	if req.Name != nil {
		if op.Name = strings.TrimSpace(*req.Name); op.Name == "" {
			writeError(w, http.StatusBadRequest, "invalid_name", "name: must not be empty")
			return
		}
	}
	if req.Role != nil {
		if !validRole(w, *req.Role) {
			return
		}
		op.Role = *req.Role
	}
	if req.DepartmentIDs != nil {
		op.DepartmentIDs = *req.DepartmentIDs
	}
	if req.Disabled != nil {
		op.Disabled = *req.Disabled
	}
	if op.ID == p.OperatorID && (op.Disabled || op.Role != switchboard.RoleAdmin) {
		writeError(w, http.StatusBadRequest, "invalid_request", "you cannot disable yourself or take away your own admin role")
		return
	}
	setMaxChats := req.MaxChats != nil
	if setMaxChats {
		limit, ok := parseMaxChats(req.MaxChats)
		if !ok {
			writeError(w, http.StatusBadRequest, "invalid_max_chats", "max_chats: a whole number 0 or more (0: no limit), or null for the departments' limit")
			return
		}
		op.MaxChats = limit
	}
	if req.SlackUserID != nil && strings.ContainsAny(*req.SlackUserID, " \t\n") {
		writeError(w, http.StatusBadRequest, "invalid_slack_user_id", "slack_user_id: must not contain spaces")
		return
	}
	if err := s.store.UpdateOperator(r.Context(), op); err != nil {
		if errors.Is(err, store.ErrNotFound) && req.DepartmentIDs != nil {
			writeError(w, http.StatusBadRequest, "invalid_department_ids", "department_ids: a department does not exist in this workspace")
			return
		}
		s.writeStoreError(w, r, err, "operator")
		return
	}
	if setMaxChats {
		if err := s.store.SetOperatorMaxChats(r.Context(), p.WorkspaceID, op.ID, op.MaxChats); err != nil {
			s.writeStoreError(w, r, err, "operator")
			return
		}
		// A higher limit may let the operator take what waits.
		if err := s.hub.OperatorFreed(r.Context(), p.WorkspaceID, op.ID); err != nil {
			s.log.WarnContext(r.Context(), "queue not pulled after a limit change", "operator", op.ID, "err", err)
		}
	}
	v := viewOperator(op, s.presences(r))
	if req.SlackUserID != nil && *req.SlackUserID != "" {
		if err := s.store.LinkOperatorAccount(r.Context(), p.WorkspaceID, op.ID, "slack", *req.SlackUserID); err != nil {
			s.writeStoreError(w, r, err, "operator")
			return
		}
		v.SlackUserID = *req.SlackUserID
	}
	writeJSON(w, http.StatusOK, v)
}

// parseMaxChats reads max_chats: null (nil, the departments' limit) or a
// whole number >= 0.
func parseMaxChats(raw json.RawMessage) (*int, bool) {
	if string(raw) == "null" {
		return nil, true
	}
	var n int
	if err := json.Unmarshal(raw, &n); err != nil || n < 0 {
		return nil, false
	}
	return &n, true
}
