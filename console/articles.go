package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console/portal"
	"github.com/switchboardhq/switchboard/richtext"
	"github.com/switchboardhq/switchboard/store"
)

// articleRoutes mounts the knowledge base's API (issue 15): articles,
// their categories and the markdown preview. Every operator reads; admins
// and supervisors write.
func (s *Server) articleRoutes(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/articles", s.authed(s.listArticles))
	mux.HandleFunc("POST /api/v1/articles", s.authed(s.createArticle))
	mux.HandleFunc("POST /api/v1/articles/preview", s.authed(s.previewArticle))
	mux.HandleFunc("GET /api/v1/articles/{id}", s.authed(s.getArticle))
	mux.HandleFunc("PATCH /api/v1/articles/{id}", s.authed(s.patchArticle))
	mux.HandleFunc("DELETE /api/v1/articles/{id}", s.authed(s.deleteArticle))
	mux.HandleFunc("GET /api/v1/article-categories", s.authed(s.listArticleCategories))
	mux.HandleFunc("POST /api/v1/article-categories", s.authed(s.createArticleCategory))
	mux.HandleFunc("PATCH /api/v1/article-categories/{id}", s.authed(s.patchArticleCategory))
	mux.HandleFunc("DELETE /api/v1/article-categories/{id}", s.authed(s.deleteArticleCategory))
	mux.Handle("/help/", portal.New(s.store, portal.Config{
		ClientIP: s.clientIP,
		Log: func(ctx context.Context, msg string, err error) {
			s.log.ErrorContext(ctx, msg, "err", err, "request_id", RequestID(ctx))
		},
	}))
}

// Limits of an article's fields.
const (
	maxArticleTitle = 200
	maxArticleBody  = 100_000
	maxCategoryName = 100
)

var (
	localePattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	slugPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// requireKnowledgeWriter answers 403 unless the caller is an admin or a
// supervisor.
func requireKnowledgeWriter(w http.ResponseWriter, r *http.Request) bool {
	if !canWriteShared(principalFrom(r.Context())) {
		writeError(w, http.StatusForbidden, "forbidden", "only admins and supervisors edit the knowledge base")
		return false
	}
	return true
}

// articleBody is what POST and PATCH take; PATCH decodes onto the stored
// article, so fields left out stay.
type articleBody struct {
	Title         string                        `json:"title"`
	Slug          string                        `json:"slug"`
	Body          string                        `json:"body"`
	Locale        string                        `json:"locale"`
	CategoryID    switchboard.ArticleCategoryID `json:"category_id"`
	Status        switchboard.ArticleStatus     `json:"status"`
	TranslationOf switchboard.ArticleID         `json:"translation_of"`
}

// slugFrom makes a slug of a title's ASCII letters and digits; "" when
// the title has none (a Japanese title: the caller uses the id).
func slugFrom(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > 80 {
		out = strings.TrimRight(out[:80], "-")
	}
	return out
}

// validateArticle checks an article and that its category and original
// exist in the workspace; the error names the field.
func (s *Server) validateArticle(ctx context.Context, a switchboard.Article) error {
	switch {
	case a.Title == "":
		return errors.New("title: required")
	case utf8.RuneCountInString(a.Title) > maxArticleTitle:
		return fmt.Errorf("title: at most %d characters", maxArticleTitle)
	case len(a.Body) > maxArticleBody:
		return fmt.Errorf("body: at most %d bytes", maxArticleBody)
	case !localePattern.MatchString(a.Locale):
		return fmt.Errorf("locale: %q is not a language tag such as ja or en", a.Locale)
	case a.Status != switchboard.ArticleDraft && a.Status != switchboard.ArticlePublished:
		return fmt.Errorf("status: %q is not draft or published", a.Status)
	case !slugPattern.MatchString(a.Slug) || len(a.Slug) > 100:
		return fmt.Errorf("slug: %q must be lowercase letters, digits and dashes", a.Slug)
	case a.TranslationOf == a.ID:
		return errors.New("translation_of: an article cannot translate itself")
	}
	if a.CategoryID != "" {
		if _, err := s.categoryByID(ctx, a.WorkspaceID, a.CategoryID); err != nil {
			return fmt.Errorf("category_id: no category %q in this workspace", a.CategoryID)
		}
	}
	if a.TranslationOf != "" {
		if _, err := s.store.GetArticle(ctx, a.WorkspaceID, a.TranslationOf); err != nil {
			return fmt.Errorf("translation_of: no article %q in this workspace", a.TranslationOf)
		}
	}
	return nil
}

// categoryByID finds one of the workspace's categories.
func (s *Server) categoryByID(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleCategoryID) (switchboard.ArticleCategory, error) {
	cats, err := s.store.ListArticleCategories(ctx, ws)
	if err != nil {
		return switchboard.ArticleCategory{}, err
	}
	for _, c := range cats {
		if c.ID == id {
			return c, nil
		}
	}
	return switchboard.ArticleCategory{}, store.ErrNotFound
}

func (s *Server) listArticles(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q := r.URL.Query()
	filter := store.ArticleQuery{
		Status: switchboard.ArticleStatus(q.Get("status")), Locale: q.Get("locale"), CategoryID: switchboard.ArticleCategoryID(q.Get("category_id")),
	}
	var list []switchboard.Article
	var err error
	if text := strings.TrimSpace(q.Get("q")); text != "" {
		list, err = s.searchArticles(r.Context(), p.WorkspaceID, text, filter)
	} else {
		list, err = s.store.ListArticles(r.Context(), p.WorkspaceID, filter)
	}
	if err != nil {
		s.writeStoreError(w, r, err, "articles")
		return
	}
	if list == nil {
		list = []switchboard.Article{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
}

// searchArticles answers GET /api/v1/articles?q=: the articles of the
// list (drafts too, unless filter says otherwise) whose title, slug or
// body contains text, case-insensitively, title matches first.
func (s *Server) searchArticles(ctx context.Context, ws switchboard.WorkspaceID, text string, filter store.ArticleQuery) ([]switchboard.Article, error) {
	if utf8.RuneCountInString(text) > 200 {
		text = string([]rune(text)[:200])
	}
	all, err := s.store.ListArticles(ctx, ws, filter)
	if err != nil {
		return nil, err
	}
	needle := strings.ToLower(text)
	in := func(v string) bool { return strings.Contains(strings.ToLower(v), needle) }
	found := slices.DeleteFunc(all, func(a switchboard.Article) bool { return !in(a.Title) && !in(a.Slug) && !in(a.Body) })
	slices.SortStableFunc(found, func(a, b switchboard.Article) int { return laterIf(!in(a.Title)) - laterIf(!in(b.Title)) })
	return found, nil
}

func (s *Server) createArticle(w http.ResponseWriter, r *http.Request) {
	if !requireKnowledgeWriter(w, r) {
		return
	}
	body := articleBody{Status: switchboard.ArticleDraft}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	p := principalFrom(r.Context())
	now := s.now()
	a := switchboard.Article{ID: switchboard.ArticleID(switchboard.NewID("art")), WorkspaceID: p.WorkspaceID, CreatedAt: now}
	s.saveArticle(w, r, a, body, true)
}

// saveArticle applies body to a, validates and stores it.
func (s *Server) saveArticle(w http.ResponseWriter, r *http.Request, a switchboard.Article, body articleBody, create bool) {
	ctx := r.Context()
	a.Title, a.Body, a.Locale = strings.TrimSpace(body.Title), body.Body, strings.TrimSpace(body.Locale)
	a.CategoryID, a.Status, a.TranslationOf = body.CategoryID, body.Status, body.TranslationOf
	a.Slug = strings.TrimSpace(body.Slug)
	if a.Slug == "" {
		a.Slug = slugFrom(a.Title)
		if a.Slug == "" {
			a.Slug = strings.ReplaceAll(string(a.ID), "_", "-")
		}
	}
	now := s.now()
	a.UpdatedAt = now
	switch {
	case a.Status == switchboard.ArticlePublished && a.PublishedAt == nil:
		a.PublishedAt = &now
	case a.Status == switchboard.ArticleDraft:
		a.PublishedAt = nil
	}
	if err := s.validateArticle(ctx, a); err != nil {
		writeFieldError(w, err)
		return
	}
	var err error
	if create {
		err = s.store.CreateArticle(ctx, a)
	} else {
		err = s.store.UpdateArticle(ctx, a)
	}
	if errors.Is(err, store.ErrConflict) {
		writeError(w, http.StatusConflict, "slug_taken", fmt.Sprintf("slug: an article with slug %q exists", a.Slug))
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "article")
		return
	}
	stored, err := s.store.GetArticle(ctx, a.WorkspaceID, a.ID)
	if err != nil {
		s.writeStoreError(w, r, err, "article")
		return
	}
	status := http.StatusOK
	if create {
		status = http.StatusCreated
	}
	writeJSON(w, status, stored)
}

// article loads the article named by the path.
func (s *Server) article(w http.ResponseWriter, r *http.Request) (switchboard.Article, bool) {
	p := principalFrom(r.Context())
	a, err := s.store.GetArticle(r.Context(), p.WorkspaceID, switchboard.ArticleID(r.PathValue("id")))
	if err != nil {
		s.writeStoreError(w, r, err, "article")
		return a, false
	}
	return a, true
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) {
	if a, ok := s.article(w, r); ok {
		writeJSON(w, http.StatusOK, a)
	}
}

func (s *Server) patchArticle(w http.ResponseWriter, r *http.Request) {
	if !requireKnowledgeWriter(w, r) {
		return
	}
	a, ok := s.article(w, r)
	if !ok {
		return
	}
	body := articleBody{Title: a.Title, Slug: a.Slug, Body: a.Body, Locale: a.Locale, CategoryID: a.CategoryID, Status: a.Status, TranslationOf: a.TranslationOf}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	s.saveArticle(w, r, a, body, false)
}

func (s *Server) deleteArticle(w http.ResponseWriter, r *http.Request) {
	if !requireKnowledgeWriter(w, r) {
		return
	}
	p := principalFrom(r.Context())
	if err := s.store.DeleteArticle(r.Context(), p.WorkspaceID, switchboard.ArticleID(r.PathValue("id"))); err != nil {
		s.writeStoreError(w, r, err, "article")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// previewArticle renders markdown as the help centre shows it.
func (s *Server) previewArticle(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Body string `json:"body"`
	}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	if len(body.Body) > maxArticleBody {
		writeFieldError(w, fmt.Errorf("body: at most %d bytes", maxArticleBody))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"html": richtext.MarkdownHTML(body.Body)})
}

// categoryBody is what POST and PATCH of a category take.
type categoryBody struct {
	Name     string `json:"name"`
	Position int    `json:"position"`
}

func (s *Server) listArticleCategories(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	cats, err := s.store.ListArticleCategories(r.Context(), p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "article categories")
		return
	}
	if cats == nil {
		cats = []switchboard.ArticleCategory{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": cats})
}

func (s *Server) createArticleCategory(w http.ResponseWriter, r *http.Request) {
	if !requireKnowledgeWriter(w, r) {
		return
	}
	var body categoryBody
	if !s.decodeJSON(w, r, &body) {
		return
	}
	p := principalFrom(r.Context())
	c := switchboard.ArticleCategory{ID: switchboard.ArticleCategoryID(switchboard.NewID("acat")), WorkspaceID: p.WorkspaceID}
	s.saveArticleCategory(w, r, c, body, true)
}

func (s *Server) patchArticleCategory(w http.ResponseWriter, r *http.Request) {
	if !requireKnowledgeWriter(w, r) {
		return
	}
	p := principalFrom(r.Context())
	c, err := s.categoryByID(r.Context(), p.WorkspaceID, switchboard.ArticleCategoryID(r.PathValue("id")))
	if err != nil {
		s.writeStoreError(w, r, err, "article category")
		return
	}
	body := categoryBody{Name: c.Name, Position: c.Position}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	s.saveArticleCategory(w, r, c, body, false)
}

// saveArticleCategory applies body to c, validates and stores it.
func (s *Server) saveArticleCategory(w http.ResponseWriter, r *http.Request, c switchboard.ArticleCategory, body categoryBody, create bool) {
	c.Name, c.Position = strings.TrimSpace(body.Name), body.Position
	switch {
	case c.Name == "":
		writeFieldError(w, errors.New("name: required"))
		return
	case utf8.RuneCountInString(c.Name) > maxCategoryName:
		writeFieldError(w, fmt.Errorf("name: at most %d characters", maxCategoryName))
		return
	}
	var err error
	if create {
		err = s.store.CreateArticleCategory(r.Context(), c)
	} else {
		err = s.store.UpdateArticleCategory(r.Context(), c)
	}
	if errors.Is(err, store.ErrConflict) {
		writeError(w, http.StatusConflict, "name_taken", fmt.Sprintf("name: a category named %q exists", c.Name))
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "article category")
		return
	}
	status := http.StatusOK
	if create {
		status = http.StatusCreated
	}
	writeJSON(w, status, c)
}

func (s *Server) deleteArticleCategory(w http.ResponseWriter, r *http.Request) {
	if !requireKnowledgeWriter(w, r) {
		return
	}
	p := principalFrom(r.Context())
	if err := s.store.DeleteArticleCategory(r.Context(), p.WorkspaceID, switchboard.ArticleCategoryID(r.PathValue("id"))); err != nil {
		s.writeStoreError(w, r, err, "article category")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
