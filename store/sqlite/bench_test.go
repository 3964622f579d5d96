package sqlite_test

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/sqlite"
)

// benchSenders is how many customers the benchmark's messages come from, so
// most messages land in an existing conversation, as in production.
const benchSenders = 1000

type benchEnv struct {
	s  *sqlite.Store
	ws switchboard.WorkspaceID
	ch switchboard.ChannelID
	n  atomic.Int64
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	s, ws, ch := openLine(b)
	return &benchEnv{s: s, ws: ws, ch: ch}
}

func (e *benchEnv) item() store.AcceptItem {
	i := e.n.Add(1)
	mid := switchboard.MessageID(switchboard.NewID("msg"))
	return store.AcceptItem{
		WorkspaceID: e.ws,
		ChannelType: "line",
		Inbound: switchboard.Inbound{
			Kind:       switchboard.InboundMessage,
			ChannelID:  e.ch,
			ExternalID: switchboard.ExternalID("ev" + strconv.FormatInt(i, 10)),
			Sender:     switchboard.ExternalID(fmt.Sprintf("U%d", i%benchSenders)),
			Parts:      switchboard.TextParts("こんにちは、営業時間を教えてください message " + strconv.FormatInt(i, 10)),
			At:         time.Now(),
		},
		MessageID:      mid,
		ContactID:      switchboard.ContactID(switchboard.NewID("ct")),
		ConversationID: switchboard.ConversationID(switchboard.NewID("cv")),
		Outbox:         []store.OutboxEntry{{Topic: "inbound", Key: string(mid), Payload: []byte(`{"message":"..."}`)}},
	}
}

func benchAccept(b *testing.B, batch int) {
	e := newBenchEnv(b)
	ctx := context.Background()
	items := make([]store.AcceptItem, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		for i := range items {
			items[i] = e.item()
		}
		b.StartTimer()
		if _, err := e.s.Accept(ctx, items); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkAccept stores one message per transaction.
func BenchmarkAccept(b *testing.B) { benchAccept(b, 1) }

// BenchmarkAcceptBatch stores 200 messages per transaction (group commit).
func BenchmarkAcceptBatch(b *testing.B) { benchAccept(b, 200) }

// BenchmarkAcceptParallel stores one message per transaction from several
// goroutines: they queue on the single writer connection.
func BenchmarkAcceptParallel(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.s.Accept(ctx, []store.AcceptItem{e.item()}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkFirstSeen is the smallest write transaction (one insert), a
// baseline for the cost of a commit on this machine.
func BenchmarkFirstSeen(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := e.s.FirstSeen(ctx, "k"+strconv.FormatInt(e.n.Add(1), 10)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHubBatch is the hub's intake under load: batches of 16 messages
// from known customers (with a profile, as LINE sends one) that also mark
// the previous batch's outbox rows done, as the relay's completions ride
// along with the group commit.
func BenchmarkHubBatch(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	const batch = 16
	items := make([]store.AcceptItem, batch)
	var done []int64
	fill := func() {
		for i := range items {
			items[i] = e.item()
			items[i].Inbound.Profile = switchboard.Profile{Name: "Customer " + string(items[i].Inbound.Sender)}
			items[i].Claim = 10 * time.Second
		}
	}
	// Seed every sender's conversation first.
	for range benchSenders / batch {
		fill()
		if _, err := e.s.Accept(ctx, items); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		fill()
		b.StartTimer()
		res, err := e.s.AcceptAndComplete(ctx, items, done)
		if err != nil {
			b.Fatal(err)
		}
		done = done[:0]
		for _, r := range res {
			for _, o := range r.Outbox {
				done = append(done, o.ID)
			}
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "items/s")
}
