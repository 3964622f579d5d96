package router

import (
	"context"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

// intake is the group commit of customer events: concurrent Accept calls
// join one store transaction. While one batch commits, the next requests
// queue; the writer then takes everything that queued (up to maxItems) in
// one transaction. Each caller is answered only after its batch committed,
// so durability stays one transaction per answer at a fraction of the cost.
//
// With a store that commits transactions side by side (PostgreSQL) several
// writers take batches from the queue at once, so that their round trips
// overlap; SQLite has one writer.
type intake struct {
	store    store.Store
	requests chan *intakeRequest
	maxItems int
	writers  int
	// linger is how long a batch under load waits for more requests.
	linger time.Duration
	once   sync.Once
}

type intakeRequest struct {
	ctx   context.Context
	items []store.AcceptItem
	// done are outbox row ids to mark done in the same transaction (the
	// relay's completions ride along with the customers' messages).
	done      []int64
	results   []store.AcceptResult
	err       error
	committed chan struct{}
}

// intakeLinger is how long a group commit under load waits for company.
var intakeLinger = 1 * time.Millisecond

// concurrentWriter is a store whose write transactions can run at once;
// WriteConcurrency says how many the intake should run.
type concurrentWriter interface {
	WriteConcurrency() int
}

// writeConcurrency is how many intake writers st takes (1 unless it says).
func writeConcurrency(st store.Store) int {
	if cw, ok := st.(concurrentWriter); ok {
		return max(1, cw.WriteConcurrency())
	}
	return 1
}

func newIntake(st store.Store, maxItems, writers int) *intake {
	if maxItems <= 0 {
		maxItems = 256
	}
	return &intake{store: st, requests: make(chan *intakeRequest, 4096), maxItems: maxItems, writers: max(1, writers), linger: intakeLinger}
}

// accept stores items as part of the next batch and returns after commit.
func (in *intake) accept(ctx context.Context, items []store.AcceptItem) ([]store.AcceptResult, error) {
	return in.submit(&intakeRequest{ctx: ctx, items: items, committed: make(chan struct{})})
}

// complete marks outbox rows done as part of the next batch (with a store
// that can, in the same transaction as the batch's messages, so the relay
// does not take the single SQLite writer between two group commits) and
// returns after commit.
func (in *intake) complete(ctx context.Context, ids []int64) error {
	_, err := in.submit(&intakeRequest{ctx: ctx, done: ids, committed: make(chan struct{})})
	return err
}

func (in *intake) submit(req *intakeRequest) ([]store.AcceptResult, error) {
	in.once.Do(func() {
		for range in.writers {
			go in.run()
		}
	})
	ctx := req.ctx
	select {
	case in.requests <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Once queued the request is committed or failed by the writer; waiting
	// for it even if ctx ends keeps "answered ⇒ committed" true.
	<-req.committed
	return req.results, req.err
}

func (in *intake) run() {
	linger := time.NewTimer(0)
	<-linger.C
	last := 0 // requests with items (not just completions) in the previous batch
	for first := range in.requests {
		batch := []*intakeRequest{first}
		n := len(first.items)
	drain:
		for n < in.maxItems {
			select {
			case req := <-in.requests:
				batch = append(batch, req)
				n += len(req.items)
			default:
				break drain
			}
		}
		// Under concurrent load (the previous batch had company), wait a
		// moment for more requests: every transaction has a fixed cost
		// (commit, FTS segment, page writes), so fewer, larger ones carry
		// more messages per second on the single writer. A lone request
		// is never delayed.
		if last > 1 && n < in.maxItems && in.linger > 0 {
			linger.Reset(in.linger)
		wait:
			for n < in.maxItems {
				select {
				case req := <-in.requests:
					batch = append(batch, req)
					n += len(req.items)
				case <-linger.C:
					break wait
				}
			}
			if !linger.Stop() {
				select {
				case <-linger.C:
				default:
				}
			}
		}
		last = 0
		for _, req := range batch {
			if len(req.items) > 0 {
				last++
			}
		}
		in.commit(batch, n)
	}
}

func (in *intake) commit(batch []*intakeRequest, n int) {
	ac, combine := in.store.(acceptCompleter)
	live := batch[:0]
	for _, req := range batch {
		switch {
		case req.ctx.Err() != nil:
			req.err = req.ctx.Err()
		case len(req.items) == 0 && !combine:
			req.err = in.store.CompleteOutbox(req.ctx, req.done)
		default:
			live = append(live, req)
			continue
		}
		close(req.committed)
	}
	if len(live) == 0 {
		return
	}
	if len(live) > 1 {
		items := make([]store.AcceptItem, 0, n)
		var done []int64
		for _, req := range live {
			items = append(items, req.items...)
			done = append(done, req.done...)
		}
		var results []store.AcceptResult
		var err error
		if combine {
			results, err = ac.AcceptAndComplete(context.Background(), items, done)
		} else {
			results, err = in.store.Accept(context.Background(), items)
		}
		if err == nil {
			off := 0
			for _, req := range live {
				if len(req.items) > 0 {
					req.results = results[off : off+len(req.items)]
					off += len(req.items)
				}
				close(req.committed)
			}
			return
		}
		// One request may carry what the store refuses: commit each alone so
		// the others are not failed with it.
	}
	for _, req := range live {
		if len(req.items) == 0 {
			req.err = in.store.CompleteOutbox(req.ctx, req.done)
		} else {
			req.results, req.err = in.store.Accept(req.ctx, req.items)
		}
		close(req.committed)
	}
}

// acceptCompleter is a store that marks outbox rows done in the
// transaction that accepts a batch (SQLite: one writer, so a separate
// transaction would wait for, and hold up, the intake).
type acceptCompleter interface {
	AcceptAndComplete(ctx context.Context, items []store.AcceptItem, done []int64) ([]store.AcceptResult, error)
}
