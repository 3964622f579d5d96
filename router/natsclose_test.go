package router

import (
	"testing"

	"github.com/nats-io/nats.go/jetstream"
)

type fakeJSConsumer struct {
	jetstream.Consumer
	msg jetstream.Msg
}

func (c fakeJSConsumer) Consume(h jetstream.MessageHandler, _ ...jetstream.PullConsumeOpt) (jetstream.ConsumeContext, error) {
	h(c.msg)
	return nil, nil
}

type fakeJSMsg struct {
	jetstream.Msg
	naks int
}

func (m *fakeJSMsg) Nak() error { m.naks++; return nil }

// TestClosingSafeConsumer: the library's send on its closed output
// channel (a subscription ending while a message is in flight) becomes a
// nak, so JetStream redelivers the message and the process lives; any
// other panic is not swallowed.
func TestClosingSafeConsumer(t *testing.T) {
	msg := &fakeJSMsg{}
	out := make(chan int)
	close(out)
	if _, err := (closingSafeConsumer{fakeJSConsumer{msg: msg}}).Consume(func(jetstream.Msg) { out <- 1 }); err != nil {
		t.Fatal(err)
	}
	if msg.naks != 1 {
		t.Fatalf("naks = %d, want 1", msg.naks)
	}
	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("recovered %v, want the handler's own panic", r)
		}
	}()
	_, _ = (closingSafeConsumer{fakeJSConsumer{msg: msg}}).Consume(func(jetstream.Msg) { panic("boom") })
	t.Fatal("the handler's panic was swallowed")
}
