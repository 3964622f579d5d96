-- Issue 16: when the customer last wrote (the reply window of WhatsApp,
-- Messenger and Instagram), channels' health as their connectors report
-- it, exclusive leases (one linked device per channel across the
-- cluster), the templates synced from the provider, and the last delivery
-- watermark applied per (channel, sender, status).

-- +goose Up
ALTER TABLE conversations ADD COLUMN customer_last_at INTEGER;
UPDATE conversations SET customer_last_at = (SELECT max(m.created_at) FROM messages m
	WHERE m.conversation_id = conversations.id AND m.direction = 'in');

CREATE TABLE channel_statuses (
    channel_id   TEXT    PRIMARY KEY REFERENCES channels(id) ON DELETE CASCADE,
    workspace_id TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    qr           TEXT    NOT NULL DEFAULT '',
    pair_code    TEXT    NOT NULL DEFAULT '',
    account      TEXT    NOT NULL DEFAULT '',
    until        INTEGER,
    since        INTEGER NOT NULL
);

CREATE TABLE leases (
    name   TEXT    PRIMARY KEY,
    holder TEXT    NOT NULL,
    until  INTEGER NOT NULL
);

CREATE TABLE provider_templates (
    channel_id   TEXT    PRIMARY KEY REFERENCES channels(id) ON DELETE CASCADE,
    workspace_id TEXT    NOT NULL,
    templates    TEXT    NOT NULL DEFAULT '[]',
    synced_at    INTEGER NOT NULL
);

CREATE TABLE status_watermarks (
    channel_id TEXT    NOT NULL,
    sender     TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    watermark  INTEGER NOT NULL,
    PRIMARY KEY (channel_id, sender, status)
);

-- +goose Down
DROP TABLE status_watermarks;
DROP TABLE provider_templates;
DROP TABLE leases;
DROP TABLE channel_statuses;
ALTER TABLE conversations DROP COLUMN customer_last_at;
