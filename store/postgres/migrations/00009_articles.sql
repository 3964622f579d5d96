-- Knowledge base (issue 15): categories, articles (markdown, one locale
-- each, optionally translating another) and one "was this helpful" vote
-- per (article, visitor). Search is ILIKE, like the message search,
-- served by pg_trgm indexes where the extension exists (00001 creates it
-- when it can).

-- +goose Up
CREATE TABLE article_categories (
    id           TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, name)
);

CREATE TABLE articles (
    id             TEXT        PRIMARY KEY,
    workspace_id   TEXT        NOT NULL,
    category_id    TEXT        NOT NULL DEFAULT '',
    locale         TEXT        NOT NULL,
    title          TEXT        NOT NULL,
    slug           TEXT        NOT NULL,
    body           TEXT        NOT NULL DEFAULT '',
    status         TEXT        NOT NULL,
    translation_of TEXT        NOT NULL DEFAULT '',
    views          BIGINT      NOT NULL DEFAULT 0,
    helpful        BIGINT      NOT NULL DEFAULT 0,
    not_helpful    BIGINT      NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    published_at   TIMESTAMPTZ,
    UNIQUE (workspace_id, slug)
);
CREATE INDEX articles_list ON articles (workspace_id, status, locale, category_id);

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX articles_title_trgm ON articles USING gin (title gin_trgm_ops)';
        EXECUTE 'CREATE INDEX articles_body_trgm ON articles USING gin (body gin_trgm_ops)';
    END IF;
END
$$;
-- +goose StatementEnd

CREATE TABLE article_votes (
    article_id  TEXT        NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    visitor_key TEXT        NOT NULL,
    helpful     BOOLEAN     NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, visitor_key)
);

-- +goose Down
DROP TABLE article_votes;
DROP TABLE articles;
DROP TABLE article_categories;
