package router

import (
	"context"
	"errors"
)

// Flush publishes outbox rows until none is left that this relay can claim
// (rows leased by another instance are theirs), a publish fails, or ctx
// ends; each published row is marked done. It returns how many rows it
// published. Call it after Run returned: it is the last step of a drain.
func (r *Relay) Flush(ctx context.Context) (int, error) {
	published := 0
	for {
		rows, err := r.store.ClaimOutbox(ctx, r.Batch, r.Lease)
		if err != nil {
			return published, err
		}
		if len(rows) == 0 {
			return published, nil
		}
		for _, row := range rows {
			done := make(chan bool, 1)
			// Publish takes no context (on GoChannel it waits for the
			// handler): wait for it only until ctx ends.
			go func() { done <- r.publishRow(ctx, row) }()
			select {
			case ok := <-done:
				if !ok {
					return published, errors.New("publish to " + row.Topic + " failed")
				}
				published++
			case <-ctx.Done():
				return published, ctx.Err()
			}
		}
	}
}
