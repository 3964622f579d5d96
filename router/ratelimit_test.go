package router_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
)

// TestRateLimitPacesSends: a channel's rate_limit spaces its sends (here
// 20 per second: 50ms apart) and keeps their order; the key never reaches
// the connector's config.
func TestRateLimitPacesSends(t *testing.T) {
	ctx := context.Background()
	script := &scripted{}
	st, ws, ch := newScriptedStore(t, script, `{"rate_limit": 20}`)
	rt, err := router.New(st, router.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), OutboxLease: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	runRouter(t, rt)
	res, err := rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: ch, ExternalID: "m1", Sender: "u1", Parts: switchboard.TextParts("hello")}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 5
	// Slots are taken from now on, 50ms apart, and no send goes before its
	// slot: the i-th cannot come before start + i×50ms (less a millisecond
	// for the store's time resolution), however late the first one ran.
	start := time.Now()
	for i := range n {
		if _, err := rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: ws, ConversationID: res[0].ConversationID, Parts: switchboard.TextParts(string(rune('a' + i)))}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(script.callTimes()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d replies sent", len(script.callTimes()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	calls := script.callTimes()
	for i := 1; i < n; i++ {
		if earliest := start.Add(time.Duration(i)*50*time.Millisecond - time.Millisecond); calls[i].Before(earliest) {
			t.Errorf("send %d came %v after the replies were accepted; at 20/s it cannot come before %v", i, calls[i].Sub(start), time.Duration(i)*50*time.Millisecond)
		}
	}
	script.mu.Lock()
	defer script.mu.Unlock()
	for i, m := range script.sent {
		if got := (switchboard.Message{Parts: m.Parts}).Text(); got != string(rune('a'+i)) {
			t.Errorf("send %d = %q: order lost", i, got)
		}
	}
}

func TestSplitRateLimit(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: `{"a":1}`, want: `{"a":1}`},
		{in: `{"a":1,"rate_limit":2.5}`, want: `{"a":1}`},
		{in: `{"rate_limit":0}`, want: `{}`},
		{in: `{"rate_limit":-1}`, err: "rate_limit: must be a number"},
		{in: `{"rate_limit":"fast"}`, err: "rate_limit: must be a number"},
	} {
		got, err := router.SplitRateLimit(json.RawMessage(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}
