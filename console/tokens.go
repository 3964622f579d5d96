package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// API tokens: /api/v1/tokens (admins only). The secret is answered once,
// at creation; the store keeps only its hash and listing never shows it.

// tokenView is a token without its hash.
type tokenView struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Role      switchboard.Role `json:"role"`
	CreatedAt time.Time        `json:"created_at"`
	RevokedAt *time.Time       `json:"revoked_at,omitempty"`
	// Token is the secret, set only in the answer to POST.
	Token string `json:"token,omitempty"`
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "API tokens") {
		return
	}
	toks, err := s.store.ListTokens(r.Context(), principalFrom(r.Context()).WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "tokens")
		return
	}
	out := make([]tokenView, 0, len(toks))
	for _, t := range toks {
		out = append(out, tokenView{ID: t.ID, Name: t.Name, Role: t.Role, CreatedAt: t.CreatedAt, RevokedAt: t.RevokedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

type createTokenRequest struct {
	Name string           `json:"name"`
	Role switchboard.Role `json:"role"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "API tokens") {
		return
	}
	var req createTokenRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" {
		writeError(w, http.StatusBadRequest, "invalid_name", "name: missing")
		return
	}
	if !validRole(w, req.Role) {
		return
	}
	secret := NewSecret("sbt_")
	p := principalFrom(r.Context())
	tok := storeToken(p.WorkspaceID, req.Name, req.Role, secret, s.now())
	if err := s.store.CreateToken(r.Context(), tok); err != nil {
		s.writeStoreError(w, r, err, "token")
		return
	}
	s.log.InfoContext(r.Context(), "API token created", "token_id", tok.ID, "role", tok.Role, "by", p.OperatorID)
	writeJSON(w, http.StatusCreated, tokenView{ID: tok.ID, Name: tok.Name, Role: tok.Role, CreatedAt: tok.CreatedAt, Token: secret})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "API tokens") {
		return
	}
	p := principalFrom(r.Context())
	if err := s.store.RevokeToken(r.Context(), p.WorkspaceID, r.PathValue("id"), s.now()); err != nil {
		s.writeStoreError(w, r, err, "token")
		return
	}
	s.log.InfoContext(r.Context(), "API token revoked", "token_id", r.PathValue("id"), "by", p.OperatorID)
	w.WriteHeader(http.StatusNoContent)
}

func storeToken(ws switchboard.WorkspaceID, name string, role switchboard.Role, secret string, now time.Time) store.Token {
	return store.Token{ID: switchboard.NewID("tok"), WorkspaceID: ws, Name: name, Role: role, Hash: HashSecret(secret), CreatedAt: now}
}
