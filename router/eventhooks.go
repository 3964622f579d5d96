package router

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/switchboardhq/switchboard"
)

// groupSep separates a work topic from the name of a consumer group of
// its own ("events@notify"): on NATS such a group has its own durable
// consumers, so it hears every event beside the mirror instead of sharing
// them with it.
const groupSep = "@"

// OnEvent makes fn a work handler of the events topic named name: every
// committed event is handed to fn on one instance of the cluster, again
// after a failure (with backoff; an event that still fails after a few
// tries is logged and dropped) and after a crash before fn returned, so
// fn must be idempotent. With the embedded bus the event is done (its
// outbox row marked) only once fn returned. It must be called before Run.
// Ephemeral events never reach it.
func (r *Router) OnEvent(name string, fn func(ctx context.Context, ev switchboard.Event) error) {
	topic := TopicEvents
	if !r.bus.inProcess {
		topic += groupSep + name
	}
	log := r.log.With("handler", name)
	r.wm.AddNoPublisherHandler(name, topic, r.bus.work, func(msg *message.Message) error {
		ev, ok := r.eventOf(msg)
		if !ok {
			return nil
		}
		return fn(msg.Context(), ev)
	}).AddMiddleware(
		// Outside the retries: an event fn still fails after them is
		// logged and dropped, so one it can never take does not hold up
		// the events after it (with the embedded bus, every event).
		func(h message.HandlerFunc) message.HandlerFunc {
			return func(msg *message.Message) ([]*message.Message, error) {
				out, err := h(msg)
				if err != nil {
					log.Error("event dropped after retries", "event", msg.UUID, "err", err)
				}
				return out, nil
			}
		},
		middleware.Retry{MaxRetries: 5, InitialInterval: 200 * time.Millisecond, MaxInterval: 10 * time.Second, Multiplier: 2}.Middleware,
	)
}
