package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Advisory locks taken inside transactions to serialise first-time
// creation across processes.
const (
	lockDefaultWorkspace int64 = 0x5342_5753_0001
	lockDefaultDept      int32 = 0x5342_4450
)

// DefaultWorkspace returns the install's first workspace, creating it (named
// "Default") on the first call.
func (s *Store) DefaultWorkspace(ctx context.Context) (switchboard.Workspace, error) {
	ws, err := firstWorkspace(ctx, s.pool)
	if err == nil || !errors.Is(err, pgx.ErrNoRows) {
		return ws, mapErr("default workspace", err)
	}
	err = s.tx(ctx, false, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockDefaultWorkspace); err != nil {
			return err
		}
		var err error
		ws, err = firstWorkspace(ctx, tx)
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		ws = switchboard.Workspace{
			ID:        switchboard.WorkspaceID(switchboard.NewID("ws")),
			Name:      "Default",
			CreatedAt: time.Now().UTC().Truncate(time.Microsecond),
		}
		_, err = tx.Exec(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)`, ws.ID, ws.Name, ws.CreatedAt)
		return err
	})
	return ws, mapErr("default workspace", err)
}

func firstWorkspace(ctx context.Context, q querier) (switchboard.Workspace, error) {
	var ws switchboard.Workspace
	err := q.QueryRow(ctx, `SELECT id, name, created_at FROM workspaces ORDER BY seq LIMIT 1`).Scan(&ws.ID, &ws.Name, &ws.CreatedAt)
	ws.CreatedAt = utc(ws.CreatedAt)
	return ws, err
}

// GetWorkspace finds a workspace by id.
func (s *Store) GetWorkspace(ctx context.Context, id switchboard.WorkspaceID) (switchboard.Workspace, error) {
	var ws switchboard.Workspace
	err := s.pool.QueryRow(ctx, `SELECT id, name, created_at FROM workspaces WHERE id = $1`, id).Scan(&ws.ID, &ws.Name, &ws.CreatedAt)
	if err != nil {
		return switchboard.Workspace{}, mapErr("get workspace", err)
	}
	ws.CreatedAt = utc(ws.CreatedAt)
	return ws, nil
}

// CreateWorkspace stores a new workspace; ErrConflict when the id is taken.
func (s *Store) CreateWorkspace(ctx context.Context, ws switchboard.Workspace) error {
	if ws.ID == "" {
		return errors.New("postgres: create workspace: empty id")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)`, ws.ID, ws.Name, orNow(ws.CreatedAt))
	return mapErr("create workspace", err)
}

const departmentCols = `id, workspace_id, name, is_default, created_at, coalesce(settings::text, '')`

func scanDepartment(row pgx.Row) (switchboard.Department, error) {
	var d switchboard.Department
	var settings string
	if err := row.Scan(&d.ID, &d.WorkspaceID, &d.Name, &d.Default, &d.CreatedAt, &settings); err != nil {
		return d, err
	}
	d.CreatedAt = utc(d.CreatedAt)
	var err error
	d.DepartmentSettings, err = store.DecodeDepartmentSettings(settings)
	return d, err
}

// DefaultDepartment returns the workspace's default department, creating
// "General" when it has none.
func (s *Store) DefaultDepartment(ctx context.Context, ws switchboard.WorkspaceID) (switchboard.Department, error) {
	const q = `SELECT ` + departmentCols + ` FROM departments WHERE workspace_id = $1 AND is_default`
	d, err := scanDepartment(s.pool.QueryRow(ctx, q, ws))
	if err == nil || !errors.Is(err, pgx.ErrNoRows) {
		return d, mapErr("default department", err)
	}
	err = s.tx(ctx, false, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockDefaultDept, string(ws)); err != nil {
			return err
		}
		var err error
		d, err = scanDepartment(tx.QueryRow(ctx, q, ws))
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM workspaces WHERE id = $1`, ws).Scan(&one); err != nil {
			return err
		}
		// A department named "General" that is not the default becomes it.
		tag, err := tx.Exec(ctx, `UPDATE departments SET is_default = true WHERE workspace_id = $1 AND name = 'General'`, ws)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			d = switchboard.Department{
				ID:                 switchboard.DepartmentID(switchboard.NewID("dep")),
				WorkspaceID:        ws,
				Name:               "General",
				Default:            true,
				DepartmentSettings: store.DefaultDepartmentSettings(),
				CreatedAt:          time.Now().UTC().Truncate(time.Microsecond),
			}
			_, err = tx.Exec(ctx, `INSERT INTO departments (id, workspace_id, name, is_default, created_at) VALUES ($1, $2, $3, true, $4)`,
				d.ID, d.WorkspaceID, d.Name, d.CreatedAt)
			return err
		}
		d, err = scanDepartment(tx.QueryRow(ctx, q, ws))
		return err
	})
	if err != nil {
		return switchboard.Department{}, mapErr("default department", err)
	}
	return d, nil
}

// CreateDepartment stores a new department; ErrConflict when the name (or
// the id, or a second default) is taken.
func (s *Store) CreateDepartment(ctx context.Context, d switchboard.Department) error {
	if d.ID == "" || d.WorkspaceID == "" {
		return errors.New("postgres: create department: empty id or workspace")
	}
	return mapErr("create department", s.tx(ctx, false, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO departments (id, workspace_id, name, is_default, created_at, settings) VALUES ($1, $2, $3, $4, $5, $6)`,
			d.ID, d.WorkspaceID, d.Name, d.Default, orNow(d.CreatedAt), departmentSettings(d)); err != nil {
			return err
		}
		return setMembers(ctx, tx, d)
	}))
}

// ListDepartments lists a workspace's departments by creation.
func (s *Store) ListDepartments(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.Department, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+departmentCols+` FROM departments WHERE workspace_id = $1 ORDER BY created_at, id`, ws)
	if err != nil {
		return nil, mapErr("list departments", err)
	}
	defer rows.Close()
	var out []switchboard.Department
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			return nil, mapErr("list departments", err)
		}
		out = append(out, d)
	}
	return out, mapErr("list departments", rows.Err())
}

const channelCols = `id, workspace_id, type, name, config, paused, created_at, updated_at`

func scanChannel(row pgx.Row) (store.Channel, error) {
	var ch store.Channel
	var cfg *string
	err := row.Scan(&ch.ID, &ch.WorkspaceID, &ch.Type, &ch.Name, &cfg, &ch.Paused, &ch.CreatedAt, &ch.UpdatedAt)
	if cfg != nil && *cfg != "" {
		ch.Config = []byte(*cfg)
	}
	ch.CreatedAt, ch.UpdatedAt = utc(ch.CreatedAt), utc(ch.UpdatedAt)
	return ch, err
}

// PutChannel creates or replaces a channel; ErrConflict when the id belongs
// to another workspace.
func (s *Store) PutChannel(ctx context.Context, ch store.Channel) error {
	if ch.ID == "" || ch.WorkspaceID == "" {
		return errors.New("postgres: put channel: empty id or workspace")
	}
	var cfg *string
	if len(ch.Config) > 0 {
		c := string(ch.Config)
		cfg = &c
	}
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO channels (id, workspace_id, type, name, config, paused, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET
			type = excluded.type, name = excluded.name, config = excluded.config,
			paused = excluded.paused, updated_at = excluded.updated_at
		WHERE channels.workspace_id = excluded.workspace_id`,
		ch.ID, ch.WorkspaceID, ch.Type, ch.Name, cfg, ch.Paused, orNow(ch.CreatedAt), orNow(ch.UpdatedAt))
	if err != nil {
		return mapErr("put channel", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: put channel: channel %s belongs to another workspace: %w", ch.ID, store.ErrConflict)
	}
	return nil
}

// GetChannel finds a channel by id alone.
func (s *Store) GetChannel(ctx context.Context, id switchboard.ChannelID) (store.Channel, error) {
	ch, err := scanChannel(s.pool.QueryRow(ctx, `SELECT `+channelCols+` FROM channels WHERE id = $1`, id))
	if err != nil {
		return store.Channel{}, mapErr("get channel", err)
	}
	return ch, nil
}

// ListChannels lists a workspace's channels (all when ws is empty) by id.
func (s *Store) ListChannels(ctx context.Context, ws switchboard.WorkspaceID) ([]store.Channel, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+channelCols+` FROM channels WHERE $1 = '' OR workspace_id = $1 ORDER BY id`, string(ws))
	if err != nil {
		return nil, mapErr("list channels", err)
	}
	defer rows.Close()
	var out []store.Channel
	for rows.Next() {
		ch, err := scanChannel(rows)
		if err != nil {
			return nil, mapErr("list channels", err)
		}
		out = append(out, ch)
	}
	return out, mapErr("list channels", rows.Err())
}

// DeleteChannel removes a channel of the workspace. Its conversations and
// messages stay.
func (s *Store) DeleteChannel(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ChannelID) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM channels WHERE workspace_id = $1 AND id = $2`, ws, id)
	if err != nil {
		return mapErr("delete channel", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: delete channel %s: %w", id, store.ErrNotFound)
	}
	return nil
}
