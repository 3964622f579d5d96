package router

import (
	"context"

	"github.com/switchboardhq/switchboard"
)

// CSATOnEvent runs the "csat" event hook, as a redelivery of ev would.
func (r *Router) CSATOnEvent(ctx context.Context, ev switchboard.Event) error {
	return r.csatOnEvent(ctx, ev)
}
