package router

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/switchboardhq/switchboard/store"
)

// Relay publishes committed outbox rows to their Watermill topics and marks
// them done once the publisher returned (in batches: one store transaction
// marks every row published since the previous one). With the embedded
// GoChannel backend the publisher returns only after the handler
// acknowledged, so a row is done only when its work is done: a crash before
// that republishes it on start (once its lease expires). Each topic has its
// own worker so a slow outbound send never holds up intake, and outbound
// has several (lanes by conversation) so one slow conversation or provider
// does not hold up the others' replies.
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
	// ClaimGap is the pause after a claim that found rows, before the
	// next one (default 2ms): it trades that much latency for far fewer
	// claim transactions on the single SQLite writer under load.
	ClaimGap time.Duration

	mu       sync.Mutex
	inFlight map[int64]struct{}
	// runCtx is Run's context while it runs (nil before), for Dispatch.
	runCtx context.Context
	queues map[string]chan store.OutboxRow
	wg     sync.WaitGroup

	// published carries ids of rows whose publish returned to the
	// completer, which marks them done in batches.
	published chan int64

	// local, when the bus is in-process, hands a row's decoded Value to
	// the handler along with its message (nil: handlers decode).
	local *localValues

	// markDone, when set, marks rows done instead of Store.CompleteOutbox:
	// the hub's intake, which does it in its next group commit.
	markDone func(ctx context.Context, ids []int64) error
}

// completeBatch is the most rows marked done in one transaction.
const completeBatch = 1024

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
		ClaimGap: 2 * time.Millisecond,
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
	r.Prepare(ctx)
	go r.pruner(ctx)
	completerDone := make(chan struct{})
	go func() { r.completer(ctx); close(completerDone) }()
	defer func() {
		r.wg.Wait()
		close(r.published)
		<-completerDone
	}()
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
				if n > 0 {
					// Under load rows keep coming: let them gather for a
					// moment so the next claim takes many at once instead
					// of one write transaction per intake commit.
					select {
					case <-ctx.Done():
					case <-time.After(r.ClaimGap):
					}
				}
				break
			}
		}
		timer.Reset(r.Poll)
	}
}

// Prepare lets Dispatch take rows from now on, for a Run with ctx that is
// about to start: the router calls it before it reports itself running, so
// no row accepted in between waits for its lease.
func (r *Relay) Prepare(ctx context.Context) {
	r.mu.Lock()
	r.runCtx = ctx
	if r.published == nil {
		r.published = make(chan int64, 8192)
	}
	r.mu.Unlock()
}

// Dispatch publishes rows this process wrote already leased (intake's
// pre-claimed outbox rows) without claiming them first. It never blocks:
// a row that does not fit its topic's queue, or arrives while the relay is
// not running, is left to be claimed once its lease ends.
func (r *Relay) Dispatch(rows []store.OutboxRow) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ctx := r.runCtx
	if ctx == nil || ctx.Err() != nil {
		return
	}
	for _, row := range rows {
		if _, busy := r.inFlight[row.ID]; busy {
			continue
		}
		select {
		case r.queueLocked(ctx, laneOf(row)) <- row:
			r.inFlight[row.ID] = struct{}{}
		default:
		}
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
		q := r.queueLocked(ctx, laneOf(row))
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

// outboundLanes is how many conversations' replies the relay publishes at
// once: each lane publishes one row at a time (with the embedded bus,
// waiting until the send handler finished it), and a conversation always
// takes the same lane, so its replies stay in order.
const outboundLanes = 8

// laneOf names the queue a row waits in: its topic, and for outbound rows
// also the lane of its conversation.
func laneOf(row store.OutboxRow) string {
	if row.Topic != TopicOutbound {
		return row.Topic
	}
	return laneTopic(row.Topic, outboundLane(row.Payload))
}

// outboundLane is the lane of an outbound notice's conversation.
func outboundLane(payload []byte) int {
	var n struct {
		ConversationID string `json:"conversation_id"`
		MessageID      string `json:"message_id"`
	}
	_ = json.Unmarshal(payload, &n)
	key := n.ConversationID
	if key == "" { // notices written before they named the conversation
		key = n.MessageID
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % outboundLanes)
}

// queueLocked returns the queue of a lane (laneOf), starting its worker on
// first use.
func (r *Relay) queueLocked(ctx context.Context, lane string) chan store.OutboxRow {
	q, ok := r.queues[lane]
	if ok {
		return q
	}
	q = make(chan store.OutboxRow, 4096)
	r.queues[lane] = q
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
	// Rows already claimed are published even while shutting down: that is
	// the drain (Router.Run bounds it).
	if !r.send(row) {
		r.release(row.ID)
		return
	}
	// The row stays in flight until the completer marked it done, so a
	// lease running out meanwhile does not publish it again here.
	r.published <- row.ID
}

// send publishes one row to its topic and reports success.
func (r *Relay) send(row store.OutboxRow) bool {
	msg := message.NewMessage(strconv.FormatInt(row.ID, 10)+"-"+row.Key, row.Payload)
	middleware.SetCorrelationID(row.Key, msg)
	msg.Metadata.Set("key", row.Key)
	if row.Topic == TopicOutbound {
		msg.Metadata.Set(laneKey, strconv.Itoa(outboundLane(row.Payload)))
	}
	if r.local != nil && row.Value != nil {
		// The in-process Publish returns once the handler acknowledged, so
		// the value is needed no longer than that.
		r.local.put(msg.UUID, row.Value)
		defer r.local.drop(msg.UUID)
	}
	if err := r.pub.Publish(row.Topic, msg); err != nil {
		r.log.Warn("outbox publish failed; will retry after the lease", "topic", row.Topic, "row", row.ID, "err", err)
		return false
	}
	return true
}

// publishRow publishes one row and marks it done at once, without the
// completer (Flush uses it after Run returned); it reports whether the row
// was published.
func (r *Relay) publishRow(ctx context.Context, row store.OutboxRow) bool {
	if !r.send(row) {
		return false
	}
	r.complete(ctx, []int64{row.ID})
	return true
}

// complete marks rows done with a fresh context: the work is done even if
// we are shutting down, and marking it avoids a needless redelivery.
func (r *Relay) complete(ctx context.Context, ids []int64) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	mark := r.store.CompleteOutbox
	if r.markDone != nil {
		mark = r.markDone
	}
	if err := mark(cctx, ids); err != nil {
		r.log.Warn("outbox complete failed; rows will be published again", "rows", len(ids), "first", ids[0], "err", err)
	}
}

func (r *Relay) release(ids ...int64) {
	r.mu.Lock()
	for _, id := range ids {
		delete(r.inFlight, id)
	}
	r.mu.Unlock()
}

// completer marks published rows done: each transaction takes every id
// that arrived while the previous one ran (up to completeBatch). Under load
// that is one write for hundreds of rows instead of one per row, and the
// single SQLite writer stays free for intake. A crash before the mark only
// publishes again rows whose work was done; handlers are idempotent.
func (r *Relay) completer(ctx context.Context) {
	ids := make([]int64, 0, completeBatch)
	for id := range r.published {
		ids = append(ids[:0], id)
	more:
		for len(ids) < completeBatch {
			select {
			case id, ok := <-r.published:
				if !ok {
					break more
				}
				ids = append(ids, id)
			default:
				break more
			}
		}
		r.complete(ctx, ids)
		r.release(ids...)
	}
}

// Done outbox rows are kept a day (for looking into an incident), then
// deleted, checked every ten minutes; every instance may prune, deleting is
// idempotent.
//
// Redelivery records (Store.PruneDedup) are kept a week: providers redeliver
// within minutes to hours (LINE and Slack retry a few times, soon after a
// failure), so a week is far past any redelivery.
const (
	pruneEvery = 10 * time.Minute
	pruneAfter = 24 * time.Hour
	dedupKeep  = 7 * 24 * time.Hour
)

// pruner deletes old done rows and redelivery records until ctx is done.
func (r *Relay) pruner(ctx context.Context) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := r.store.PruneOutbox(ctx, time.Now().Add(-pruneAfter))
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn("outbox prune failed", "err", err)
		case n > 0:
			r.log.Debug("outbox pruned", "rows", n)
		}
		n, err = r.store.PruneDedup(ctx, time.Now().Add(-dedupKeep))
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn("redelivery records prune failed", "err", err)
		case n > 0:
			r.log.Debug("redelivery records pruned", "rows", n)
		}
		n, err = purgeVisitorData(ctx, r.store, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.Warn("visitor data retention sweep failed", "err", err)
		case n > 0:
			r.log.Info("visitor data past its retention period emptied", "contacts", n)
		}
	}
}
