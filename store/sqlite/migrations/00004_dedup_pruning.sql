-- Redelivery records (processed follow/unfollow events, seen Slack event
-- ids) are pruned after a retention period (Store.PruneDedup); these
-- indexes let the prune find old rows without scanning the tables.

-- +goose Up
CREATE INDEX processed_events_created ON processed_events (created_at);
CREATE INDEX seen_keys_created ON seen_keys (created_at);

-- +goose Down
DROP INDEX seen_keys_created;
DROP INDEX processed_events_created;
