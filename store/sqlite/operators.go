package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// CreateOperator stores an operator with its password hash and department
// memberships; ErrConflict when the e-mail is taken (in any workspace).
func (s *Store) CreateOperator(ctx context.Context, op switchboard.Operator, passwordHash string) error {
	if op.ID == "" || op.WorkspaceID == "" {
		return errors.New("sqlite: create operator: empty id or workspace")
	}
	if !op.Role.Valid() {
		return fmt.Errorf("sqlite: create operator: invalid role %q", op.Role)
	}
	return mapErr("create operator", s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO operators (id, workspace_id, email, email_key, name, role, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, op.ID, op.WorkspaceID, op.Email, emailKey(op.Email), op.Name, op.Role,
			passwordHash, ts(orNow(op.CreatedAt))); err != nil {
			return err
		}
		return joinDepartments(ctx, tx, op)
	}))
}

// joinDepartments adds op to its DepartmentIDs inside tx; a department
// that is not in the operator's workspace is ErrNotFound.
func joinDepartments(ctx context.Context, tx *sql.Tx, op switchboard.Operator) error {
	for _, d := range op.DepartmentIDs {
		res, err := tx.ExecContext(ctx, `INSERT INTO operator_departments (operator_id, department_id)
			SELECT ?, id FROM departments WHERE id = ? AND workspace_id = ? ON CONFLICT DO NOTHING`, op.ID, d, op.WorkspaceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM operator_departments WHERE operator_id = ? AND department_id = ?`, op.ID, d).Scan(&one); err != nil {
				return fmt.Errorf("department %s: %w", d, store.ErrNotFound)
			}
		}
	}
	return nil
}

func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

const operatorCols = `o.id, o.workspace_id, o.email, o.name, o.role, o.created_at, o.password_hash, o.disabled, o.max_chats`

func (s *Store) scanOperators(ctx context.Context, where string, args ...any) ([]switchboard.Operator, []string, error) {
	rows, err := s.query(ctx, `SELECT `+operatorCols+` FROM operators o WHERE `+where+` ORDER BY o.created_at, o.id`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ops []switchboard.Operator
	var hashes []string
	idx := map[switchboard.OperatorID]int{}
	for rows.Next() {
		var op switchboard.Operator
		var at int64
		var hash string
		var maxChats sql.NullInt64
		if err := rows.Scan(&op.ID, &op.WorkspaceID, &op.Email, &op.Name, &op.Role, &at, &hash, &op.Disabled, &maxChats); err != nil {
			return nil, nil, err
		}
		if maxChats.Valid {
			n := int(maxChats.Int64)
			op.MaxChats = &n
		}
		op.CreatedAt = fromTS(at)
		op.DepartmentIDs = []switchboard.DepartmentID{}
		idx[op.ID] = len(ops)
		ops = append(ops, op)
		hashes = append(hashes, hash)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows.Close()
	if len(ops) == 0 {
		return nil, nil, nil
	}
	ids := make([]any, len(ops))
	for i, op := range ops {
		ids[i] = op.ID
	}
	drows, err := s.query(ctx, `SELECT operator_id, department_id FROM operator_departments
		WHERE operator_id IN (`+placeholders(len(ids))+`) ORDER BY operator_id, department_id`, ids...)
	if err != nil {
		return nil, nil, err
	}
	defer drows.Close()
	for drows.Next() {
		var op switchboard.OperatorID
		var d switchboard.DepartmentID
		if err := drows.Scan(&op, &d); err != nil {
			return nil, nil, err
		}
		if i, ok := idx[op]; ok {
			ops[i].DepartmentIDs = append(ops[i].DepartmentIDs, d)
		}
	}
	return ops, hashes, drows.Err()
}

func (s *Store) oneOperator(ctx context.Context, what, where string, args ...any) (switchboard.Operator, string, error) {
	ops, hashes, err := s.scanOperators(ctx, where, args...)
	if err != nil {
		return switchboard.Operator{}, "", mapErr(what, err)
	}
	if len(ops) == 0 {
		return switchboard.Operator{}, "", fmt.Errorf("sqlite: %s: %w", what, store.ErrNotFound)
	}
	return ops[0], hashes[0], nil
}

// OperatorByEmail finds an operator and its password hash by e-mail,
// compared case-insensitively.
func (s *Store) OperatorByEmail(ctx context.Context, email string) (switchboard.Operator, string, error) {
	return s.oneOperator(ctx, "operator by email", `o.email_key = ?`, emailKey(email))
}

// GetOperator finds an operator of the workspace.
func (s *Store) GetOperator(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.OperatorID) (switchboard.Operator, error) {
	op, _, err := s.oneOperator(ctx, "get operator", `o.workspace_id = ? AND o.id = ?`, ws, id)
	return op, err
}

// ListOperators lists a workspace's operators by creation.
func (s *Store) ListOperators(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.Operator, error) {
	ops, _, err := s.scanOperators(ctx, `o.workspace_id = ?`, ws)
	return ops, mapErr("list operators", err)
}

// CreateToken stores an API token by the hash of its secret.
func (s *Store) CreateToken(ctx context.Context, t store.Token) error {
	if t.ID == "" || t.Hash == "" {
		return errors.New("sqlite: create token: empty id or hash")
	}
	return mapErr("create token", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, workspace_id, name, role, hash, created_at, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.WorkspaceID, t.Name, t.Role, t.Hash, ts(orNow(t.CreatedAt)), nullTS(t.RevokedAt))
		return err
	}))
}

// TokenByHash finds an unrevoked token.
func (s *Store) TokenByHash(ctx context.Context, hash string) (store.Token, error) {
	var t store.Token
	var at int64
	var revoked sql.NullInt64
	err := s.queryRow(ctx, `SELECT id, workspace_id, name, role, hash, created_at, revoked_at FROM tokens
		WHERE hash = ? AND revoked_at IS NULL`, hash).Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Role, &t.Hash, &at, &revoked)
	if err != nil {
		return store.Token{}, mapErr("token by hash", err)
	}
	t.CreatedAt, t.RevokedAt = fromTS(at), ptrTS(revoked)
	return t, nil
}

// CreateSession stores an operator session by the hash of its secret.
func (s *Store) CreateSession(ctx context.Context, se store.Session) error {
	if se.Hash == "" {
		return errors.New("sqlite: create session: empty hash")
	}
	return mapErr("create session", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (hash, operator_id, workspace_id, csrf, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, se.Hash, se.OperatorID, se.WorkspaceID, se.CSRF, ts(orNow(se.CreatedAt)), ts(se.ExpiresAt))
		return err
	}))
}

// SessionByHash finds a session that has not expired at now.
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (store.Session, error) {
	var se store.Session
	var created, expires int64
	err := s.queryRow(ctx, `SELECT hash, operator_id, workspace_id, csrf, created_at, expires_at FROM sessions
		WHERE hash = ? AND expires_at > ?`, hash, ts(now)).
		Scan(&se.Hash, &se.OperatorID, &se.WorkspaceID, &se.CSRF, &created, &expires)
	if err != nil {
		return store.Session{}, mapErr("session by hash", err)
	}
	se.CreatedAt, se.ExpiresAt = fromTS(created), fromTS(expires)
	return se, nil
}

// DeleteSession removes a session; deleting a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return mapErr("delete session", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
		return err
	}))
}

// LinkOperatorAccount records that an operator is known as externalUser on
// provider, replacing an earlier link of that account. ErrNotFound when the
// operator is not in the workspace.
func (s *Store) LinkOperatorAccount(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, provider, externalUser string) error {
	return mapErr("link operator account", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO operator_accounts (provider, external_user, operator_id, workspace_id, created_at)
			SELECT ?, ?, id, workspace_id, ? FROM operators WHERE workspace_id = ? AND id = ?
			ON CONFLICT (provider, external_user) DO UPDATE SET
				operator_id = excluded.operator_id, workspace_id = excluded.workspace_id, created_at = excluded.created_at`,
			provider, externalUser, ts(time.Now()), ws, op)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}

// OperatorByAccount finds the operator linked to externalUser on provider.
func (s *Store) OperatorByAccount(ctx context.Context, provider, externalUser string) (switchboard.Operator, error) {
	op, _, err := s.oneOperator(ctx, "operator by account",
		`o.id = (SELECT operator_id FROM operator_accounts WHERE provider = ? AND external_user = ?)`, provider, externalUser)
	return op, err
}
