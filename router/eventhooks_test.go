package router

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/switchboardhq/switchboard/router/natstest"
)

// TestNATSEventGroupsEachHearEveryEvent: on two instances, the mirror's
// reading of events and a group of its own ("events@notify", what
// Router.OnEvent subscribes) each get every event exactly once across
// the cluster: a second group does not take events from the first.
func TestNATSEventGroupsEachHearEveryEvent(t *testing.T) {
	srv := natstest.Start(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var buses []*bus
	for _, name := range []string{"a", "b"} {
		b, err := newBus(BusConfig{Driver: "nats", URL: srv.URL, Namespace: "t_groups", Instance: name, AckWait: 2 * time.Second}, log)
		if err != nil {
			t.Fatal(err)
		}
		defer b.close()
		buses = append(buses, b)
	}
	var mu sync.Mutex
	got := map[string]map[string]int{"mirror": {}, "notify": {}}
	ctx := context.Background()
	for _, b := range buses {
		for group, topic := range map[string]string{"mirror": TopicEvents, "notify": TopicEvents + groupSep + "notify"} {
			ch, err := b.work.Subscribe(ctx, topic)
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				for m := range ch {
					mu.Lock()
					got[group][string(m.Payload)]++
					mu.Unlock()
					m.Ack()
				}
			}()
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for buses[0].health() != nil || buses[1].health() != nil {
		if time.Now().After(deadline) {
			t.Fatal("NATS bus not healthy")
		}
		time.Sleep(10 * time.Millisecond)
	}
	const n = 40
	for i := range n {
		ev := fmt.Sprintf(`{"conversation_id":"c%d"}`, i)
		if err := buses[i%2].pub.Publish(TopicEvents, message.NewMessage(fmt.Sprint("e", i), []byte(ev))); err != nil {
			t.Fatal(err)
		}
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		done := len(got["mirror"]) == n && len(got["notify"]) == n
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			mu.Lock()
			t.Fatalf("mirror heard %d, notify %d of %d events", len(got["mirror"]), len(got["notify"]), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	for group, seen := range got {
		for ev, c := range seen {
			if c != 1 {
				t.Errorf("%s heard %s %d times", group, ev, c)
			}
		}
	}
}
