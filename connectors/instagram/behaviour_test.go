package instagram_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/instagram"
	"github.com/switchboardhq/switchboard/connectors/messenger"
	"github.com/switchboardhq/switchboard/connectors/messenger/fake"
	mt "github.com/switchboardhq/switchboard/connectors/messenger/messengertest"
)

func newConn(t *testing.T, extra map[string]any) (*messenger.Connector, *fake.Server, *connectortest.Sink) {
	t.Helper()
	fk := setup.NewFake(t, false)
	sink := connectortest.NewSink()
	c, err := instagram.New(setup.Config(fk, extra), connectors.Deps{ChannelID: "ig", Sink: sink, Media: connectortest.NewMediaStore(),
		Now: func() time.Time { return mt.Now }})
	if err != nil {
		t.Fatal(err)
	}
	return c, fk, sink
}

// Instagram counts its 1,000-character limit in UTF-8 bytes: Japanese text
// (3 bytes a character) is split on character boundaries the fake accepts.
func TestTextLimitInBytes(t *testing.T) {
	c, fk, _ := newConn(t, nil)
	text := strings.Repeat("ご注文ありがとうございます。", 40) // 560 characters, 1,680 bytes
	if _, err := c.Send(context.Background(), connectors.OutboundMessage{MessageID: "msg_ja", Recipient: mt.Customer, Parts: switchboard.TextParts(text)}); err != nil {
		t.Fatal(err)
	}
	sends := fk.Sends()
	var joined strings.Builder
	for _, s := range sends {
		got := s.Request.Message.Text
		if len(got) > 1000 || !utf8.ValidString(got) {
			t.Errorf("piece of %d bytes (valid UTF-8: %v)", len(got), utf8.ValidString(got))
		}
		if s.Request.Message.Metadata != "" {
			t.Error("Instagram send carries metadata")
		}
		joined.WriteString(got)
	}
	if len(sends) != 2 || joined.String() != text {
		t.Fatalf("%d pieces; joined equal: %v", len(sends), joined.String() == text)
	}
	if got := c.Capabilities().MaxTextLength; got != 1000 {
		t.Errorf("MaxTextLength = %d", got)
	}
}

// The echo of the hub's own send (Instagram carries no metadata) is
// recognised by its mid and not stored again; an echo from the Instagram
// app is stored as the page's message.
func TestOwnEchoSkipped(t *testing.T) {
	c, fk, sink := newConn(t, nil)
	if _, err := c.Send(context.Background(), connectors.OutboundMessage{MessageID: "msg_1", Recipient: mt.Customer, Parts: switchboard.TextParts("On its way!")}); err != nil {
		t.Fatal(err)
	}
	own := fake.EchoOf(fk.Sends()[0], mt.InstagramID, "", mt.EventAt)
	app := fake.Echo(mt.Customer, mt.InstagramID, "m_app", "Sent from the app", "1217981644879628", "", mt.EventAt)
	rec := httptest.NewRecorder()
	c.HandleWebhook(rec, fake.SignedWebhook("https://hub.example.test/webhooks/ig", mt.AppSecret, fake.Body("instagram", mt.InstagramID, mt.EventAt, own, app)))
	stored := sink.Stored()
	if rec.Code != http.StatusOK || len(stored) != 1 || stored[0].ExternalID != "m_app" || stored[0].Kind != switchboard.InboundEcho || stored[0].Via != messenger.ViaPageInbox {
		t.Fatalf("answer %d, stored %+v", rec.Code, stored)
	}
}

func TestConfigNeedsAccount(t *testing.T) {
	fk := setup.NewFake(t, false)
	_, err := instagram.New(setup.Config(fk, map[string]any{"instagram_account_id": ""}), connectors.Deps{})
	if err == nil || !strings.Contains(err.Error(), "instagram_account_id is required") {
		t.Fatalf("err = %v", err)
	}
}

func TestProfileFields(t *testing.T) {
	c, fk, sink := newConn(t, nil)
	req, err := c.SimulateText(context.Background(), "https://hub.example.test/webhooks/ig", mt.Customer, "hi")
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	c.HandleWebhook(rec, req)
	if rec.Code != http.StatusOK || len(sink.Stored()) != 1 || sink.Stored()[0].Profile.Name != "Ken Tanaka" {
		t.Fatalf("answer %d, stored %+v", rec.Code, sink.Stored())
	}
	for _, r := range fk.Requests() {
		if r.Path == "/"+mt.Version+"/"+mt.Customer && r.Query != "fields=name%2Cusername%2Cprofile_pic" {
			t.Errorf("profile asked for %s", r.Query)
		}
	}
}
