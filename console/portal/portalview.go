package portal

import (
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// portalView is the data of every portal page.
type portalView struct {
	Lang, Title, Workspace string
	T                      map[string]string
	Base                   string // "/portal/{workspace}"
	Q                      string // "?lang=…&embed=…" of links
	QForm                  string // Q with the session's form token, of form actions
	Embed                  string
	Brand                  brandView
	Languages              []link
	Signed                 bool
	Who                    string
	Notice, Error          string
	// sign-in
	Token     string
	MailOn    bool
	SMSOn     bool
	SMSPicked bool
	Email     string
	// the mailbox and a thread
	Tickets  []ticketRow
	Ticket   *ticketRow
	Messages []messageView
	Draft    string
	// a new ticket
	DraftSubject string
	MaxFiles     int
	// the FAQ column
	HelpBase string
	FAQ      []link
}

// brandView is a workspace's branding as the templates use it.
type brandView struct {
	Color template.CSS // validated "#RRGGBB", or ""
	Logo  string
}

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ValidColor reports whether s is a colour branding accepts ("#RRGGBB").
func ValidColor(s string) bool { return colorPattern.MatchString(s) }

// ValidLogoURL reports whether s is a logo URL branding accepts: an
// absolute https URL without credentials, at most 500 characters.
func ValidLogoURL(s string) bool {
	if len(s) > 500 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && !strings.ContainsAny(s, " \"'<>\\")
}

func brandOf(b store.Branding) brandView {
	var v brandView
	if ValidColor(b.Color) {
		v.Color = template.CSS(b.Color)
	}
	if ValidLogoURL(b.LogoURL) {
		v.Logo = b.LogoURL
	}
	return v
}

func (p *Portal) newView(r *http.Request, c *ctx, title string) portalView {
	t := textsFor(c.lang)
	v := portalView{Lang: c.lang, T: t, Title: title, Workspace: c.ws.Name, Base: c.base, Q: c.query(nil), QForm: c.query(nil),
		Embed: c.embed, Brand: brandOf(c.brand), Signed: c.sess != nil, MaxFiles: p.cfg.MaxFiles,
		HelpBase: "/help/" + url.PathEscape(string(c.ws.ID))}
	if c.sess != nil {
		v.Who = c.sess.Email + c.sess.Phone
		v.QForm = c.query(url.Values{"csrf": {p.formToken(c)}})
	}
	for _, l := range []string{"ja", "en"} {
		if l == c.lang {
			continue
		}
		q := url.Values{}
		for k, vs := range r.URL.Query() {
			if k != "token" || r.Method == http.MethodGet {
				q[k] = vs
			}
		}
		q.Set("lang", l)
		q.Del("done")
		v.Languages = append(v.Languages, link{Label: languageName(l), Href: r.URL.Path + "?" + q.Encode(), Lang: l})
	}
	v.FAQ = p.topArticles(r, c)
	return v
}

// topArticles are the workspace's most read published articles in the
// page's language (any language when it has none), for the FAQ column.
func (p *Portal) topArticles(r *http.Request, c *ctx) []link {
	arts, err := p.store.ListArticles(r.Context(), c.ws.ID, store.ArticleQuery{Status: switchboard.ArticlePublished})
	if err != nil {
		if p.cfg.Log != nil {
			p.cfg.Log(r.Context(), "portal: articles", err)
		}
		return nil
	}
	mine := slices.DeleteFunc(slices.Clone(arts), func(a switchboard.Article) bool { return a.Locale != c.lang })
	if len(mine) > 0 {
		arts = mine
	}
	slices.SortStableFunc(arts, func(a, b switchboard.Article) int { return int(b.Views - a.Views) })
	var out []link
	for _, a := range arts[:min(len(arts), 6)] {
		out = append(out, link{Label: a.Title, Href: "/help/" + url.PathEscape(string(c.ws.ID)) + "/articles/" + url.PathEscape(a.Slug), Lang: a.Locale})
	}
	return out
}

func (p *Portal) render(w http.ResponseWriter, status int, name string, v portalView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = portalPages.ExecuteTemplate(w, name, v)
}

// signinForm shows the sign-in page with an error (or none).
func (p *Portal) signinForm(w http.ResponseWriter, r *http.Request, c *ctx, status int, errText string) {
	t := textsFor(c.lang)
	v := p.newView(r, c, t["signInTitle"])
	v.Error = errText
	v.MailOn = p.cfg.Mailer != nil && p.cfg.Mailer.MailEnabled()
	v.SMSOn = p.cfg.Desk != nil && p.cfg.Desk.HasSMS(c.ws.ID)
	v.SMSPicked = v.SMSOn && (r.URL.Query().Get("by") == "sms" || !v.MailOn)
	if r.Method == http.MethodPost {
		v.Email = r.PostFormValue("email")
	}
	p.render(w, status, "signinform", v)
}

// refuse shows a short error page; key names its text.
func (p *Portal) refuse(w http.ResponseWriter, r *http.Request, c *ctx, status int, key string) {
	if c == nil {
		c = &ctx{base: "/portal", lang: pickLang(r, nil)}
	}
	t := textsFor(c.lang)
	v := p.newView(r, c, t["errorTitle"])
	v.Error = t[key]
	p.render(w, status, "error", v)
}

func (p *Portal) notFound(w http.ResponseWriter, r *http.Request, c *ctx) {
	if c == nil {
		c = &ctx{base: "/portal", lang: pickLang(r, nil)}
	}
	t := textsFor(c.lang)
	v := p.newView(r, c, t["notFound"])
	v.Error = t["ticketNotFound"]
	p.render(w, http.StatusNotFound, "error", v)
}

// dateTime formats a time for the page (UTC: the hub does not know the
// customer's zone).
func (p *Portal) dateTime(c *ctx, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if c.lang == "ja" {
		return t.UTC().Format("2006年1月2日 15:04") + " (UTC)"
	}
	return t.UTC().Format("2 Jan 2006 15:04") + " UTC"
}

func htmlEscape(s string) string { return template.HTMLEscapeString(s) }
