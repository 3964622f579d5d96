package slack

import (
	"context"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/connectors/slack/fake"
)

func TestSocketModeRepliesAndAcks(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, map[string]any{"app_token": "xapp-fake-app-token"})
	ts := e.openThread()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.conn.Run(runCtx) }()
	if err := e.api.WaitSocketConnected(ctx); err != nil {
		t.Fatalf("socket mode did not connect: %v", err)
	}

	payload := fake.MessageEvent(fake.ThreadMessage{EventID: "EvSOCKET1", Channel: testSlackChan, User: testSlackUser, ThreadTS: ts, Text: "// from socket mode"})
	for attempt := range 2 { // the second is Slack's redelivery of the same event
		id, err := e.api.SendSocketEvent(payload, attempt)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.api.WaitAck(ctx, id); err != nil {
			t.Fatalf("envelope %s not acknowledged: %v", id, err)
		}
	}
	replies := e.hub.replyRequests()
	if len(replies) != 1 || !replies[0].Note || replies[0].AuthorID != testOperator {
		t.Errorf("replies = %+v, want one note by %s", replies, testOperator)
	}

	// A hub failure leaves the envelope unacknowledged so Slack redelivers.
	e.hub.failNextReply(context.DeadlineExceeded)
	failing := fake.MessageEvent(fake.ThreadMessage{EventID: "EvSOCKET2", Channel: testSlackChan, User: testSlackUser, ThreadTS: ts, Text: "second"})
	id, err := e.api.SendSocketEvent(failing, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Envelopes are handled in order: once the next one is acked, the
	// failing one has been handled.
	next, err := e.api.SendSocketEvent(fake.URLVerification("x"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.api.WaitAck(ctx, next); err != nil {
		t.Fatal(err)
	}
	if e.api.Acked(id) {
		t.Error("envelope acknowledged although the hub failed")
	}

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after cancel", err)
		}
	case <-ctx.Done():
		t.Fatal("Run did not return after cancel")
	}
}

func TestRunWithoutAppTokenWaits(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.conn.Run(ctx); err != nil {
		t.Errorf("Run = %v", err)
	}
	if n := e.api.Calls("apps.connections.open"); n != 0 {
		t.Errorf("apps.connections.open calls = %d, want 0", n)
	}
}

func TestSocketModeUnknownInnerEventIsAcked(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, map[string]any{"app_token": "xapp-fake-app-token"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = e.conn.Run(runCtx) }()
	if err := e.api.WaitSocketConnected(ctx); err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"type":"event_callback","event_id":"EvX","event":{"type":"some_future_event","x":1}}`)
	id, err := e.api.SendSocketEvent(payload, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.api.WaitAck(ctx, id); err != nil {
		t.Fatalf("unknown event not acknowledged: %v", err)
	}
}
