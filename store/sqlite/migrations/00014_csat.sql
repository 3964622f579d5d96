-- Satisfaction surveys (issue 15): one per conversation, asked when it
-- is resolved, answered once (score 1-5, comment). Times are unix
-- microseconds, like the rest of the schema.

-- +goose Up
CREATE TABLE csat_surveys (
    id              TEXT    PRIMARY KEY,
    workspace_id    TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    contact_id      TEXT    NOT NULL DEFAULT '',
    channel_id      TEXT    NOT NULL DEFAULT '',
    channel_type    TEXT    NOT NULL DEFAULT '',
    operator_id     TEXT    NOT NULL DEFAULT '',
    department_id   TEXT    NOT NULL DEFAULT '',
    asked_at        INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    score           INTEGER NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 5),
    comment         TEXT    NOT NULL DEFAULT '',
    answered_at     INTEGER,
    via             TEXT    NOT NULL DEFAULT '',
    UNIQUE (workspace_id, conversation_id)
);

CREATE INDEX csat_surveys_answered ON csat_surveys (workspace_id, answered_at DESC, id DESC) WHERE answered_at IS NOT NULL;

-- +goose Down
DROP TABLE csat_surveys;
