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

// RetractMessage sets a message's retracted_at (kept when already set) and
// writes its outbox entries in the same transaction.
func (s *Store) RetractMessage(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID, at time.Time, outboxFor func(switchboard.Message) []store.OutboxEntry) (switchboard.Message, error) {
	var m switchboard.Message
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET retracted_at = coalesce(retracted_at, ?) WHERE workspace_id = ? AND id = ?`,
			ts(orNow(at)), ws, id); err != nil {
			return err
		}
		return s.reloadMessage(ctx, tx, ws, id, &m, outboxFor)
	})
	if err != nil {
		return switchboard.Message{}, mapErr("retract message", err)
	}
	return m, nil
}

// DeleteMessage empties a message's parts and text (the search index
// follows through its update trigger, or never sees the text when the
// indexer had not reached the row), deletes media rows its parts named
// that no other message of the workspace names, and marks it deleted.
func (s *Store) DeleteMessage(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID, by switchboard.OperatorID, at time.Time, outboxFor func(switchboard.Message) []store.OutboxEntry) (switchboard.Message, error) {
	var m switchboard.Message
	err := s.write(ctx, func(tx *sql.Tx) error {
		old, _, err := scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.workspace_id = ? AND m.id = ?`, ws, id))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET parts = '[]', text = '', deleted_at = coalesce(deleted_at, ?),
				deleted_by = CASE WHEN deleted_by = '' THEN ? ELSE deleted_by END
			WHERE workspace_id = ? AND id = ?`, ts(orNow(at)), by, ws, id); err != nil {
			return err
		}
		_, sums, err := deleteUnnamedMedia(ctx, tx, ws, store.MediaIDs(old.Parts))
		if err != nil {
			return err
		}
		// Last: a file goes only when no row names it (and never before
		// its rows are gone in this transaction).
		if err := s.dropMediaFiles(tx, sums); err != nil {
			return err
		}
		return s.reloadMessage(ctx, tx, ws, id, &m, outboxFor)
	})
	if err != nil {
		return switchboard.Message{}, mapErr("delete message", err)
	}
	return m, nil
}

// deleteUnnamedMedia deletes the media rows of ids that no message of the
// workspace names any more, and returns the ids deleted and the hashes of
// their files (for dropMediaFiles, once the transaction's rows are gone).
func deleteUnnamedMedia(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID, ids []string) (deleted, sums []string, err error) {
	for _, mediaID := range ids {
		var sum string
		err := tx.QueryRowContext(ctx, `DELETE FROM media WHERE workspace_id = ?1 AND id = ?2
			AND NOT EXISTS (SELECT 1 FROM messages WHERE workspace_id = ?1 AND parts LIKE ?3 ESCAPE '\')
			RETURNING sha256`,
			ws, mediaID, "%"+escapeLike(`"media_id":"`+mediaID+`"`)+"%").Scan(&sum)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		deleted, sums = append(deleted, mediaID), append(sums, sum)
	}
	return deleted, sums, nil
}

func (s *Store) reloadMessage(ctx context.Context, tx *sql.Tx, ws switchboard.WorkspaceID, id switchboard.MessageID, m *switchboard.Message, outboxFor func(switchboard.Message) []store.OutboxEntry) error {
	var err error
	*m, _, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.workspace_id = ? AND m.id = ?`, ws, id))
	if err != nil {
		return err
	}
	if outboxFor != nil {
		return insertOutbox(ctx, tx, outboxFor(*m))
	}
	return nil
}

// SetOperatorPresence records an operator's chosen presence.
func (s *Store) SetOperatorPresence(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, p switchboard.Presence, at time.Time) error {
	if !p.Valid() {
		return fmt.Errorf("sqlite: set operator presence: invalid presence %q", p)
	}
	return mapErr("set operator presence", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO operator_presence (operator_id, workspace_id, presence, updated_at)
			SELECT id, workspace_id, ?, ? FROM operators WHERE workspace_id = ? AND id = ?
			ON CONFLICT (operator_id) DO UPDATE SET presence = excluded.presence, updated_at = excluded.updated_at`,
			p, ts(orNow(at)), ws, op)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}

// OperatorPresence returns the recorded presences of a workspace.
func (s *Store) OperatorPresence(ctx context.Context, ws switchboard.WorkspaceID) (map[switchboard.OperatorID]switchboard.Presence, error) {
	rows, err := s.query(ctx, `SELECT operator_id, presence FROM operator_presence WHERE workspace_id = ?`, ws)
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
	return mapErr("touch presence lease", s.write(ctx, func(tx *sql.Tx) error {
		// Leases that ended long ago (an instance died holding them) go.
		if _, err := tx.ExecContext(ctx, `DELETE FROM presence_leases WHERE until < ?`, ts(until.Add(-time.Hour))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO presence_leases (subject, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (subject, holder) DO UPDATE SET until = excluded.until`, subject, holder, ts(until))
		return err
	}))
}

// DropPresenceLease removes a lease.
func (s *Store) DropPresenceLease(ctx context.Context, subject, holder string) error {
	return mapErr("drop presence lease", s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM presence_leases WHERE subject = ? AND holder = ?`, subject, holder)
		return err
	}))
}

// PresentSubjects reports which subjects have a live lease at now.
func (s *Store) PresentSubjects(ctx context.Context, subjects []string, now time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	if len(subjects) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(subjects)+1)
	args = append(args, ts(now))
	for _, sub := range subjects {
		args = append(args, sub)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT subject FROM presence_leases WHERE until > ? AND subject IN (`+placeholders(len(subjects))+`)`, args...)
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
