-- Switchboard schema for SQLite. Times are INTEGER unix microseconds (UTC),
-- so they sort and compare as numbers.

-- +goose Up
CREATE TABLE workspaces (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE departments (
    id           TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    is_default   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE UNIQUE INDEX departments_default ON departments (workspace_id) WHERE is_default = 1;

CREATE TABLE channels (
    id           TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    type         TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    config       TEXT,
    paused       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX channels_workspace ON channels (workspace_id, id);

CREATE TABLE contacts (
    id           TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL DEFAULT '',
    email        TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    avatar_url   TEXT    NOT NULL DEFAULT '',
    language     TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX contacts_workspace ON contacts (workspace_id);

CREATE TABLE identities (
    channel_id  TEXT    NOT NULL,
    external_id TEXT    NOT NULL,
    contact_id  TEXT    NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    opted_out   INTEGER NOT NULL DEFAULT 0,
    -- The contact's latest conversation on the channel, kept by Accept so
    -- intake finds it with the identity in one lookup.
    conversation_id TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (channel_id, external_id)
) WITHOUT ROWID;
CREATE INDEX identities_contact ON identities (contact_id);

CREATE TABLE conversations (
    id               TEXT    PRIMARY KEY,
    workspace_id     TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel_id       TEXT    NOT NULL,
    channel_type     TEXT    NOT NULL DEFAULT '',
    contact_id       TEXT    NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    department_id    TEXT    NOT NULL DEFAULT '',
    assignee_id      TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL,
    unread_count     INTEGER NOT NULL DEFAULT 0,
    last_message     TEXT    NOT NULL DEFAULT '',
    last_activity_at INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    recipient        TEXT    NOT NULL DEFAULT '',
    reply_token      TEXT    NOT NULL DEFAULT '',
    reply_until      INTEGER,
    thread_ref       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX conversations_activity ON conversations (workspace_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_contact ON conversations (contact_id, channel_id, created_at);

CREATE TABLE messages (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    workspace_id    TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    channel_id      TEXT    NOT NULL,
    direction       TEXT    NOT NULL,
    parts           TEXT    NOT NULL,
    text            TEXT    NOT NULL DEFAULT '',
    external_id     TEXT    NOT NULL DEFAULT '',
    author_id       TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    failure_reason  TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    edited_at       INTEGER,
    retracted_at    INTEGER
);
CREATE INDEX messages_conversation ON messages (conversation_id, seq);
-- Redelivery of a customer's message is a no-op.
CREATE UNIQUE INDEX messages_in_external ON messages (channel_id, external_id)
    WHERE direction = 'in' AND external_id <> '';
-- Receipts find outgoing messages by the provider's id.
CREATE INDEX messages_out_external ON messages (channel_id, external_id)
    WHERE direction = 'out' AND external_id <> '';

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text,
    content = 'messages',
    content_rowid = 'seq',
    tokenize = 'trigram'
);

-- +goose StatementBegin
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
END;
-- +goose StatementEnd

-- Dedupe of follow / unfollow events by (channel, provider event id).
CREATE TABLE processed_events (
    channel_id  TEXT    NOT NULL,
    external_id TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (channel_id, external_id)
) WITHOUT ROWID;

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    topic       TEXT    NOT NULL,
    key         TEXT    NOT NULL DEFAULT '',
    payload     BLOB,
    created_at  INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    done_at     INTEGER
);
CREATE INDEX outbox_pending ON outbox (id) WHERE done_at IS NULL;

CREATE TABLE operators (
    id            TEXT    PRIMARY KEY,
    workspace_id  TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL DEFAULT '',
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX operators_workspace ON operators (workspace_id);

CREATE TABLE operator_departments (
    operator_id   TEXT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    department_id TEXT NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    PRIMARY KEY (operator_id, department_id)
) WITHOUT ROWID;
CREATE INDEX operator_departments_department ON operator_departments (department_id);

CREATE TABLE tokens (
    id           TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL DEFAULT '',
    role         TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

CREATE TABLE sessions (
    hash         TEXT    PRIMARY KEY,
    operator_id  TEXT    NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    csrf         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE media (
    id           TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL,
    content_type TEXT    NOT NULL DEFAULT '',
    body         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE thread_links (
    mirror          TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    thread_ref      TEXT    NOT NULL,
    workspace_id    TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (mirror, conversation_id),
    UNIQUE (mirror, thread_ref)
);

CREATE TABLE operator_accounts (
    provider      TEXT    NOT NULL,
    external_user TEXT    NOT NULL,
    operator_id   TEXT    NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    workspace_id  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (provider, external_user)
);

CREATE TABLE seen_keys (
    key        TEXT    PRIMARY KEY,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE seen_keys;
DROP TABLE operator_accounts;
DROP TABLE thread_links;
DROP TABLE media;
DROP TABLE sessions;
DROP TABLE tokens;
DROP TABLE operator_departments;
DROP TABLE operators;
DROP TABLE outbox;
DROP TABLE processed_events;
DROP TRIGGER messages_fts_update;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_insert;
DROP TABLE messages_fts;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE identities;
DROP TABLE contacts;
DROP TABLE channels;
DROP TABLE departments;
DROP TABLE workspaces;
