package router

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
)

// BusConfig chooses the Watermill backend.
type BusConfig struct {
	// Driver is "gochannel" (embedded, default) or "nats".
	Driver string
	// URL and Namespace configure NATS JetStream.
	URL       string
	Namespace string
	// Instance names this process's fan-out consumer (default: random).
	Instance string
	// AckWait is how long a work message handed to an instance that stopped
	// reporting progress (it died) waits before another instance gets it
	// (NATS; default 30s).
	AckWait time.Duration
}

// bus is the chosen backend: a publisher, a subscriber for work topics
// (each message handled by one instance) and one for fan-out topics (every
// instance hears every message).
type bus struct {
	pub    message.Publisher
	work   message.Subscriber
	fanout message.Subscriber
	close  func() error
	// health reports why the broker cannot be used now (nil: it can).
	health func() error
	// inProcess is true when publisher and handlers share this process
	// and Publish returns only after the handlers acknowledged.
	inProcess bool
	// ephemeral carries events that are never stored (see ephemeral.go).
	ephemeral ephemeralBus
}

func newBus(cfg BusConfig, log *slog.Logger) (*bus, error) {
	wlog := watermillLog(log.With("component", "watermill"))
	switch cfg.Driver {
	case "", "gochannel":
		// Publish blocks until the handler acknowledged: the relay marks an
		// outbox row done only after its work is done, which is what makes
		// the in-process backend crash-safe.
		gc := gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true, OutputChannelBuffer: 64}, wlog)
		return &bus{pub: lanedPublisher{gc}, work: lanedSubscriber{gc}, fanout: gc, close: gc.Close, health: func() error { return nil }, inProcess: true, ephemeral: &localEphemeral{}}, nil
	case "nats":
		return newNATSBus(cfg, wlog, log)
	default:
		return nil, fmt.Errorf("pubsub.driver: unknown driver %q (use gochannel or nats)", cfg.Driver)
	}
}
