package portal

import (
	"encoding/xml"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/richtext"
	"github.com/switchboardhq/switchboard/store"
)

// view is the data of every page template.
type view struct {
	Lang      string
	T         map[string]string
	Title     string
	Workspace string
	Brand     brandView
	Base      string
	Query     string
	// Languages are links to the page in the other languages.
	Languages []link
	// the index
	Sections []section
	// an article
	Article      *switchboard.Article
	HTML         template.HTML
	Translations []link
	Voted        bool
	// search results
	Results  []result
	Searched bool
}

type link struct {
	Label, Href, Lang string
}

type section struct {
	Name     string
	Articles []switchboard.Article
}

type result struct {
	Title, Href          string
	Before, Match, After string
}

func (h *Handler) render(w http.ResponseWriter, status int, name string, v view) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_ = pages.ExecuteTemplate(w, name, v)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, lang string) {
	t := textsFor(lang)
	h.render(w, http.StatusNotFound, "notfound", view{Lang: lang, T: t, Title: t["notFound"], Base: "/help"})
}

// published lists the workspace's published articles.
func (h *Handler) published(r *http.Request, ws switchboard.WorkspaceID) ([]switchboard.Article, error) {
	return h.store.ListArticles(r.Context(), ws, store.ArticleQuery{Status: switchboard.ArticlePublished})
}

// publishedIn lists the workspace's published articles, their languages
// and the one the visitor reads; false when it answered an error.
func (h *Handler) publishedIn(w http.ResponseWriter, r *http.Request, p page) ([]switchboard.Article, []string, string, bool) {
	arts, err := h.published(r, p.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, "", false
	}
	langs := locales(arts)
	return arts, langs, pickLang(r, langs), true
}

// locales are the languages of arts, sorted.
func locales(arts []switchboard.Article) []string {
	var out []string
	for _, a := range arts {
		if !slices.Contains(out, a.Locale) {
			out = append(out, a.Locale)
		}
	}
	slices.Sort(out)
	return out
}

// languageLinks link path in every language of langs but current.
func languageLinks(path string, q url.Values, langs []string, current string) []link {
	var out []link
	for _, l := range langs {
		if l == current {
			continue
		}
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("lang", l)
		out = append(out, link{Label: languageName(l), Href: path + "?" + v.Encode(), Lang: l})
	}
	return out
}

func (h *Handler) newView(r *http.Request, p page, lang, title string) view {
	t := textsFor(lang)
	if title == "" {
		title = t["help"]
	}
	v := view{Lang: lang, T: t, Title: title, Workspace: p.ws.Name, Base: p.base}
	if b, err := h.store.GetBranding(r.Context(), p.ws.ID); err == nil {
		v.Brand = brandOf(b)
	} else if h.cfg.Log != nil {
		h.cfg.Log(r.Context(), "help centre: branding", err)
	}
	return v
}

func (h *Handler) index(w http.ResponseWriter, r *http.Request, p page) {
	arts, langs, lang, ok := h.publishedIn(w, r, p)
	if !ok {
		return
	}
	cats, err := h.store.ListArticleCategories(r.Context(), p.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.newView(r, p, lang, "")
	v.Languages = languageLinks(p.base+"/", nil, langs, lang)
	byCat := map[switchboard.ArticleCategoryID][]switchboard.Article{}
	for _, a := range arts {
		if a.Locale == lang {
			byCat[a.CategoryID] = append(byCat[a.CategoryID], a)
		}
	}
	for _, c := range cats {
		if len(byCat[c.ID]) > 0 {
			v.Sections = append(v.Sections, section{Name: c.Name, Articles: byCat[c.ID]})
		}
	}
	if len(byCat[""]) > 0 {
		name := v.T["other"]
		if len(v.Sections) == 0 {
			name = ""
		}
		v.Sections = append(v.Sections, section{Name: name, Articles: byCat[""]})
	}
	h.render(w, http.StatusOK, "index", v)
}

// findArticle finds a published article by slug, or by id.
func (h *Handler) findArticle(r *http.Request, ws switchboard.WorkspaceID) (switchboard.Article, bool) {
	slug := r.PathValue("slug")
	a, err := h.store.GetArticleBySlug(r.Context(), ws, slug)
	if err != nil {
		a, err = h.store.GetArticle(r.Context(), ws, switchboard.ArticleID(slug))
	}
	return a, err == nil && a.Status == switchboard.ArticlePublished
}

func (h *Handler) article(w http.ResponseWriter, r *http.Request, p page) {
	a, ok := h.findArticle(r, p.ws.ID)
	if !ok {
		h.notFound(w, r, pickLang(r, nil))
		return
	}
	if r.Method == http.MethodGet {
		if err := h.store.CountArticleView(r.Context(), p.ws.ID, a.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		a.Views++
	}
	arts, err := h.published(r, p.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.newView(r, p, a.Locale, a.Title)
	v.Article = &a
	v.HTML = template.HTML(richtext.MarkdownHTML(a.Body)) // sanitised by bluemonday
	v.Voted = r.URL.Query().Get("voted") == "1"
	original := a.ID
	if a.TranslationOf != "" {
		original = a.TranslationOf
	}
	for _, o := range arts {
		if o.ID != a.ID && (o.ID == original || o.TranslationOf == original) {
			v.Translations = append(v.Translations, link{Label: languageName(o.Locale) + ": " + o.Title, Href: p.base + "/articles/" + url.PathEscape(o.Slug), Lang: o.Locale})
		}
	}
	h.render(w, http.StatusOK, "article", v)
}

func (h *Handler) vote(w http.ResponseWriter, r *http.Request, p page) {
	a, ok := h.findArticle(r, p.ws.ID)
	if !ok {
		h.notFound(w, r, pickLang(r, nil))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
	helpful := r.PostFormValue("helpful")
	if helpful != "yes" && helpful != "no" {
		http.Error(w, "helpful: yes or no", http.StatusBadRequest)
		return
	}
	if _, err := h.store.VoteArticle(r.Context(), p.ws.ID, a.ID, h.visitorKey(r), helpful == "yes"); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, p.base+"/articles/"+url.PathEscape(a.Slug)+"?voted=1#feedback", http.StatusSeeOther)
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request, p page) {
	_, langs, lang, ok := h.publishedIn(w, r, p)
	if !ok {
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 200 {
		q = string([]rune(q)[:200])
	}
	v := h.newView(r, p, lang, "")
	v.Query = q
	v.Languages = languageLinks(p.base+"/search", url.Values{"q": {q}}, langs, lang)
	if q != "" {
		v.Searched = true
		v.Title = v.T["search"] + ": " + q
		found, err := h.store.SearchArticles(r.Context(), p.ws.ID, q, "", 20)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		// The visitor's language first, then the others.
		slices.SortStableFunc(found, func(a, b switchboard.Article) int {
			return boolRank(a.Locale != lang) - boolRank(b.Locale != lang)
		})
		for _, a := range found {
			res := result{Title: a.Title, Href: p.base + "/articles/" + url.PathEscape(a.Slug)}
			res.Before, res.Match, res.After = snippet(richtext.PlainText(richtext.MarkdownHTML(a.Body)), q, 80)
			v.Results = append(v.Results, res)
		}
	}
	h.render(w, http.StatusOK, "search", v)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// snippet cuts text around the first match of q (case-insensitive), about
// width runes in all; no match: the text's start.
func snippet(text, q string, width int) (before, match, after string) {
	text = strings.Join(strings.Fields(text), " ")
	runes := []rune(text)
	lower := []rune(strings.ToLower(text))
	needle := []rune(strings.ToLower(q))
	at := -1
	if len(lower) == len(runes) {
		for i := 0; i+len(needle) <= len(lower); i++ {
			if string(lower[i:i+len(needle)]) == string(needle) {
				at = i
				break
			}
		}
	}
	if at < 0 {
		if len(runes) > width {
			return string(runes[:width]) + "…", "", ""
		}
		return text, "", ""
	}
	start := max(0, at-width/3)
	end := min(len(runes), at+len(needle)+width*2/3)
	before, match, after = string(runes[start:at]), string(runes[at:at+len(needle)]), string(runes[at+len(needle):end])
	if start > 0 {
		before = "…" + before
	}
	if end < len(runes) {
		after += "…"
	}
	return before, match, after
}

// sitemap lists the workspace's published articles.
func (h *Handler) sitemap(w http.ResponseWriter, r *http.Request, p page) {
	arts, err := h.published(r, p.ws.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	origin := scheme + "://" + r.Host
	type entry struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	doc := struct {
		XMLName xml.Name `xml:"urlset"`
		XMLNS   string   `xml:"xmlns,attr"`
		URLs    []entry  `xml:"url"`
	}{XMLNS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	doc.URLs = append(doc.URLs, entry{Loc: origin + p.base + "/"})
	for _, a := range arts {
		doc.URLs = append(doc.URLs, entry{Loc: origin + p.base + "/articles/" + url.PathEscape(a.Slug), LastMod: lastModified(a).UTC().Format("2006-01-02")})
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(doc)
}
