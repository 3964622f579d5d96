package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard/store"
)

// ClaimOutbox leases up to limit rows that are not done and whose lease has
// expired, oldest first. Rows another relay is claiming at the same moment
// are skipped (FOR UPDATE SKIP LOCKED); leases use the database's clock so
// that relays on several hosts agree.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]store.OutboxRow, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `UPDATE outbox o
		SET lease_until = clock_timestamp() + $2 * interval '1 microsecond', attempts = o.attempts + 1
		FROM (SELECT id FROM outbox WHERE done_at IS NULL AND lease_until <= clock_timestamp()
			ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) c
		WHERE o.id = c.id
		RETURNING o.id, o.topic, o.key, o.payload, o.created_at, o.attempts - 1`, limit, lease.Microseconds())
	if err != nil {
		return nil, mapErr("claim outbox", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.OutboxRow, error) {
		var r store.OutboxRow
		err := row.Scan(&r.ID, &r.Topic, &r.Key, &r.Payload, &r.CreatedAt, &r.Attempts)
		r.CreatedAt = utc(r.CreatedAt)
		return r, err
	})
	if err != nil {
		return nil, mapErr("claim outbox", err)
	}
	slices.SortFunc(out, func(a, b store.OutboxRow) int { return cmpInt64(a.ID, b.ID) })
	return out, nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CompleteOutbox marks rows done.
func (s *Store) CompleteOutbox(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `UPDATE outbox SET done_at = clock_timestamp() WHERE done_at IS NULL AND id = ANY($1)`, ids)
	return mapErr("complete outbox", err)
}

// PendingOutbox counts rows not yet done.
func (s *Store) PendingOutbox(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE done_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: pending outbox: %w", err)
	}
	return n, nil
}

// PruneOutbox deletes rows done before before.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < $1`, before.UTC())
	return int(tag.RowsAffected()), mapErr("prune outbox", err)
}
