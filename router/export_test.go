package router

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard"
)

// CSATOnEvent runs the "csat" event hook, as a redelivery of ev would.
func (r *Router) CSATOnEvent(ctx context.Context, ev switchboard.Event) error {
	return r.csatOnEvent(ctx, ev)
}

// SetHandBackDelay makes handed-back sends go out again after d; the
// returned func restores the default.
func SetHandBackDelay(d time.Duration) func() {
	old := handBackDelay
	handBackDelay = d
	return func() { handBackDelay = old }
}
