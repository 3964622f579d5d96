package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

var _ store.SQLDatabase = (*Store)(nil)

// PutChannelStatus stores a channel's status and writes outbox when it
// changed; Since is kept while State stays.
func (s *Store) PutChannelStatus(ctx context.Context, ws switchboard.WorkspaceID, st switchboard.ChannelStatus, outbox []store.OutboxEntry) (bool, error) {
	if !st.State.Valid() {
		return false, fmt.Errorf("sqlite: put channel status: invalid state %q", st.State)
	}
	changed := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		var owner switchboard.WorkspaceID
		if err := tx.QueryRowContext(ctx, `SELECT workspace_id FROM channels WHERE id = ?`, st.ChannelID).Scan(&owner); err != nil {
			return err
		}
		if owner != ws {
			return sql.ErrNoRows
		}
		old, found, err := scanChannelStatus(tx.QueryRowContext(ctx, `SELECT `+channelStatusCols+` FROM channel_statuses WHERE channel_id = ?`, st.ChannelID))
		if err != nil {
			return err
		}
		since := store.StatusSince(old, found, st)
		st.Since = since
		if found && store.SameChannelStatus(old, st) {
			return nil
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO channel_statuses (channel_id, workspace_id, state, reason, qr, pair_code, account, until, since)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (channel_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, qr = excluded.qr,
				pair_code = excluded.pair_code, account = excluded.account, until = excluded.until, since = excluded.since`,
			st.ChannelID, ws, st.State, st.Reason, st.QR, st.PairCode, st.Account, nullTS(st.Until), ts(since)); err != nil {
			return err
		}
		return insertOutbox(ctx, tx, outbox)
	})
	return changed, mapErr("put channel status", err)
}

const channelStatusCols = `channel_id, state, reason, qr, pair_code, account, until, since`

// scanChannelStatus scans one row of channelStatusCols; found is false
// when there was none.
func scanChannelStatus(sc interface{ Scan(...any) error }) (switchboard.ChannelStatus, bool, error) {
	var st switchboard.ChannelStatus
	var until sql.NullInt64
	var since int64
	err := sc.Scan(&st.ChannelID, &st.State, &st.Reason, &st.QR, &st.PairCode, &st.Account, &until, &since)
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, err
	}
	st.Until, st.Since = ptrTS(until), fromTS(since)
	return st, true, nil
}

// ListChannelStatuses returns the workspace's stored statuses by channel.
func (s *Store) ListChannelStatuses(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.ChannelStatus, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+channelStatusCols+` FROM channel_statuses WHERE workspace_id = ? ORDER BY channel_id`, ws)
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
		return false, errors.New("sqlite: try lease: empty name or holder")
	}
	var got bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE leases.holder = excluded.holder OR leases.until <= ?`, name, holder, ts(until), ts(now))
		if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		got = n == 1
		return err
	})
	return got, mapErr("try lease", err)
}

// ReleaseLease gives the lease up when holder has it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	return mapErr("release lease", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	}))
}

// PutProviderTemplates replaces a channel's synced templates.
func (s *Store) PutProviderTemplates(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, tpls []switchboard.ProviderTemplate, syncedAt time.Time) error {
	body, err := store.EncodeProviderTemplates(channel, tpls)
	if err != nil {
		return fmt.Errorf("sqlite: put provider templates: %w", err)
	}
	return mapErr("put provider templates", s.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO provider_templates (channel_id, workspace_id, templates, synced_at)
			SELECT id, workspace_id, ?, ? FROM channels WHERE id = ? AND workspace_id = ?
			ON CONFLICT (channel_id) DO UPDATE SET templates = excluded.templates, synced_at = excluded.synced_at`,
			string(body), ts(orNow(syncedAt)), channel, ws)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}

// ListProviderTemplates returns a channel's synced templates and when.
func (s *Store) ListProviderTemplates(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID) ([]switchboard.ProviderTemplate, time.Time, error) {
	var body string
	var at int64
	err := s.r.QueryRowContext(ctx, `SELECT templates, synced_at FROM provider_templates WHERE channel_id = ? AND workspace_id = ?`,
		channel, ws).Scan(&body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, mapErr("list provider templates", err)
	}
	var out []switchboard.ProviderTemplate
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		return nil, time.Time{}, fmt.Errorf("sqlite: list provider templates: %w", err)
	}
	return out, fromTS(at), nil
}

// SQLDatabase returns a pool of its own on the database file, for
// connectors that keep their tables in it (whatsmeow). It is opened on the
// first call and closed with the store.
func (s *Store) SQLDatabase() (*sql.DB, string) {
	s.extMu.Lock()
	defer s.extMu.Unlock()
	if s.ext == nil {
		base := "file:" + (&url.URL{Path: s.path}).EscapedPath()
		db, err := sql.Open("sqlite3", base+"?_journal_mode=WAL&_busy_timeout=10000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate")
		if err != nil { // sql.Open fails only for an unknown driver
			panic(fmt.Sprintf("sqlite: open %s: %v", s.path, err))
		}
		db.SetMaxOpenConns(4)
		s.ext = db
	}
	return s.ext, "sqlite3"
}
