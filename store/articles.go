package store

import (
	"context"

	"github.com/switchboardhq/switchboard"
)

// ArticleStore keeps the knowledge base (issue 15): articles, their
// categories, view counts and "was this helpful" votes.
type ArticleStore interface {
	// CreateArticle stores a new article; ErrConflict when the workspace
	// has an article of that slug.
	CreateArticle(ctx context.Context, a switchboard.Article) error
	// GetArticle finds an article by id; ErrNotFound in another workspace.
	GetArticle(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID) (switchboard.Article, error)
	// GetArticleBySlug finds an article by its slug.
	GetArticleBySlug(ctx context.Context, ws switchboard.WorkspaceID, slug string) (switchboard.Article, error)
	// UpdateArticle replaces an article's editable fields (category,
	// locale, title, slug, body, status, translation of, updated and
	// published at); counters are kept. ErrConflict for a taken slug.
	UpdateArticle(ctx context.Context, a switchboard.Article) error
	// DeleteArticle removes an article and its votes; translations of it
	// become originals (TranslationOf "").
	DeleteArticle(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID) error
	// ListArticles lists a workspace's articles, by category position,
	// then title.
	ListArticles(ctx context.Context, ws switchboard.WorkspaceID, q ArticleQuery) ([]switchboard.Article, error)
	// SearchArticles finds published articles whose title or body
	// contains query (optionally in one locale), titles matches first,
	// at most limit.
	SearchArticles(ctx context.Context, ws switchboard.WorkspaceID, query, locale string, limit int) ([]switchboard.Article, error)
	// CountArticleView adds one to an article's views.
	CountArticleView(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID) error
	// VoteArticle records a visitor's "was this helpful" vote, once per
	// (article, visitorKey): it reports false when the visitor had voted
	// (their first vote stands).
	VoteArticle(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID, visitorKey string, helpful bool) (bool, error)

	// CreateArticleCategory stores a new category; ErrConflict when the
	// workspace has one of that name.
	CreateArticleCategory(ctx context.Context, c switchboard.ArticleCategory) error
	// UpdateArticleCategory replaces a category's name and position.
	UpdateArticleCategory(ctx context.Context, c switchboard.ArticleCategory) error
	// DeleteArticleCategory removes a category; its articles are left
	// without one (CategoryID "").
	DeleteArticleCategory(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleCategoryID) error
	// ListArticleCategories lists a workspace's categories by position,
	// then name.
	ListArticleCategories(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.ArticleCategory, error)
}

// ArticleQuery filters ListArticles; zero fields do not filter.
type ArticleQuery struct {
	Status     switchboard.ArticleStatus
	Locale     string
	CategoryID switchboard.ArticleCategoryID
}
