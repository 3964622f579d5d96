package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

const articleCols = `a.id, a.workspace_id, a.category_id, a.locale, a.title, a.slug, a.body, a.status, a.translation_of,
	a.views, a.helpful, a.not_helpful, a.created_at, a.updated_at, a.published_at`

func scanArticle(sc interface{ Scan(...any) error }) (switchboard.Article, error) {
	var a switchboard.Article
	var created, updated int64
	var published sql.NullInt64
	err := sc.Scan(&a.ID, &a.WorkspaceID, &a.CategoryID, &a.Locale, &a.Title, &a.Slug, &a.Body, &a.Status, &a.TranslationOf,
		&a.Views, &a.Helpful, &a.NotHelpful, &created, &updated, &published)
	a.CreatedAt, a.UpdatedAt, a.PublishedAt = fromTS(created), fromTS(updated), ptrTS(published)
	return a, err
}

func collectArticles(rows *sql.Rows, what string) ([]switchboard.Article, error) {
	defer rows.Close()
	var out []switchboard.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, mapErr(what, err)
		}
		out = append(out, a)
	}
	return out, mapErr(what, rows.Err())
}

// CreateArticle stores a new article.
func (s *Store) CreateArticle(ctx context.Context, a switchboard.Article) error {
	created := orNow(a.CreatedAt)
	return s.writeOne(ctx, "create article", `INSERT INTO articles (id, workspace_id, category_id, locale, title, slug, body, status,
			translation_of, created_at, updated_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.WorkspaceID, a.CategoryID, a.Locale, a.Title, a.Slug, a.Body, a.Status, a.TranslationOf,
		ts(created), ts(orTime(a.UpdatedAt, created)), nullTS(a.PublishedAt))
}

// orTime returns t, or fallback when t is zero.
func orTime(t, fallback time.Time) time.Time {
	if t.IsZero() {
		return fallback
	}
	return t
}

// GetArticle finds an article by id.
func (s *Store) GetArticle(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID) (switchboard.Article, error) {
	a, err := scanArticle(s.queryRow(ctx, `SELECT `+articleCols+` FROM articles a WHERE a.workspace_id = ? AND a.id = ?`, ws, id))
	return a, mapErr("get article", err)
}

// GetArticleBySlug finds an article by slug.
func (s *Store) GetArticleBySlug(ctx context.Context, ws switchboard.WorkspaceID, slug string) (switchboard.Article, error) {
	a, err := scanArticle(s.queryRow(ctx, `SELECT `+articleCols+` FROM articles a WHERE a.workspace_id = ? AND a.slug = ?`, ws, slug))
	return a, mapErr("get article by slug", err)
}

// UpdateArticle replaces an article's editable fields.
func (s *Store) UpdateArticle(ctx context.Context, a switchboard.Article) error {
	return s.writeOne(ctx, "update article", `UPDATE articles SET category_id = ?, locale = ?, title = ?, slug = ?, body = ?,
			status = ?, translation_of = ?, updated_at = ?, published_at = ? WHERE workspace_id = ? AND id = ?`,
		a.CategoryID, a.Locale, a.Title, a.Slug, a.Body, a.Status, a.TranslationOf, ts(orNow(a.UpdatedAt)), nullTS(a.PublishedAt),
		a.WorkspaceID, a.ID)
}

// DeleteArticle removes an article; its translations become originals.
func (s *Store) DeleteArticle(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID) error {
	return mapErr("delete article", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE workspace_id = ? AND id = ?`, ws, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		_, err = tx.ExecContext(ctx, `UPDATE articles SET translation_of = '' WHERE workspace_id = ? AND translation_of = ?`, ws, id)
		return err
	}))
}

// ListArticles lists a workspace's articles by category, then title.
func (s *Store) ListArticles(ctx context.Context, ws switchboard.WorkspaceID, q store.ArticleQuery) ([]switchboard.Article, error) {
	where, args := `a.workspace_id = ?`, []any{ws}
	if q.Status != "" {
		where, args = where+` AND a.status = ?`, append(args, q.Status)
	}
	if q.Locale != "" {
		where, args = where+` AND a.locale = ?`, append(args, q.Locale)
	}
	if q.CategoryID != "" {
		where, args = where+` AND a.category_id = ?`, append(args, q.CategoryID)
	}
	rows, err := s.query(ctx, `SELECT `+articleCols+` FROM articles a
		LEFT JOIN article_categories c ON c.id = a.category_id AND c.workspace_id = a.workspace_id
		WHERE `+where+` ORDER BY coalesce(c.position, 1 << 30), coalesce(c.name, ''), a.title, a.id`, args...)
	if err != nil {
		return nil, mapErr("list articles", err)
	}
	return collectArticles(rows, "list articles")
}

// SearchArticles finds published articles containing query: through the
// FTS5 trigram index for three characters or more, LIKE for fewer.
func (s *Store) SearchArticles(ctx context.Context, ws switchboard.WorkspaceID, query, locale string, limit int) ([]switchboard.Article, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil
	}
	limit = store.ClampLimit(limit, 20, 1, 100)
	var rows *sql.Rows
	var err error
	if utf8.RuneCountInString(query) >= 3 {
		like := "%" + escapeLike(query) + "%"
		rows, err = s.query(ctx, `SELECT `+articleCols+` FROM articles_fts f JOIN articles a ON a.seq = f.rowid
			WHERE articles_fts MATCH ? AND a.workspace_id = ? AND a.status = 'published' AND (? = '' OR a.locale = ?)
			ORDER BY a.title LIKE ? ESCAPE '\' DESC, f.rank, a.seq LIMIT ?`,
			`"`+strings.ReplaceAll(query, `"`, `""`)+`"`, ws, locale, locale, like, limit)
	} else {
		like := "%" + escapeLike(query) + "%"
		rows, err = s.query(ctx, `SELECT `+articleCols+` FROM articles a
			WHERE a.workspace_id = ? AND a.status = 'published' AND (? = '' OR a.locale = ?)
				AND (a.title LIKE ? ESCAPE '\' OR a.body LIKE ? ESCAPE '\')
			ORDER BY a.title LIKE ? ESCAPE '\' DESC, a.seq LIMIT ?`, ws, locale, locale, like, like, like, limit)
	}
	if err != nil {
		return nil, mapErr("search articles", err)
	}
	return collectArticles(rows, "search articles")
}

// CountArticleView adds one to an article's views.
func (s *Store) CountArticleView(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID) error {
	return s.writeOne(ctx, "count article view", `UPDATE articles SET views = views + 1 WHERE workspace_id = ? AND id = ?`, ws, id)
}

// VoteArticle records a visitor's first vote on an article.
func (s *Store) VoteArticle(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleID, visitorKey string, helpful bool) (bool, error) {
	counted := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		counted = false
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM articles WHERE workspace_id = ? AND id = ?`, ws, id).Scan(&exists); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO article_votes (article_id, visitor_key, helpful, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (article_id, visitor_key) DO NOTHING`, id, visitorKey, helpful, ts(time.Now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		counted = true
		col := "not_helpful"
		if helpful {
			col = "helpful"
		}
		_, err = tx.ExecContext(ctx, `UPDATE articles SET `+col+` = `+col+` + 1 WHERE id = ?`, id)
		return err
	})
	return counted, mapErr("vote article", err)
}

// CreateArticleCategory stores a new category.
func (s *Store) CreateArticleCategory(ctx context.Context, c switchboard.ArticleCategory) error {
	return s.writeOne(ctx, "create article category", `INSERT INTO article_categories (id, workspace_id, name, position) VALUES (?, ?, ?, ?)`,
		c.ID, c.WorkspaceID, c.Name, c.Position)
}

// UpdateArticleCategory replaces a category's name and position.
func (s *Store) UpdateArticleCategory(ctx context.Context, c switchboard.ArticleCategory) error {
	return s.writeOne(ctx, "update article category", `UPDATE article_categories SET name = ?, position = ? WHERE workspace_id = ? AND id = ?`,
		c.Name, c.Position, c.WorkspaceID, c.ID)
}

// DeleteArticleCategory removes a category; its articles keep no category.
func (s *Store) DeleteArticleCategory(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ArticleCategoryID) error {
	return mapErr("delete article category", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM article_categories WHERE workspace_id = ? AND id = ?`, ws, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		_, err = tx.ExecContext(ctx, `UPDATE articles SET category_id = '' WHERE workspace_id = ? AND category_id = ?`, ws, id)
		return err
	}))
}

// ListArticleCategories lists a workspace's categories by position.
func (s *Store) ListArticleCategories(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.ArticleCategory, error) {
	rows, err := s.query(ctx, `SELECT id, workspace_id, name, position FROM article_categories WHERE workspace_id = ? ORDER BY position, name, id`, ws)
	if err != nil {
		return nil, mapErr("list article categories", err)
	}
	defer rows.Close()
	var out []switchboard.ArticleCategory
	for rows.Next() {
		var c switchboard.ArticleCategory
		if err := rows.Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.Position); err != nil {
			return nil, mapErr("list article categories", err)
		}
		out = append(out, c)
	}
	return out, mapErr("list article categories", rows.Err())
}
