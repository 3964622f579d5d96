-- Notifications (issue 14): operators' preferences (JSON), their browsers'
-- Web Push subscriptions, the install's VAPID key pair (one row, inserted
-- if absent by the first instance to start), and the notification log,
-- which is also the senders' queue: one row per (event key, recipient,
-- method), so each is sent at most once; next_attempt_at is when a
-- pending or failed row is due (NULL: nothing more to do), moved ahead by
-- a sender's lease while it works on the row.

-- +goose Up
CREATE TABLE notify_preferences (
    operator_id  TEXT PRIMARY KEY REFERENCES operators (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    prefs        TEXT NOT NULL
);

CREATE TABLE push_subscriptions (
    endpoint     TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL,
    operator_id  TEXT    NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    p256dh       TEXT    NOT NULL,
    auth         TEXT    NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX push_subscriptions_operator ON push_subscriptions (workspace_id, operator_id, created_at);

CREATE TABLE vapid_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public_key  TEXT    NOT NULL,
    private_key TEXT    NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    method          TEXT    NOT NULL,
    recipient_id    TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL DEFAULT '',
    address         TEXT    NOT NULL DEFAULT '',
    subject         TEXT    NOT NULL DEFAULT '',
    body            TEXT    NOT NULL DEFAULT '',
    url             TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    error           TEXT    NOT NULL DEFAULT '',
    next_attempt_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    UNIQUE (key, recipient_id, method)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX notifications_log ON notifications (workspace_id, id DESC);
CREATE INDEX notifications_done ON notifications (created_at) WHERE next_attempt_at IS NULL;

-- +goose Down
DROP TABLE notifications;
DROP TABLE vapid_keys;
DROP TABLE push_subscriptions;
DROP TABLE notify_preferences;
