package switchboard

import "time"

// ArticleID identifies a help-centre article.
type ArticleID string

// ArticleCategoryID identifies a category of help-centre articles.
type ArticleCategoryID string

// ArticleStatus says whether an article is public.
type ArticleStatus string

// Article statuses. Drafts are never shown on the public help centre.
const (
	ArticleDraft     ArticleStatus = "draft"
	ArticlePublished ArticleStatus = "published"
)

// Article is a page of the workspace's knowledge base (issue 15): markdown
// in one locale, optionally the translation of another article.
type Article struct {
	ID          ArticleID         `json:"id"`
	WorkspaceID WorkspaceID       `json:"workspace_id"`
	CategoryID  ArticleCategoryID `json:"category_id"`
	// Locale is a BCP 47 language ("ja", "en", ...).
	Locale string `json:"locale"`
	Title  string `json:"title"`
	// Slug is the article's path segment on the help centre, unique in
	// the workspace.
	Slug string `json:"slug"`
	// Body is markdown, rendered and sanitised by richtext.
	Body   string        `json:"body"`
	Status ArticleStatus `json:"status"`
	// TranslationOf is the article this one translates, or "".
	TranslationOf ArticleID  `json:"translation_of"`
	Views         int64      `json:"views"`
	Helpful       int64      `json:"helpful"`
	NotHelpful    int64      `json:"not_helpful"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	PublishedAt   *time.Time `json:"published_at"`
}

// ArticleCategory groups articles on the help centre, ordered by
// Position.
type ArticleCategory struct {
	ID          ArticleCategoryID `json:"id"`
	WorkspaceID WorkspaceID       `json:"workspace_id"`
	Name        string            `json:"name"`
	Position    int               `json:"position"`
}
