package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/richtext"
	"github.com/switchboardhq/switchboard/store"
)

// Limits of the widget's article suggestions.
const (
	widgetArticleLimit   = 5
	widgetArticleQuery   = 200 // runes of q read; the rest is ignored
	widgetArticleSnippet = 140 // runes of a snippet
)

// widgetArticle is an article as the widget suggests it: plain text only.
type widgetArticle struct {
	ID      switchboard.ArticleID `json:"id"`
	Title   string                `json:"title"`
	Snippet string                `json:"snippet"`
	URL     string                `json:"url"`
	Locale  string                `json:"locale"`
}

// widgetArticles serves GET /widget/v1/articles?channel=&q=&locale=: the
// published help-centre articles of the channel's workspace that match q
// (at most five; the visitor's language first), or with no q the most
// read ones in that language. It is called while a visitor types their
// first message, before any session exists, so it needs only the channel
// (a visitor's Bearer token names it too); it must never answer drafts
// nor another workspace's articles. Throttled per address by widgetCORS.
func (s *Server) widgetArticles(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	channel := switchboard.ChannelID(qv.Get("channel"))
	if h := r.Header.Get("Authorization"); channel == "" && h != "" {
		if scheme, token, _ := strings.Cut(h, " "); strings.EqualFold(scheme, "Bearer") {
			channel = tokenChannel(strings.TrimSpace(token))
		}
	}
	wc, ok := s.webchatChannel(w, channel)
	if !ok || !originOK(w, r, wc) {
		return
	}
	ws, ok := s.channelWorkspace(w, channel)
	if !ok {
		return
	}
	locale := strings.ToLower(strings.TrimSpace(qv.Get("locale")))
	if locale != "" && !localePattern.MatchString(locale) {
		writeError(w, http.StatusBadRequest, "invalid_locale", "locale: "+strconv.Quote(locale)+" is not a language tag such as ja or en")
		return
	}
	if locale == "" {
		locale = widgetLanguage(r, wc)
	}
	locale, _, _ = strings.Cut(locale, "-")
	q := strings.TrimSpace(qv.Get("q"))
	if utf8.RuneCountInString(q) > widgetArticleQuery {
		q = string([]rune(q)[:widgetArticleQuery])
	}
	arts, err := s.suggestArticles(r, ws, q, locale)
	if err != nil {
		s.writeStoreError(w, r, err, "articles")
		return
	}
	base := s.publicBase(r) + "/help/" + url.PathEscape(string(ws)) + "/articles/"
	items := make([]widgetArticle, 0, len(arts))
	for _, a := range arts {
		items = append(items, widgetArticle{ID: a.ID, Title: a.Title, Snippet: articleSnippet(a.Body, q), URL: base + url.PathEscape(a.Slug), Locale: a.Locale})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// suggestArticles finds the articles widgetArticles answers, published
// only: matches of q in any language with locale's first, or with no q
// the most viewed in locale (in any language when locale has none).
func (s *Server) suggestArticles(r *http.Request, ws switchboard.WorkspaceID, q, locale string) ([]switchboard.Article, error) {
	inLocale := func(a switchboard.Article) bool {
		base, _, _ := strings.Cut(strings.ToLower(a.Locale), "-")
		return base == locale
	}
	var arts []switchboard.Article
	if q != "" {
		found, err := s.searchWords(r, ws, q)
		if err != nil {
			return nil, err
		}
		arts = found
		slices.SortStableFunc(arts, func(a, b switchboard.Article) int { return laterIf(!inLocale(a)) - laterIf(!inLocale(b)) })
	} else {
		all, err := s.store.ListArticles(r.Context(), ws, store.ArticleQuery{Status: switchboard.ArticlePublished})
		if err != nil {
			return nil, err
		}
		for _, a := range all {
			if inLocale(a) {
				arts = append(arts, a)
			}
		}
		if len(arts) == 0 {
			arts = all
		}
		slices.SortStableFunc(arts, func(a, b switchboard.Article) int { return int(b.Views - a.Views) })
	}
	// The store answers published ones only; this guards the promise.
	arts = slices.DeleteFunc(arts, func(a switchboard.Article) bool {
		return a.Status != switchboard.ArticlePublished || a.WorkspaceID != ws
	})
	return arts[:min(len(arts), widgetArticleLimit)], nil
}

// laterIf ranks true after false.
func laterIf(b bool) int {
	if b {
		return 1
	}
	return 0
}

// publicBase is the hub's external origin: Config.PublicURL, else the
// request's own scheme and host.
func (s *Server) publicBase(r *http.Request) string {
	if base := strings.TrimSuffix(s.cfg.PublicURL, "/"); base != "" {
		return base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// articleSnippet is the plain text of an article's markdown body around
// the first match of q (or its start), about widgetArticleSnippet runes.
func articleSnippet(body, q string) string {
	text := strings.Join(strings.Fields(richtext.PlainText(richtext.MarkdownHTML(body))), " ")
	runes := []rune(text)
	if len(runes) <= widgetArticleSnippet {
		return text
	}
	start := 0
	if q != "" {
		if at := strings.Index(strings.ToLower(text), strings.ToLower(q)); at >= 0 && len(strings.ToLower(text)) == len(text) {
			start = max(0, utf8.RuneCountInString(text[:at])-widgetArticleSnippet/4)
		}
	}
	end := min(len(runes), start+widgetArticleSnippet)
	start = max(0, end-widgetArticleSnippet)
	out := string(runes[start:end])
	if start > 0 {
		out = "…" + out
	}
	if end < len(runes) {
		out += "…"
	}
	return out
}

// searchWords finds published articles for what a visitor wrote, which is
// rarely a phrase of the article: the whole text first, then each of its
// keywords (keywords), the articles matching more of them first.
func (s *Server) searchWords(r *http.Request, ws switchboard.WorkspaceID, q string) ([]switchboard.Article, error) {
	score := map[switchboard.ArticleID]int{}
	var out []switchboard.Article
	terms := append([]string{q}, keywords(q)...)
	for i, term := range terms {
		if i > 0 && strings.EqualFold(term, q) {
			continue
		}
		found, err := s.store.SearchArticles(r.Context(), ws, term, "", 20)
		if err != nil {
			return nil, err
		}
		for _, a := range found {
			if _, seen := score[a.ID]; !seen {
				out = append(out, a)
			}
			w := 1
			if i == 0 {
				w = 100 // the whole text
			}
			if strings.Contains(strings.ToLower(a.Title), strings.ToLower(term)) {
				w *= 2
			}
			score[a.ID] += w
		}
	}
	slices.SortStableFunc(out, func(a, b switchboard.Article) int { return score[b.ID] - score[a.ID] })
	return out, nil
}

// stopWords are English words too common to search for.
var stopWords = map[string]bool{"the": true, "and": true, "for": true, "you": true, "how": true, "can": true, "what": true, "with": true, "are": true,
	"was": true, "not": true, "but": true, "does": true, "this": true, "that": true, "have": true, "from": true, "your": true, "please": true, "when": true, "where": true, "why": true, "there": true}

// keywords cuts a visitor's text into words worth searching, at most
// five: runs of kanji and katakana (Japanese has no spaces; its hiragana
// are mostly particles and endings) and Latin words of three letters or
// more that are not stop words.
func keywords(q string) []string {
	var out []string
	var cur []rune
	class := 0
	flush := func() {
		w := string(cur)
		cur = cur[:0]
		n := utf8.RuneCountInString(w)
		if class == 1 && n >= 2 || class == 2 && n >= 3 && !stopWords[strings.ToLower(w)] {
			if !slices.Contains(out, w) && len(out) < 5 {
				out = append(out, w)
			}
		}
	}
	for _, r := range q {
		c := 0
		switch {
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Katakana, r) || r == 'ー':
			c = 1
		case unicode.IsLetter(r) && r < 0x3000 || unicode.IsDigit(r):
			c = 2
		}
		if c != class && len(cur) > 0 {
			flush()
		}
		class = c
		if c != 0 {
			cur = append(cur, r)
		}
	}
	if len(cur) > 0 {
		flush()
	}
	return out
}
