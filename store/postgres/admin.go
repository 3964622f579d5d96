package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// UpdateOperator changes name, role, disabled and departments; disabling
// deletes the operator's sessions in the same transaction.
func (s *Store) UpdateOperator(ctx context.Context, op switchboard.Operator) error {
	if !op.Role.Valid() {
		return fmt.Errorf("postgres: update operator: invalid role %q", op.Role)
	}
	return mapErr("update operator", s.tx(ctx, false, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE operators SET name = $1, role = $2, disabled = $3 WHERE workspace_id = $4 AND id = $5`,
			op.Name, op.Role, op.Disabled, op.WorkspaceID, op.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		if op.Disabled {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE operator_id = $1`, op.ID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM operator_departments WHERE operator_id = $1`, op.ID); err != nil {
			return err
		}
		return joinDepartments(ctx, tx, op)
	}))
}

// ListTokens lists a workspace's tokens by creation.
func (s *Store) ListTokens(ctx context.Context, ws switchboard.WorkspaceID) ([]store.Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, workspace_id, name, role, hash, created_at, revoked_at FROM tokens
		WHERE workspace_id = $1 ORDER BY created_at, id`, ws)
	if err != nil {
		return nil, mapErr("list tokens", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		var t store.Token
		if err := rows.Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Role, &t.Hash, &t.CreatedAt, &t.RevokedAt); err != nil {
			return nil, mapErr("list tokens", err)
		}
		t.CreatedAt, t.RevokedAt = utc(t.CreatedAt), utcPtr(t.RevokedAt)
		out = append(out, t)
	}
	return out, mapErr("list tokens", rows.Err())
}

// RevokeToken marks an unrevoked token of the workspace revoked.
func (s *Store) RevokeToken(ctx context.Context, ws switchboard.WorkspaceID, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE tokens SET revoked_at = $1 WHERE workspace_id = $2 AND id = $3 AND revoked_at IS NULL`, orNow(at), ws, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return mapErr("revoke token", err)
}

// GetOperatorSettings returns the saved settings or the defaults.
func (s *Store) GetOperatorSettings(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) (switchboard.OperatorSettings, error) {
	var set switchboard.OperatorSettings
	err := s.pool.QueryRow(ctx, `SELECT notify_title, notify_desktop, notify_sound, language FROM operator_settings
		WHERE workspace_id = $1 AND operator_id = $2`, ws, op).Scan(&set.NotifyTitle, &set.NotifyDesktop, &set.NotifySound, &set.Language)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := s.GetOperator(ctx, ws, op); err != nil {
			return set, err
		}
		return switchboard.DefaultOperatorSettings(), nil
	}
	return set, mapErr("get operator settings", err)
}

// PutOperatorSettings replaces an operator's settings.
func (s *Store) PutOperatorSettings(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, set switchboard.OperatorSettings) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO operator_settings (operator_id, workspace_id, notify_title, notify_desktop, notify_sound, language)
		SELECT id, workspace_id, $1, $2, $3, $4 FROM operators WHERE workspace_id = $5 AND id = $6
		ON CONFLICT (operator_id) DO UPDATE SET notify_title = excluded.notify_title, notify_desktop = excluded.notify_desktop,
			notify_sound = excluded.notify_sound, language = excluded.language`,
		set.NotifyTitle, set.NotifyDesktop, set.NotifySound, set.Language, ws, op)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return mapErr("put operator settings", err)
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
		return errors.New("postgres: create template: empty id, workspace or invalid scope")
	}
	parts, err := partsJSON(t.Parts)
	if err != nil {
		return fmt.Errorf("postgres: create template: %w", err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO canned_responses (id, workspace_id, scope, owner_id, name, shortcut, text, parts, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, t.ID, t.WorkspaceID, t.Scope, t.OwnerID, t.Name, t.Shortcut, t.Text, parts,
		orNow(t.CreatedAt), orNow(t.UpdatedAt))
	return mapErr("create template", err)
}

const templateCols = `id, workspace_id, scope, owner_id, name, shortcut, text, parts, created_at, updated_at`

func scanTemplate(sc interface{ Scan(...any) error }) (switchboard.CannedResponse, error) {
	var t switchboard.CannedResponse
	var parts string
	if err := sc.Scan(&t.ID, &t.WorkspaceID, &t.Scope, &t.OwnerID, &t.Name, &t.Shortcut, &t.Text, &parts, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return t, err
	}
	if parts != "" {
		if err := json.Unmarshal([]byte(parts), &t.Parts); err != nil {
			return t, fmt.Errorf("template %s parts: %w", t.ID, err)
		}
	}
	t.CreatedAt, t.UpdatedAt = utc(t.CreatedAt), utc(t.UpdatedAt)
	return t, nil
}

// GetTemplate finds a saved reply of the workspace.
func (s *Store) GetTemplate(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CannedResponseID) (switchboard.CannedResponse, error) {
	t, err := scanTemplate(s.pool.QueryRow(ctx, `SELECT `+templateCols+` FROM canned_responses WHERE workspace_id = $1 AND id = $2`, ws, id))
	return t, mapErr("get template", err)
}

// ListTemplates lists shared replies and owner's personal ones.
func (s *Store) ListTemplates(ctx context.Context, ws switchboard.WorkspaceID, owner switchboard.OperatorID) ([]switchboard.CannedResponse, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+templateCols+` FROM canned_responses
		WHERE workspace_id = $1 AND (scope = 'shared' OR (scope = 'personal' AND owner_id = $2 AND owner_id <> ''))
		ORDER BY name COLLATE "C", id`, ws, owner)
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
		return fmt.Errorf("postgres: update template: %w", err)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE canned_responses SET name = $1, shortcut = $2, text = $3, parts = $4, updated_at = $5
		WHERE workspace_id = $6 AND id = $7`, t.Name, t.Shortcut, t.Text, parts, orNow(t.UpdatedAt), t.WorkspaceID, t.ID)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return mapErr("update template", err)
}

// DeleteTemplate removes a reply.
func (s *Store) DeleteTemplate(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CannedResponseID) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM canned_responses WHERE workspace_id = $1 AND id = $2`, ws, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return mapErr("delete template", err)
}

// AddMediaRef ties media to a conversation.
func (s *Store) AddMediaRef(ctx context.Context, ws switchboard.WorkspaceID, mediaID string, conv switchboard.ConversationID) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO media_refs (media_id, conversation_id, workspace_id) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, mediaID, conv, ws)
	return mapErr("add media ref", err)
}

// MediaConversations lists the conversations referencing media.
func (s *Store) MediaConversations(ctx context.Context, ws switchboard.WorkspaceID, mediaID string) ([]switchboard.ConversationID, error) {
	rows, err := s.pool.Query(ctx, `SELECT conversation_id FROM media_refs WHERE workspace_id = $1 AND media_id = $2 ORDER BY conversation_id`, ws, mediaID)
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
	m, _, err := scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.workspace_id = $1 AND m.conversation_id = $2 AND m.direction = 'out' ORDER BY m.seq DESC LIMIT 1`, ws, conv))
	if err != nil {
		return switchboard.Message{}, mapErr("last outgoing", err)
	}
	return m, nil
}
