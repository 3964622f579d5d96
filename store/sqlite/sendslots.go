package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// TakeSendSlot reserves the next send slot of key, interval after the
// previous one, in the write transaction (so concurrent callers get
// distinct slots), and returns how long after now it starts.
func (s *Store) TakeSendSlot(ctx context.Context, key string, interval time.Duration, now time.Time) (time.Duration, error) {
	if interval <= 0 {
		return 0, nil
	}
	var slot int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO send_slots (key, next_at) VALUES (?, ? + ?)
			ON CONFLICT (key) DO UPDATE SET next_at = max(send_slots.next_at, excluded.next_at - ?) + ?
			RETURNING next_at - ?`, key, ts(now), interval.Microseconds(), interval.Microseconds(), interval.Microseconds(), interval.Microseconds()).Scan(&slot)
	})
	if err != nil {
		return 0, mapErr("take send slot", err)
	}
	return max(0, fromTS(slot).Sub(now)), nil
}
