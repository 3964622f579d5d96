package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// CreatePortalLogin stores a sign-in link by its token hash and prunes
// the expired ones.
func (s *Store) CreatePortalLogin(ctx context.Context, l store.PortalLogin) error {
	created := orNow(l.CreatedAt)
	return mapErr("create portal login", s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_logins WHERE expires_at <= ?`, ts(created)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO portal_logins (token_hash, workspace_id, email, phone, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, l.TokenHash, l.WorkspaceID, l.Email, l.Phone, ts(created), ts(l.ExpiresAt))
		return err
	}))
}

// ConsumePortalLogin deletes and returns the unexpired login of the hash.
func (s *Store) ConsumePortalLogin(ctx context.Context, ws switchboard.WorkspaceID, tokenHash string, now time.Time) (store.PortalLogin, error) {
	var l store.PortalLogin
	err := s.write(ctx, func(tx *sql.Tx) error {
		var created, expires int64
		err := tx.QueryRowContext(ctx, `DELETE FROM portal_logins WHERE token_hash = ? AND workspace_id = ? AND expires_at > ?
			RETURNING token_hash, workspace_id, email, phone, created_at, expires_at`, tokenHash, ws, ts(now)).
			Scan(&l.TokenHash, &l.WorkspaceID, &l.Email, &l.Phone, &created, &expires)
		l.CreatedAt, l.ExpiresAt = fromTS(created), fromTS(expires)
		return err
	})
	return l, mapErr("consume portal login", err)
}

// GetBranding returns the workspace's branding (zero when unset).
func (s *Store) GetBranding(ctx context.Context, ws switchboard.WorkspaceID) (store.Branding, error) {
	var b store.Branding
	err := s.queryRow(ctx, `SELECT color, logo_url FROM workspace_branding WHERE workspace_id = ?`, ws).Scan(&b.Color, &b.LogoURL)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Branding{}, nil
	}
	return b, mapErr("get branding", err)
}

// PutBranding replaces the workspace's branding.
func (s *Store) PutBranding(ctx context.Context, ws switchboard.WorkspaceID, b store.Branding) error {
	return mapErr("put branding", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO workspace_branding (workspace_id, color, logo_url) VALUES (?, ?, ?)
			ON CONFLICT (workspace_id) DO UPDATE SET color = excluded.color, logo_url = excluded.logo_url`, ws, b.Color, b.LogoURL)
		return err
	}))
}
