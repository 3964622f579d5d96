package router

import (
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/switchboardhq/switchboard"
)

// Ephemeral events (typing previews, presence) reach the streams of every
// instance that is up when they are published, and nothing else: they are
// never written to the store or the outbox, never replayed after a crash,
// and the mirror never sees them. Embedded, they go straight to this
// process's listeners; on NATS they are core NATS messages (not JetStream)
// on one subject every instance subscribes to, the publisher included.

// ephemeralBus carries ephemeral events between instances.
type ephemeralBus interface {
	// publish sends ev (data is its JSON) to every instance's deliver.
	publish(ev *switchboard.Event, data []byte) error
	// subscribe registers this instance's deliver; called once by New.
	subscribe(deliver func(ev *switchboard.Event, data []byte)) error
}

// localEphemeral is the embedded bus: one process, delivered in place.
type localEphemeral struct {
	deliver func(*switchboard.Event, []byte)
}

func (l *localEphemeral) publish(ev *switchboard.Event, data []byte) error {
	if l.deliver != nil {
		l.deliver(ev, data)
	}
	return nil
}

func (l *localEphemeral) subscribe(deliver func(*switchboard.Event, []byte)) error {
	l.deliver = deliver
	return nil
}

// natsEphemeral publishes on core NATS: at most once, to instances
// connected at that moment, which is what a typing preview deserves.
type natsEphemeral struct {
	nc      *nats.Conn
	subject string
}

func (n *natsEphemeral) publish(_ *switchboard.Event, data []byte) error {
	if err := n.nc.Publish(n.subject, data); err != nil {
		return fmt.Errorf("nats: ephemeral publish: %w", err)
	}
	return nil
}

func (n *natsEphemeral) subscribe(deliver func(*switchboard.Event, []byte)) error {
	_, err := n.nc.Subscribe(n.subject, func(m *nats.Msg) { deliver(nil, m.Data) })
	if err != nil {
		return fmt.Errorf("nats: ephemeral subscribe: %w", err)
	}
	// When connected, wait until the server has the subscription, so an
	// instance hears what others publish from the moment it is built
	// (when not, it subscribes on connecting).
	if n.nc.IsConnected() {
		_ = n.nc.FlushTimeout(2 * time.Second)
	}
	return nil
}

// PublishEphemeral hands an ephemeral event (typing.preview,
// operator.presence, contact.presence) to every instance's stream
// listeners. It does no store work and never blocks on slow clients; an
// instance that is down misses it (clients re-read state on reconnect).
func (r *Router) PublishEphemeral(ev switchboard.Event) error {
	if !ev.Ephemeral() {
		return fmt.Errorf("router: %s is not an ephemeral event", ev.Type)
	}
	if ev.ID == "" {
		ev.ID = switchboard.EventID(switchboard.NewID("ev"))
	}
	if ev.At.IsZero() {
		ev.At = r.Hub.now()
	}
	return r.bus.ephemeral.publish(&ev, mustJSON(ev))
}

// deliverEphemeral runs on whatever goroutine the bus delivers on; it
// hands the event to this instance's listeners (which must not block).
func (r *Router) deliverEphemeral(ev *switchboard.Event, data []byte) {
	if ev == nil {
		var decoded switchboard.Event
		if err := jsonUnmarshal(data, &decoded); err != nil {
			r.log.Error("ephemeral: unreadable event dropped", "err", err)
			return
		}
		if !decoded.Ephemeral() {
			return
		}
		ev = &decoded
	}
	r.listenMu.RLock()
	defer r.listenMu.RUnlock()
	for _, fn := range r.listeners {
		fn(*ev)
	}
}
