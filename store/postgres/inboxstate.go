package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// RetractMessage sets a message's retracted_at (kept when already set) and
// writes its outbox entries in the same transaction.
func (s *Store) RetractMessage(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID, at time.Time, outboxFor func(switchboard.Message) []store.OutboxEntry) (switchboard.Message, error) {
	var m switchboard.Message
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE messages SET retracted_at = coalesce(retracted_at, $3) WHERE workspace_id = $1 AND id = $2`,
			ws, id, orNow(at)); err != nil {
			return err
		}
		return reloadMessage(ctx, tx, ws, id, &m, outboxFor)
	})
	if err != nil {
		return switchboard.Message{}, mapErr("retract message", err)
	}
	return m, nil
}

// DeleteMessage empties a message's parts and text (so search no longer
// finds it), deletes media rows its parts named that no other message of
// the workspace names, and marks it deleted.
func (s *Store) DeleteMessage(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID, by switchboard.OperatorID, at time.Time, outboxFor func(switchboard.Message) []store.OutboxEntry) (switchboard.Message, error) {
	var m switchboard.Message
	err := s.tx(ctx, false, func(tx pgx.Tx) error {
		old, _, err := scanMessage(tx.QueryRow(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.workspace_id = $1 AND m.id = $2 FOR UPDATE`, ws, id))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE messages SET parts = '[]', text = '', deleted_at = coalesce(deleted_at, $3),
				deleted_by = CASE WHEN deleted_by = '' THEN $4 ELSE deleted_by END
			WHERE workspace_id = $1 AND id = $2`, ws, id, orNow(at), by); err != nil {
			return err
		}
		if _, err := deleteUnnamedMedia(ctx, tx, ws, store.MediaIDs(old.Parts)); err != nil {
			return err
		}
		return reloadMessage(ctx, tx, ws, id, &m, outboxFor)
	})
	if err != nil {
		return switchboard.Message{}, mapErr("delete message", err)
	}
	return m, nil
}

// deleteUnnamedMedia deletes the media rows of ids that no message of the
// workspace names any more and returns the ids deleted.
func deleteUnnamedMedia(ctx context.Context, tx pgx.Tx, ws switchboard.WorkspaceID, ids []string) ([]string, error) {
	var deleted []string
	for _, mediaID := range ids {
		tag, err := tx.Exec(ctx, `DELETE FROM media WHERE workspace_id = $1 AND id = $2
			AND NOT EXISTS (SELECT 1 FROM messages WHERE workspace_id = $1 AND parts LIKE $3)`,
			ws, mediaID, "%"+escapeLike(`"media_id":"`+mediaID+`"`)+"%")
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() > 0 {
			deleted = append(deleted, mediaID)
		}
	}
	return deleted, nil
}

func reloadMessage(ctx context.Context, tx pgx.Tx, ws switchboard.WorkspaceID, id switchboard.MessageID, m *switchboard.Message, outboxFor func(switchboard.Message) []store.OutboxEntry) error {
	var err error
	*m, _, err = scanMessage(tx.QueryRow(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.workspace_id = $1 AND m.id = $2`, ws, id))
	if err != nil {
		return err
	}
	if outboxFor != nil {
		return insertOutbox(ctx, tx, time.Now().UTC(), outboxFor(*m))
	}
	return nil
}

// SetOperatorPresence records an operator's chosen presence.
func (s *Store) SetOperatorPresence(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, p switchboard.Presence, at time.Time) error {
	if !p.Valid() {
		return fmt.Errorf("postgres: set operator presence: invalid presence %q", p)
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO operator_presence (operator_id, workspace_id, presence, updated_at)
		SELECT id, workspace_id, $3, $4 FROM operators WHERE workspace_id = $1 AND id = $2
		ON CONFLICT (operator_id) DO UPDATE SET presence = excluded.presence, updated_at = excluded.updated_at`,
		ws, op, string(p), orNow(at))
	if err != nil {
		return mapErr("set operator presence", err)
	}
	if tag.RowsAffected() == 0 {
		return mapErr("set operator presence", pgx.ErrNoRows)
	}
	return nil
}

// OperatorPresence returns the recorded presences of a workspace.
func (s *Store) OperatorPresence(ctx context.Context, ws switchboard.WorkspaceID) (map[switchboard.OperatorID]switchboard.Presence, error) {
	rows, err := s.pool.Query(ctx, `SELECT operator_id, presence FROM operator_presence WHERE workspace_id = $1`, ws)
	if err != nil {
		return nil, mapErr("operator presence", err)
	}
	defer rows.Close()
	out := map[switchboard.OperatorID]switchboard.Presence{}
	for rows.Next() {
		var id switchboard.OperatorID
		var p switchboard.Presence
		if err := rows.Scan(&id, &p); err != nil {
			return nil, mapErr("operator presence", err)
		}
		out[id] = p
	}
	return out, mapErr("operator presence", rows.Err())
}

// TouchPresenceLease creates or extends a lease.
func (s *Store) TouchPresenceLease(ctx context.Context, subject, holder string, until time.Time) error {
	// Leases that ended long ago (an instance died holding them) go.
	if _, err := s.pool.Exec(ctx, `DELETE FROM presence_leases WHERE until < $1`, until.Add(-time.Hour)); err != nil {
		return mapErr("touch presence lease", err)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO presence_leases (subject, holder, until) VALUES ($1, $2, $3)
		ON CONFLICT (subject, holder) DO UPDATE SET until = excluded.until`, subject, holder, until.UTC())
	return mapErr("touch presence lease", err)
}

// DropPresenceLease removes a lease.
func (s *Store) DropPresenceLease(ctx context.Context, subject, holder string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM presence_leases WHERE subject = $1 AND holder = $2`, subject, holder)
	return mapErr("drop presence lease", err)
}

// PresentSubjects reports which subjects have a live lease at now.
func (s *Store) PresentSubjects(ctx context.Context, subjects []string, now time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	if len(subjects) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT subject FROM presence_leases WHERE until > $1 AND subject = ANY($2)`, now.UTC(), subjects)
	if err != nil {
		return nil, mapErr("present subjects", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sub string
		if err := rows.Scan(&sub); err != nil {
			return nil, mapErr("present subjects", err)
		}
		out[sub] = true
	}
	return out, mapErr("present subjects", rows.Err())
}
