package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

var timeZero time.Time

// Statements of the relay's hot path, prepared once on the writer. The ids
// to complete travel as one JSON array, so one statement serves any batch.
const (
	qClaimOutbox = `UPDATE outbox SET lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE done_at IS NULL AND lease_until <= ? ORDER BY id LIMIT ?)
		RETURNING id, topic, key, payload, created_at, attempts - 1`
	qCompleteOutbox = `UPDATE outbox SET done_at = ? WHERE done_at IS NULL AND id IN (SELECT value FROM json_each(?))`
)

// ClaimOutbox leases up to limit rows that are not done and whose lease has
// expired, oldest first. The write transaction is exclusive, so two relays
// never claim the same row.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]store.OutboxRow, error) {
	if limit <= 0 {
		return nil, nil
	}
	now := time.Now()
	stmts, err := s.prepare(ctx, qClaimOutbox)
	if err != nil {
		return nil, err
	}
	var out []store.OutboxRow
	err = s.write(ctx, func(tx *sql.Tx) error {
		st := tx.StmtContext(ctx, stmts[0])
		defer st.Close()
		rows, err := st.QueryContext(ctx, ts(now.Add(lease)), ts(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r store.OutboxRow
			var at int64
			if err := rows.Scan(&r.ID, &r.Topic, &r.Key, &r.Payload, &at, &r.Attempts); err != nil {
				return err
			}
			r.CreatedAt = fromTS(at)
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, mapErr("claim outbox", err)
	}
	slices.SortFunc(out, func(a, b store.OutboxRow) int { return int(a.ID - b.ID) })
	return out, nil
}

// CompleteOutbox marks rows done.
func (s *Store) CompleteOutbox(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	stmts, err := s.prepare(ctx, qCompleteOutbox)
	if err != nil {
		return err
	}
	return mapErr("complete outbox", s.write(ctx, func(tx *sql.Tx) error {
		st := tx.StmtContext(ctx, stmts[0])
		defer st.Close()
		_, err := st.ExecContext(ctx, ts(time.Now()), string(list))
		return err
	}))
}

// PendingOutbox counts rows not yet done.
func (s *Store) PendingOutbox(ctx context.Context) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM outbox WHERE done_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: pending outbox: %w", err)
	}
	return n, nil
}

// PruneOutbox deletes rows done before before.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < ?`, ts(before))
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	return int(n), mapErr("prune outbox", err)
}
