package connectortest

import "sync"

// FaultQueue holds the faults a fake provider was told to answer next, for
// fakes to embed: FailNext queues, Take pops one per request. It is safe
// for concurrent use; the zero value is empty.
type FaultQueue struct {
	mu      sync.Mutex
	pending []queuedFault
}

type queuedFault struct {
	fault Fault
	left  int
}

// FailNext makes the next n requests answer with f (after faults queued
// earlier).
func (q *FaultQueue) FailNext(n int, f Fault) {
	if n <= 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending = append(q.pending, queuedFault{fault: f, left: n})
}

// Take returns the fault the current request must answer with, if any.
func (q *FaultQueue) Take() (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return Fault{}, false
	}
	head := &q.pending[0]
	head.left--
	f := head.fault
	if head.left <= 0 {
		q.pending = q.pending[1:]
	}
	return f, true
}

// Clear forgets every queued fault.
func (q *FaultQueue) Clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending = nil
}
