package router

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmjs "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/jetstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The NATS JetStream backend.
//
// Every topic is one stream, <NAMESPACE>_<TOPIC>, whose subjects are
// <namespace>.<topic>.<partition>. A message's partition is a hash of what
// must stay in order: the conversation (events, replies), else the customer
// on a channel (inbound notices). Work topics (inbound, outbound, poison and
// the mirror's reading of events) have one durable consumer per partition,
// shared by every instance, with at most one unacknowledged message: each
// message is handled by exactly one instance, one conversation's messages
// one after the other, and a message is acknowledged only after its handler
// returned (its work committed). An instance that dies holding a message
// stops sending "in progress"; JetStream hands the message to another
// instance after AckWait. Events also fan out: each instance has its own
// consumer of every partition, starting at new messages, so each one's
// WebSocket clients hear everything.
//
// Publishing sets Nats-Msg-Id to the Watermill message id (for outbox rows
// "<row id>-<key>"), so a row published again after a crash within the
// stream's duplicate window is stored once. While NATS is unreachable,
// Publish fails at once (the outbox keeps the rows; the relay publishes them
// when NATS is back) and subscriptions are re-established by themselves.

// natsPartitions is the number of partitions of every topic: how many
// conversations the cluster works on at once per topic. Changing it on a
// running cluster strands messages of dropped partitions; leave it.
const natsPartitions = 8

// natsNakDelay is how long a message whose handler failed waits before it
// is delivered again.
const natsNakDelay = time.Second

type natsBus struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	ns      string // subject prefix
	streamp string // stream and consumer name prefix
	wlog    watermill.LoggerAdapter
	log     *slog.Logger
	ackWait time.Duration
	fanName string

	ctx    context.Context
	cancel context.CancelFunc

	streamsMu sync.Mutex
	streamsOK atomic.Bool // the streams exist (as far as we know)

	inner  *wmjs.Publisher
	jsMsgs sync.Map // *message.Message → jetstream.Msg, until the forwarder took it
	// inFlight counts messages handed to this instance and not yet
	// acknowledged or given back.
	inFlight atomic.Int64

	work, fanout *natsSubscriber
}

// natsName keeps letters, digits, - and _ of s (stream, consumer and
// subject token names allow no dots, spaces or wildcards).
func natsName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// newNATSBus connects to NATS (retrying in the background when it is not
// reachable yet) and builds the backend.
func newNATSBus(cfg BusConfig, wlog watermill.LoggerAdapter, log *slog.Logger) (*bus, error) {
	if cfg.URL == "" {
		return nil, errors.New("pubsub.url: required for the nats driver")
	}
	ns := cfg.Namespace
	if ns == "" {
		ns = "switchboard"
	}
	ns = natsName(ns)
	instance := cfg.Instance
	if instance == "" {
		instance = watermill.NewShortUUID()
	}
	ackWait := cfg.AckWait
	if ackWait <= 0 {
		ackWait = 30 * time.Second
	}
	log = log.With("component", "nats")
	nc, err := nats.Connect(cfg.URL,
		nats.Name("switchboard "+instance),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		nats.ReconnectJitter(100*time.Millisecond, time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Warn("NATS disconnected; publishing waits in the outbox", "err", err)
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("NATS reconnected", "url", c.ConnectedUrl()) }),
	)
	if err != nil {
		return nil, fmt.Errorf("pubsub.url: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("pubsub: jetstream: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &natsBus{
		nc: nc, js: js, ns: ns, streamp: strings.ToUpper(ns), wlog: wlog, log: log, ackWait: ackWait,
		fanName: ns + "_fanout_" + natsName(instance), ctx: ctx, cancel: cancel,
	}
	b.inner, err = wmjs.NewPublisher(wmjs.PublisherConfig{
		Conn:   nc,
		Logger: wlog,
		// The publisher sends to the stream config's Name: we hand it the
		// subject.
		ConfigureStream: func(subject string) jetstream.StreamConfig { return jetstream.StreamConfig{Name: subject} },
	})
	if err != nil {
		cancel()
		nc.Close()
		return nil, err
	}
	b.work = &natsSubscriber{bus: b, fanout: false, closing: make(chan struct{})}
	b.fanout = &natsSubscriber{bus: b, fanout: true, closing: make(chan struct{})}
	if err := b.ensureStreams(ctx); err != nil {
		log.Warn("NATS not reachable yet; the hub starts and catches up once it is", "err", err)
	}
	return &bus{pub: natsPublisher{b}, work: b.work, fanout: b.fanout, close: b.close, health: b.health,
		ephemeral: &natsEphemeral{nc: nc, subject: ns + ".ephemeral"}}, nil
}

func (b *natsBus) streamName(topic string) string {
	return b.streamp + "_" + strings.ToUpper(natsName(topic))
}

func (b *natsBus) subject(topic string, partition int) string {
	return fmt.Sprintf("%s.%s.%d", b.ns, natsName(topic), partition)
}

// ensureStreams creates or updates the topics' streams; once it succeeded
// it does nothing.
func (b *natsBus) ensureStreams(ctx context.Context) error {
	if b.streamsOK.Load() {
		return nil
	}
	b.streamsMu.Lock()
	defer b.streamsMu.Unlock()
	if b.streamsOK.Load() {
		return nil
	}
	if !b.nc.IsConnected() {
		return fmt.Errorf("nats: %s", b.nc.Status())
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, topic := range []string{TopicInbound, TopicOutbound, TopicPoison, TopicEvents} {
		cfg := jetstream.StreamConfig{
			Name:       b.streamName(topic),
			Subjects:   []string{b.ns + "." + natsName(topic) + ".*"},
			Storage:    jetstream.FileStorage,
			Duplicates: 2 * time.Minute,
		}
		if topic == TopicEvents {
			// Read by the mirror's durable consumers and every instance's
			// fan-out consumer: kept for an hour.
			cfg.Retention = jetstream.LimitsPolicy
			cfg.MaxAge = time.Hour
		} else {
			// A message is removed once its one consumer acknowledged it.
			cfg.Retention = jetstream.WorkQueuePolicy
		}
		if _, err := b.js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("nats: stream %s: %w", cfg.Name, err)
		}
	}
	b.streamsOK.Store(true)
	return nil
}

// health says whether NATS is reachable, the streams exist and every
// subscription consumes.
func (b *natsBus) health() error {
	if !b.nc.IsConnected() {
		return fmt.Errorf("nats %s", strings.ToLower(b.nc.Status().String()))
	}
	if err := b.ensureStreams(b.ctx); err != nil {
		return err
	}
	for _, s := range []*natsSubscriber{b.work, b.fanout} {
		if active, want := s.active.Load(), s.expected.Load(); active < want {
			return fmt.Errorf("nats: %d of %d subscriptions consuming", active, want)
		}
	}
	return nil
}

// close waits (bounded) for messages handed to handlers to be acknowledged,
// then stops the subscriptions and closes the connection.
func (b *natsBus) close() error {
	b.work.Close()
	b.fanout.Close()
	deadline := time.Now().Add(10 * time.Second)
	for b.inFlight.Load() > 0 {
		if time.Now().After(deadline) {
			b.log.Warn("NATS: gave up waiting for acknowledgements; those messages are delivered again", "in_flight", b.inFlight.Load())
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.cancel()
	b.work.wg.Wait()
	b.fanout.wg.Wait()
	// This instance's fan-out consumer goes with it (NATS would remove it
	// after a minute of inactivity anyway).
	if b.nc.IsConnected() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = b.js.DeleteConsumer(ctx, b.streamName(TopicEvents), b.fanName+"_"+natsName(TopicEvents))
		cancel()
	}
	if err := b.nc.Drain(); err != nil {
		b.nc.Close()
		return err
	}
	deadline = time.Now().Add(5 * time.Second)
	for !b.nc.IsClosed() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	b.nc.Close()
	return nil
}

// partitionOf picks the partition that keeps what must stay in order
// together: the conversation, else the customer on a channel.
func partitionOf(msg *message.Message) int {
	var keys struct {
		ConversationID string `json:"conversation_id"`
		Channel        string `json:"channel"`
		Sender         string `json:"sender"`
		MessageID      string `json:"message_id"`
	}
	_ = json.Unmarshal(msg.Payload, &keys)
	key := keys.ConversationID
	if key == "" && keys.Sender != "" {
		key = keys.Channel + "\x00" + keys.Sender
	}
	if key == "" {
		key = keys.MessageID
	}
	if key == "" {
		key = msg.Metadata.Get("key")
	}
	if key == "" {
		key = msg.UUID
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % natsPartitions)
}

// natsPublisher publishes to the partition subject of each message.
type natsPublisher struct{ b *natsBus }

// errBrokerDown is returned by Publish while NATS is unreachable.
var errBrokerDown = errors.New("nats: not connected")

func (p natsPublisher) Publish(topic string, msgs ...*message.Message) error {
	b := p.b
	if !b.nc.IsConnected() {
		return errBrokerDown
	}
	if err := b.ensureStreams(b.ctx); err != nil {
		return err
	}
	for _, m := range msgs {
		// JetStream drops a second message with the same id within the
		// stream's duplicate window.
		m.Metadata.Set(nats.MsgIdHdr, m.UUID)
		if err := b.inner.Publish(b.subject(topic, partitionOf(m)), m); err != nil {
			if errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, nats.ErrNoResponders) {
				b.streamsOK.Store(false) // no stream takes the subject: create the streams again
			}
			return err
		}
	}
	return nil
}

// Close does nothing: the bus closes the shared connection.
func (natsPublisher) Close() error { return nil }

// natsSubscriber is the work (queue group) or fan-out subscriber.
type natsSubscriber struct {
	bus    *natsBus
	fanout bool

	closeOnce sync.Once
	closing   chan struct{}
	wg        sync.WaitGroup
	// expected counts the consumers subscribed to, active those consuming.
	expected, active atomic.Int64
}

// consumerSpec names one consumer a subscription reads.
type consumerSpec struct {
	stream string
	cfg    jetstream.ConsumerConfig
}

func (s *natsSubscriber) specs(topic string) []consumerSpec {
	b := s.bus
	// "events@notify" reads events with consumers of its own (see
	// Router.OnEvent), beside the mirror's.
	topic, group, _ := strings.Cut(topic, groupSep)
	durable := natsName(topic)
	if group != "" {
		durable += "_" + natsName(group)
	}
	stream := b.streamName(topic)
	if s.fanout {
		return []consumerSpec{{stream: stream, cfg: jetstream.ConsumerConfig{
			Name:              b.fanName + "_" + natsName(topic),
			FilterSubject:     b.ns + "." + natsName(topic) + ".*",
			DeliverPolicy:     jetstream.DeliverNewPolicy,
			AckPolicy:         jetstream.AckExplicitPolicy,
			AckWait:           30 * time.Second,
			MaxAckPending:     512,
			InactiveThreshold: time.Minute,
		}}}
	}
	deliver := jetstream.DeliverAllPolicy
	if topic == TopicEvents {
		deliver = jetstream.DeliverNewPolicy // the stream keeps an hour of history
	}
	out := make([]consumerSpec, natsPartitions)
	for p := range out {
		out[p] = consumerSpec{stream: stream, cfg: jetstream.ConsumerConfig{
			Durable:       fmt.Sprintf("%s_%s_%d", b.ns, durable, p),
			FilterSubject: b.subject(topic, p),
			DeliverPolicy: deliver,
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       b.ackWait,
			MaxAckPending: 1,
			MaxDeliver:    -1,
		}}
	}
	return out
}

// Subscribe reads every consumer of topic into one channel. It returns at
// once; consumers are (re)created in the background whenever NATS is
// reachable and they are missing.
func (s *natsSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	out := make(chan *message.Message)
	var sendMu sync.RWMutex
	for _, spec := range s.specs(topic) {
		s.expected.Add(1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.run(ctx, spec, out, &sendMu)
		}()
	}
	go func() {
		select {
		case <-s.closing:
		case <-ctx.Done():
		case <-s.bus.ctx.Done():
		}
		sendMu.Lock()
		close(out)
		sendMu.Unlock()
	}()
	return out, nil
}

// stopped reports whether the subscription must hand nothing more to its
// handler.
func (s *natsSubscriber) stopped(ctx context.Context) bool {
	select {
	case <-s.closing:
		return true
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

// run keeps one consumer subscribed until the bus closes.
func (s *natsSubscriber) run(ctx context.Context, spec consumerSpec, out chan<- *message.Message, sendMu *sync.RWMutex) {
	b := s.bus
	failures := 0
	for b.ctx.Err() == nil {
		consumer, err := s.consumer(spec)
		if err != nil {
			if failures%40 == 0 {
				b.log.Warn("NATS consumer not ready; retrying", "consumer", spec.cfg.Name+spec.cfg.Durable, "err", err)
			}
			failures++
			select {
			case <-b.ctx.Done():
				return
			case <-time.After(250 * time.Millisecond):
			}
			continue
		}
		failures = 0
		s.consume(ctx, spec, consumer, out, sendMu)
		select {
		case <-b.ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *natsSubscriber) consumer(spec consumerSpec) (jetstream.Consumer, error) {
	b := s.bus
	if err := b.ensureStreams(b.ctx); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	stream, err := b.js.Stream(ctx, spec.stream)
	if err != nil {
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			b.streamsOK.Store(false) // NATS lost it (memory storage, a new server): create it again
		}
		return nil, err
	}
	return stream.CreateOrUpdateConsumer(ctx, spec.cfg)
}

// consume forwards one consumer's messages until the bus closes or the
// consumer vanished (NATS restarted without it, or removed an idle
// fan-out consumer); then run creates it again.
func (s *natsSubscriber) consume(ctx context.Context, spec consumerSpec, consumer jetstream.Consumer, out chan<- *message.Message, sendMu *sync.RWMutex) {
	b := s.bus
	subCtx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	lost := make(chan struct{})
	var lostOnce sync.Once
	onErr := func(_ jetstream.ConsumeContext, err error) {
		if errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrConsumerNotFound) {
			lostOnce.Do(func() { close(lost) })
			return
		}
		if !b.nc.IsConnected() {
			return // the client pulls again after reconnecting
		}
		go func() {
			ictx, icancel := context.WithTimeout(subCtx, 5*time.Second)
			defer icancel()
			if _, err := consumer.Info(ictx); errors.Is(err, jetstream.ErrConsumerNotFound) {
				lostOnce.Do(func() { close(lost) })
			}
		}()
	}
	ackWait := 24 * time.Hour // the handler may take long; "in progress" keeps the message ours
	if s.fanout {
		ackWait = 30 * time.Second
	}
	sub, err := wmjs.NewSubscriber(wmjs.SubscriberConfig{
		Conn:           b.nc,
		Logger:         b.wlog,
		AckWaitTimeout: ackWait,
		ResourceInitializer: func(context.Context, jetstream.JetStream, string) (jetstream.Consumer, func(context.Context, watermill.LoggerAdapter), error) {
			return closingSafeConsumer{consumer}, nil, nil
		},
		NakDelay:       wmjs.NewStaticDelay(natsNakDelay),
		ConsumeOptions: []jetstream.PullConsumeOpt{jetstream.ConsumeErrHandler(onErr), jetstream.PullHeartbeat(2 * time.Second), jetstream.PullExpiry(10 * time.Second)},
		AckAsync:       s.fanout,
		Unmarshaler:    natsUnmarshaler{b},
	})
	if err != nil {
		b.log.Warn("NATS subscriber", "err", err)
		return
	}
	msgs, err := sub.Subscribe(subCtx, spec.stream)
	if err != nil {
		b.log.Warn("NATS subscribe", "err", err)
		return
	}
	s.active.Add(1)
	defer s.active.Add(-1)
	for {
		select {
		case <-lost:
			b.log.Info("NATS consumer gone; creating it again", "consumer", spec.cfg.Name+spec.cfg.Durable)
			return
		case m, ok := <-msgs:
			if !ok {
				return
			}
			s.forward(ctx, m, out, sendMu)
		}
	}
}

// closingSafeConsumer works around a race of watermill-nats v2.1.3: when a
// subscription's context ends, its monitor closes the output channel while
// a message handler may be about to send to it, and the send panics
// ("send on closed channel") in the NATS client's goroutine, killing the
// process. The message was not handed to anyone, so the panic is turned
// back into a nak (JetStream redelivers it, to this instance or another);
// any other panic goes on.
type closingSafeConsumer struct{ jetstream.Consumer }

func (c closingSafeConsumer) Consume(handler jetstream.MessageHandler, opts ...jetstream.PullConsumeOpt) (jetstream.ConsumeContext, error) {
	return c.Consumer.Consume(func(msg jetstream.Msg) {
		defer func() {
			if r := recover(); r != nil {
				if err, ok := r.(error); ok && strings.Contains(err.Error(), "send on closed channel") {
					_ = msg.Nak()
					return
				}
				panic(r)
			}
		}()
		handler(msg)
	}, opts...)
}

// forward hands m to the handler, or nacks it when the subscription is
// closing (JetStream then gives it to another instance). While the handler
// works on m, JetStream is told every AckWait/3 that it is in progress.
func (s *natsSubscriber) forward(ctx context.Context, m *message.Message, out chan<- *message.Message, sendMu *sync.RWMutex) {
	b := s.bus
	raw, _ := b.jsMsgs.LoadAndDelete(m)
	jsMsg, _ := raw.(jetstream.Msg)
	// The subscriber cancels the message's context once it acknowledged
	// (or gave it up): that is when it is no longer in flight.
	msgCtx := m.Context()
	b.inFlight.Add(1)
	go func() {
		defer b.inFlight.Add(-1)
		if s.fanout || jsMsg == nil {
			<-msgCtx.Done()
			return
		}
		t := time.NewTicker(b.ackWait / 3)
		defer t.Stop()
		for {
			select {
			case <-msgCtx.Done():
				return
			case <-m.Acked():
				<-msgCtx.Done()
				return
			case <-m.Nacked():
				<-msgCtx.Done()
				return
			case <-t.C:
				_ = jsMsg.InProgress()
			}
		}
	}()
	sendMu.RLock()
	defer sendMu.RUnlock()
	if s.stopped(ctx) {
		m.Nack()
		return
	}
	select {
	case out <- m:
	case <-s.closing:
		m.Nack()
	case <-ctx.Done():
		m.Nack()
	}
}

// Close stops handing messages to handlers; messages already handed on are
// still acknowledged (until the bus closes).
func (s *natsSubscriber) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	return nil
}

// natsUnmarshaler is the default one, remembering the JetStream message so
// that the forwarder can report progress on it.
type natsUnmarshaler struct{ b *natsBus }

func (u natsUnmarshaler) Unmarshal(msg jetstream.Msg) (*message.Message, error) {
	m, err := wmjs.DefaultUnmarshaler{}.Unmarshal(msg)
	if err != nil {
		// A malformed header must not stop the subscription: deliver the
		// payload without metadata.
		m = message.NewMessage(msg.Headers().Get("_watermill_message_uuid"), msg.Data())
	}
	u.b.jsMsgs.Store(m, msg)
	return m, nil
}
