package messenger_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/messenger"
	"github.com/switchboardhq/switchboard/connectors/messenger/fake"
	mt "github.com/switchboardhq/switchboard/connectors/messenger/messengertest"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// BenchmarkWebhook measures intake of a signed batch of 20 text messages
// (signature, parse, normalise, one Accept) with profiles cached.
func BenchmarkWebhook(b *testing.B) {
	fk := setup.NewFake(b, false)
	c, err := messenger.New(setup.Config(fk, nil), connectors.Deps{ChannelID: "fb", Sink: discardSink{}, Media: connectortest.NewMediaStore(),
		Now: func() time.Time { return mt.Now }})
	if err != nil {
		b.Fatal(err)
	}
	events := make([]wire.Event, 20)
	for i := range events {
		events[i] = fake.Text(mt.Customer, mt.PageID, fmt.Sprintf("m_%d", i), "Where is my order?", mt.EventAt)
	}
	body := fake.Body("page", mt.PageID, mt.EventAt, events...)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		c.HandleWebhook(rec, fake.SignedWebhook("https://hub.example.test/webhooks/fb", mt.AppSecret, body))
		if rec.Code != http.StatusOK {
			b.Fatalf("answer %d", rec.Code)
		}
	}
}

type discardSink struct{}

func (discardSink) Accept(context.Context, []switchboard.Inbound) error { return nil }
