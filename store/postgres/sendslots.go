package postgres

import (
	"context"
	"time"
)

// TakeSendSlot reserves the next send slot of key, interval after the
// previous one, in one statement (the row lock orders concurrent callers
// on every instance), and returns how long after now it starts.
func (s *Store) TakeSendSlot(ctx context.Context, key string, interval time.Duration, now time.Time) (time.Duration, error) {
	if interval <= 0 {
		return 0, nil
	}
	var slot time.Time
	err := s.pool.QueryRow(ctx, `INSERT INTO send_slots AS s (key, next_at) VALUES ($1, $2::timestamptz + $3 * interval '1 microsecond')
		ON CONFLICT (key) DO UPDATE SET next_at = GREATEST(s.next_at, $2::timestamptz) + $3 * interval '1 microsecond'
		RETURNING s.next_at - $3 * interval '1 microsecond'`, key, now.UTC(), interval.Microseconds()).Scan(&slot)
	if err != nil {
		return 0, mapErr("take send slot", err)
	}
	return max(0, slot.Sub(now)), nil
}
