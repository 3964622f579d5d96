package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// CreatePortalLogin stores a sign-in link by its token hash and prunes
// the expired ones.
func (s *Store) CreatePortalLogin(ctx context.Context, l store.PortalLogin) error {
	created := orNow(l.CreatedAt)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return mapErr("create portal login", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM portal_logins WHERE expires_at <= $1`, created); err != nil {
		return mapErr("create portal login", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO portal_logins (token_hash, workspace_id, email, phone, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, l.TokenHash, l.WorkspaceID, l.Email, l.Phone, created, l.ExpiresAt.UTC()); err != nil {
		return mapErr("create portal login", err)
	}
	return mapErr("create portal login", tx.Commit(ctx))
}

// ConsumePortalLogin deletes and returns the unexpired login of the hash.
func (s *Store) ConsumePortalLogin(ctx context.Context, ws switchboard.WorkspaceID, tokenHash string, now time.Time) (store.PortalLogin, error) {
	var l store.PortalLogin
	err := s.pool.QueryRow(ctx, `DELETE FROM portal_logins WHERE token_hash = $1 AND workspace_id = $2 AND expires_at > $3
		RETURNING token_hash, workspace_id, email, phone, created_at, expires_at`, tokenHash, ws, now.UTC()).
		Scan(&l.TokenHash, &l.WorkspaceID, &l.Email, &l.Phone, &l.CreatedAt, &l.ExpiresAt)
	l.CreatedAt, l.ExpiresAt = utc(l.CreatedAt), utc(l.ExpiresAt)
	return l, mapErr("consume portal login", err)
}

// GetBranding returns the workspace's branding (zero when unset).
func (s *Store) GetBranding(ctx context.Context, ws switchboard.WorkspaceID) (store.Branding, error) {
	var b store.Branding
	err := s.pool.QueryRow(ctx, `SELECT color, logo_url FROM workspace_branding WHERE workspace_id = $1`, ws).Scan(&b.Color, &b.LogoURL)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Branding{}, nil
	}
	return b, mapErr("get branding", err)
}

// PutBranding replaces the workspace's branding.
func (s *Store) PutBranding(ctx context.Context, ws switchboard.WorkspaceID, b store.Branding) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO workspace_branding (workspace_id, color, logo_url) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id) DO UPDATE SET color = EXCLUDED.color, logo_url = EXCLUDED.logo_url`, ws, b.Color, b.LogoURL)
	return mapErr("put branding", err)
}
