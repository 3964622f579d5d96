-- Routing (issue 14): departments carry their settings (JSON) and the
-- member assigned last (round robin); operators their own chat limit;
-- conversations a priority and the time they joined the queue; messages
-- an activity record (direction 'activity'); routing rules in order.

-- +goose Up
ALTER TABLE departments ADD COLUMN settings JSONB;
ALTER TABLE departments ADD COLUMN last_assignee TEXT NOT NULL DEFAULT '';
ALTER TABLE operators ADD COLUMN max_chats INTEGER;
ALTER TABLE conversations ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN queued_at TIMESTAMPTZ;
ALTER TABLE messages ADD COLUMN activity JSONB;
CREATE INDEX conversations_queue ON conversations (workspace_id, department_id, priority DESC, queued_at)
    WHERE queued_at IS NOT NULL;
CREATE INDEX conversations_assignee_open ON conversations (workspace_id, assignee_id) WHERE status = 'open' AND assignee_id <> '';
CREATE TABLE routing_rules (
    id           TEXT        PRIMARY KEY,
    workspace_id TEXT        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL,
    position     INTEGER     NOT NULL,
    match        JSONB       NOT NULL,
    action       JSONB       NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX routing_rules_order ON routing_rules (workspace_id, position, id);

-- +goose Down
DROP TABLE routing_rules;
DROP INDEX conversations_assignee_open;
DROP INDEX conversations_queue;
ALTER TABLE messages DROP COLUMN activity;
ALTER TABLE conversations DROP COLUMN queued_at;
ALTER TABLE conversations DROP COLUMN priority;
ALTER TABLE operators DROP COLUMN max_chats;
ALTER TABLE departments DROP COLUMN last_assignee;
ALTER TABLE departments DROP COLUMN settings;
