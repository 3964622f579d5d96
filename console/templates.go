package console

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Saved replies ("templates" in the API): /api/v1/templates. Shared ones
// are read by everyone in the workspace and written by admins and
// supervisors; personal ones are read and written by their owner only
// (another operator's personal reply is 404, not 403).

type templateRequest struct {
	Name     *string                    `json:"name"`
	Shortcut *string                    `json:"shortcut"`
	Text     *string                    `json:"text"`
	Parts    *[]switchboard.Part        `json:"parts"`
	Scope    *switchboard.ResponseScope `json:"scope"`
}

// canWriteShared reports whether the caller may change shared replies.
func canWriteShared(p principal) bool {
	return p.Role == switchboard.RoleAdmin || p.Role == switchboard.RoleSupervisor
}

// templateVisible reports whether the caller may see t.
func templateVisible(p principal, t switchboard.CannedResponse) bool {
	return t.Scope == switchboard.ScopeShared || (p.OperatorID != "" && t.OwnerID == p.OperatorID)
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	all, err := s.store.ListTemplates(r.Context(), p.WorkspaceID, p.OperatorID)
	if err != nil {
		s.writeStoreError(w, r, err, "templates")
		return
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	q = strings.TrimPrefix(q, "/")
	out := make([]switchboard.CannedResponse, 0, len(all))
	for _, t := range all {
		if q == "" || strings.Contains(strings.ToLower(t.Name), q) || strings.Contains(strings.ToLower(t.Shortcut), q) ||
			strings.Contains(strings.ToLower(t.Text+" "+switchboard.PartsText(t.Parts)), q) {
			out = append(out, t)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// template loads a reply the caller may see, or answers 404.
func (s *Server) template(w http.ResponseWriter, r *http.Request) (switchboard.CannedResponse, bool) {
	p := principalFrom(r.Context())
	t, err := s.store.GetTemplate(r.Context(), p.WorkspaceID, switchboard.CannedResponseID(r.PathValue("id")))
	if err == nil && !templateVisible(p, t) {
		err = store.ErrNotFound
	}
	if err != nil {
		s.writeStoreError(w, r, err, "template")
		return t, false
	}
	return t, true
}

// mayWriteTemplate answers 403 when the caller may see t but not change it.
func mayWriteTemplate(w http.ResponseWriter, p principal, t switchboard.CannedResponse) bool {
	if t.Scope == switchboard.ScopeShared && !canWriteShared(p) {
		writeError(w, http.StatusForbidden, "forbidden", "only admins and supervisors change shared templates")
		return false
	}
	return true
}

func (s *Server) getTemplate(w http.ResponseWriter, r *http.Request) {
	if t, ok := s.template(w, r); ok {
		writeJSON(w, http.StatusOK, t)
	}
}

// applyTemplate copies the request's fields onto t and validates the
// result; it returns the error code and message, or "" when t is valid.
func applyTemplate(t *switchboard.CannedResponse, req templateRequest) (string, string) {
	if req.Name != nil {
		t.Name = strings.TrimSpace(*req.Name)
	}
	if req.Shortcut != nil {
		t.Shortcut = strings.TrimPrefix(strings.TrimSpace(*req.Shortcut), "/")
	}
	if req.Text != nil {
		t.Text = *req.Text
		if req.Parts == nil {
			t.Parts = nil
		}
	}
	if req.Parts != nil {
		t.Parts = *req.Parts
		if req.Text == nil {
			t.Text = ""
		}
	}
	switch {
	case t.Name == "":
		return "invalid_name", "name: missing"
	case utf8.RuneCountInString(t.Name) > 200:
		return "invalid_name", "name: at most 200 characters"
	case strings.IndexFunc(t.Shortcut, unicode.IsSpace) >= 0:
		return "invalid_shortcut", fmt.Sprintf("shortcut: %q must not contain spaces", t.Shortcut)
	case utf8.RuneCountInString(t.Shortcut) > 64:
		return "invalid_shortcut", "shortcut: at most 64 characters"
	case t.Text != "" && len(t.Parts) > 0:
		return "invalid_request", "send either text or parts, not both"
	case strings.TrimSpace(t.Text) == "" && len(t.Parts) == 0:
		return "invalid_text", "text: missing (or send parts)"
	case len(t.Text) > 65536:
		return "invalid_text", "text: at most 65536 bytes"
	}
	for i, p := range t.Parts {
		if !p.Kind.Valid() {
			return "invalid_parts", fmt.Sprintf("parts[%d].kind: unknown part kind %q", i, p.Kind)
		}
	}
	if err := SanitizeParts(t.Parts); err != nil {
		return "invalid_parts", err.Error()
	}
	return "", ""
}

func (s *Server) createTemplate(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	var req templateRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	t := switchboard.CannedResponse{ID: switchboard.CannedResponseID(switchboard.NewID("tpl")), WorkspaceID: p.WorkspaceID, Scope: switchboard.ScopePersonal}
	if req.Scope != nil {
		t.Scope = *req.Scope
	}
	if !t.Scope.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_scope", fmt.Sprintf("scope: %q is not one of personal, shared", t.Scope))
		return
	}
	if t.Scope == switchboard.ScopePersonal {
		if p.OperatorID == "" {
			writeError(w, http.StatusBadRequest, "invalid_scope", "scope: an API token has no personal templates; use shared")
			return
		}
		t.OwnerID = p.OperatorID
	} else if !mayWriteTemplate(w, p, t) {
		return
	}
	if code, msg := applyTemplate(&t, req); code != "" {
		writeError(w, http.StatusBadRequest, code, msg)
		return
	}
	t.CreatedAt, t.UpdatedAt = s.now(), s.now()
	if err := s.store.CreateTemplate(r.Context(), t); err != nil {
		s.writeTemplateError(w, r, err, t)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

func (s *Server) writeTemplateError(w http.ResponseWriter, r *http.Request, err error, t switchboard.CannedResponse) {
	if isConflict(err) {
		writeError(w, http.StatusConflict, "shortcut_taken", fmt.Sprintf("shortcut: /%s is already used by another %s template", t.Shortcut, t.Scope))
		return
	}
	s.writeStoreError(w, r, err, "template")
}

func (s *Server) patchTemplate(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	var req templateRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	t, ok := s.template(w, r)
	if !ok || !mayWriteTemplate(w, p, t) {
		return
	}
	if req.Scope != nil && *req.Scope != t.Scope {
		writeError(w, http.StatusBadRequest, "invalid_scope", "scope: cannot be changed; create a new template instead")
		return
	}
	if code, msg := applyTemplate(&t, req); code != "" {
		writeError(w, http.StatusBadRequest, code, msg)
		return
	}
	t.UpdatedAt = s.now()
	if err := s.store.UpdateTemplate(r.Context(), t); err != nil {
		s.writeTemplateError(w, r, err, t)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) deleteTemplate(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	t, ok := s.template(w, r)
	if !ok || !mayWriteTemplate(w, p, t) {
		return
	}
	if err := s.store.DeleteTemplate(r.Context(), t.WorkspaceID, t.ID); err != nil {
		s.writeStoreError(w, r, err, "template")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
