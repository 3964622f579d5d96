package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

var _ store.SQLDatabase = (*Store)(nil)

const channelStatusCols = `channel_id, state, reason, qr, pair_code, account, until, since`

func scanChannelStatus(row pgx.Row) (switchboard.ChannelStatus, bool, error) {
	var st switchboard.ChannelStatus
	err := row.Scan(&st.ChannelID, &st.State, &st.Reason, &st.QR, &st.PairCode, &st.Account, &st.Until, &st.Since)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, err
	}
	st.Until, st.Since = utcPtr(st.Until), utc(st.Since)
	return st, true, nil
}

// PutChannelStatus stores a channel's status and writes outbox when it
// changed; Since is kept while State stays.
func (s *Store) PutChannelStatus(ctx context.Context, ws switchboard.WorkspaceID, st switchboard.ChannelStatus, outbox []store.OutboxEntry) (bool, error) {
	if !st.State.Valid() {
		return false, fmt.Errorf("postgres: put channel status: invalid state %q", st.State)
	}
	changed := false
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		changed = false
		var owner switchboard.WorkspaceID
		// The channel row is locked so that concurrent reports of one
		// channel take turns.
		if err := tx.QueryRow(ctx, `SELECT workspace_id FROM channels WHERE id = $1 FOR UPDATE`, st.ChannelID).Scan(&owner); err != nil {
			return err
		}
		if owner != ws {
			return pgx.ErrNoRows
		}
		old, found, err := scanChannelStatus(tx.QueryRow(ctx, `SELECT `+channelStatusCols+` FROM channel_statuses WHERE channel_id = $1`, st.ChannelID))
		if err != nil {
			return err
		}
		st.Since = store.StatusSince(old, found, st)
		if found && store.SameChannelStatus(old, st) {
			return nil
		}
		changed = true
		if _, err := tx.Exec(ctx, `INSERT INTO channel_statuses (channel_id, workspace_id, state, reason, qr, pair_code, account, until, since)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (channel_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, qr = excluded.qr,
				pair_code = excluded.pair_code, account = excluded.account, until = excluded.until, since = excluded.since`,
			st.ChannelID, ws, st.State, st.Reason, st.QR, st.PairCode, st.Account, st.Until, st.Since); err != nil {
			return err
		}
		return insertOutbox(ctx, tx, time.Now().UTC(), outbox)
	})
	return changed, mapErr("put channel status", err)
}

// ListChannelStatuses returns the workspace's stored statuses by channel.
func (s *Store) ListChannelStatuses(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.ChannelStatus, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+channelStatusCols+` FROM channel_statuses WHERE workspace_id = $1 ORDER BY channel_id`, ws)
	if err != nil {
		return nil, mapErr("list channel statuses", err)
	}
	defer rows.Close()
	var out []switchboard.ChannelStatus
	for rows.Next() {
		st, _, err := scanChannelStatus(rows)
		if err != nil {
			return nil, mapErr("list channel statuses", err)
		}
		out = append(out, st)
	}
	return out, mapErr("list channel statuses", rows.Err())
}

// TryLease takes or renews the lease name for holder.
func (s *Store) TryLease(ctx context.Context, name, holder string, until, now time.Time) (bool, error) {
	if name == "" || holder == "" {
		return false, errors.New("postgres: try lease: empty name or holder")
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE leases.holder = excluded.holder OR leases.until <= $4`, name, holder, until.UTC(), now.UTC())
	if err != nil {
		return false, mapErr("try lease", err)
	}
	return tag.RowsAffected() == 1, nil
}

// ReleaseLease gives the lease up when holder has it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
	return mapErr("release lease", err)
}

// PutProviderTemplates replaces a channel's synced templates.
func (s *Store) PutProviderTemplates(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, tpls []switchboard.ProviderTemplate, syncedAt time.Time) error {
	body, err := store.EncodeProviderTemplates(channel, tpls)
	if err != nil {
		return fmt.Errorf("postgres: put provider templates: %w", err)
	}
	if syncedAt.IsZero() {
		syncedAt = time.Now()
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO provider_templates (channel_id, workspace_id, templates, synced_at)
		SELECT id, workspace_id, $1, $2 FROM channels WHERE id = $3 AND workspace_id = $4
		ON CONFLICT (channel_id) DO UPDATE SET templates = excluded.templates, synced_at = excluded.synced_at`,
		string(body), syncedAt.UTC(), channel, ws)
	if err != nil {
		return mapErr("put provider templates", err)
	}
	if tag.RowsAffected() == 0 {
		return mapErr("put provider templates", pgx.ErrNoRows)
	}
	return nil
}

// ListProviderTemplates returns a channel's synced templates and when.
func (s *Store) ListProviderTemplates(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID) ([]switchboard.ProviderTemplate, time.Time, error) {
	var body []byte
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT templates, synced_at FROM provider_templates WHERE channel_id = $1 AND workspace_id = $2`,
		channel, ws).Scan(&body, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, mapErr("list provider templates", err)
	}
	var out []switchboard.ProviderTemplate
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, time.Time{}, fmt.Errorf("postgres: list provider templates: %w", err)
	}
	return out, at.UTC(), nil
}

// SQLDatabase returns a database/sql view of the store's pool (sharing
// its connections), made on the first call and closed with the store.
func (s *Store) SQLDatabase() (*sql.DB, string) {
	s.extMu.Lock()
	defer s.extMu.Unlock()
	if s.ext == nil {
		s.ext = stdlib.OpenDBFromPool(s.pool)
	}
	return s.ext, "postgres"
}
