package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// DefaultWorkspace returns the install's first workspace, creating it (named
// "Default") on the first call.
func (s *Store) DefaultWorkspace(ctx context.Context) (switchboard.Workspace, error) {
	var ws switchboard.Workspace
	if err := s.firstWorkspace(ctx, s.r, &ws); err == nil {
		return ws, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return ws, mapErr("default workspace", err)
	}
	// The write transaction is exclusive, so concurrent first calls (of this
	// or another process) create one workspace.
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := s.firstWorkspace(ctx, tx, &ws)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		ws = switchboard.Workspace{
			ID:        switchboard.WorkspaceID(switchboard.NewID("ws")),
			Name:      "Default",
			CreatedAt: time.Now().UTC().Truncate(time.Microsecond),
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)`,
			ws.ID, ws.Name, ts(ws.CreatedAt))
		return err
	})
	return ws, mapErr("default workspace", err)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) firstWorkspace(ctx context.Context, q querier, ws *switchboard.Workspace) error {
	var at int64
	err := q.QueryRowContext(ctx, `SELECT id, name, created_at FROM workspaces ORDER BY seq LIMIT 1`).
		Scan(&ws.ID, &ws.Name, &at)
	ws.CreatedAt = fromTS(at)
	return err
}

// GetWorkspace finds a workspace by id.
func (s *Store) GetWorkspace(ctx context.Context, id switchboard.WorkspaceID) (switchboard.Workspace, error) {
	ws := switchboard.Workspace{}
	var at int64
	err := s.queryRow(ctx, `SELECT id, name, created_at FROM workspaces WHERE id = ?`, id).
		Scan(&ws.ID, &ws.Name, &at)
	if err != nil {
		return switchboard.Workspace{}, mapErr("get workspace", err)
	}
	ws.CreatedAt = fromTS(at)
	return ws, nil
}

// CreateWorkspace stores a new workspace; ErrConflict when the id is taken.
func (s *Store) CreateWorkspace(ctx context.Context, ws switchboard.Workspace) error {
	if ws.ID == "" {
		return errors.New("sqlite: create workspace: empty id")
	}
	return mapErr("create workspace", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)`,
			ws.ID, ws.Name, ts(orNow(ws.CreatedAt)))
		return err
	}))
}

const departmentCols = `id, workspace_id, name, is_default, created_at, settings`

func scanDepartment(sc interface{ Scan(...any) error }) (switchboard.Department, error) {
	var d switchboard.Department
	var at int64
	var settings string
	if err := sc.Scan(&d.ID, &d.WorkspaceID, &d.Name, &d.Default, &at, &settings); err != nil {
		return d, err
	}
	d.CreatedAt = fromTS(at)
	var err error
	d.DepartmentSettings, err = store.DecodeDepartmentSettings(settings)
	return d, err
}

// DefaultDepartment returns the workspace's default department, creating
// "General" when it has none.
func (s *Store) DefaultDepartment(ctx context.Context, ws switchboard.WorkspaceID) (switchboard.Department, error) {
	d, err := scanDepartment(s.queryRow(ctx,
		`SELECT `+departmentCols+` FROM departments WHERE workspace_id = ? AND is_default = 1`, ws))
	if err == nil {
		return d, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return d, mapErr("default department", err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = scanDepartment(tx.QueryRowContext(ctx,
			`SELECT `+departmentCols+` FROM departments WHERE workspace_id = ? AND is_default = 1`, ws))
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM workspaces WHERE id = ?`, ws).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return sql.ErrNoRows
		}
		// A department named "General" that is not the default becomes it.
		res, err := tx.ExecContext(ctx,
			`UPDATE departments SET is_default = 1 WHERE workspace_id = ? AND name = 'General'`, ws)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			d = switchboard.Department{
				ID:                 switchboard.DepartmentID(switchboard.NewID("dep")),
				WorkspaceID:        ws,
				Name:               "General",
				Default:            true,
				DepartmentSettings: store.DefaultDepartmentSettings(),
				CreatedAt:          time.Now().UTC().Truncate(time.Microsecond),
			}
			_, err = tx.ExecContext(ctx,
				`INSERT INTO departments (id, workspace_id, name, is_default, created_at) VALUES (?, ?, ?, 1, ?)`,
				d.ID, d.WorkspaceID, d.Name, ts(d.CreatedAt))
			return err
		}
		d, err = scanDepartment(tx.QueryRowContext(ctx,
			`SELECT `+departmentCols+` FROM departments WHERE workspace_id = ? AND is_default = 1`, ws))
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
		return errors.New("sqlite: create department: empty id or workspace")
	}
	return mapErr("create department", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO departments (id, workspace_id, name, is_default, created_at, settings) VALUES (?, ?, ?, ?, ?, ?)`,
			d.ID, d.WorkspaceID, d.Name, d.Default, ts(orNow(d.CreatedAt)), departmentSettings(d))
		if err != nil {
			return err
		}
		return setMembers(ctx, tx, d)
	}))
}

// ListDepartments lists a workspace's departments by creation.
func (s *Store) ListDepartments(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.Department, error) {
	rows, err := s.query(ctx,
		`SELECT `+departmentCols+` FROM departments WHERE workspace_id = ? ORDER BY created_at, id`, ws)
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

func scanChannel(sc interface{ Scan(...any) error }) (store.Channel, error) {
	var ch store.Channel
	var cfg sql.NullString
	var created, updated int64
	err := sc.Scan(&ch.ID, &ch.WorkspaceID, &ch.Type, &ch.Name, &cfg, &ch.Paused, &created, &updated)
	if cfg.Valid && cfg.String != "" {
		ch.Config = []byte(cfg.String)
	}
	ch.CreatedAt, ch.UpdatedAt = fromTS(created), fromTS(updated)
	return ch, err
}

// PutChannel creates or replaces a channel; ErrConflict when the id belongs
// to another workspace.
func (s *Store) PutChannel(ctx context.Context, ch store.Channel) error {
	if ch.ID == "" || ch.WorkspaceID == "" {
		return errors.New("sqlite: put channel: empty id or workspace")
	}
	now := time.Now().UTC()
	created, updated := ch.CreatedAt, ch.UpdatedAt
	if created.IsZero() {
		created = now
	}
	if updated.IsZero() {
		updated = now
	}
	var cfg any
	if len(ch.Config) > 0 {
		cfg = string(ch.Config)
	}
	return mapErr("put channel", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO channels (id, workspace_id, type, name, config, paused, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET
				type = excluded.type, name = excluded.name, config = excluded.config,
				paused = excluded.paused, updated_at = excluded.updated_at
			WHERE channels.workspace_id = excluded.workspace_id`,
			ch.ID, ch.WorkspaceID, ch.Type, ch.Name, cfg, ch.Paused, ts(created), ts(updated))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("channel %s belongs to another workspace: %w", ch.ID, store.ErrConflict)
		}
		return nil
	}))
}

// GetChannel finds a channel by id alone.
func (s *Store) GetChannel(ctx context.Context, id switchboard.ChannelID) (store.Channel, error) {
	ch, err := scanChannel(s.queryRow(ctx, `SELECT `+channelCols+` FROM channels WHERE id = ?`, id))
	if err != nil {
		return store.Channel{}, mapErr("get channel", err)
	}
	return ch, nil
}

// ListChannels lists a workspace's channels (all when ws is empty) by id.
func (s *Store) ListChannels(ctx context.Context, ws switchboard.WorkspaceID) ([]store.Channel, error) {
	q := `SELECT ` + channelCols + ` FROM channels`
	var args []any
	if ws != "" {
		q += ` WHERE workspace_id = ?`
		args = append(args, ws)
	}
	rows, err := s.query(ctx, q+` ORDER BY id`, args...)
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
	return mapErr("delete channel", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM channels WHERE workspace_id = ? AND id = ?`, ws, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}
