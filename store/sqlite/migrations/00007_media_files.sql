-- Media bytes move out of the database into content-addressed files
-- under the data dir (media/<sha256[:2]>/<sha256>): the row keeps what the
-- file is (sha256) and its metadata. Rows stored before keep their body.

-- +goose Up
ALTER TABLE media ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
CREATE INDEX media_sha256 ON media (sha256) WHERE sha256 <> '';

-- +goose Down
DROP INDEX media_sha256;
ALTER TABLE media DROP COLUMN sha256;
