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
	ctx     context.Context
	items   []store.AcceptItem
	results []store.AcceptResult
	err     error
	done    chan struct{}
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
	in.once.Do(func() {
		for range in.writers {
			go in.run()
		}
	})
	req := &intakeRequest{ctx: ctx, items: items, done: make(chan struct{})}
	select {
	case in.requests <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Once queued the request is committed or failed by the writer; waiting
	// for it even if ctx ends keeps "answered ⇒ committed" true.
	<-req.done
	return req.results, req.err
}

func (in *intake) run() {
	linger := time.NewTimer(0)
	<-linger.C
	last := 0 // requests in the previous batch
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
		last = len(batch)
		in.commit(batch, n)
	}
}

func (in *intake) commit(batch []*intakeRequest, n int) {
	live := batch[:0]
	for _, req := range batch {
		if req.ctx.Err() != nil {
			req.err = req.ctx.Err()
			close(req.done)
			continue
		}
		live = append(live, req)
	}
	if len(live) == 0 {
		return
	}
	if len(live) > 1 {
		items := make([]store.AcceptItem, 0, n)
		for _, req := range live {
			items = append(items, req.items...)
		}
		results, err := in.store.Accept(context.Background(), items)
		if err == nil {
			off := 0
			for _, req := range live {
				req.results = results[off : off+len(req.items)]
				off += len(req.items)
				close(req.done)
			}
			return
		}
		// One request may carry what the store refuses: commit each alone so
		// the others are not failed with it.
	}
	for _, req := range live {
		req.results, req.err = in.store.Accept(req.ctx, req.items)
		close(req.done)
	}
}
