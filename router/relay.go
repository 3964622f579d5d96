package router

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/switchboardhq/switchboard/store"
)

// Relay publishes committed outbox rows to their Watermill topics and marks
// them done once the publisher returned. With the embedded GoChannel backend
// the publisher returns only after the handler acknowledged, so a row is done
// only when its work is done: a crash before that republishes it on start
// (once its lease expires). Each topic has its own worker so a slow outbound
// send never holds up intake.
type Relay struct {
	store store.Store
	pub   message.Publisher
	log   *slog.Logger
	kick  chan struct{}

	// Lease is how long a claimed row stays invisible to other relays.
	Lease time.Duration
	// Poll is how often the relay looks for rows when nobody kicked it
	// (rows of a crashed instance whose lease expired, other instances).
	Poll time.Duration
	// Batch is the most rows claimed at once.
	Batch int

	mu       sync.Mutex
	inFlight map[int64]struct{}
	queues   map[string]chan store.OutboxRow
	wg       sync.WaitGroup
}

// NewRelay returns a relay; Run starts it.
func NewRelay(st store.Store, pub message.Publisher, log *slog.Logger) *Relay {
	return &Relay{
		store:    st,
		pub:      pub,
		log:      log,
		kick:     make(chan struct{}, 1),
		Lease:    10 * time.Second,
		Poll:     250 * time.Millisecond,
		Batch:    512,
		inFlight: map[int64]struct{}{},
		queues:   map[string]chan store.OutboxRow{},
	}
}

// Kick wakes the relay after a commit wrote outbox rows. It never blocks.
func (r *Relay) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run claims and dispatches rows until ctx is done, then waits for the
// topic workers to finish the row each is publishing.
func (r *Relay) Run(ctx context.Context) {
	defer r.wg.Wait()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			r.closeQueues()
			return
		case <-r.kick:
		case <-timer.C:
		}
		for ctx.Err() == nil {
			n, err := r.claimOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					r.log.Error("outbox claim failed", "err", err)
				}
				break
			}
			if n < r.Batch {
				break
			}
		}
		timer.Reset(r.Poll)
	}
}

func (r *Relay) claimOnce(ctx context.Context) (int, error) {
	rows, err := r.store.ClaimOutbox(ctx, r.Batch, r.Lease)
	if err != nil {
		return 0, err
	}
	dispatched := 0
	for _, row := range rows {
		r.mu.Lock()
		_, busy := r.inFlight[row.ID]
		if !busy {
			r.inFlight[row.ID] = struct{}{}
		}
		q := r.queueLocked(ctx, row.Topic)
		r.mu.Unlock()
		if busy {
			continue // still being published here; its lease ran out meanwhile
		}
		select {
		case q <- row:
			dispatched++
		case <-ctx.Done():
			return dispatched, ctx.Err()
		}
	}
	return len(rows), nil
}

func (r *Relay) queueLocked(ctx context.Context, topic string) chan store.OutboxRow {
	q, ok := r.queues[topic]
	if ok {
		return q
	}
	q = make(chan store.OutboxRow, 4096)
	r.queues[topic] = q
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for row := range q {
			r.publish(ctx, row)
		}
	}()
	return q
}

func (r *Relay) closeQueues() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for topic, q := range r.queues {
		close(q)
		delete(r.queues, topic)
	}
}

func (r *Relay) publish(ctx context.Context, row store.OutboxRow) {
	defer func() {
		r.mu.Lock()
		delete(r.inFlight, row.ID)
		r.mu.Unlock()
	}()
	if ctx.Err() != nil {
		return // left for the next start
	}
	msg := message.NewMessage(strconv.FormatInt(row.ID, 10)+"-"+row.Key, row.Payload)
	middleware.SetCorrelationID(row.Key, msg)
	msg.Metadata.Set("key", row.Key)
	if err := r.pub.Publish(row.Topic, msg); err != nil {
		r.log.Warn("outbox publish failed; will retry after the lease", "topic", row.Topic, "row", row.ID, "err", err)
		return
	}
	// Completion uses a fresh context: the work is done even if we are
	// shutting down, and marking it avoids a needless redelivery.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := r.store.CompleteOutbox(cctx, []int64{row.ID}); err != nil {
		r.log.Warn("outbox complete failed; row will be published again", "row", row.ID, "err", err)
	}
}
