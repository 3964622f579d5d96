package console

import (
	"fmt"
	"net/http"

	"github.com/switchboardhq/switchboard"
)

// A workspace's privacy settings for visitor data: GET (every operator of
// the workspace, so the side panel can tell why a field is empty) and PUT
// (admins) /api/v1/workspace/privacy.

// maxRetentionDays bounds visitor_retention_days (ten years).
const maxRetentionDays = 3650

func (s *Server) getPrivacy(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	set, err := s.store.GetWorkspaceSettings(r.Context(), p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "privacy settings")
		return
	}
	writeJSON(w, http.StatusOK, set)
}

type privacyRequest struct {
	CollectIP            *bool `json:"collect_ip"`
	CollectLocation      *bool `json:"collect_location"`
	VisitorRetentionDays *int  `json:"visitor_retention_days"`
}

// putPrivacy changes the settings; fields left out keep their value. Turning
// collection off applies to what visitors send from then on; the retention
// sweep (router) empties context older than the period.
func (s *Server) putPrivacy(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "privacy settings") {
		return
	}
	p := principalFrom(r.Context())
	var req privacyRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if d := req.VisitorRetentionDays; d != nil && (*d < 0 || *d > maxRetentionDays) {
		writeError(w, http.StatusBadRequest, "invalid_retention", fmt.Sprintf("visitor_retention_days: %d is not between 0 (keep) and %d", *d, maxRetentionDays))
		return
	}
	set, err := s.store.GetWorkspaceSettings(r.Context(), p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "privacy settings")
		return
	}
	if req.CollectIP != nil {
		set.CollectIP = *req.CollectIP
	}
	if req.CollectLocation != nil {
		set.CollectLocation = *req.CollectLocation
	}
	if req.VisitorRetentionDays != nil {
		set.VisitorRetentionDays = *req.VisitorRetentionDays
	}
	if err := s.store.PutWorkspaceSettings(r.Context(), p.WorkspaceID, set); err != nil {
		s.writeStoreError(w, r, err, "privacy settings")
		return
	}
	s.log.InfoContext(r.Context(), "privacy settings changed", "collect_ip", set.CollectIP, "collect_location", set.CollectLocation, "retention_days", set.VisitorRetentionDays, "by", p.OperatorID)
	writeJSON(w, http.StatusOK, switchboard.WorkspaceSettings(set))
}
