package device

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// mediaServer serves the hub's media URLs.
func mediaServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/media/photo.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(photo)
		case "/media/manual.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			w.Write([]byte("%PDF-1.7"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSend(t *testing.T) {
	r, f := pairedRig(t)
	srv := mediaServer(t)
	r.c.deps.HTTPClient = srv.Client()
	cases := []struct {
		name  string
		parts []switchboard.Part
		check func(t *testing.T, sent []sentMessage)
	}{
		{"text", switchboard.TextParts("Your order shipped today."), func(t *testing.T, sent []sentMessage) {
			if len(sent) != 1 || sent[0].Message.GetConversation() != "Your order shipped today." {
				t.Fatalf("sent %v", sent)
			}
		}},
		{"text parts joined, buttons as numbered options", []switchboard.Part{
			{Kind: switchboard.PartText, Text: "Which day suits you?"},
			{Kind: switchboard.PartButtons, Buttons: []switchboard.Button{{Label: "Monday", Payload: "mon"}, {Label: "Tuesday", Payload: "tue"}}},
		}, func(t *testing.T, sent []sentMessage) {
			text := sent[0].Message.GetConversation()
			if len(sent) != 1 || !strings.HasPrefix(text, "Which day suits you?\n\n") || !strings.Contains(text, "Monday") || !strings.Contains(text, "Tuesday") {
				t.Fatalf("sent %q", text)
			}
		}},
		{"image uploaded then sent with caption", []switchboard.Part{
			{Kind: switchboard.PartImage, Text: "here is the label", Attachment: &switchboard.Attachment{URL: srv.URL + "/media/photo.png"}},
		}, func(t *testing.T, sent []sentMessage) {
			im := sent[0].Message.GetImageMessage()
			if im == nil || im.GetCaption() != "here is the label" || im.GetMimetype() != "image/png" || im.GetDirectPath() == "" || im.GetFileLength() != uint64(len(photo)) {
				t.Fatalf("image message %v", im)
			}
			up := f.uploads[len(f.uploads)-1]
			if up.Type != whatsmeow.MediaImage || string(up.Body) != string(photo) {
				t.Fatalf("upload %s of %d bytes", up.Type, len(up.Body))
			}
		}},
		{"document keeps its file name", []switchboard.Part{
			{Kind: switchboard.PartFile, Attachment: &switchboard.Attachment{URL: srv.URL + "/media/manual.pdf", Filename: "manual.pdf"}},
		}, func(t *testing.T, sent []sentMessage) {
			dm := sent[0].Message.GetDocumentMessage()
			if dm == nil || dm.GetFileName() != "manual.pdf" || dm.GetMimetype() != "application/pdf" {
				t.Fatalf("document message %v", dm)
			}
			if f.uploads[len(f.uploads)-1].Type != whatsmeow.MediaDocument {
				t.Fatal("not uploaded as a document")
			}
		}},
		{"location", []switchboard.Part{{Kind: switchboard.PartLocation, Location: &switchboard.Location{Title: "Shop", Latitude: 35.68, Longitude: 139.76}}},
			func(t *testing.T, sent []sentMessage) {
				lm := sent[0].Message.GetLocationMessage()
				if lm == nil || lm.GetName() != "Shop" || lm.GetDegreesLatitude() != 35.68 || lm.GetDegreesLongitude() != 139.76 {
					t.Fatalf("location message %v", lm)
				}
			}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.sentMessages())
			id := switchboard.MessageID("msg_" + string(rune('a'+i)))
			res, err := r.c.Send(context.Background(), connectors.OutboundMessage{MessageID: id, Recipient: customerID, Parts: tc.parts})
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			sent := f.sentMessages()[before:]
			if res.Status != switchboard.StatusSent || res.ExternalID != switchboard.ExternalID(sent[len(sent)-1].ID) {
				t.Fatalf("result %+v, last sent id %s", res, sent[len(sent)-1].ID)
			}
			if sent[0].To != customer {
				t.Fatalf("sent to %s, want %s", sent[0].To, customer)
			}
			if sent[0].ID != messageID(id, 0) || !strings.HasPrefix(string(sent[0].ID), "3EB0") {
				t.Fatalf("message id %s is not derived from the hub's id", sent[0].ID)
			}
			tc.check(t, sent)
		})
	}
	t.Run("retry reuses the WhatsApp id", func(t *testing.T) {
		msg := connectors.OutboundMessage{MessageID: "msg_retry", Recipient: "+49 151 12345678", Parts: switchboard.TextParts("again")}
		a, err := r.c.Send(context.Background(), msg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.c.Send(context.Background(), msg)
		if err != nil || a.ExternalID != b.ExternalID {
			t.Fatalf("ids %s and %s (%v), want equal", a.ExternalID, b.ExternalID, err)
		}
	})
}

func TestSendErrors(t *testing.T) {
	r, f := pairedRig(t)
	srv := mediaServer(t)
	r.c.deps.HTTPClient = srv.Client()
	text := switchboard.TextParts("hi")
	cases := []struct {
		name      string
		recipient switchboard.ExternalID
		parts     []switchboard.Part
		sendErr   error
		permanent bool
	}{
		{"server refused the message", customerID, text, fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 479), true},
		{"rate limited", customerID, text, whatsmeow.ErrIQRateOverLimit, false},
		{"server error", customerID, text, whatsmeow.ErrIQInternalServerError, false},
		{"not connected", customerID, text, whatsmeow.ErrNotConnected, false},
		{"send timed out", customerID, text, whatsmeow.ErrMessageTimedOut, false},
		{"disconnected while waiting", customerID, text, whatsmeow.ErrIQDisconnected, false},
		{"unknown failure", customerID, text, errors.New("something odd"), false},
		{"not a WhatsApp id", "someone@example.com", text, nil, true},
		{"not an international number", "090-1234", text, nil, true},
		{"group recipient", "120363000000000000@g.us", text, nil, true},
		{"template part", customerID, []switchboard.Part{{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: "x"}}}, nil, true},
		{"media URL missing", customerID, []switchboard.Part{{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "m1"}}}, nil, true},
		{"media URL 404", customerID, []switchboard.Part{{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{URL: srv.URL + "/media/nope"}}}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.mu.Lock()
			f.sendErrs = []error{tc.sendErr}
			f.mu.Unlock()
			_, err := r.c.Send(context.Background(), connectors.OutboundMessage{MessageID: "m", Recipient: tc.recipient, Parts: tc.parts})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			var retryable *connectors.RetryableError
			if tc.permanent && !connectors.IsPermanent(err) {
				t.Fatalf("error %v is not permanent", err)
			}
			if !tc.permanent && (connectors.IsPermanent(err) || !errors.As(err, &retryable)) {
				t.Fatalf("error %v is not retryable", err)
			}
		})
	}
}

func TestSendWhenNotRunningHereIsRetryable(t *testing.T) {
	r := newRig(t, testDB(t), nil)
	_, err := r.c.Send(context.Background(), connectors.OutboundMessage{Recipient: customerID, Parts: switchboard.TextParts("hi")})
	if connectors.IsPermanent(err) || !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Send without a connection = %v, want retryable ErrNotRunning", err)
	}
	// An unpaired device is connected (showing QR codes) but cannot send.
	r.start()
	r.client()
	_, err = r.c.Send(context.Background(), connectors.OutboundMessage{Recipient: customerID, Parts: switchboard.TextParts("hi")})
	if connectors.IsPermanent(err) || !errors.Is(err, whatsmeow.ErrNotLoggedIn) {
		t.Fatalf("Send while unpaired = %v, want retryable", err)
	}
}

func TestRetractTypingAndReadReceipts(t *testing.T) {
	r, f := pairedRig(t)
	ctx := context.Background()
	if err := r.c.Retract(ctx, testChannel, customerID, "3EB0SENT"); err != nil {
		t.Fatal(err)
	}
	sent := f.sentMessages()
	pm := sent[len(sent)-1].Message.GetProtocolMessage()
	if pm.GetType() != waE2E.ProtocolMessage_REVOKE || pm.GetKey().GetID() != "3EB0SENT" || !pm.GetKey().GetFromMe() || pm.GetKey().GetRemoteJID() != customer.String() {
		t.Fatalf("revoke = %v", pm)
	}
	if err := r.c.SendTyping(ctx, customerID); err != nil {
		t.Fatal(err)
	}
	if len(f.presences) != 1 || f.presences[0] != types.ChatPresenceComposing {
		t.Fatalf("presences %v", f.presences)
	}
	if err := r.c.MarkRead(ctx, customerID, "T1"); err != nil {
		t.Fatal(err)
	}
	if len(f.reads) != 1 || f.reads[0].Chat != customer || len(f.reads[0].IDs) != 1 || f.reads[0].IDs[0] != "T1" {
		t.Fatalf("read receipts %+v", f.reads)
	}
	if err := r.c.Retract(ctx, testChannel, customerID, ""); !connectors.IsPermanent(err) {
		t.Fatalf("retract without an id = %v, want permanent", err)
	}
	var _ connectors.Retracter = r.c
	var _ connectors.TypingSender = r.c
	var _ connectors.ReadMarker = r.c
	var _ connectors.PhonePairer = r.c
	var _ connectors.Runner = r.c
}
