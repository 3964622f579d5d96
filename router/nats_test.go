package router

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// TestNATSBusWorkOnceEventsEverywhere: two instances on one NATS
// namespace: each work message is handled by exactly one of them; each
// event reaches both; a message whose handler failed comes back.
func TestNATSBusWorkOnceEventsEverywhere(t *testing.T) {
	a, b := natsBusPair(t)

	var mu sync.Mutex
	work := map[string]int{}
	events := map[string]map[string]bool{"a": {}, "b": {}}
	failedOnce := map[string]bool{}
	ctx := context.Background()
	for name, bb := range map[string]*bus{"a": a, "b": b} {
		w, err := bb.work.Subscribe(ctx, TopicInbound)
		if err != nil {
			t.Fatal(err)
		}
		f, err := bb.fanout.Subscribe(ctx, TopicEvents)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for m := range w {
				mu.Lock()
				if string(m.Payload) == `{"message_id":"fails-once"}` && !failedOnce[name] && len(failedOnce) == 0 {
					failedOnce[name] = true
					mu.Unlock()
					m.Nack()
					continue
				}
				work[string(m.Payload)]++
				mu.Unlock()
				m.Ack()
			}
		}()
		go func() {
			for m := range f {
				mu.Lock()
				events[name][string(m.Payload)] = true
				mu.Unlock()
				m.Ack()
			}
		}()
	}
	// Wait until both instances' consumers exist (publishing before would
	// not reach a fan-out consumer that starts at new messages).
	waitHealthy(t, a, b)
	deadline := time.Now().Add(10 * time.Second)
	probe := 0
	for {
		probe++
		payload := fmt.Sprintf(`{"conversation_id":"probe-%d"}`, probe)
		if err := a.pub.Publish(TopicEvents, message.NewMessage(fmt.Sprint("probe", probe), []byte(payload))); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		ready := events["a"][payload] && events["b"][payload]
		mu.Unlock()
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("fan-out consumers did not start")
		}
	}

	const n = 60
	for i := range n {
		payload := fmt.Sprintf(`{"message_id":"m%d"}`, i)
		if i == 0 {
			payload = `{"message_id":"fails-once"}`
		}
		if err := a.pub.Publish(TopicInbound, message.NewMessage(fmt.Sprint("w", i), []byte(payload))); err != nil {
			t.Fatal(err)
		}
		// Published twice with the same id (a relay retry): stored once.
		if err := b.pub.Publish(TopicInbound, message.NewMessage(fmt.Sprint("w", i), []byte(payload))); err != nil {
			t.Fatal(err)
		}
		ev := fmt.Sprintf(`{"conversation_id":"c%d"}`, i)
		if err := b.pub.Publish(TopicEvents, message.NewMessage(fmt.Sprint("e", i), []byte(ev))); err != nil {
			t.Fatal(err)
		}
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		done := len(work) == n && len(events["a"]) >= n+1 && len(events["b"]) >= n+1
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			mu.Lock()
			t.Fatalf("work %d/%d, events a %d b %d", len(work), n, len(events["a"]), len(events["b"]))
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	for k, c := range work {
		if c != 1 {
			t.Errorf("work message %s handled %d times", k, c)
		}
	}
	for i := range n {
		ev := fmt.Sprintf(`{"conversation_id":"c%d"}`, i)
		if !events["a"][ev] || !events["b"][ev] {
			t.Errorf("event %s: a %v b %v", ev, events["a"][ev], events["b"][ev])
		}
	}
}
