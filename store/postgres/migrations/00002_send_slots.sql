-- Outbound pacing shared by every hub instance: the next free send slot
-- per key (a channel).

-- +goose Up
CREATE TABLE send_slots (
    key     TEXT        PRIMARY KEY,
    next_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE send_slots;
