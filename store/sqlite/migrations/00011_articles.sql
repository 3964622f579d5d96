-- Knowledge base (issue 15): categories, articles (markdown, one locale
-- each, optionally translating another), an FTS5 trigram index of their
-- titles and bodies (Japanese has no spaces: trigrams find any substring
-- of three characters or more), and one "was this helpful" vote per
-- (article, visitor).

-- +goose Up
CREATE TABLE article_categories (
    id           TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, name)
);

CREATE TABLE articles (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT    NOT NULL UNIQUE,
    workspace_id   TEXT    NOT NULL,
    category_id    TEXT    NOT NULL DEFAULT '',
    locale         TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    slug           TEXT    NOT NULL,
    body           TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL,
    translation_of TEXT    NOT NULL DEFAULT '',
    views          INTEGER NOT NULL DEFAULT 0,
    helpful        INTEGER NOT NULL DEFAULT 0,
    not_helpful    INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    published_at   INTEGER,
    UNIQUE (workspace_id, slug)
);
CREATE INDEX articles_list ON articles (workspace_id, status, locale, category_id);

CREATE TABLE article_votes (
    article_id  TEXT    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    visitor_key TEXT    NOT NULL,
    helpful     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (article_id, visitor_key)
);

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    body,
    content = 'articles',
    content_rowid = 'seq',
    tokenize = 'trigram'
);

-- +goose StatementBegin
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.seq, new.title, new.body);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.seq, old.title, old.body);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.seq, old.title, old.body);
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.seq, new.title, new.body);
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE articles_fts;
DROP TABLE article_votes;
DROP TABLE articles;
DROP TABLE article_categories;
