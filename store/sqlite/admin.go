package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// UpdateOperator changes name, role, disabled and departments; disabling
// deletes the operator's sessions in the same transaction.
func (s *Store) UpdateOperator(ctx context.Context, op switchboard.Operator) error {
	if !op.Role.Valid() {
		return fmt.Errorf("sqlite: update operator: invalid role %q", op.Role)
	}
	return mapErr("update operator", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE operators SET name = ?, role = ?, disabled = ? WHERE workspace_id = ? AND id = ?`,
			op.Name, op.Role, op.Disabled, op.WorkspaceID, op.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		if op.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE operator_id = ?`, op.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM operator_departments WHERE operator_id = ?`, op.ID); err != nil {
			return err
		}
		return joinDepartments(ctx, tx, op)
	}))
}

// ListTokens lists a workspace's tokens by creation.
func (s *Store) ListTokens(ctx context.Context, ws switchboard.WorkspaceID) ([]store.Token, error) {
	rows, err := s.query(ctx, `SELECT id, workspace_id, name, role, hash, created_at, revoked_at FROM tokens
		WHERE workspace_id = ? ORDER BY created_at, id`, ws)
	if err != nil {
		return nil, mapErr("list tokens", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		var t store.Token
		var at int64
		var revoked sql.NullInt64
		if err := rows.Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Role, &t.Hash, &at, &revoked); err != nil {
			return nil, mapErr("list tokens", err)
		}
		t.CreatedAt, t.RevokedAt = fromTS(at), ptrTS(revoked)
		out = append(out, t)
	}
	return out, mapErr("list tokens", rows.Err())
}

// RevokeToken marks an unrevoked token of the workspace revoked.
func (s *Store) RevokeToken(ctx context.Context, ws switchboard.WorkspaceID, id string, at time.Time) error {
	return mapErr("revoke token", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL`, ts(orNow(at)), ws, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}

// GetOperatorSettings returns the saved settings or the defaults.
func (s *Store) GetOperatorSettings(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) (switchboard.OperatorSettings, error) {
	var set switchboard.OperatorSettings
	err := s.queryRow(ctx, `SELECT notify_title, notify_desktop, notify_sound, language FROM operator_settings
		WHERE workspace_id = ? AND operator_id = ?`, ws, op).Scan(&set.NotifyTitle, &set.NotifyDesktop, &set.NotifySound, &set.Language)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.GetOperator(ctx, ws, op); err != nil {
			return set, err
		}
		return switchboard.DefaultOperatorSettings(), nil
	}
	return set, mapErr("get operator settings", err)
}

// PutOperatorSettings replaces an operator's settings.
func (s *Store) PutOperatorSettings(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, set switchboard.OperatorSettings) error {
	return mapErr("put operator settings", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO operator_settings (operator_id, workspace_id, notify_title, notify_desktop, notify_sound, language)
			SELECT id, workspace_id, ?, ?, ?, ? FROM operators WHERE workspace_id = ? AND id = ?
			ON CONFLICT (operator_id) DO UPDATE SET notify_title = excluded.notify_title, notify_desktop = excluded.notify_desktop,
				notify_sound = excluded.notify_sound, language = excluded.language`,
			set.NotifyTitle, set.NotifyDesktop, set.NotifySound, set.Language, ws, op)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}

func partsJSON(parts []switchboard.Part) (string, error) {
	if len(parts) == 0 {
		return "", nil
	}
	b, err := json.Marshal(parts)
	return string(b), err
}

// CreateTemplate stores a saved reply.
func (s *Store) CreateTemplate(ctx context.Context, t switchboard.CannedResponse) error {
	if t.ID == "" || t.WorkspaceID == "" || !t.Scope.Valid() {
		return errors.New("sqlite: create template: empty id, workspace or invalid scope")
	}
	parts, err := partsJSON(t.Parts)
	if err != nil {
		return fmt.Errorf("sqlite: create template: %w", err)
	}
	now := orNow(t.CreatedAt)
	return mapErr("create template", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO canned_responses (id, workspace_id, scope, owner_id, name, shortcut, text, parts, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ID, t.WorkspaceID, t.Scope, t.OwnerID, t.Name, t.Shortcut, t.Text, parts,
			ts(now), ts(orNow(t.UpdatedAt)))
		return err
	}))
}

const templateCols = `id, workspace_id, scope, owner_id, name, shortcut, text, parts, created_at, updated_at`

func scanTemplate(sc interface{ Scan(...any) error }) (switchboard.CannedResponse, error) {
	var t switchboard.CannedResponse
	var parts string
	var created, updated int64
	if err := sc.Scan(&t.ID, &t.WorkspaceID, &t.Scope, &t.OwnerID, &t.Name, &t.Shortcut, &t.Text, &parts, &created, &updated); err != nil {
		return t, err
	}
	if parts != "" {
		if err := json.Unmarshal([]byte(parts), &t.Parts); err != nil {
			return t, fmt.Errorf("template %s parts: %w", t.ID, err)
		}
	}
	t.CreatedAt, t.UpdatedAt = fromTS(created), fromTS(updated)
	return t, nil
}

// GetTemplate finds a saved reply of the workspace.
func (s *Store) GetTemplate(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CannedResponseID) (switchboard.CannedResponse, error) {
	t, err := scanTemplate(s.queryRow(ctx, `SELECT `+templateCols+` FROM canned_responses WHERE workspace_id = ? AND id = ?`, ws, id))
	return t, mapErr("get template", err)
}

// ListTemplates lists shared replies and owner's personal ones.
func (s *Store) ListTemplates(ctx context.Context, ws switchboard.WorkspaceID, owner switchboard.OperatorID) ([]switchboard.CannedResponse, error) {
	rows, err := s.query(ctx, `SELECT `+templateCols+` FROM canned_responses
		WHERE workspace_id = ? AND (scope = 'shared' OR (scope = 'personal' AND owner_id = ? AND owner_id <> ''))
		ORDER BY name, id`, ws, owner)
	if err != nil {
		return nil, mapErr("list templates", err)
	}
	defer rows.Close()
	var out []switchboard.CannedResponse
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, mapErr("list templates", err)
		}
		out = append(out, t)
	}
	return out, mapErr("list templates", rows.Err())
}

// UpdateTemplate replaces a reply's content.
func (s *Store) UpdateTemplate(ctx context.Context, t switchboard.CannedResponse) error {
	parts, err := partsJSON(t.Parts)
	if err != nil {
		return fmt.Errorf("sqlite: update template: %w", err)
	}
	return mapErr("update template", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE canned_responses SET name = ?, shortcut = ?, text = ?, parts = ?, updated_at = ?
			WHERE workspace_id = ? AND id = ?`, t.Name, t.Shortcut, t.Text, parts, ts(orNow(t.UpdatedAt)), t.WorkspaceID, t.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}

// DeleteTemplate removes a reply.
func (s *Store) DeleteTemplate(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CannedResponseID) error {
	return mapErr("delete template", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM canned_responses WHERE workspace_id = ? AND id = ?`, ws, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}

// AddMediaRef ties media to a conversation.
func (s *Store) AddMediaRef(ctx context.Context, ws switchboard.WorkspaceID, mediaID string, conv switchboard.ConversationID) error {
	return mapErr("add media ref", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO media_refs (media_id, conversation_id, workspace_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, mediaID, conv, ws)
		return err
	}))
}

// MediaConversations lists the conversations referencing media.
func (s *Store) MediaConversations(ctx context.Context, ws switchboard.WorkspaceID, mediaID string) ([]switchboard.ConversationID, error) {
	rows, err := s.query(ctx, `SELECT conversation_id FROM media_refs WHERE workspace_id = ? AND media_id = ? ORDER BY conversation_id`, ws, mediaID)
	if err != nil {
		return nil, mapErr("media conversations", err)
	}
	defer rows.Close()
	var out []switchboard.ConversationID
	for rows.Next() {
		var c switchboard.ConversationID
		if err := rows.Scan(&c); err != nil {
			return nil, mapErr("media conversations", err)
		}
		out = append(out, c)
	}
	return out, mapErr("media conversations", rows.Err())
}

// LastOutgoing returns the newest outgoing message of a conversation.
func (s *Store) LastOutgoing(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Message, error) {
	m, _, err := scanMessage(s.queryRow(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.workspace_id = ? AND m.conversation_id = ? AND m.direction = 'out' ORDER BY m.seq DESC LIMIT 1`, ws, conv))
	if err != nil {
		return switchboard.Message{}, mapErr("last outgoing", err)
	}
	return m, nil
}
