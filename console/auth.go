package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

const sessionCookie = "sb_session"

// errOperatorDisabled is why a disabled operator's session stops working
// (also for a stream already open: its re-check ends it).
var errOperatorDisabled = errors.New("operator is disabled")

// principal is who is calling: an operator with a session, or an API token.
type principal struct {
	WorkspaceID   switchboard.WorkspaceID
	OperatorID    switchboard.OperatorID
	Role          switchboard.Role
	DepartmentIDs []switchboard.DepartmentID
	Name          string
	Email         string
	viaSession    bool
	sessionHash   string
	tokenHash     string
	csrf          string
}

// restrict returns the department filter for this caller: admins and
// supervisors see everything, operators only their departments.
func (p principal) restrict() (bool, []switchboard.DepartmentID) {
	if p.Role.SeesAllDepartments() {
		return false, nil
	}
	return true, p.DepartmentIDs
}

// canSee reports whether the caller may see a conversation of dept.
func (p principal) canSee(dept switchboard.DepartmentID) bool {
	restricted, depts := p.restrict()
	if !restricted {
		return true
	}
	for _, d := range depts {
		if d == dept {
			return true
		}
	}
	return false
}

type principalKey struct{}

func principalFrom(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

// HashSecret is how tokens and session secrets are stored: hex SHA-256.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// NewSecret returns a random URL-safe secret with a prefix.
func NewSecret(prefix string) string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("console: no randomness: " + err.Error())
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// authed wraps a handler that needs a caller: a Bearer API token or an
// operator session cookie. Unsafe methods with a session must carry the
// session's CSRF token in X-CSRF-Token (Bearer tokens are not sent by
// browsers on their own, so they need none).
func (s *Server) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	}
}

func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (principal, bool) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			writeError(w, http.StatusUnauthorized, "unauthorized", "Authorization must be 'Bearer <token>'")
			return principal{}, false
		}
		tokenHash := HashSecret(strings.TrimSpace(secret))
		tok, err := s.store.TokenByHash(ctx, tokenHash)
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusUnauthorized, "unauthorized", "invalid or revoked API token")
			return principal{}, false
		}
		if err != nil {
			s.writeStoreError(w, r, err, "token")
			return principal{}, false
		}
		return principal{WorkspaceID: tok.WorkspaceID, Role: tok.Role, Name: tok.Name, tokenHash: tokenHash}, true
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		writeError(w, http.StatusUnauthorized, "unauthorized", "log in or send 'Authorization: Bearer <token>'")
		return principal{}, false
	}
	hash := HashSecret(c.Value)
	sess, err := s.store.SessionByHash(ctx, hash, s.now())
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusUnauthorized, "unauthorized", "session expired; log in again")
		return principal{}, false
	}
	if err != nil {
		s.writeStoreError(w, r, err, "session")
		return principal{}, false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(sess.CSRF)) != 1 {
			writeError(w, http.StatusForbidden, "csrf", "missing or wrong X-CSRF-Token header")
			return principal{}, false
		}
	}
	p, err := s.sessionPrincipal(ctx, sess)
	if err != nil {
		writeError(w, http.StatusUnauthorized, "unauthorized", "the session's operator no longer exists or is disabled")
		return principal{}, false
	}
	return p, true
}

// sessionPrincipal is the caller a valid session stands for; an error
// when its operator may no longer act (gone or disabled). Both authenticate and the
// stream's periodic re-check call it, so a rule added here (a disabled
// operator) holds for both.
func (s *Server) sessionPrincipal(ctx context.Context, sess store.Session) (principal, error) {
	op, err := s.store.GetOperator(ctx, sess.WorkspaceID, sess.OperatorID)
	if err != nil {
		return principal{}, err
	}
	if op.Disabled {
		return principal{}, fmt.Errorf("operator %s: %w", op.ID, errOperatorDisabled)
	}
	return principal{WorkspaceID: op.WorkspaceID, OperatorID: op.ID, Role: op.Role, DepartmentIDs: op.DepartmentIDs, Name: op.Name,
		Email: op.Email, viaSession: true, sessionHash: sess.Hash, csrf: sess.CSRF}, nil
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// dummyHash keeps login timing the same for unknown e-mails.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("switchboard-dummy-password"), bcrypt.DefaultCost)

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if throttled(w, s.loginIP, s.clientIP(r), "login attempts") {
		return
	}
	var req loginRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if req.Email == "" || req.Password == "" {
		writeError(w, http.StatusBadRequest, "invalid_credentials", "email and password are required")
		return
	}
	// Per account as well as per address: guessing one operator's password
	// from many addresses is bounded too. The answer is the same whether
	// the account exists; only failed attempts count.
	okAccount, wait, failed := s.loginAccount.check(strings.ToLower(strings.TrimSpace(req.Email)), time.Now())
	if !okAccount {
		tooMany(w, wait, "login attempts for this account")
		return
	}
	op, hash, err := s.store.OperatorByEmail(r.Context(), req.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.writeStoreError(w, r, err, "operator")
		return
	}
	if err != nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(req.Password))
		failed()
		writeError(w, http.StatusUnauthorized, "invalid_credentials", "wrong e-mail or password")
		return
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(req.Password)) != nil {
		failed()
		writeError(w, http.StatusUnauthorized, "invalid_credentials", "wrong e-mail or password")
		return
	}
	if op.Disabled {
		writeError(w, http.StatusForbidden, "account_disabled", "this account is disabled; ask an admin")
		return
	}
	secret := NewSecret("")
	csrf := NewSecret("")
	now := s.now()
	sess := store.Session{Hash: HashSecret(secret), OperatorID: op.ID, WorkspaceID: op.WorkspaceID, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	if err := s.store.CreateSession(r.Context(), sess); err != nil {
		s.writeStoreError(w, r, err, "session")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(s.cfg.PublicURL, "https://"), Expires: sess.ExpiresAt,
	})
	writeJSON(w, http.StatusOK, map[string]any{"operator": op, "csrf_token": csrf, "expires_at": sess.ExpiresAt})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if p.viaSession {
		if err := s.store.DeleteSession(r.Context(), p.sessionHash); err != nil {
			s.writeStoreError(w, r, err, "session")
			return
		}
		// Streams of the session on this instance end now; those on
		// other instances at their next re-check.
		s.sessions.end(p.sessionHash)
		s.setPresence(r.Context(), p, switchboard.PresenceOffline)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	out := map[string]any{"workspace_id": p.WorkspaceID, "role": p.Role, "name": p.Name, "map_tile_url": s.mapTileURL()}
	if p.OperatorID != "" {
		out["operator_id"] = p.OperatorID
		out["department_ids"] = p.DepartmentIDs
		out["csrf_token"] = p.csrf
		out["email"] = p.Email
		out["presence"] = s.presenceOf(r.Context(), p.WorkspaceID, p.OperatorID)
	}
	writeJSON(w, http.StatusOK, out)
}

// defaultMapTileURL are OpenStreetMap's tiles, for the visitor map when
// map.tile_url is not set.
const defaultMapTileURL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

// mapTileURL is the visitor map's tile template (the console's CSP lets
// its images in).
func (s *Server) mapTileURL() string {
	if s.cfg.MapTileURL == "" {
		return defaultMapTileURL
	}
	return s.cfg.MapTileURL
}

// HashPassword is how operator passwords are stored.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", errors.New("password: at least 8 characters")
	}
	if len(password) > 72 {
		return "", errors.New("password: at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(h), err
}
