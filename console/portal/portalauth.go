package portal

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// cookieName is the portal's session cookie (one per workspace: its path
// is the workspace's portal).
const cookieName = "sb_portal"

// session is who the cookie says the customer is.
type session struct {
	WS    switchboard.WorkspaceID `json:"w"`
	Email string                  `json:"e,omitempty"`
	Phone string                  `json:"p,omitempty"`
	Exp   int64                   `json:"x"`
	// raw is the cookie value (form tokens are derived from it).
	raw string
}

// deriveKey derives a purpose's key from the hub secret.
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

func (p *Portal) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return m.Sum(nil)
}

// sign encodes s as "payload.mac" (both base64url).
func (p *Portal) sign(s session) string {
	body, _ := json.Marshal(s)
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + base64.RawURLEncoding.EncodeToString(p.mac("session", payload))
}

// readSession returns the request's valid session for ws, or nil: a
// cookie whose signature, workspace or expiry does not hold is ignored.
func (p *Portal) readSession(r *http.Request, ws switchboard.WorkspaceID) *session {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	payload, sig, ok := strings.Cut(ck.Value, ".")
	if !ok {
		return nil
	}
	want := p.mac("session", payload)
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, want) {
		return nil
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	var s session
	if json.Unmarshal(body, &s) != nil || s.WS != ws || (s.Email == "" && s.Phone == "") || p.now().Unix() >= s.Exp {
		return nil
	}
	s.raw = ck.Value
	return &s
}

// formToken is the anti-forgery token of the session's forms.
func (p *Portal) formToken(c *ctx) string {
	if c.sess == nil {
		return ""
	}
	return hex.EncodeToString(p.mac("form", c.sess.raw)[:16])
}

// validFormToken checks a POST's "csrf" query value: the session's
// forms carry it in their action (so multipart bodies need not be
// parsed before their limits apply).
func (p *Portal) validFormToken(r *http.Request, c *ctx) bool {
	got := r.URL.Query().Get("csrf")
	want := p.formToken(c)
	return want != "" && hmac.Equal([]byte(got), []byte(want))
}

// setCookie writes the session cookie (or, with s nil, removes it).
func (p *Portal) setCookie(w http.ResponseWriter, c *ctx, s *session) {
	secure := strings.HasPrefix(p.cfg.PublicURL, "https://")
	ck := &http.Cookie{Name: cookieName, Path: c.base + "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if c.embed != "" && secure {
		// Inside a site's iframe a Lax cookie is not sent; None needs Secure.
		ck.SameSite = http.SameSiteNoneMode
	}
	if s == nil {
		ck.MaxAge = -1
	} else {
		ck.Value = p.sign(*s)
		ck.Expires = time.Unix(s.Exp, 0)
	}
	http.SetCookie(w, ck)
}

// hashToken is how a sign-in token is stored.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte("switchboard portal login\x00" + token))
	return hex.EncodeToString(sum[:])
}

var phonePattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// normalPhone strips the spaces, dots, dashes and brackets people type.
func normalPhone(s string) string {
	return strings.NewReplacer(" ", "", "-", "", ".", "", "(", "", ")", "", "\u3000", "").Replace(strings.TrimSpace(s))
}

func (p *Portal) clientIP(r *http.Request) string {
	if p.cfg.ClientIP != nil {
		return p.cfg.ClientIP(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// requestLink serves POST /portal/{ws}/login: it checks the address,
// applies the rate limits and sends a one-time link. The answer is the
// same whether or not the address has tickets (it tells nobody who is a
// customer); customers without tickets can sign in to open one.
func (p *Portal) requestLink(w http.ResponseWriter, r *http.Request, c *ctx) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	email := strings.TrimSpace(r.PostFormValue("email"))
	phone := normalPhone(r.PostFormValue("phone"))
	t := textsFor(c.lang)
	var sendTo string
	switch {
	case email != "":
		a, err := mail.ParseAddress(email)
		if err != nil || a.Address != email || strings.ContainsAny(email, "\r\n") || len(email) > 254 {
			p.signinForm(w, r, c, http.StatusBadRequest, t["badEmail"])
			return
		}
		if p.cfg.Mailer == nil || !p.cfg.Mailer.MailEnabled() {
			p.signinForm(w, r, c, http.StatusServiceUnavailable, t["noMail"])
			return
		}
		email = strings.ToLower(email)
		sendTo = email
	case phone != "":
		if !phonePattern.MatchString(phone) {
			p.signinForm(w, r, c, http.StatusBadRequest, t["badPhone"])
			return
		}
		if p.cfg.Desk == nil || !p.cfg.Desk.HasSMS(c.ws.ID) {
			p.signinForm(w, r, c, http.StatusServiceUnavailable, t["noSMS"])
			return
		}
		sendTo = phone
	default:
		p.signinForm(w, r, c, http.StatusBadRequest, t["noAddress"])
		return
	}
	for _, lim := range []struct {
		allow func(string) (bool, time.Duration)
		key   string
	}{{p.cfg.AllowIP, p.clientIP(r)}, {p.cfg.AllowAddress, string(c.ws.ID) + "\x00" + sendTo}} {
		if lim.allow == nil {
			continue
		}
		if ok, wait := lim.allow(lim.key); !ok {
			secs := int(wait.Seconds()) + 1
			w.Header().Set("Retry-After", fmt.Sprint(secs))
			p.signinForm(w, r, c, http.StatusTooManyRequests, fmt.Sprintf(t["tooMany"], secs))
			return
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		p.fail(w, r, c, err)
		return
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := p.now()
	login := store.PortalLogin{TokenHash: hashToken(token), WorkspaceID: c.ws.ID, Email: email, CreatedAt: now, ExpiresAt: now.Add(p.cfg.LinkTTL)}
	if email == "" {
		login.Phone = phone
	}
	if err := p.store.CreatePortalLogin(r.Context(), login); err != nil {
		p.fail(w, r, c, err)
		return
	}
	q := url.Values{"token": {token}, "lang": {c.lang}}
	if c.embed != "" {
		q.Set("embed", c.embed)
	}
	link := strings.TrimSuffix(p.cfg.PublicURL, "/") + c.base + "/signin?" + q.Encode()
	minutes := int(p.cfg.LinkTTL.Minutes())
	var err error
	if email != "" {
		text := fmt.Sprintf(t["mailText"], c.ws.Name, link, minutes)
		html := "<!doctype html><html><body style=\"font-family:sans-serif\"><p>" + htmlEscape(fmt.Sprintf(t["mailIntro"], c.ws.Name)) +
			"</p><p><a href=\"" + htmlEscape(link) + "\">" + htmlEscape(t["signIn"]) + "</a></p><p>" + htmlEscape(fmt.Sprintf(t["mailExpiry"], minutes)) + "</p></body></html>"
		err = p.cfg.Mailer.SendMail(r.Context(), email, fmt.Sprintf(t["mailSubject"], c.ws.Name), text, html)
	} else {
		err = p.cfg.Desk.SendSMS(r.Context(), c.ws.ID, phone, fmt.Sprintf(t["smsText"], c.ws.Name, link))
	}
	if err != nil {
		// The error may quote the message; only its kind is logged.
		if p.cfg.Log != nil {
			p.cfg.Log(r.Context(), "portal: sending the sign-in link failed", errors.New(redact(err.Error(), token)))
		}
		p.signinForm(w, r, c, http.StatusBadGateway, t["sendFailed"])
		return
	}
	v := p.newView(r, c, t["checkTitle"])
	v.Notice = fmt.Sprintf(t["checkText"], sendTo, minutes)
	p.render(w, http.StatusOK, "sent", v)
}

// redact removes a secret from a text.
func redact(s, secret string) string {
	return strings.ReplaceAll(s, secret, "[redacted]")
}

// signinPage serves the link's GET: a button that POSTs the token, so
// the link scanners of mail services fetch does not use it up.
func (p *Portal) signinPage(w http.ResponseWriter, r *http.Request, c *ctx) {
	t := textsFor(c.lang)
	v := p.newView(r, c, t["signIn"])
	v.Token = r.URL.Query().Get("token")
	p.render(w, http.StatusOK, "signin", v)
}

// signin consumes the token and starts a session.
func (p *Portal) signin(w http.ResponseWriter, r *http.Request, c *ctx) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	token := r.PostFormValue("token")
	t := textsFor(c.lang)
	if token == "" || len(token) > 100 {
		p.signinForm(w, r, c, http.StatusBadRequest, t["linkInvalid"])
		return
	}
	login, err := p.store.ConsumePortalLogin(r.Context(), c.ws.ID, hashToken(token), p.now())
	if errors.Is(err, store.ErrNotFound) {
		p.signinForm(w, r, c, http.StatusBadRequest, t["linkInvalid"])
		return
	}
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	s := session{WS: c.ws.ID, Email: login.Email, Phone: login.Phone, Exp: p.now().Add(p.cfg.SessionTTL).Unix()}
	p.setCookie(w, c, &s)
	http.Redirect(w, r, c.base+"/"+c.query(nil), http.StatusSeeOther)
}

// logout removes the session cookie.
func (p *Portal) logout(w http.ResponseWriter, r *http.Request, c *ctx) {
	if c.sess != nil && !p.validFormToken(r, c) {
		p.refuse(w, r, c, http.StatusForbidden, "badForm")
		return
	}
	p.setCookie(w, c, nil)
	http.Redirect(w, r, c.base+"/"+c.query(nil), http.StatusSeeOther)
}

// query is the page's language and embed mode as a query string (with
// extra values), "?…", for links and form actions.
func (c *ctx) query(extra url.Values) string {
	q := url.Values{"lang": {c.lang}}
	if c.embed != "" {
		q.Set("embed", c.embed)
	}
	for k, v := range extra {
		q[k] = v
	}
	return "?" + q.Encode()
}
