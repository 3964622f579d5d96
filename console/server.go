// Package console is the hub's HTTP surface: the JSON API under /api/v1
// (with its OpenAPI document), the operators' WebSocket stream, the site
// chat's /widget/v1 endpoints and /widget.js, provider webhooks under
// /webhooks/{channel id}, /healthz and /metrics, and the web console.
package console

import (
	"context"
	"crypto/subtle"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console/visitorinfo"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// Config configures the console.
type Config struct {
	// PublicURL is the hub's external base URL; cookies are Secure when it
	// is https.
	PublicURL string
	// MaxBodyBytes caps request bodies of the API, widget and webhooks
	// (default 1 MiB); larger ones get 413 and change nothing.
	MaxBodyBytes int64
	// SessionTTL is how long an operator stays logged in (default 7 days).
	SessionTTL time.Duration
	Logger     *slog.Logger
	// WidgetPerIP, WidgetPerVisitor and LoginPerIP bound abuse of the
	// public endpoints: over the limit a client gets 429 with Retry-After.
	WidgetPerIP, WidgetPerVisitor, LoginPerIP RateLimit
	// TrustForwardedFor takes the client IP from X-Forwarded-For (only
	// behind a proxy that sets it).
	TrustForwardedFor bool
	// TrustedProxies are the proxies in front of the hub whose entries in
	// X-Forwarded-For are skipped from the right when finding the client
	// (with TrustForwardedFor; empty: the rightmost entry is the client).
	TrustedProxies []netip.Prefix
	// LoginPerAccount bounds login attempts per e-mail address, whatever
	// address they come from (beside LoginPerIP).
	LoginPerAccount RateLimit
	// MetricsToken, when set, is the Bearer token /metrics requires.
	// MetricsOff drops /metrics from this handler (it is served on its own
	// listen address by the caller, through MetricsHandler).
	MetricsToken string
	MetricsOff   bool
	// StreamRecheck is how often an operator's stream checks that its
	// session or token is still valid and the operator's access unchanged
	// (default 5s); logging out in this process ends it at once.
	StreamRecheck time.Duration
	// PresenceLease is how long a site-chat visitor's widget stream counts
	// as online without renewing its lease (default 45s; renewed every
	// third of it).
	PresenceLease time.Duration
	// TypingEvery is the least time between two typing previews of one
	// visitor that are passed on (default 300ms; the last draft of a burst
	// is passed on once it has elapsed).
	TypingEvery time.Duration
	// WebFiles overrides the embedded operator web app (tests); nil serves
	// the build embedded by console/web.
	WebFiles fs.FS
	// MaxUploadBytes caps a media upload (default 10 MiB); UploadTypes are
	// the sniffed content types accepted ("image/*" matches a family;
	// empty: DefaultUploadTypes).
	MaxUploadBytes int64
	UploadTypes    []string
	// Visitors resolves a site-chat visitor's user agent and IP address
	// (nil: user agents only, no location database).
	Visitors *visitorinfo.Resolver
	// MapTileURL is the tile template ("https://{s}.tile…/{z}/{x}/{y}.png")
	// the console's map of a visitor's place loads; empty: the default
	// OpenStreetMap tiles.
	MapTileURL string
	// Notifier, when set, gives browsers the VAPID key for Web Push
	// (router/notify's Notifier); nil: GET /api/v1/push/vapid-key is 404.
	Notifier interface {
		VAPIDPublicKey(ctx context.Context) (string, error)
	}
	// Portal configures the customer portal (console/portalroutes.go).
	PortalConfig
}

// Server serves everything the hub shows over HTTP.
type Server struct {
	cfg    Config
	router *router.Router
	hub    *router.Hub
	store  store.Store
	log    *slog.Logger
	now    func() time.Time

	// Abuse limits of the public endpoints (nil: off).
	widgetIP, widgetVisitor, loginIP, loginAccount *limiter

	names    operatorNames
	sessions streamSessions
	drafts   typingThrottle
	// instance names this process's presence leases.
	instance string
	// visitors parses user agents and locates IP addresses.
	visitors *visitorinfo.Resolver
	// portal serves /portal/.
	portal http.Handler
}

// New returns the console over a built router.
func New(r *router.Router, cfg Config) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 7 * 24 * time.Hour
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 10 << 20
	}
	if len(cfg.UploadTypes) == 0 {
		cfg.UploadTypes = DefaultUploadTypes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.StreamRecheck <= 0 {
		cfg.StreamRecheck = 5 * time.Second
	}
	if cfg.PresenceLease <= 0 {
		cfg.PresenceLease = 45 * time.Second
	}
	if cfg.TypingEvery <= 0 {
		cfg.TypingEvery = 300 * time.Millisecond
	}
	if cfg.Visitors == nil {
		cfg.Visitors, _ = visitorinfo.New("") // without a database it cannot fail
	}
	s := &Server{instance: switchboard.NewID("inst"), visitors: cfg.Visitors,
		cfg: cfg, router: r, hub: r.Hub, store: r.Hub.Store(), log: cfg.Logger, now: func() time.Time { return time.Now().UTC() },
		widgetIP: newLimiter(cfg.WidgetPerIP), widgetVisitor: newLimiter(cfg.WidgetPerVisitor), loginIP: newLimiter(cfg.LoginPerIP),
		loginAccount: newLimiter(cfg.LoginPerAccount),
	}
	s.portal = s.newPortal()
	return s
}

// Handler returns the routes with logging, request ids and recovery.
func (s *Server) Handler() http.Handler {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	s.routesOn(mux)
	return s.withMiddleware(mux.ServeMux)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		writeError(w, http.StatusServiceUnavailable, "store_down", "store does not answer: "+err.Error())
		return
	}
	if !s.router.Healthy() {
		writeError(w, http.StatusServiceUnavailable, "router_down", "message router is not running")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// MetricsHandler serves the Prometheus metrics; when token is not empty
// only a request with "Authorization: Bearer <token>" gets them (others
// 401). serve mounts it on the main listener or on metrics.listen.
func MetricsHandler(token string) http.Handler {
	h := promhttp.Handler()
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "metrics need Authorization: Bearer <metrics.token>")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// routeMux is the server's mux, remembering each pattern it was given so
// the route list can be compared with the OpenAPI document (Routes).
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

// Routes lists the patterns ("METHOD /path/{param}") the handler serves,
// in registration order. It builds a handler to read them, so it is for
// tests and tools, not for each request.
func (s *Server) Routes() []string {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	s.routesOn(mux)
	return mux.patterns
}

// routesOn registers every route of the hub on mux.
func (s *Server) routesOn(mux *routeMux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if !s.cfg.MetricsOff {
		mux.Handle("GET /metrics", MetricsHandler(s.cfg.MetricsToken))
	} else {
		mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusNotFound, "not_found", "metrics are served on metrics.listen")
		})
	}

	mux.HandleFunc("POST /webhooks/{channel}", s.webhook)
	mux.HandleFunc("GET /webhooks/{channel}", s.webhook)

	mux.HandleFunc("POST /api/v1/auth/login", s.login)
	mux.HandleFunc("POST /api/v1/auth/logout", s.authed(s.logout))
	mux.HandleFunc("GET /api/v1/me", s.authed(s.me))
	mux.HandleFunc("GET /api/v1/openapi.json", s.openapi)
	mux.HandleFunc("GET /api/v1/conversations", s.authed(s.listConversations))
	mux.HandleFunc("GET /api/v1/conversations/{id}", s.authed(s.getConversation))
	mux.HandleFunc("PATCH /api/v1/conversations/{id}", s.authed(s.patchConversation))
	mux.HandleFunc("POST /api/v1/conversations/{id}/read", s.authed(s.readConversation))
	mux.HandleFunc("POST /api/v1/conversations/{id}/unread", s.authed(s.unreadConversation))
	mux.HandleFunc("GET /api/v1/conversations/{id}/transcript", s.authed(s.transcript))
	mux.HandleFunc("POST /api/v1/conversations/{id}/typing", s.authed(s.typing))
	mux.HandleFunc("GET /api/v1/conversations/{id}/messages", s.authed(s.listMessages))
	mux.HandleFunc("POST /api/v1/conversations/{id}/messages", s.authed(s.postMessage))
	mux.HandleFunc("POST /api/v1/messages/{id}/retry", s.authed(s.retryMessage))
	mux.HandleFunc("POST /api/v1/messages/{id}/retract", s.authed(s.retractMessage))
	mux.HandleFunc("DELETE /api/v1/messages/{id}", s.authed(s.deleteMessage))
	mux.HandleFunc("PUT /api/v1/me/presence", s.authed(s.putPresence))
	mux.HandleFunc("GET /api/v1/search", s.authed(s.search))
	mux.HandleFunc("GET /api/v1/channels", s.authed(s.listChannels))
	mux.HandleFunc("POST /api/v1/channels", s.authed(s.createChannel))
	mux.HandleFunc("GET /api/v1/channels/{id}", s.authed(s.getChannel))
	mux.HandleFunc("PATCH /api/v1/channels/{id}", s.authed(s.patchChannel))
	mux.HandleFunc("DELETE /api/v1/channels/{id}", s.authed(s.deleteChannel))
	mux.HandleFunc("GET /api/v1/departments", s.authed(s.listDepartments))
	mux.HandleFunc("GET /api/v1/stream", s.authed(s.operatorStream))
	mux.HandleFunc("GET /api/v1/media/{id}", s.authed(s.media))
	mux.HandleFunc("GET /api/v1/contacts", s.authed(s.listContacts))
	mux.HandleFunc("GET /api/v1/contacts/{id}", s.authed(s.getContact))
	mux.HandleFunc("PATCH /api/v1/contacts/{id}", s.authed(s.patchContact))
	mux.HandleFunc("DELETE /api/v1/contacts/{id}", s.authed(s.eraseContact))
	mux.HandleFunc("POST /api/v1/contacts/{id}/merge", s.authed(s.mergeContact))
	mux.HandleFunc("GET /api/v1/contacts/{id}/export", s.authed(s.exportContact))
	mux.HandleFunc("GET /api/v1/workspace/privacy", s.authed(s.getPrivacy))
	mux.HandleFunc("PUT /api/v1/workspace/privacy", s.authed(s.putPrivacy))
	s.adminRoutes(mux)
	s.routingRoutes(mux)
	s.notifyRoutes(mux)
	s.articleRoutes(mux)
	s.portalRoutes(mux)
	s.ticketRoutes(mux)
	s.csatRoutes(mux)
	s.channelHealthRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such API endpoint: "+r.Method+" "+r.URL.Path)
	})

	mux.HandleFunc("POST /widget/v1/sessions", s.widgetCORS(s.widgetSession))
	mux.HandleFunc("POST /widget/v1/messages", s.widgetCORS(s.widgetPost))
	mux.HandleFunc("GET /widget/v1/messages", s.widgetCORS(s.widgetHistory))
	mux.HandleFunc("POST /widget/v1/typing", s.widgetCORS(s.widgetTyping))
	mux.HandleFunc("GET /widget/v1/config", s.widgetCORS(s.widgetConfigGet))
	mux.HandleFunc("POST /widget/v1/uploads", s.widgetCORS(s.widgetUpload))
	mux.HandleFunc("POST /widget/v1/context", s.widgetCORS(s.widgetContext))
	mux.HandleFunc("POST /widget/v1/identify", s.widgetCORS(s.widgetIdentify))
	mux.HandleFunc("POST /widget/v1/read", s.widgetCORS(s.widgetRead))
	mux.HandleFunc("POST /widget/v1/offline", s.widgetCORS(s.widgetOffline))
	mux.HandleFunc("GET /widget/v1/articles", s.widgetCORS(s.widgetArticles))
	mux.HandleFunc("OPTIONS /widget/v1/", s.widgetCORS(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	mux.HandleFunc("GET /widget/v1/stream", s.widgetStream)
	mux.HandleFunc("GET /widget.js", s.widgetScript)

	notFound := func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+r.Method+" "+r.URL.Path)
	}
	mux.HandleFunc("/widget/", notFound)
	mux.HandleFunc("/webhooks/", notFound)
	app := defaultWebApp()
	if s.cfg.WebFiles != nil {
		app = newWebApp(s.cfg.WebFiles)
	}
	app.csp = consoleCSP(s.mapTileURL())
	mux.Handle("/", app)
}
