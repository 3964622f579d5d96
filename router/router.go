package router

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// Config configures the router.
type Config struct {
	Bus       BusConfig
	PublicURL string
	// HTTPClient is what connectors call providers with.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// OutboundRetries is how often a retryable send is tried again before
	// the message is poisoned and marked failed (default 6).
	OutboundRetries int
	// RetryInitial and RetryMax bound the exponential backoff between send
	// attempts (defaults 500ms and 30s).
	RetryInitial, RetryMax time.Duration
	// MaxRetryAfter caps how long a provider's Retry-After is honoured in
	// one attempt (default 60s).
	MaxRetryAfter time.Duration
	// OutboxLease is how long a claimed outbox row is invisible to other
	// relays (default 10s).
	OutboxLease time.Duration
	// ChannelSync is how often channels changed elsewhere are picked up
	// (default 5s).
	ChannelSync time.Duration
	// QueueSweep is how often waiting conversations are offered again to
	// their departments' online members, for departments that opened
	// since (default 15s).
	QueueSweep time.Duration
	// TicketSweep is how often tickets' SLA targets are checked for
	// breaches (default 5s).
	TicketSweep time.Duration
	// BatchItems caps a group commit (default 256).
	BatchItems int
	// DrainTimeout bounds the shutdown of Run once its context is done:
	// publishing what the outbox holds and finishing handlers in flight
	// (default 15s).
	DrainTimeout time.Duration
	// HubSecret signs tokens connectors issue themselves (site chat) and
	// seals channel secrets at rest; OldSecrets still open secrets sealed
	// before a key rotation.
	HubSecret  []byte
	OldSecrets [][]byte
	// CSATExpiry is how long a satisfaction survey's rating link works
	// (default DefaultCSATExpiry, 7 days).
	CSATExpiry time.Duration
}

// Router owns the hub, the channel registry, the outbox relay and the
// Watermill router with its handlers.
type Router struct {
	Hub      *Hub
	Channels *Channels

	cfg   Config
	store store.Store
	log   *slog.Logger
	bus   *bus
	wm    *message.Router
	relay *Relay

	listenMu  sync.RWMutex
	listeners map[int]func(switchboard.Event)
	nextID    int

	running  chan struct{}
	draining atomic.Bool
}

// New builds the router over a migrated store. Channels are loaded by Run.
func New(st store.Store, cfg Config) (*Router, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = connectors.NewHTTPClient(15 * time.Second)
	}
	if cfg.OutboundRetries == 0 {
		cfg.OutboundRetries = 6
	}
	if cfg.RetryInitial == 0 {
		cfg.RetryInitial = 500 * time.Millisecond
	}
	if cfg.RetryMax == 0 {
		cfg.RetryMax = 30 * time.Second
	}
	if cfg.MaxRetryAfter == 0 {
		cfg.MaxRetryAfter = 60 * time.Second
	}
	if cfg.ChannelSync == 0 {
		cfg.ChannelSync = 5 * time.Second
	}
	if cfg.QueueSweep == 0 {
		cfg.QueueSweep = 15 * time.Second
	}
	if cfg.TicketSweep <= 0 {
		cfg.TicketSweep = 5 * time.Second
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 15 * time.Second
	}
	log := cfg.Logger
	b, err := newBus(cfg.Bus, log)
	if err != nil {
		return nil, err
	}
	wm, err := message.NewRouter(message.RouterConfig{CloseTimeout: cfg.DrainTimeout}, watermillLog(log.With("component", "watermill")))
	if err != nil {
		return nil, err
	}
	relay := NewRelay(st, b.pub, log.With("component", "relay"))
	if b.inProcess {
		relay.local = &localValues{}
	}
	if cfg.OutboxLease > 0 {
		relay.Lease = cfg.OutboxLease
	}
	r := &Router{cfg: cfg, store: st, log: log, bus: b, wm: wm, relay: relay, listeners: map[int]func(switchboard.Event){}, running: make(chan struct{})}
	r.Hub = newHub(st, relay, log, HubConfig{PublicURL: cfg.PublicURL, BatchItems: cfg.BatchItems})
	relay.markDone = r.Hub.intake.complete
	r.Channels = newChannels(st, r.Hub, log, cfg.HTTPClient, cfg.PublicURL, cfg.HubSecret)
	r.Channels.health = newChannelHealth(st, log.With("component", "channel-health"), relay.Kick)
	if len(cfg.HubSecret) > 0 {
		sealer, err := NewSealer(append([][]byte{cfg.HubSecret}, cfg.OldSecrets...)...)
		if err != nil {
			return nil, err
		}
		r.Channels.sealer = sealer
	}
	r.Hub.channels = r.Channels
	r.Hub.csatPostbacks = r.csatPostbacks
	if err := r.addHandlers(); err != nil {
		return nil, err
	}
	r.OnEvent("tickets", r.Hub.HandleTicketEvent)
	if err := b.ephemeral.subscribe(r.deliverEphemeral); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Router) addHandlers() error {
	r.wm.AddMiddleware(
		middleware.CorrelationID,
		middleware.Recoverer,
	)
	r.wm.AddHandler("route", TopicInbound, r.bus.work, TopicEvents, r.bus.pub, r.handleInbound).
		AddMiddleware(middleware.Retry{MaxRetries: 5, InitialInterval: 100 * time.Millisecond, MaxInterval: 5 * time.Second, Multiplier: 2}.Middleware)

	poison, err := middleware.PoisonQueue(r.bus.pub, TopicPoison)
	if err != nil {
		return err
	}
	send := r.wm.AddHandler("send", TopicOutbound, r.bus.work, TopicEvents, r.bus.pub, r.handleOutbound)
	// Middleware run in the order added: the poison queue sits outside the
	// retries, so only a message that exhausted them is poisoned.
	send.AddMiddleware(poison, r.sendRetry().Middleware)

	r.wm.AddNoPublisherHandler("poisoned", TopicPoison, r.bus.work, r.handlePoisoned)
	r.wm.AddNoPublisherHandler("mirror", TopicEvents, r.bus.work, r.handleMirror).
		AddMiddleware(middleware.Retry{MaxRetries: 4, InitialInterval: 500 * time.Millisecond, MaxInterval: 10 * time.Second, Multiplier: 2}.Middleware)
	r.wm.AddNoPublisherHandler("fanout", TopicEvents, r.bus.fanout, r.handleFanout)
	r.OnEvent("csat", r.csatOnEvent)
	return nil
}

func (r *Router) sendRetry() middleware.Retry {
	return middleware.Retry{
		MaxRetries:          r.cfg.OutboundRetries,
		InitialInterval:     r.cfg.RetryInitial,
		MaxInterval:         r.cfg.RetryMax,
		Multiplier:          2,
		RandomizationFactor: 0.2,
		Logger:              watermill.NewSlogLogger(r.log.With("handler", "send")),
	}
}

// Run loads the channels, starts the handlers and the relay, and blocks until
// ctx is done. Then it drains, within Config.DrainTimeout: the relay
// publishes the outbox rows it holds and those still pending, handlers stop
// taking new messages and finish those in flight, and the broker connection
// closes.
func (r *Router) Run(ctx context.Context) error {
	r.Channels.runCtx = ctx
	if err := r.Channels.Sync(ctx); err != nil {
		return fmt.Errorf("load channels: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- r.wm.Run(context.WithoutCancel(ctx)) }()
	select {
	case <-r.wm.Running():
	case err := <-errc:
		return fmt.Errorf("watermill router: %w", err)
	}
	relayCtx, stopRelay := context.WithCancel(ctx)
	relayDone := make(chan struct{})
	r.relay.Prepare(relayCtx)
	go func() { r.relay.Run(relayCtx); close(relayDone) }()
	go r.Channels.watch(ctx, r.cfg.ChannelSync)
	go r.Hub.sweepQueues(ctx, r.cfg.QueueSweep)
	go r.Hub.sweepTicketBreaches(ctx, r.cfg.TicketSweep)
	close(r.running)

	<-ctx.Done()
	r.draining.Store(true)
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.DrainTimeout)
	defer cancel()
	stopRelay()
	select {
	case <-relayDone:
		if n, err := r.relay.Flush(drainCtx); err != nil {
			r.log.Warn("outbox not flushed; the rows left are published by another instance or the next start", "published", n, "err", err)
		} else if n > 0 {
			r.log.Info("outbox flushed", "published", n)
		}
	case <-drainCtx.Done():
		r.log.Warn("drain timed out publishing the outbox; the rows left are published by another instance or the next start")
	}
	err := r.wm.Close()
	if cerr := r.bus.close(); cerr != nil {
		r.log.Warn("closing the message bus", "err", cerr)
	}
	return err
}

// Running is closed once handlers and relay run.
func (r *Router) Running() <-chan struct{} { return r.running }

// Healthy reports whether the router is running.
func (r *Router) Healthy() bool { return r.wm.IsRunning() }

// StartDraining marks the instance as shutting down (readiness then says
// so); Run drains once its context is done.
func (r *Router) StartDraining() { r.draining.Store(true) }

// Draining reports whether the instance is shutting down.
func (r *Router) Draining() bool { return r.draining.Load() }

// BrokerError says why the message broker cannot be used now; nil when it
// can. While it cannot, accepted messages wait in the outbox.
func (r *Router) BrokerError() error { return r.bus.health() }

// Listen registers fn to hear every event on this instance (for WebSocket
// fan-out). fn runs on the fan-out goroutine: it must not block. The returned
// function unregisters it.
func (r *Router) Listen(fn func(switchboard.Event)) func() {
	r.listenMu.Lock()
	id := r.nextID
	r.nextID++
	r.listeners[id] = fn
	r.listenMu.Unlock()
	return func() {
		r.listenMu.Lock()
		delete(r.listeners, id)
		r.listenMu.Unlock()
	}
}

// publishEvent announces ev on the events topic and returns once the
// bus took it. With the embedded bus, Publish returns only after the
// fan-out and mirror handlers acknowledged, so they get ev itself through
// the local values and nothing is encoded; a broker gets JSON.
func (r *Router) publishEvent(ev switchboard.Event) error {
	if ev.ID == "" {
		ev.ID = switchboard.EventID(switchboard.NewID("ev"))
	}
	if r.relay.local == nil {
		return r.bus.pub.Publish(TopicEvents, message.NewMessage(string(ev.ID), mustJSON(ev)))
	}
	msg := message.NewMessage(string(ev.ID), nil)
	r.relay.local.put(msg.UUID, &ev)
	defer r.relay.local.drop(msg.UUID)
	return r.bus.pub.Publish(TopicEvents, msg)
}

// eventOf is the event a message of the events topic carries: the value
// put by publishEvent in this process, or its decoded payload.
func (r *Router) eventOf(msg *message.Message) (switchboard.Event, bool) {
	if v, ok := r.relay.local.get(msg.UUID).(*switchboard.Event); ok {
		return *v, true
	}
	var ev switchboard.Event
	if err := jsonUnmarshal(msg.Payload, &ev); err != nil {
		r.log.Error("events: unreadable event dropped", "uuid", msg.UUID, "err", err)
		return ev, false
	}
	return ev, true
}

// handleInbound routes a committed customer event: a conversation without a
// department goes where the workspace's routing rules send it (else the
// default department) and to an online member or the queue (Hub.route);
// then the message is announced. Redelivery is harmless: routing is a no-op the second time,
// the announcement has the same event id (deduplicated by NATS) and clients
// drop events for messages they already have.
func (r *Router) handleInbound(msg *message.Message) ([]*message.Message, error) {
	var n InboundNotice
	if v, ok := r.relay.local.get(msg.UUID).(*InboundNotice); ok {
		n = *v
	} else if err := jsonUnmarshal(msg.Payload, &n); err != nil {
		r.log.Error("inbound: unreadable notice dropped", "err", err)
		return nil, nil
	}
	ctx := msg.Context()
	if n.Kind == switchboard.InboundStatus {
		return nil, r.announceStatuses(ctx, n)
	}
	if (n.Kind != switchboard.InboundMessage && n.Kind != switchboard.InboundEcho) || n.MessageID == "" {
		return nil, nil
	}
	var m switchboard.Message
	var conv switchboard.Conversation
	if n.Message != nil && n.Conversation != nil {
		m, conv = *n.Message, *n.Conversation
	} else {
		var err error
		if m, err = r.store.GetMessage(ctx, n.WorkspaceID, n.MessageID); err == nil {
			conv, err = r.store.GetConversation(ctx, n.WorkspaceID, m.ConversationID)
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case n.Kind == switchboard.InboundEcho:
		// The business wrote it: nothing to route, nobody to queue for.
	case conv.DepartmentID == "":
		routed, err := r.Hub.route(ctx, conv.WorkspaceID, conv.ID, m)
		if err != nil {
			return nil, err
		}
		conv = routed
	case conv.AssigneeID == "":
		// A customer writing again into a conversation nobody holds (one
		// resolved and reopened by this message, say) waits in the queue.
		requeued, err := r.Hub.requeue(ctx, conv.WorkspaceID, conv.ID)
		if err != nil {
			return nil, err
		}
		conv = requeued
	}
	inboundRouted.Inc()
	r.Channels.FillWindow(&conv)
	// The event id follows from the message: a notice handled twice (a
	// redelivery after a crash) announces the same event, which NATS
	// stores once (its id is the publish's Nats-Msg-Id).
	return nil, r.publishEvent(switchboard.Event{
		ID:   switchboard.EventID("ev_in_" + string(m.ID)),
		Type: switchboard.EventMessageCreated, WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID,
		DepartmentID: conv.DepartmentID, Message: &m, Conversation: &conv, At: m.CreatedAt,
	})
}

// handlePoisoned marks an outgoing message that exhausted its retries as
// failed, with the last error as the reason operators see.
func (r *Router) handlePoisoned(msg *message.Message) error {
	var n OutboundNotice
	if err := jsonUnmarshal(msg.Payload, &n); err != nil || n.MessageID == "" {
		r.log.Error("poisoned message without an outbound notice dropped", "topic", msg.Metadata.Get(middleware.PoisonedTopicKey), "reason", msg.Metadata.Get(middleware.ReasonForPoisonedKey))
		return nil
	}
	reason := "gave up after retries: " + msg.Metadata.Get(middleware.ReasonForPoisonedKey)
	return r.markFailed(msg.Context(), n.MessageID, reason)
}

func (r *Router) markFailed(ctx context.Context, id switchboard.MessageID, reason string) error {
	outboundFailed.Inc()
	m, changed, err := r.store.UpdateMessageStatus(ctx, id, store.StatusUpdate{Status: switchboard.StatusFailed, Reason: reason}, nil)
	if err != nil {
		return err
	}
	if changed {
		r.log.Warn("outgoing message failed", "message", id, "reason", reason)
		return r.publishMessageUpdated(ctx, m)
	}
	return nil
}

// announceStatuses publishes message.updated for the outgoing messages a
// receipt or watermark raised, as stored now (a later receipt may have
// raised them further).
func (r *Router) announceStatuses(ctx context.Context, n InboundNotice) error {
	for _, id := range n.MessageIDs {
		m, err := r.store.GetMessage(ctx, n.WorkspaceID, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := r.publishMessageUpdated(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (r *Router) publishMessageUpdated(ctx context.Context, m switchboard.Message) error {
	conv, err := r.store.GetConversation(ctx, m.WorkspaceID, m.ConversationID)
	if err != nil {
		return err
	}
	r.Channels.FillWindow(&conv)
	return r.publishEvent(switchboard.Event{
		Type: switchboard.EventMessageUpdated, WorkspaceID: m.WorkspaceID, ConversationID: m.ConversationID,
		DepartmentID: conv.DepartmentID, Message: &m, Conversation: &conv, At: time.Now().UTC(),
	})
}

// handleMirror hands committed events to the workspace's mirrors (Slack).
func (r *Router) handleMirror(msg *message.Message) error {
	if !r.Channels.HasMirrors() {
		return nil
	}
	ev, ok := r.eventOf(msg)
	if !ok {
		return nil
	}
	var errs []error
	var wait time.Duration
	for _, m := range r.Channels.Mirrors(ev.WorkspaceID) {
		if err := m.Mirror(msg.Context(), ev); err != nil {
			errs = append(errs, err)
			if d, ok := connectors.RetryAfter(err); ok {
				wait = max(wait, d)
			}
		}
	}
	if wait > 0 {
		r.sleep(msg.Context(), min(wait, r.cfg.MaxRetryAfter))
	}
	return errors.Join(errs...)
}

// sleep waits d or until ctx is done.
func (r *Router) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// handleFanout hands an event to this instance's listeners (WebSocket
// clients). With nobody listening it does not even decode the event.
func (r *Router) handleFanout(msg *message.Message) error {
	r.listenMu.RLock()
	defer r.listenMu.RUnlock()
	if len(r.listeners) == 0 {
		return nil
	}
	ev, ok := r.eventOf(msg)
	if !ok {
		return nil
	}
	for _, fn := range r.listeners {
		fn(ev)
	}
	return nil
}
