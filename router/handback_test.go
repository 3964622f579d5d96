package router_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
)

// TestSendHandedBackWhileTheConnectionRunsElsewhere: a channel whose
// connection runs on another instance (a linked device's lease) answers
// ErrNotHere; the send is handed back to the outbox, not retried here
// until it fails, and goes out once the connection is here, however many
// more times than the retry limit that takes.
func TestSendHandedBackWhileTheConnectionRunsElsewhere(t *testing.T) {
	defer router.SetHandBackDelay(5 * time.Millisecond)()
	notHere := connectors.Retryable("WhatsApp device not connected on this hub instance", 0, fmt.Errorf("device: %w", connectors.ErrNotHere))
	// OutboundRetries is 2: six refusals would fail the message if they
	// were retried here.
	e := newWindowEnv(t, notHere, notHere, notHere, notHere, notHere, notHere, nil)
	ctx := context.Background()
	conv := e.customer(t, "m1", time.Now().UTC())
	m, err := e.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: conv, Parts: switchboard.TextParts("on its way")})
	if err != nil {
		t.Fatal(err)
	}
	got := envWait(t, e.store, e.ws, m.ID, switchboard.StatusSent)
	if got.FailureReason != "" {
		t.Errorf("failure reason %q", got.FailureReason)
	}
	if n := len(e.conn.callTimes()); n != 7 {
		t.Errorf("the connector was asked %d times, want 7", n)
	}
	if n := len(e.conn.sentMessages()); n != 1 {
		t.Errorf("%d sends went out, want 1", n)
	}
}
