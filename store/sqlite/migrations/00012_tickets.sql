-- Tickets (issue 15): a ticket is a conversation followed like a mailbox.
-- The row is keyed by its conversation (deleted with it); numbers count
-- per workspace from ticket_counters (the single writer serialises them).
-- ticket_links holds each relation in both directions; ticket_fields the
-- workspace's custom field definitions. messages.via records where an
-- outbound (or portal) message was written.

-- +goose Up
CREATE TABLE tickets (
    conversation_id        TEXT    PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    workspace_id           TEXT    NOT NULL,
    number                 INTEGER NOT NULL,
    subject                TEXT    NOT NULL DEFAULT '',
    priority               TEXT    NOT NULL,
    status                 TEXT    NOT NULL,
    source                 TEXT    NOT NULL DEFAULT '',
    fields                 TEXT    NOT NULL DEFAULT '{}',
    first_reply_due_at     INTEGER,
    resolution_due_at      INTEGER,
    first_replied_at       INTEGER,
    resolved_at            INTEGER,
    first_reply_breached_at INTEGER,
    resolution_breached_at INTEGER,
    merged_into            TEXT    NOT NULL DEFAULT '',
    customer_read_at       INTEGER,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    UNIQUE (workspace_id, number)
);
CREATE INDEX tickets_created ON tickets (workspace_id, created_at DESC, conversation_id DESC);
CREATE INDEX tickets_first_reply_due ON tickets (first_reply_due_at)
    WHERE first_reply_due_at IS NOT NULL AND first_replied_at IS NULL AND first_reply_breached_at IS NULL;
CREATE INDEX tickets_resolution_due ON tickets (resolution_due_at)
    WHERE resolution_due_at IS NOT NULL AND resolved_at IS NULL AND resolution_breached_at IS NULL;

CREATE TABLE ticket_counters (
    workspace_id TEXT    PRIMARY KEY,
    last_number  INTEGER NOT NULL
);

CREATE TABLE ticket_links (
    workspace_id    TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES tickets (conversation_id) ON DELETE CASCADE,
    linked_id       TEXT NOT NULL REFERENCES tickets (conversation_id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, linked_id)
);
CREATE INDEX ticket_links_linked ON ticket_links (linked_id);

CREATE TABLE ticket_fields (
    workspace_id TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    options      TEXT    NOT NULL DEFAULT '[]',
    required     INTEGER NOT NULL DEFAULT 0,
    public       INTEGER NOT NULL DEFAULT 0,
    position     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, key)
);

ALTER TABLE messages ADD COLUMN via TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE messages DROP COLUMN via;
DROP TABLE ticket_fields;
DROP TABLE ticket_links;
DROP TABLE ticket_counters;
DROP TABLE tickets;
