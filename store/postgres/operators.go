package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// CreateOperator stores an operator with its password hash and department
// memberships; ErrConflict when the e-mail is taken (in any workspace).
func (s *Store) CreateOperator(ctx context.Context, op switchboard.Operator, passwordHash string) error {
	if op.ID == "" || op.WorkspaceID == "" {
		return errors.New("postgres: create operator: empty id or workspace")
	}
	if !op.Role.Valid() {
		return fmt.Errorf("postgres: create operator: invalid role %q", op.Role)
	}
	return mapErr("create operator", s.tx(ctx, false, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO operators (id, workspace_id, email, email_key, name, role, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, op.ID, op.WorkspaceID, op.Email, emailKey(op.Email), op.Name, op.Role,
			passwordHash, orNow(op.CreatedAt)); err != nil {
			return err
		}
		return joinDepartments(ctx, tx, op)
	}))
}

// joinDepartments adds op to its DepartmentIDs inside tx; a department
// that is not in the operator's workspace is ErrNotFound.
func joinDepartments(ctx context.Context, tx pgx.Tx, op switchboard.Operator) error {
	if len(op.DepartmentIDs) == 0 {
		return nil
	}
	want := strs(op.DepartmentIDs)
	tag, err := tx.Exec(ctx, `INSERT INTO operator_departments (operator_id, department_id)
		SELECT $1, id FROM departments WHERE id = ANY($2) AND workspace_id = $3 ON CONFLICT DO NOTHING`, op.ID, want, op.WorkspaceID)
	if err != nil {
		return err
	}
	var distinct int
	if err := tx.QueryRow(ctx, `SELECT count(DISTINCT d) FROM unnest($1::text[]) d`, want).Scan(&distinct); err != nil {
		return err
	}
	if int(tag.RowsAffected()) != distinct {
		return fmt.Errorf("department of another workspace or missing: %w", store.ErrNotFound)
	}
	return nil
}

func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

const operatorCols = `o.id, o.workspace_id, o.email, o.name, o.role, o.created_at, o.password_hash, o.disabled, o.max_chats,
	coalesce((SELECT array_agg(d.department_id ORDER BY d.department_id) FROM operator_departments d WHERE d.operator_id = o.id), '{}')`

func (s *Store) scanOperators(ctx context.Context, where string, args ...any) ([]switchboard.Operator, []string, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+operatorCols+` FROM operators o WHERE `+where+` ORDER BY o.created_at, o.id`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ops []switchboard.Operator
	var hashes []string
	for rows.Next() {
		var op switchboard.Operator
		var hash string
		var deps []string
		if err := rows.Scan(&op.ID, &op.WorkspaceID, &op.Email, &op.Name, &op.Role, &op.CreatedAt, &hash, &op.Disabled, &op.MaxChats, &deps); err != nil {
			return nil, nil, err
		}
		op.CreatedAt = utc(op.CreatedAt)
		op.DepartmentIDs = make([]switchboard.DepartmentID, len(deps))
		for i, d := range deps {
			op.DepartmentIDs[i] = switchboard.DepartmentID(d)
		}
		ops = append(ops, op)
		hashes = append(hashes, hash)
	}
	return ops, hashes, rows.Err()
}

func (s *Store) oneOperator(ctx context.Context, what, where string, args ...any) (switchboard.Operator, string, error) {
	ops, hashes, err := s.scanOperators(ctx, where, args...)
	if err != nil {
		return switchboard.Operator{}, "", mapErr(what, err)
	}
	if len(ops) == 0 {
		return switchboard.Operator{}, "", fmt.Errorf("postgres: %s: %w", what, store.ErrNotFound)
	}
	return ops[0], hashes[0], nil
}

// OperatorByEmail finds an operator and its password hash by e-mail,
// compared case-insensitively.
func (s *Store) OperatorByEmail(ctx context.Context, email string) (switchboard.Operator, string, error) {
	return s.oneOperator(ctx, "operator by email", `o.email_key = $1`, emailKey(email))
}

// GetOperator finds an operator of the workspace.
func (s *Store) GetOperator(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.OperatorID) (switchboard.Operator, error) {
	op, _, err := s.oneOperator(ctx, "get operator", `o.workspace_id = $1 AND o.id = $2`, ws, id)
	return op, err
}

// ListOperators lists a workspace's operators by creation.
func (s *Store) ListOperators(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.Operator, error) {
	ops, _, err := s.scanOperators(ctx, `o.workspace_id = $1`, ws)
	return ops, mapErr("list operators", err)
}

// CreateToken stores an API token by the hash of its secret.
func (s *Store) CreateToken(ctx context.Context, t store.Token) error {
	if t.ID == "" || t.Hash == "" {
		return errors.New("postgres: create token: empty id or hash")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO tokens (id, workspace_id, name, role, hash, created_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.WorkspaceID, t.Name, t.Role, t.Hash, orNow(t.CreatedAt), utcPtr(t.RevokedAt))
	return mapErr("create token", err)
}

// TokenByHash finds an unrevoked token.
func (s *Store) TokenByHash(ctx context.Context, hash string) (store.Token, error) {
	var t store.Token
	err := s.pool.QueryRow(ctx, `SELECT id, workspace_id, name, role, hash, created_at, revoked_at FROM tokens
		WHERE hash = $1 AND revoked_at IS NULL`, hash).Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Role, &t.Hash, &t.CreatedAt, &t.RevokedAt)
	if err != nil {
		return store.Token{}, mapErr("token by hash", err)
	}
	t.CreatedAt, t.RevokedAt = utc(t.CreatedAt), utcPtr(t.RevokedAt)
	return t, nil
}

// CreateSession stores an operator session by the hash of its secret.
func (s *Store) CreateSession(ctx context.Context, se store.Session) error {
	if se.Hash == "" {
		return errors.New("postgres: create session: empty hash")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (hash, operator_id, workspace_id, csrf, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, se.Hash, se.OperatorID, se.WorkspaceID, se.CSRF, orNow(se.CreatedAt), se.ExpiresAt.UTC())
	return mapErr("create session", err)
}

// SessionByHash finds a session that has not expired at now.
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (store.Session, error) {
	var se store.Session
	err := s.pool.QueryRow(ctx, `SELECT hash, operator_id, workspace_id, csrf, created_at, expires_at FROM sessions
		WHERE hash = $1 AND expires_at > $2`, hash, now.UTC()).
		Scan(&se.Hash, &se.OperatorID, &se.WorkspaceID, &se.CSRF, &se.CreatedAt, &se.ExpiresAt)
	if err != nil {
		return store.Session{}, mapErr("session by hash", err)
	}
	se.CreatedAt, se.ExpiresAt = utc(se.CreatedAt), utc(se.ExpiresAt)
	return se, nil
}

// DeleteSession removes a session; deleting a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
	return mapErr("delete session", err)
}

// LinkOperatorAccount records that an operator is known as externalUser on
// provider, replacing an earlier link of that account. ErrNotFound when the
// operator is not in the workspace.
func (s *Store) LinkOperatorAccount(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, provider, externalUser string) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO operator_accounts (provider, external_user, operator_id, workspace_id, created_at)
		SELECT $1, $2, id, workspace_id, $3 FROM operators WHERE workspace_id = $4 AND id = $5
		ON CONFLICT (provider, external_user) DO UPDATE SET
			operator_id = excluded.operator_id, workspace_id = excluded.workspace_id, created_at = excluded.created_at`,
		provider, externalUser, time.Now().UTC(), ws, op)
	if err != nil {
		return mapErr("link operator account", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: link operator account: operator %s: %w", op, store.ErrNotFound)
	}
	return nil
}

// OperatorByAccount finds the operator linked to externalUser on provider.
func (s *Store) OperatorByAccount(ctx context.Context, provider, externalUser string) (switchboard.Operator, error) {
	op, _, err := s.oneOperator(ctx, "operator by account",
		`o.id = (SELECT operator_id FROM operator_accounts WHERE provider = $1 AND external_user = $2)`, provider, externalUser)
	return op, err
}
