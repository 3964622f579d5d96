package device

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
)

// conformance keeps the fake client of the connector the suite built last
// (the suite's subtests run one after the other), and per connector the
// client whose session ended after an unacknowledged event.
var conformance struct {
	sync.Mutex
	current *fakeClient
	stale   map[*Connector]*fakeClient
}

func conformanceClient() *fakeClient {
	conformance.Lock()
	defer conformance.Unlock()
	return conformance.current
}

// liveClient waits for the connector's connected client, not the one whose
// session is ending for a redelivery.
func liveClient(t *testing.T, c *Connector) *fakeClient {
	t.Helper()
	var f *fakeClient
	waitFor(t, "a connected client", func() bool {
		cli, err := c.connected()
		if err != nil {
			return false
		}
		conformance.Lock()
		defer conformance.Unlock()
		f = cli.(*fakeClient)
		return f != conformance.stale[c]
	})
	return f
}

// TestConformance runs the connector suite: the events are whatsmeow's own,
// delivered to a running connector through its fake client; sends and
// their faults go through the replaced client interface.
func TestConformance(t *testing.T) {
	conformance.stale = map[*Connector]*fakeClient{}
	deliver := func(evt any) func(t *testing.T, c connectors.Connector, _ connectors.Deps) error {
		return func(t *testing.T, c connectors.Connector, _ connectors.Deps) error {
			f := liveClient(t, c.(*Connector))
			if !f.dispatch(evt) {
				conformance.Lock()
				conformance.stale[c.(*Connector)] = f
				conformance.Unlock()
				return errors.New("not acknowledged to WhatsApp")
			}
			return nil
		}
	}
	connectortest.Run(t, connectortest.Harness{
		ChannelID: testChannel,
		New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
			deps.Database = pairedDB(t)
			c, err := New(Config{Mode: Mode}, deps)
			if err != nil {
				t.Fatal(err)
			}
			clients := make(chan *fakeClient, 8)
			c.newClient = func(dev deviceHandle) waClient {
				f := newFakeClient(dev)
				f.downloads["/v/photo"] = photo
				clients <- f
				return f
			}
			c.backoff = func(int) time.Duration { return time.Millisecond }
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); c.Run(ctx) }()
			t.Cleanup(func() { cancel(); <-done })
			var f *fakeClient
			select {
			case f = <-clients:
				<-f.online
			case <-time.After(10 * time.Second):
				t.Fatal("no client")
			}
			f.dispatch(&events.Connected{})
			waitFor(t, "connected", func() bool { return c.lastStatus().State == switchboard.ChannelOK })
			conformance.Lock()
			conformance.current = f
			conformance.Unlock()
			return c
		},
		Inbound: []connectortest.InboundCase{
			{Name: "text", Deliver: deliver(incoming("C1", &waE2E.Message{Conversation: proto.String("hello")})),
				Want: []switchboard.Inbound{{Kind: switchboard.InboundMessage, ExternalID: "C1", Sender: customerID,
					Profile: switchboard.Profile{Name: "Anna", Phone: "+4915112345678"}, Parts: switchboard.TextParts("hello"), At: sentAt}}},
			{Name: "image", Deliver: deliver(incoming("C2", &waE2E.Message{ImageMessage: &waE2E.ImageMessage{DirectPath: proto.String("/v/photo"), Mimetype: proto.String("image/png")}})),
				Want: []switchboard.Inbound{{Kind: switchboard.InboundMessage, ExternalID: "C2", Sender: customerID,
					Profile: switchboard.Profile{Name: "Anna", Phone: "+4915112345678"}, At: sentAt, Parts: []switchboard.Part{{Kind: switchboard.PartImage,
						Attachment: &switchboard.Attachment{MediaID: connectortest.MediaID(photo), ContentType: "image/png", Size: int64(len(photo))}}}}}},
			{Name: "read receipt", Deliver: deliver(&events.Receipt{MessageSource: types.MessageSource{Chat: customer, Sender: customer},
				MessageIDs: []types.MessageID{"3EB0R"}, Timestamp: sentAt, Type: types.ReceiptTypeRead}),
				Want: []switchboard.Inbound{{Kind: switchboard.InboundStatus, ExternalID: "3EB0R", Sender: customerID, Status: switchboard.StatusRead, At: sentAt}}},
			{Name: "group message ignored", Deliver: deliver(&events.Message{Info: types.MessageInfo{
				MessageSource: types.MessageSource{Chat: types.NewJID("1203630", types.GroupServer), Sender: customer, IsGroup: true}, ID: "G", Timestamp: sentAt},
				Message: &waE2E.Message{Conversation: proto.String("x")}})},
		},
		Outbound: []connectortest.OutboundCase{
			{Name: "text", Message: connectors.OutboundMessage{Recipient: customerID, Parts: switchboard.TextParts("Thanks, we'll ship it today.")},
				Check: func(t *testing.T, res connectors.SendResult) {
					sent := conformanceClient().sentMessages()
					if len(sent) != 1 || sent[0].Message.GetConversation() != "Thanks, we'll ship it today." || res.ExternalID != switchboard.ExternalID(sent[0].ID) {
						t.Fatalf("sent %v, result %+v", sent, res)
					}
				}},
			{Name: "location", Message: connectors.OutboundMessage{Recipient: customerID, Parts: []switchboard.Part{{Kind: switchboard.PartLocation,
				Location: &switchboard.Location{Latitude: 1, Longitude: 2}}}},
				Check: func(t *testing.T, res connectors.SendResult) {
					if sent := conformanceClient().sentMessages(); len(sent) != 1 || sent[0].Message.GetLocationMessage() == nil {
						t.Fatalf("sent %v", sent)
					}
				}},
		},
		InjectFault: func(f connectortest.Fault) {
			var err error
			switch {
			case f.Hang:
				err = whatsmeow.ErrMessageTimedOut
			case f.Status == http.StatusTooManyRequests:
				err = whatsmeow.ErrIQRateOverLimit
			case f.Status >= 500:
				err = &whatsmeow.IQError{Code: f.Status, Text: "internal-server-error"}
			default:
				err = fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, f.Status)
			}
			fc := conformanceClient()
			fc.mu.Lock()
			fc.sendErrs = []error{err}
			fc.mu.Unlock()
		},
		FaultMessage: connectors.OutboundMessage{Recipient: customerID, Parts: switchboard.TextParts("hi")},
		Faults: []connectortest.FaultCase{
			{Name: "server refused the message (400)", Fault: connectortest.Fault{Status: 400}, Want: connectortest.Permanent},
			{Name: "forbidden (403)", Fault: connectortest.Fault{Status: 403}, Want: connectortest.Permanent},
			{Name: "rate-overlimit (429)", Fault: connectortest.Fault{Status: 429}, Want: connectortest.Retryable},
			{Name: "server error (500)", Fault: connectortest.Fault{Status: 500}, Want: connectortest.Retryable},
			{Name: "no answer in time", Fault: connectortest.Fault{Hang: true}, Want: connectortest.Retryable},
		},
	})
}
