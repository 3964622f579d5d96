-- Customer portal (issue 15): pending one-time sign-in links, by the
-- SHA-256 hash of their token, and each workspace's branding.

-- +goose Up
CREATE TABLE portal_logins (
    token_hash   TEXT    PRIMARY KEY,
    workspace_id TEXT    NOT NULL,
    email        TEXT    NOT NULL DEFAULT '',
    phone        TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX portal_logins_expiry ON portal_logins (expires_at);

CREATE TABLE workspace_branding (
    workspace_id TEXT PRIMARY KEY,
    color        TEXT NOT NULL DEFAULT '',
    logo_url     TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE workspace_branding;
DROP TABLE portal_logins;
