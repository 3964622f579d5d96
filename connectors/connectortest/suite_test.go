package connectortest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
)

// socketConnector is a connector without webhooks (like the site chat):
// events arrive over its own connection, modelled by receive.
type socketConnector struct {
	deps connectors.Deps
	sent []connectors.OutboundMessage
}

func (c *socketConnector) Type() string { return "toysocket" }

func (c *socketConnector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{Text: true, MaxTextLength: 1000}
}

func (c *socketConnector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	c.sent = append(c.sent, msg)
	return connectors.SendResult{ExternalID: switchboard.ExternalID("out-" + string(msg.MessageID)), Status: switchboard.StatusDelivered}, nil
}

// receive is what the connector does with a visitor's frame: normalise,
// Accept, and report failure to the client so it resends.
func (c *socketConnector) receive(ctx context.Context, id, visitor, text string) error {
	return c.deps.Sink.Accept(ctx, []switchboard.Inbound{{
		Kind: switchboard.InboundMessage, ChannelID: c.deps.ChannelID, ExternalID: switchboard.ExternalID(id),
		Sender: switchboard.ExternalID(visitor), Parts: switchboard.TextParts(text), At: c.deps.Now(),
	}})
}

func TestRunWithDeliverCases(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var last *socketConnector
	connectortest.Run(t, connectortest.Harness{
		Now: now,
		New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
			last = &socketConnector{deps: deps}
			return last
		},
		Inbound: []connectortest.InboundCase{{
			Name: "visitor text",
			Deliver: func(t *testing.T, c connectors.Connector, deps connectors.Deps) error {
				return c.(*socketConnector).receive(context.Background(), "frame-1", "visitor-1", "hi")
			},
			Want: []switchboard.Inbound{{Kind: switchboard.InboundMessage, ExternalID: "frame-1", Sender: "visitor-1", Parts: switchboard.TextParts("hi"), At: now}},
		}},
		Outbound: []connectortest.OutboundCase{{
			Name:    "text",
			Message: connectors.OutboundMessage{Recipient: "visitor-1", Parts: switchboard.TextParts("hello")},
			Check: func(t *testing.T, res connectors.SendResult) {
				if len(last.sent) != 1 || res.ExternalID == "" {
					t.Errorf("sent %+v, result %+v", last.sent, res)
				}
			},
		}},
	})
}

func TestValidateInbound(t *testing.T) {
	t.Parallel()
	at := time.Now()
	good := switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: "c", ExternalID: "e", Sender: "s", Parts: switchboard.TextParts("x"), At: at}
	tests := []struct {
		name   string
		mutate func(*switchboard.Inbound)
		ok     bool
	}{
		{"good", func(*switchboard.Inbound) {}, true},
		{"unknown kind", func(in *switchboard.Inbound) { in.Kind = "poke" }, false},
		{"no external id", func(in *switchboard.Inbound) { in.ExternalID = "" }, false},
		{"no sender", func(in *switchboard.Inbound) { in.Sender = "" }, false},
		{"no parts", func(in *switchboard.Inbound) { in.Parts = nil }, false},
		{"empty text", func(in *switchboard.Inbound) { in.Parts = switchboard.TextParts("") }, false},
		{"media without attachment", func(in *switchboard.Inbound) { in.Parts = []switchboard.Part{{Kind: switchboard.PartImage}} }, false},
		{"reply token without expiry", func(in *switchboard.Inbound) { in.ReplyToken = "r" }, false},
		{"no time", func(in *switchboard.Inbound) { in.At = time.Time{} }, false},
		{"receipt", func(in *switchboard.Inbound) {
			*in = switchboard.Inbound{Kind: switchboard.InboundStatus, ChannelID: "c", ExternalID: "e", Status: switchboard.StatusRead, At: at}
		}, true},
		{"receipt without status", func(in *switchboard.Inbound) { in.Kind, in.Parts = switchboard.InboundStatus, nil }, false},
	}
	for _, tt := range tests {
		in := good
		tt.mutate(&in)
		if err := connectortest.ValidateInbound(in); (err == nil) != tt.ok {
			t.Errorf("%s: ValidateInbound = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestSinkDeduplicates(t *testing.T) {
	t.Parallel()
	s := connectortest.NewSink()
	at := time.Now()
	msg := switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: "c", ExternalID: "m1", Sender: "u", Parts: switchboard.TextParts("x"), At: at}
	sent := switchboard.Inbound{Kind: switchboard.InboundStatus, ChannelID: "c", ExternalID: "o1", Status: switchboard.StatusSent, At: at}
	delivered := sent
	delivered.Status = switchboard.StatusDelivered
	for range 2 {
		if err := s.Accept(context.Background(), []switchboard.Inbound{msg, sent, delivered}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.Stored()); n != 3 {
		t.Errorf("stored %d, want 3 (message once, each receipt status once)", n)
	}
	s.FailWith(errors.New("down"))
	if err := s.Accept(context.Background(), []switchboard.Inbound{msg}); err == nil {
		t.Error("FailWith not honoured")
	}
}
