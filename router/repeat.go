package router

import (
	"context"
	"log/slog"
	"time"
)

// repeat calls fn every interval until ctx is done, logging its failures
// (those not caused by ctx ending) with msg.
func repeat(ctx context.Context, every time.Duration, log *slog.Logger, msg string, fn func(context.Context) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				log.Warn(msg, "err", err)
			}
		}
	}
}
