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
	ctx := context.Background()
	s := openTemp(b)
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	ws, err := s.DefaultWorkspace(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ch := switchboard.ChannelID("line-bench")
	if err := s.PutChannel(ctx, store.Channel{ID: ch, WorkspaceID: ws.ID, Type: "line"}); err != nil {
		b.Fatal(err)
	}
	return &benchEnv{s: s, ws: ws.ID, ch: ch}
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
