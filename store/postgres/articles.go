package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

const articleCols = `a.id, a.workspace_id, a.category_id, a.locale, a.title, a.slug, a.body, a.status, a.translation_of,
	a.views, a.helpful, a.not_helpful, a.created_at, a.updated_at, a.published_at`

func scanArticle(row pgx.Row) (switchboard.Article, error) {
	var a switchboard.Article
	err := row.Scan(&a.ID, &a.WorkspaceID, &a.CategoryID, &a.Locale, &a.Title, &a.Slug, &a.Body, &a.Status, &a.TranslationOf,
		&a.Views, &a.Helpful, &a.NotHelpful, &a.CreatedAt, &a.UpdatedAt, &a.PublishedAt)
	a.CreatedAt, a.UpdatedAt, a.PublishedAt = utc(a.CreatedAt), utc(a.UpdatedAt), utcPtr(a.PublishedAt)
	return a, err
}

func (s *Store) queryArticles(ctx context.Context, what, q string, args ...any) ([]switchboard.Article, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, mapErr(what, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (switchboard.Article, error) { return scanArticle(row) })
	return out, mapErr(what, err)
}

// execOne runs one statement; ErrNotFound when it touched no row.
func (s *Store) execOne(ctx context.Context, what, q string, args ...any) error {
	tag, err := s.pool.Exec(ctx, q, args...)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return mapErr(what, err)
}

// CreateArticle stores a new article.
func (s *Store) CreateArticle(ctx context.Context, a switchboard.Article) error {
	created := orNow(a.CreatedAt)
	updated := created
	if !a.UpdatedAt.IsZero() {
		updated = a.UpdatedAt.UTC()
	}
	return s.execOne(ctx, "create article", `INSERT INTO articles (id, workspace_id, category_id, locale, title, slug, body, status,
			translation_of, created_at, updated_at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		a.ID, a.WorkspaceID, a.CategoryID, a.Locale, a.Title, a.Slug, a.Body, a.Status, a.TranslationOf, created, updated, utcPtr(a.PublishedAt))
}

// GetArticle finds an article by id.
func (s *Store) GetArticle(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID) (switchboard.Article, error) {
	a, err := scanArticle(s.pool.QueryRow(ctx, `SELECT `+articleCols+` FROM articles a WHERE a.workspace_id = $1 AND a.id = $2`, ws, id))
	return a, mapErr("get article", err)
}

// GetArticleBySlug finds an article by slug.
func (s *Store) GetArticleBySlug(ctx context.Context, ws switchboard.WorkspaceID, slug string) (switchboard.Article, error) {
	a, err := scanArticle(s.pool.QueryRow(ctx, `SELECT `+articleCols+` FROM articles a WHERE a.workspace_id = $1 AND a.slug = $2`, ws, slug))
	return a, mapErr("get article by slug", err)
}

// UpdateArticle replaces an article's editable fields.
func (s *Store) UpdateArticle(ctx context.Context, a switchboard.Article) error {
	return s.execOne(ctx, "update article", `UPDATE articles SET category_id = $1, locale = $2, title = $3, slug = $4, body = $5,
			status = $6, translation_of = $7, updated_at = $8, published_at = $9 WHERE workspace_id = $10 AND id = $11`,
		a.CategoryID, a.Locale, a.Title, a.Slug, a.Body, a.Status, a.TranslationOf, orNow(a.UpdatedAt), utcPtr(a.PublishedAt),
		a.WorkspaceID, a.ID)
}

// DeleteArticle removes an article; its translations become originals.
func (s *Store) DeleteArticle(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM articles WHERE workspace_id = $1 AND id = $2`, ws, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		_, err = tx.Exec(ctx, `UPDATE articles SET translation_of = '' WHERE workspace_id = $1 AND translation_of = $2`, ws, id)
		return err
	})
	return mapErr("delete article", err)
}

// ListArticles lists a workspace's articles by category, then title.
func (s *Store) ListArticles(ctx context.Context, ws switchboard.WorkspaceID, q store.ArticleQuery) ([]switchboard.Article, error) {
	where, args := `a.workspace_id = $1`, []any{ws}
	add := func(cond string, v any) {
		args = append(args, v)
		where += ` AND ` + cond + ` = $` + strconv.Itoa(len(args))
	}
	if q.Status != "" {
		add("a.status", q.Status)
	}
	if q.Locale != "" {
		add("a.locale", q.Locale)
	}
	if q.CategoryID != "" {
		add("a.category_id", q.CategoryID)
	}
	return s.queryArticles(ctx, "list articles", `SELECT `+articleCols+` FROM articles a
		LEFT JOIN article_categories c ON c.id = a.category_id AND c.workspace_id = a.workspace_id
		WHERE `+where+` ORDER BY coalesce(c.position, 1 << 30), coalesce(c.name, ''), a.title COLLATE "C", a.id`, args...)
}

// SearchArticles finds published articles whose title or body contains
// query (ILIKE, like the message search, served by pg_trgm indexes where
// the extension exists), title matches first.
func (s *Store) SearchArticles(ctx context.Context, ws switchboard.WorkspaceID, query, locale string, limit int) ([]switchboard.Article, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil
	}
	limit = store.ClampLimit(limit, 20, 1, 100)
	return s.queryArticles(ctx, "search articles", `SELECT `+articleCols+` FROM articles a
		WHERE a.workspace_id = $1 AND a.status = 'published' AND ($2 = '' OR a.locale = $2)
			AND (a.title ILIKE $3 OR a.body ILIKE $3)
		ORDER BY a.title ILIKE $3 DESC, a.created_at, a.id LIMIT $4`, ws, locale, "%"+escapeLike(query)+"%", limit)
}

// CountArticleView adds one to an article's views.
func (s *Store) CountArticleView(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID) error {
	return s.execOne(ctx, "count article view", `UPDATE articles SET views = views + 1 WHERE workspace_id = $1 AND id = $2`, ws, id)
}

// VoteArticle records a visitor's first vote on an article.
func (s *Store) VoteArticle(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID, visitorKey string, helpful bool) (bool, error) {
	counted := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		counted = false
		var exists int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM articles WHERE workspace_id = $1 AND id = $2`, ws, id).Scan(&exists); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO article_votes (article_id, visitor_key, helpful, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (article_id, visitor_key) DO NOTHING`, id, visitorKey, helpful, time.Now().UTC())
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		counted = true
		col := "not_helpful"
		if helpful {
			col = "helpful"
		}
		_, err = tx.Exec(ctx, `UPDATE articles SET `+col+` = `+col+` + 1 WHERE id = $1`, id)
		return err
	})
	return counted, mapErr("vote article", err)
}

// CreateArticleCategory stores a new category.
func (s *Store) CreateArticleCategory(ctx context.Context, c switchboard.ArticleCategory) error {
	return s.execOne(ctx, "create article category", `INSERT INTO article_categories (id, workspace_id, name, position) VALUES ($1, $2, $3, $4)`,
		c.ID, c.WorkspaceID, c.Name, c.Position)
}

// UpdateArticleCategory replaces a category's name and position.
func (s *Store) UpdateArticleCategory(ctx context.Context, c switchboard.ArticleCategory) error {
	return s.execOne(ctx, "update article category", `UPDATE article_categories SET name = $1, position = $2 WHERE workspace_id = $3 AND id = $4`,
		c.Name, c.Position, c.WorkspaceID, c.ID)
}

// DeleteArticleCategory removes a category; its articles keep no category.
func (s *Store) DeleteArticleCategory(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleCategoryID) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM article_categories WHERE workspace_id = $1 AND id = $2`, ws, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		_, err = tx.Exec(ctx, `UPDATE articles SET category_id = '' WHERE workspace_id = $1 AND category_id = $2`, ws, id)
		return err
	})
	return mapErr("delete article category", err)
}

// ListArticleCategories lists a workspace's categories by position.
func (s *Store) ListArticleCategories(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.ArticleCategory, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, workspace_id, name, position FROM article_categories WHERE workspace_id = $1
		ORDER BY position, name COLLATE "C", id`, ws)
	if err != nil {
		return nil, mapErr("list article categories", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (switchboard.ArticleCategory, error) {
		var c switchboard.ArticleCategory
		err := row.Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.Position)
		return c, err
	})
	return out, mapErr("list article categories", err)
}
