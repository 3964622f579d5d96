-- Customer context, contacts and privacy (issue 13): contacts carry
-- verified flags, the business's own id, attributes, labels and their
-- latest context (JSON), and can be erased (the row stays, emptied);
-- conversations carry the context during them and when an operator last
-- read them; workspaces have privacy settings. context_seen_at is when a
-- context was last seen, so the retention sweep finds old ones by index.

-- +goose Up
ALTER TABLE contacts ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN phone_verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN external_ref TEXT NOT NULL DEFAULT '';
-- attributes: a JSON object, labels: a JSON array, context: a JSON
-- object ('' for none of each).
ALTER TABLE contacts ADD COLUMN attributes TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN labels TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN context TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN context_seen_at INTEGER;
ALTER TABLE contacts ADD COLUMN erased_at INTEGER;
CREATE INDEX contacts_verified_email ON contacts (workspace_id, lower(email))
    WHERE email_verified = 1 AND email <> '';
CREATE INDEX contacts_verified_phone ON contacts (workspace_id, phone)
    WHERE phone_verified = 1 AND phone <> '';
CREATE INDEX contacts_updated ON contacts (workspace_id, updated_at DESC, id DESC)
    WHERE erased_at IS NULL;
CREATE INDEX contacts_context_seen ON contacts (workspace_id, context_seen_at)
    WHERE context_seen_at IS NOT NULL;

ALTER TABLE conversations ADD COLUMN last_read_at INTEGER;
ALTER TABLE conversations ADD COLUMN context TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN context_seen_at INTEGER;
CREATE INDEX conversations_context_seen ON conversations (workspace_id, context_seen_at)
    WHERE context_seen_at IS NOT NULL;

CREATE TABLE workspace_settings (
    workspace_id           TEXT    PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    collect_ip             INTEGER NOT NULL,
    collect_location       INTEGER NOT NULL,
    visitor_retention_days INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE workspace_settings;
DROP INDEX conversations_context_seen;
ALTER TABLE conversations DROP COLUMN context_seen_at;
ALTER TABLE conversations DROP COLUMN context;
ALTER TABLE conversations DROP COLUMN last_read_at;
DROP INDEX contacts_context_seen;
DROP INDEX contacts_updated;
DROP INDEX contacts_verified_phone;
DROP INDEX contacts_verified_email;
ALTER TABLE contacts DROP COLUMN erased_at;
ALTER TABLE contacts DROP COLUMN context_seen_at;
ALTER TABLE contacts DROP COLUMN context;
ALTER TABLE contacts DROP COLUMN labels;
ALTER TABLE contacts DROP COLUMN attributes;
ALTER TABLE contacts DROP COLUMN external_ref;
ALTER TABLE contacts DROP COLUMN phone_verified;
ALTER TABLE contacts DROP COLUMN email_verified;
