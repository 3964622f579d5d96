package console

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/console/portal"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// portalRoutes mounts the customer portal (issue 15) under /portal/ and
// the branding API its pages and the help centre's use.
func (s *Server) portalRoutes(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/workspace/branding", s.authed(s.getBranding))
	mux.HandleFunc("PUT /api/v1/workspace/branding", s.authed(s.putBranding))
	mux.Handle("/portal/", s.portal)
}

// newPortal builds the portal handler of the server.
func (s *Server) newPortal() *portal.Portal {
	secret := s.cfg.PortalSecret
	if len(secret) == 0 {
		// Without the hub's secret (tests) sessions last as long as the
		// process.
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
	}
	ip, addr := newLimiter(s.cfg.PortalPerIP), newLimiter(s.cfg.PortalPerAddress)
	allow := func(l *limiter) func(string) (bool, time.Duration) {
		if l == nil {
			return nil
		}
		return func(key string) (bool, time.Duration) { return l.allow(key, s.now()) }
	}
	var mailer portal.Mailer
	if s.cfg.Mailer != nil {
		mailer = s.cfg.Mailer
	}
	return portal.NewPortal(s.store, portal.PortalConfig{
		Secret: secret, PublicURL: s.cfg.PublicURL, LinkTTL: s.cfg.PortalLinkTTL, SessionTTL: s.cfg.PortalSessionTTL,
		AllowIP: allow(ip), AllowAddress: allow(addr), ClientIP: s.clientIP,
		MaxUploadBytes: s.cfg.MaxUploadBytes, MaxFiles: maxVisitorFiles,
		Mailer: mailer, Desk: portalDesk{s},
		Log: func(ctx context.Context, msg string, err error) {
			s.log.ErrorContext(ctx, msg, "err", err, "request_id", RequestID(ctx))
		},
	})
}

// portalDesk is the portal's Desk over the hub.
type portalDesk struct{ s *Server }

func (d portalDesk) OpenTicket(ctx context.Context, t portal.NewTicket) (switchboard.Ticket, error) {
	tk, err := d.s.hub.OpenTicket(ctx, router.TicketRequest{WorkspaceID: t.WorkspaceID, Subject: t.Subject, Text: t.Text, Parts: t.Parts,
		Email: t.Email, Phone: t.Phone, Source: switchboard.TicketFromPortal})
	return tk, portalInput(err)
}

func (d portalDesk) Reply(ctx context.Context, t switchboard.Ticket, parts []switchboard.Part) error {
	_, err := d.s.hub.CustomerReply(ctx, t, parts)
	return portalInput(err)
}

func (d portalDesk) SetStatus(ctx context.Context, t switchboard.Ticket, status switchboard.TicketStatus) (switchboard.Ticket, error) {
	tk, err := d.s.hub.SetTicketStatus(ctx, t, status, "")
	return tk, portalInput(err)
}

// portalInput turns the hub's validation errors into what the portal
// shows the customer.
func portalInput(err error) error {
	var verr *router.ValidationError
	if errors.As(err, &verr) {
		return portal.HubInputError(verr)
	}
	return err
}

// StoreUpload checks a customer's file like the widget's uploads (size
// by the portal, type sniffed from the bytes) and stores it.
func (d portalDesk) StoreUpload(ctx context.Context, ws switchboard.WorkspaceID, uploader, filename string, body []byte) (switchboard.Part, error) {
	ct := sniffType(body, filename)
	if !typeAllowed(ct, d.s.cfg.UploadTypes) {
		return switchboard.Part{}, &portal.InputError{Key: "fileType", Arg: filename, Message: filename + ": " + ct + " is not an allowed type"}
	}
	up := switchboard.OperatorID(uploader)
	m := store.Media{ID: mediaID(switchboard.WorkspaceID(string(ws)+"\x00"+uploader), body), WorkspaceID: ws, ContentType: ct, Body: body,
		UploaderID: up, Filename: filename, CreatedAt: d.s.now()}
	if err := d.s.store.PutMedia(ctx, m); err != nil {
		return switchboard.Part{}, err
	}
	kind := switchboard.PartFile
	if strings.HasPrefix(ct, "image/") && inlineSafe(ct) {
		kind = switchboard.PartImage
	}
	return switchboard.Part{Kind: kind, Attachment: &switchboard.Attachment{MediaID: m.ID, ContentType: ct, Filename: filename, Size: int64(len(body))}}, nil
}

func (d portalDesk) MediaURL(id string) string { return d.s.publicMediaURL(id) }

func (d portalDesk) OperatorName(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.OperatorID) string {
	return d.s.operatorName(ctx, ws, id)
}

func (d portalDesk) HasSMS(ws switchboard.WorkspaceID) bool {
	for _, ch := range d.s.router.Channels.All() {
		if ch.WorkspaceID == ws && ch.Type == "sms" && !ch.Paused {
			return true
		}
	}
	return false
}

func (d portalDesk) SendSMS(ctx context.Context, ws switchboard.WorkspaceID, phone, text string) error {
	return d.s.router.Channels.SendSMS(ctx, ws, phone, text)
}

// FrameAncestors lets the sites of the workspace's site-chat channels
// embed the portal: the union of their allowed origins, or any site ('*')
// when one of them allows any (or the workspace has none). Only the
// portal's pages get this; the console keeps frame-ancestors 'none'.
func (d portalDesk) FrameAncestors(ws switchboard.WorkspaceID) string {
	sources := []string{"'self'"}
	for _, ch := range d.s.router.Channels.All() {
		wc, ok := ch.Connector.(*webchat.Connector)
		if !ok || ch.WorkspaceID != ws {
			continue
		}
		origins := wc.AllowedOrigins()
		if len(origins) == 0 {
			return "*"
		}
		for _, o := range origins {
			if !strings.ContainsAny(o, " ;,'\"") {
				sources = append(sources, strings.TrimRight(o, "/"))
			}
		}
	}
	if len(sources) == 1 {
		return "*"
	}
	return strings.Join(sources, " ")
}

// getBranding serves GET /api/v1/workspace/branding (every operator).
func (s *Server) getBranding(w http.ResponseWriter, r *http.Request) {
	b, err := s.store.GetBranding(r.Context(), principalFrom(r.Context()).WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "branding")
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// putBranding serves PUT /api/v1/workspace/branding (admins): the colour
// "#RRGGBB" and an https logo URL, "" each for the default.
func (s *Server) putBranding(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "branding") {
		return
	}
	var req store.Branding
	if !s.decodeJSON(w, r, &req) {
		return
	}
	req.Color, req.LogoURL = strings.TrimSpace(req.Color), strings.TrimSpace(req.LogoURL)
	if req.Color != "" && !portal.ValidColor(req.Color) {
		writeError(w, http.StatusBadRequest, "invalid_color", "color: "+quoteShort(req.Color)+" is not a colour like #0b5cad")
		return
	}
	if req.LogoURL != "" && !portal.ValidLogoURL(req.LogoURL) {
		writeError(w, http.StatusBadRequest, "invalid_logo_url", "logo_url: "+quoteShort(req.LogoURL)+" is not an https URL (at most 500 characters)")
		return
	}
	req.Color = strings.ToLower(req.Color)
	if err := s.store.PutBranding(r.Context(), principalFrom(r.Context()).WorkspaceID, req); err != nil {
		s.writeStoreError(w, r, err, "branding")
		return
	}
	writeJSON(w, http.StatusOK, req)
}

// quoteShort quotes at most 60 characters of s for an error message.
func quoteShort(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return `"` + s + `"`
}

// PortalConfig configures the customer portal; it is embedded in Config.
type PortalConfig struct {
	// PortalSecret signs the portal's session cookies (a key derived from
	// the hub's secret); empty: a random key per process.
	PortalSecret []byte
	// PortalLinkTTL is how long a sign-in link works (default 15m);
	// PortalSessionTTL how long a customer stays signed in (default 7d).
	PortalLinkTTL, PortalSessionTTL time.Duration
	// PortalPerIP and PortalPerAddress bound sign-in link requests per
	// client address and per e-mail address or phone (zero: off).
	PortalPerIP, PortalPerAddress RateLimit
	// Mailer sends the sign-in e-mails (router/notify's Notifier); nil:
	// the portal says sign-in by e-mail is not available.
	Mailer portal.Mailer
}
