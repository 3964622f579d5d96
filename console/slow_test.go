package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard"
)

// metric reads one value from /metrics.
func (f *fixture) metric(name string) float64 {
	f.t.Helper()
	resp, err := http.Get(f.srv.URL + "/metrics")
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return n
		}
	}
	return 0
}

// TestSlowStreamClientIsDropped: a console WebSocket that stops reading is
// dropped, while another client keeps receiving every event.
func TestSlowStreamClientIsDropped(t *testing.T) {
	f := newFixture(t)
	token := f.token(f.ws, switchboard.RoleAdmin)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dial := func() *websocket.Conn {
		c, _, err := websocket.Dial(ctx, strings.Replace(f.srv.URL, "http", "ws", 1)+"/api/v1/stream", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadLimit(1 << 20)
		return c
	}
	slow := dial() // never read
	defer slow.CloseNow()
	fast := dial()
	defer fast.CloseNow()
	droppedBefore := f.metric("switchboard_stream_dropped_total")

	// Events come in bursts of 100, each once the reading client has
	// caught up with the one before (well within the 256 frames a client
	// may fall behind), while the other client reads nothing at all.
	const total, burst = 3000, 100
	var got atomic.Int64
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for got.Load() < total {
			_, data, err := fast.Read(ctx)
			if err != nil {
				return
			}
			var ev struct{ Type string }
			if json.Unmarshal(data, &ev) == nil && ev.Type == "message.created" {
				got.Add(1)
			}
		}
	}()

	text := strings.Repeat("長文のメッセージ ", 300) // ~3.6 KB a frame
	for i := 0; i < total; i += burst {
		batch := make([]switchboard.Inbound, 0, burst)
		for j := i; j < i+burst; j++ {
			batch = append(batch, switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: "web", ExternalID: switchboard.ExternalID("m" + strconv.Itoa(j)),
				Sender: "v1", Parts: switchboard.TextParts(text)})
		}
		if err := f.rt.Hub.Accept(ctx, batch); err != nil {
			t.Fatal(err)
		}
		caughtUp := time.Now().Add(20 * time.Second)
		for got.Load() < int64(i+burst) {
			select {
			case <-readDone:
				t.Fatalf("the reading client's stream ended after %d of %d events", got.Load(), i+burst)
			default:
			}
			if time.Now().After(caughtUp) {
				t.Fatalf("the reading client got %d of %d events within 20s", got.Load(), i+burst)
			}
			time.Sleep(time.Millisecond)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for f.metric("switchboard_stream_dropped_total") <= droppedBefore {
		if time.Now().After(deadline) {
			t.Fatal("the client that stopped reading was never dropped")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
