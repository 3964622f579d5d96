package portal

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboardhq/switchboard"
)

// The CSAT question of a ticket on the portal channel (issue 15) is a
// PartCSAT message: the thread shows the question and a button to the
// rating page (/csat/{token}, in a new window: that page is never
// framed), or, once the customer rated or the link expired, says so.

// csatPart renders part, a CSAT question of tk, for the thread.
func (p *Portal) csatPart(r *http.Request, c *ctx, tk switchboard.Ticket, part switchboard.Part) template.HTML {
	t := textsFor(c.lang)
	var b strings.Builder
	b.WriteString(`<div class="csat">`)
	if part.Text != "" {
		b.WriteString(`<p class="text">` + template.HTMLEscapeString(part.Text) + `</p>`)
	}
	s, err := p.store.CSATSurveyOfConversation(r.Context(), c.ws.ID, tk.ConversationID)
	link := csatLink(part)
	switch {
	case err == nil && s.Answered():
		b.WriteString(`<p class="csat-done">` + template.HTMLEscapeString(strings.ReplaceAll(t["threadCsatRated"], "%d", strconv.Itoa(s.Score))) + `</p>`)
	case err == nil && !p.now().Before(s.ExpiresAt):
		b.WriteString(`<p class="csat-done">` + template.HTMLEscapeString(t["threadCsatExpired"]) + `</p>`)
	case link != "":
		// Not found or a store error: the link still works, and the
		// rating page says when it was already used.
		b.WriteString(`<p><a class="button primary" target="_blank" rel="noopener noreferrer" href="` + template.HTMLEscapeString(link) + `">` +
			template.HTMLEscapeString(t["threadCsatRate"]) + `</a></p>`)
	}
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}

// csatLink is part's rating link when it is a web address (http or
// https, or the hub's own /csat/ path when it has no public URL): a
// message stored through the API cannot slip in a script URL.
func csatLink(part switchboard.Part) string {
	if part.CSAT == nil || part.CSAT.URL == "" {
		return ""
	}
	u, err := url.Parse(part.CSAT.URL)
	switch {
	case err != nil:
		return ""
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
		return u.String()
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/csat/"):
		return u.String()
	}
	return ""
}
