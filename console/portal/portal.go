// Package portal serves the hub's public, server-rendered sites (issue
// 15): the help centre of a workspace's published articles under /help/.
// Pages are small html/template documents with inline CSS, no script and
// no external resource, under a strict Content-Security-Policy.
package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Store is what the help centre reads and counts.
type Store interface {
	store.ArticleStore
	DefaultWorkspace(ctx context.Context) (switchboard.Workspace, error)
	GetWorkspace(ctx context.Context, id switchboard.WorkspaceID) (switchboard.Workspace, error)
	// GetBranding gives the pages the workspace's colour and logo.
	GetBranding(ctx context.Context, ws switchboard.WorkspaceID) (store.Branding, error)
}

// Config configures the help centre.
type Config struct {
	// ClientIP returns the visitor's address (the console's, which knows
	// the trusted proxies); nil: the peer address.
	ClientIP func(r *http.Request) string
	// Log receives errors of the store; nil: none.
	Log func(ctx context.Context, msg string, err error)
}

// CSP is the Content-Security-Policy of every help-centre page: nothing
// but the inline style, images of the hub or https, and forms posting to
// the hub.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Handler serves /help/.
type Handler struct {
	store Store
	cfg   Config
	mux   *http.ServeMux
}

// New returns the help centre over st.
func New(st Store, cfg Config) *Handler {
	h := &Handler{store: st, cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /help/{$}", h.withDefault(h.index))
	h.mux.HandleFunc("GET /help/search", h.withDefault(h.search))
	h.mux.HandleFunc("GET /help/sitemap.xml", h.withDefault(h.sitemap))
	h.mux.HandleFunc("GET /help/{workspace}/{$}", h.withWorkspace(h.index))
	h.mux.HandleFunc("GET /help/{workspace}/search", h.withWorkspace(h.search))
	h.mux.HandleFunc("GET /help/{workspace}/sitemap.xml", h.withWorkspace(h.sitemap))
	h.mux.HandleFunc("GET /help/{workspace}/articles/{slug}", h.withWorkspace(h.article))
	h.mux.HandleFunc("POST /help/{workspace}/articles/{slug}/vote", h.withWorkspace(h.vote))
	h.mux.HandleFunc("/help/", func(w http.ResponseWriter, r *http.Request) {
		h.notFound(w, r, pickLang(r, nil))
	})
	return h
}

// ServeHTTP sets the pages' headers and routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", CSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	h.mux.ServeHTTP(w, r)
}

// page is what every handler gets: the workspace and where its pages are.
type page struct {
	ws   switchboard.Workspace
	base string // "/help/{workspace}"
}

type pageHandler func(w http.ResponseWriter, r *http.Request, p page)

func (h *Handler) withDefault(fn pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ws, err := h.store.DefaultWorkspace(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		fn(w, r, page{ws: ws, base: "/help/" + url.PathEscape(string(ws.ID))})
	}
}

func (h *Handler) withWorkspace(fn pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ws, err := h.store.GetWorkspace(r.Context(), switchboard.WorkspaceID(r.PathValue("workspace")))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		fn(w, r, page{ws: ws, base: "/help/" + url.PathEscape(string(ws.ID))})
	}
}

// fail answers a store error: the 404 page for what does not exist, a
// plain 500 otherwise.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, pickLang(r, nil))
		return
	}
	if h.cfg.Log != nil {
		h.cfg.Log(r.Context(), "help centre", err)
	}
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// visitorKey identifies a visitor for the helpful votes without storing
// who they are: a hash of their address and user agent.
func (h *Handler) visitorKey(r *http.Request) string {
	ip := r.RemoteAddr
	if h.cfg.ClientIP != nil {
		ip = h.cfg.ClientIP(r)
	} else if i := strings.LastIndexByte(ip, ':'); i > 0 {
		ip = ip[:i]
	}
	sum := sha256.Sum256([]byte("switchboard-help-vote\x00" + ip + "\x00" + r.UserAgent()))
	return hex.EncodeToString(sum[:16])
}

// lastModified is when an article last changed, for the sitemap.
func lastModified(a switchboard.Article) time.Time {
	if a.UpdatedAt.IsZero() {
		return a.CreatedAt
	}
	return a.UpdatedAt
}
