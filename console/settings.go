package console

import (
	"fmt"
	"net/http"

	"github.com/switchboardhq/switchboard"
)

// Per-operator console settings: GET/PUT /api/v1/me/settings. API tokens
// have no operator and get 400.

func (s *Server) meOperator(w http.ResponseWriter, r *http.Request) (principal, bool) {
	p := principalFrom(r.Context())
	if p.OperatorID == "" {
		writeError(w, http.StatusBadRequest, "no_operator", "settings belong to an operator; log in instead of using an API token")
		return p, false
	}
	return p, true
}

func (s *Server) getSettings(w http.ResponseWriter, r *http.Request) {
	p, ok := s.meOperator(w, r)
	if !ok {
		return
	}
	set, err := s.store.GetOperatorSettings(r.Context(), p.WorkspaceID, p.OperatorID)
	if err != nil {
		s.writeStoreError(w, r, err, "settings")
		return
	}
	writeJSON(w, http.StatusOK, set)
}

type settingsRequest struct {
	NotifyTitle   *bool   `json:"notify_title"`
	NotifyDesktop *bool   `json:"notify_desktop"`
	NotifySound   *bool   `json:"notify_sound"`
	Language      *string `json:"language"`
}

// putSettings replaces the settings; fields left out keep their value.
func (s *Server) putSettings(w http.ResponseWriter, r *http.Request) {
	p, ok := s.meOperator(w, r)
	if !ok {
		return
	}
	var req settingsRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if req.Language != nil && *req.Language != "" && *req.Language != "ja" && *req.Language != "en" {
		writeError(w, http.StatusBadRequest, "invalid_language", fmt.Sprintf("language: %q is not one of ja, en (or empty for the browser's)", *req.Language))
		return
	}
	set, err := s.store.GetOperatorSettings(r.Context(), p.WorkspaceID, p.OperatorID)
	if err != nil {
		s.writeStoreError(w, r, err, "settings")
		return
	}
	apply := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	apply(&set.NotifyTitle, req.NotifyTitle)
	apply(&set.NotifyDesktop, req.NotifyDesktop)
	apply(&set.NotifySound, req.NotifySound)
	if req.Language != nil {
		set.Language = *req.Language
	}
	if err := s.store.PutOperatorSettings(r.Context(), p.WorkspaceID, p.OperatorID, set); err != nil {
		s.writeStoreError(w, r, err, "settings")
		return
	}
	writeJSON(w, http.StatusOK, switchboard.OperatorSettings(set))
}
