-- Inbox state for the operator console: a conversation can be marked
-- unread and carries labels; messages can be deleted from the hub (a
-- marker stays); operators' chosen presence; presence leases of live
-- connections (a site-chat visitor's widget streams on any instance).
-- Indexes keep the inbox's filtered first pages on keyset order.

-- +goose Up
ALTER TABLE conversations ADD COLUMN marked_unread INTEGER NOT NULL DEFAULT 0;
-- The labels as a JSON array (what reads return); conversation_labels is
-- what the label filter looks up.
ALTER TABLE conversations ADD COLUMN labels TEXT NOT NULL DEFAULT '';

CREATE TABLE conversation_labels (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    workspace_id    TEXT NOT NULL,
    label           TEXT NOT NULL,
    PRIMARY KEY (conversation_id, label)
) WITHOUT ROWID;
CREATE INDEX conversation_labels_label ON conversation_labels (workspace_id, label, conversation_id);

CREATE INDEX conversations_status_activity ON conversations (workspace_id, status, last_activity_at DESC, id DESC);
CREATE INDEX conversations_assignee_activity ON conversations (workspace_id, assignee_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_department_activity ON conversations (workspace_id, department_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_unread_activity ON conversations (workspace_id, last_activity_at DESC, id DESC)
    WHERE unread_count > 0 OR marked_unread = 1;

ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_by TEXT NOT NULL DEFAULT '';

CREATE TABLE operator_presence (
    operator_id  TEXT    PRIMARY KEY REFERENCES operators (id) ON DELETE CASCADE,
    workspace_id TEXT    NOT NULL,
    presence     TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX operator_presence_workspace ON operator_presence (workspace_id);

CREATE TABLE presence_leases (
    subject TEXT    NOT NULL,
    holder  TEXT    NOT NULL,
    until   INTEGER NOT NULL,
    PRIMARY KEY (subject, holder)
) WITHOUT ROWID;
CREATE INDEX presence_leases_until ON presence_leases (until);

-- +goose Down
DROP TABLE presence_leases;
DROP TABLE operator_presence;
ALTER TABLE messages DROP COLUMN deleted_by;
ALTER TABLE messages DROP COLUMN deleted_at;
DROP INDEX conversations_unread_activity;
DROP INDEX conversations_department_activity;
DROP INDEX conversations_assignee_activity;
DROP INDEX conversations_status_activity;
DROP TABLE conversation_labels;
ALTER TABLE conversations DROP COLUMN labels;
ALTER TABLE conversations DROP COLUMN marked_unread;
