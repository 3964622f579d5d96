-- Switchboard schema for PostgreSQL. Times are timestamptz (UTC).

-- +goose Up
CREATE TABLE workspaces (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         TEXT        NOT NULL UNIQUE,
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE departments (
    id           TEXT        PRIMARY KEY,
    workspace_id TEXT        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL,
    is_default   BOOLEAN     NOT NULL DEFAULT false,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE UNIQUE INDEX departments_default ON departments (workspace_id) WHERE is_default;

CREATE TABLE channels (
    id           TEXT        PRIMARY KEY,
    workspace_id TEXT        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    type         TEXT        NOT NULL,
    name         TEXT        NOT NULL DEFAULT '',
    config       TEXT,
    paused       BOOLEAN     NOT NULL DEFAULT false,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX channels_workspace ON channels (workspace_id, id);

CREATE TABLE contacts (
    id           TEXT        PRIMARY KEY,
    workspace_id TEXT        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL DEFAULT '',
    email        TEXT        NOT NULL DEFAULT '',
    phone        TEXT        NOT NULL DEFAULT '',
    avatar_url   TEXT        NOT NULL DEFAULT '',
    language     TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX contacts_workspace ON contacts (workspace_id);

CREATE TABLE identities (
    channel_id  TEXT        NOT NULL,
    external_id TEXT        NOT NULL,
    contact_id  TEXT        NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    opted_out   BOOLEAN     NOT NULL DEFAULT false,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel_id, external_id)
);
CREATE INDEX identities_contact ON identities (contact_id);

CREATE TABLE conversations (
    id               TEXT        PRIMARY KEY,
    workspace_id     TEXT        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel_id       TEXT        NOT NULL,
    channel_type     TEXT        NOT NULL DEFAULT '',
    contact_id       TEXT        NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    department_id    TEXT        NOT NULL DEFAULT '',
    assignee_id      TEXT        NOT NULL DEFAULT '',
    status           TEXT        NOT NULL,
    unread_count     INTEGER     NOT NULL DEFAULT 0,
    last_message     TEXT        NOT NULL DEFAULT '',
    last_activity_at TIMESTAMPTZ NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    recipient        TEXT        NOT NULL DEFAULT '',
    reply_token      TEXT        NOT NULL DEFAULT '',
    reply_until      TIMESTAMPTZ,
    thread_ref       TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX conversations_activity ON conversations (workspace_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_contact ON conversations (contact_id, channel_id, created_at);

CREATE TABLE messages (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT        NOT NULL UNIQUE,
    workspace_id    TEXT        NOT NULL,
    conversation_id TEXT        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    channel_id      TEXT        NOT NULL,
    direction       TEXT        NOT NULL,
    parts           TEXT        NOT NULL,
    text            TEXT        NOT NULL DEFAULT '',
    external_id     TEXT        NOT NULL DEFAULT '',
    author_id       TEXT        NOT NULL DEFAULT '',
    status          TEXT        NOT NULL,
    failure_reason  TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    edited_at       TIMESTAMPTZ,
    retracted_at    TIMESTAMPTZ
);
CREATE INDEX messages_conversation ON messages (conversation_id, seq);
CREATE INDEX messages_workspace_created ON messages (workspace_id, created_at DESC, seq DESC);
-- Redelivery of a customer's message is a no-op.
CREATE UNIQUE INDEX messages_in_external ON messages (channel_id, external_id)
    WHERE direction = 'in' AND external_id <> '';
-- Receipts find outgoing messages by the provider's id.
CREATE INDEX messages_out_external ON messages (channel_id, external_id)
    WHERE direction = 'out' AND external_id <> '';

-- Substring search uses a pg_trgm index when the extension can be created;
-- without it ILIKE scans.
-- +goose StatementBegin
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm not available: message search scans';
    END;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX messages_text_trgm ON messages USING gin (text gin_trgm_ops)';
    END IF;
END
$$;
-- +goose StatementEnd

-- Dedupe of follow / unfollow events by (channel, provider event id).
CREATE TABLE processed_events (
    channel_id  TEXT        NOT NULL,
    external_id TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel_id, external_id)
);

CREATE TABLE outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic       TEXT        NOT NULL,
    key         TEXT        NOT NULL DEFAULT '',
    payload     BYTEA,
    created_at  TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01 00:00:00Z',
    attempts    INTEGER     NOT NULL DEFAULT 0,
    done_at     TIMESTAMPTZ
);
CREATE INDEX outbox_pending ON outbox (id) WHERE done_at IS NULL;

CREATE TABLE operators (
    id            TEXT        PRIMARY KEY,
    workspace_id  TEXT        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email         TEXT        NOT NULL,
    email_key     TEXT        NOT NULL UNIQUE,
    name          TEXT        NOT NULL DEFAULT '',
    role          TEXT        NOT NULL,
    password_hash TEXT        NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX operators_workspace ON operators (workspace_id);

CREATE TABLE operator_departments (
    operator_id   TEXT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    department_id TEXT NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    PRIMARY KEY (operator_id, department_id)
);
CREATE INDEX operator_departments_department ON operator_departments (department_id);

CREATE TABLE tokens (
    id           TEXT        PRIMARY KEY,
    workspace_id TEXT        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL DEFAULT '',
    role         TEXT        NOT NULL,
    hash         TEXT        NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);

CREATE TABLE sessions (
    hash         TEXT        PRIMARY KEY,
    operator_id  TEXT        NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    workspace_id TEXT        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    csrf         TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE media (
    id           TEXT        PRIMARY KEY,
    workspace_id TEXT        NOT NULL,
    content_type TEXT        NOT NULL DEFAULT '',
    body         BYTEA       NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE thread_links (
    mirror          TEXT        NOT NULL,
    conversation_id TEXT        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    thread_ref      TEXT        NOT NULL,
    workspace_id    TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (mirror, conversation_id),
    UNIQUE (mirror, thread_ref)
);

CREATE TABLE operator_accounts (
    provider      TEXT        NOT NULL,
    external_user TEXT        NOT NULL,
    operator_id   TEXT        NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    workspace_id  TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, external_user)
);

CREATE TABLE seen_keys (
    key        TEXT        PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);

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
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE identities;
DROP TABLE contacts;
DROP TABLE channels;
DROP TABLE departments;
DROP TABLE workspaces;
