-- When the CSAT question of a survey was stored as a message (and which
-- message): the router creates the survey, then sends the question, then
-- records it here; a survey without it is asked again when its
-- resolution's event is redelivered. Surveys from before were asked when
-- they were created.

-- +goose Up
ALTER TABLE csat_surveys ADD COLUMN question_message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE csat_surveys ADD COLUMN question_at TIMESTAMPTZ;
UPDATE csat_surveys SET question_at = asked_at;

-- +goose Down
ALTER TABLE csat_surveys DROP COLUMN question_at;
ALTER TABLE csat_surveys DROP COLUMN question_message_id;
