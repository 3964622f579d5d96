-- The operator console's admin side: operators can be disabled, have
-- console settings and saved replies ("templates"); uploads remember who
-- made them; media is tied to the conversations that carry it so that
-- fetching it checks the department.

-- +goose Up
ALTER TABLE operators ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE operator_settings (
    operator_id    TEXT    PRIMARY KEY REFERENCES operators (id) ON DELETE CASCADE,
    workspace_id   TEXT    NOT NULL,
    notify_title   BOOLEAN NOT NULL,
    notify_desktop BOOLEAN NOT NULL,
    notify_sound   BOOLEAN NOT NULL,
    language       TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE canned_responses (
    id           TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    scope        TEXT    NOT NULL,
    owner_id     TEXT    NOT NULL DEFAULT '',
    name         TEXT    NOT NULL,
    shortcut     TEXT    NOT NULL DEFAULT '',
    text         TEXT    NOT NULL DEFAULT '',
    parts        TEXT    NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX canned_responses_workspace ON canned_responses (workspace_id, scope, owner_id);
CREATE UNIQUE INDEX canned_responses_shortcut ON canned_responses (workspace_id, scope, owner_id, shortcut) WHERE shortcut <> '';

ALTER TABLE media ADD COLUMN uploader_id TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN filename TEXT NOT NULL DEFAULT '';

CREATE TABLE media_refs (
    media_id        TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    workspace_id    TEXT NOT NULL,
    PRIMARY KEY (media_id, conversation_id)
);

-- +goose Down
DROP TABLE media_refs;
ALTER TABLE media DROP COLUMN filename;
ALTER TABLE media DROP COLUMN uploader_id;
DROP TABLE canned_responses;
DROP TABLE operator_settings;
ALTER TABLE operators DROP COLUMN disabled;
