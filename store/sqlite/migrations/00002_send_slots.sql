-- Outbound pacing shared by every sender: the next free send slot per key
-- (a channel), in unix microseconds.

-- +goose Up
CREATE TABLE send_slots (
    key     TEXT    PRIMARY KEY,
    next_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE send_slots;
