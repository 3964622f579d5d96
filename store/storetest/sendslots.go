package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/store"
)

// testTakeSendSlot: slots of one key are interval apart, unused time is not
// saved up, keys are independent, and concurrent callers (several hub
// instances) get distinct slots.
func testTakeSendSlot(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	const interval = 10 * time.Millisecond
	take := func(key string, at time.Time, iv time.Duration) time.Duration {
		t.Helper()
		wait, err := s.TakeSendSlot(ctx, key, iv, at)
		must(t, err, "TakeSendSlot")
		return wait
	}
	if w := take("channel:line", now, 0); w != 0 {
		t.Fatalf("no interval: wait %v, want 0", w)
	}
	for i, want := range []time.Duration{0, interval, 2 * interval} {
		if w := take("channel:line", now, interval); w != want {
			t.Fatalf("slot %d at the same instant: wait %v, want %v", i, w, want)
		}
	}
	if w := take("channel:sms", now, time.Second); w != 0 {
		t.Fatalf("another key waits %v, want 0", w)
	}
	if w := take("channel:sms", now.Add(300*time.Millisecond), time.Second); w != 700*time.Millisecond {
		t.Fatalf("second sms slot: wait %v, want 700ms", w)
	}
	// Idle time is not banked: long after the last slot, the next one is now.
	later := now.Add(time.Minute)
	if w := take("channel:line", later, interval); w != 0 {
		t.Fatalf("after idle: wait %v, want 0", w)
	}

	const n = 16
	waits := make([]time.Duration, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	at := later.Add(time.Hour)
	for i := range n {
		wg.Go(func() { waits[i], errs[i] = s.TakeSendSlot(ctx, "channel:busy", interval, at) })
	}
	wg.Wait()
	for _, err := range errs {
		must(t, err, "TakeSendSlot concurrent")
	}
	slices.Sort(waits)
	for i, w := range waits {
		if w != time.Duration(i)*interval {
			t.Fatalf("concurrent slots = %v, want 0, %v, … %v apart", waits, interval, interval)
		}
	}
}
