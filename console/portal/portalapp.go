package portal

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// PortalStore is what the customer portal reads and writes directly; the
// changes that notify operators go through the Desk.
type PortalStore interface {
	Store
	store.PortalStore
	ContactsByAddress(ctx context.Context, ws switchboard.WorkspaceID, email, phone string) ([]switchboard.ContactID, error)
	GetTicketByNumber(ctx context.Context, ws switchboard.WorkspaceID, number int64) (switchboard.Ticket, error)
	ListTickets(ctx context.Context, ws switchboard.WorkspaceID, q store.TicketQuery) (store.TicketPage, error)
	UpdateTicket(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, u store.TicketUpdate, outboxFor func(switchboard.Ticket) []store.OutboxEntry) (switchboard.Ticket, error)
	ListMessages(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, q store.MessageQuery) (store.MessagePage, error)
	CSATSurveyOfConversation(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.CSATSurvey, error)
}

// NewTicket is a ticket the signed-in customer opens in the portal.
type NewTicket struct {
	WorkspaceID  switchboard.WorkspaceID
	Subject      string
	Text         string
	Parts        []switchboard.Part // attachments the Desk stored
	Email, Phone string             // the session's address
}

// Desk is the hub side of the portal: what changes tickets (and tells
// operators) and what the console knows (media links, operator names,
// SMS, embedding origins). The console implements it over router.Hub.
type Desk interface {
	// OpenTicket opens a ticket from the portal (source portal).
	OpenTicket(ctx context.Context, t NewTicket) (switchboard.Ticket, error)
	// Reply stores the customer's message in the ticket (Via "portal").
	Reply(ctx context.Context, t switchboard.Ticket, parts []switchboard.Part) error
	// SetStatus resolves or reopens the ticket as the customer.
	SetStatus(ctx context.Context, t switchboard.Ticket, status switchboard.TicketStatus) (switchboard.Ticket, error)
	// StoreUpload checks and stores a file the customer attached and
	// returns its part; an *InputError when the file is refused.
	StoreUpload(ctx context.Context, ws switchboard.WorkspaceID, uploader, filename string, body []byte) (switchboard.Part, error)
	// MediaURL is a signed link to stored media the customer may fetch.
	MediaURL(id string) string
	// OperatorName names an operator ("" when unknown).
	OperatorName(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.OperatorID) string
	// HasSMS reports whether the workspace runs an SMS channel; SendSMS
	// sends through it.
	HasSMS(ws switchboard.WorkspaceID) bool
	SendSMS(ctx context.Context, ws switchboard.WorkspaceID, phone, text string) error
	// FrameAncestors is the CSP frame-ancestors source list of the
	// workspace's portal pages.
	FrameAncestors(ws switchboard.WorkspaceID) string
}

// Mailer sends the sign-in e-mails (router/notify's Notifier).
type Mailer interface {
	MailEnabled() bool
	SendMail(ctx context.Context, to, subject, text, html string) error
}

// InputError is a customer's input the portal refuses: Message is shown
// to them, or, when Key names one of the portal's texts, that text in the
// page's language with Arg in place of its %s.
type InputError struct {
	Key, Arg string
	Message  string
}

func (e *InputError) Error() string { return e.Message }

// text is what the page shows of e in the language of t.
func (e *InputError) text(t map[string]string) string {
	if msg, ok := t[e.Key]; ok && e.Key != "" {
		return strings.ReplaceAll(msg, "%s", e.Arg)
	}
	return e.Message
}

// PortalConfig configures the customer portal.
type PortalConfig struct {
	// Secret is the key sessions and form tokens are signed with (derived
	// from the hub's secret); it must not be empty.
	Secret []byte
	// PublicURL is the hub's external base URL: sign-in links point there
	// and cookies are Secure when it is https.
	PublicURL string
	// LinkTTL is how long a sign-in link works (default 15 minutes);
	// SessionTTL how long a session lasts (default 7 days).
	LinkTTL, SessionTTL time.Duration
	// AllowIP and AllowAddress are the rate limits of sign-in link
	// requests per client address and per e-mail address or phone; they
	// report false (and how long to wait) when over it. nil: no limit.
	AllowIP, AllowAddress func(key string) (bool, time.Duration)
	// ClientIP returns the visitor's address; nil: the peer address.
	ClientIP func(r *http.Request) string
	// MaxUploadBytes caps one attachment (default 10 MiB); MaxFiles the
	// attachments of one message (default 5).
	MaxUploadBytes int64
	MaxFiles       int
	Mailer         Mailer
	Desk           Desk
	// Log receives errors; nil: none. It is never given a token.
	Log func(ctx context.Context, msg string, err error)
	// Now tells the time (tests); default time.Now.
	Now func() time.Time
}

// Portal serves /portal/: the customers' ticket mailbox.
type Portal struct {
	store PortalStore
	cfg   PortalConfig
	key   []byte
	mux   *http.ServeMux
}

// NewPortal returns the customer portal over st.
func NewPortal(st PortalStore, cfg PortalConfig) *Portal {
	if cfg.LinkTTL <= 0 {
		cfg.LinkTTL = 15 * time.Minute
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 7 * 24 * time.Hour
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 10 << 20
	}
	if cfg.MaxFiles <= 0 {
		cfg.MaxFiles = 5
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	p := &Portal{store: st, cfg: cfg, key: deriveKey(cfg.Secret, "switchboard portal session v1"), mux: http.NewServeMux()}
	p.mux.HandleFunc("GET /portal/{$}", p.toDefault)
	p.mux.HandleFunc("GET /portal/{workspace}", p.toSlash)
	p.mux.HandleFunc("GET /portal/{workspace}/{$}", p.withWorkspace(p.home))
	p.mux.HandleFunc("POST /portal/{workspace}/login", p.withWorkspace(p.requestLink))
	p.mux.HandleFunc("GET /portal/{workspace}/signin", p.withWorkspace(p.signinPage))
	p.mux.HandleFunc("POST /portal/{workspace}/signin", p.withWorkspace(p.signin))
	p.mux.HandleFunc("POST /portal/{workspace}/logout", p.withWorkspace(p.logout))
	p.mux.HandleFunc("GET /portal/{workspace}/tickets/new", p.withSession(p.newTicketPage))
	p.mux.HandleFunc("POST /portal/{workspace}/tickets", p.withSession(p.createTicket))
	p.mux.HandleFunc("GET /portal/{workspace}/tickets/{number}", p.withSession(p.thread))
	p.mux.HandleFunc("POST /portal/{workspace}/tickets/{number}/reply", p.withSession(p.reply))
	p.mux.HandleFunc("POST /portal/{workspace}/tickets/{number}/close", p.withSession(p.setStatus(switchboard.TicketResolved)))
	p.mux.HandleFunc("POST /portal/{workspace}/tickets/{number}/reopen", p.withSession(p.setStatus(switchboard.TicketOpen)))
	p.mux.HandleFunc("GET /portal/{workspace}/embed.js", p.withWorkspace(p.embedScript))
	p.mux.HandleFunc("GET /portal/{workspace}/frame.js", p.frameScript)
	p.mux.HandleFunc("/portal/", func(w http.ResponseWriter, r *http.Request) {
		p.notFound(w, r, nil)
	})
	return p
}

// ServeHTTP sets the portal's headers and routes.
func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin") // no-referrer would make browsers send "Origin: null" on our own forms
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", portalCSP(false, "'none'"))
	hd.Set("X-Frame-Options", "DENY") // for browsers without frame-ancestors; embed mode drops it
	p.mux.ServeHTTP(w, r)
}

// portalCSP is the policy of a portal page: like the help centre's, with
// the same-origin height script in embed mode and the workspace's
// embedding origins as frame-ancestors.
func portalCSP(script bool, ancestors string) string {
	src := "'none'"
	if script {
		src = "'self'"
	}
	return "default-src 'none'; script-src " + src + "; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors " + ancestors
}

// ctx is what every portal handler gets.
type ctx struct {
	ws    switchboard.Workspace
	base  string // "/portal/{workspace}"
	lang  string
	embed string // "", "1" or "widget"
	brand store.Branding
	sess  *session
}

type handler func(w http.ResponseWriter, r *http.Request, c *ctx)

func (p *Portal) toDefault(w http.ResponseWriter, r *http.Request) {
	ws, err := p.store.DefaultWorkspace(r.Context())
	if err != nil {
		p.fail(w, r, nil, err)
		return
	}
	to := "/portal/" + url.PathEscape(string(ws.ID)) + "/"
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (p *Portal) toSlash(w http.ResponseWriter, r *http.Request) {
	to := "/portal/" + url.PathEscape(r.PathValue("workspace")) + "/"
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (p *Portal) withWorkspace(fn handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ws, err := p.store.GetWorkspace(r.Context(), switchboard.WorkspaceID(r.PathValue("workspace")))
		if err != nil {
			p.fail(w, r, nil, err)
			return
		}
		c := &ctx{ws: ws, base: "/portal/" + url.PathEscape(string(ws.ID)), lang: pickLang(r, nil), embed: embedMode(r)}
		if c.brand, err = p.store.GetBranding(r.Context(), ws.ID); err != nil {
			p.fail(w, r, c, err)
			return
		}
		if c.embed != "" {
			// The embedding sites come from frame-ancestors; X-Frame-Options
			// has no way to name them, so embed mode sends none.
			w.Header().Set("Content-Security-Policy", portalCSP(true, p.ancestors(ws.ID)))
			w.Header().Del("X-Frame-Options")
		}
		if r.Method == http.MethodPost && !sameOrigin(r) {
			p.refuse(w, r, c, http.StatusForbidden, "badOrigin")
			return
		}
		c.sess = p.readSession(r, ws.ID)
		fn(w, r, c)
	}
}

// withSession is withWorkspace for pages of a signed-in customer: without
// a valid session GET shows the sign-in page and POST is refused; a POST
// also needs the session's form token.
func (p *Portal) withSession(fn handler) http.HandlerFunc {
	return p.withWorkspace(func(w http.ResponseWriter, r *http.Request, c *ctx) {
		if c.sess == nil {
			if r.Method == http.MethodGet {
				p.signinForm(w, r, c, http.StatusOK, "")
				return
			}
			p.refuse(w, r, c, http.StatusForbidden, "signedOut")
			return
		}
		if r.Method == http.MethodPost && !p.validFormToken(r, c) {
			p.refuse(w, r, c, http.StatusForbidden, "badForm")
			return
		}
		fn(w, r, c)
	})
}

func (p *Portal) ancestors(ws switchboard.WorkspaceID) string {
	if p.cfg.Desk == nil {
		return "'self'"
	}
	return p.cfg.Desk.FrameAncestors(ws)
}

// embedMode is the page's ?embed= ("1", "widget") or ""; forms keep
// it in their action's query.
func embedMode(r *http.Request) string {
	switch e := r.URL.Query().Get("embed"); e {
	case "1", "widget":
		return e
	}
	return ""
}

// sameOrigin refuses cross-site form posts: a browser's Origin (or, when
// it sends none, Referer) must name this host. Requests without either
// (non-browser clients) still need the session's form token.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		ref := r.Header.Get("Referer")
		if ref == "" {
			return o == ""
		}
		o = ref
	}
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// fail answers a store error: 404 for what does not exist, 500 otherwise.
func (p *Portal) fail(w http.ResponseWriter, r *http.Request, c *ctx, err error) {
	if errors.Is(err, store.ErrNotFound) {
		p.notFound(w, r, c)
		return
	}
	if p.cfg.Log != nil {
		p.cfg.Log(r.Context(), "portal", err)
	}
	p.refuse(w, r, c, http.StatusInternalServerError, "failed")
}

func (p *Portal) now() time.Time { return p.cfg.Now().UTC() }
