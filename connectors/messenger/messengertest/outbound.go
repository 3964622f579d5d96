package messengertest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/messenger"
	"github.com/switchboardhq/switchboard/connectors/messenger/fake"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// OutboundCases are the outbound kinds with the Send API bodies the fake
// must have accepted, in order.
func (s Setup) OutboundCases(fk *fake.Server) []connectortest.OutboundCase {
	text := func(t string) *wire.SendMessage { return &wire.SendMessage{Text: t} }
	att := func(typ, url string) *wire.SendMessage {
		return &wire.SendMessage{Attachment: &wire.SendAttachment{Type: typ, Payload: wire.SendPayload{URL: url}}}
	}
	hourAgo := Now.Add(-time.Hour)
	long := strings.Repeat("word ", 500) // 2,500 characters
	longPieces := []*wire.SendMessage{text(long[:2000]), text(long[2000:])}
	if s.Flavor.Instagram {
		longPieces = []*wire.SendMessage{text(long[:1000]), text(long[1000:2000]), text(long[2000:])}
	}
	chips := []switchboard.Button{{Label: "Track order", Payload: "track"}, {Label: "Talk to a person", Payload: "human"}}
	cases := []struct {
		name  string
		parts []switchboard.Part
		last  time.Time
		want  []*wire.SendMessage
	}{
		{"text inside the window", switchboard.TextParts("Thanks for writing!"), hourAgo, []*wire.SendMessage{text("Thanks for writing!")}},
		{"text, customer time unknown", switchboard.TextParts("Hello"), time.Time{}, []*wire.SendMessage{text("Hello")}},
		{"long text split", switchboard.TextParts(long), hourAgo, longPieces},
		{"image with caption", []switchboard.Part{{Kind: switchboard.PartImage, Text: "our map", Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/m1"}}}, hourAgo,
			[]*wire.SendMessage{att("image", "https://hub.example.test/media/m1"), text("our map")}},
		{"video, audio and file", []switchboard.Part{
			{Kind: switchboard.PartVideo, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/v1"}},
			{Kind: switchboard.PartAudio, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/a1"}},
			{Kind: switchboard.PartFile, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/f1", Filename: "invoice.pdf"}},
		}, hourAgo, []*wire.SendMessage{att("video", "https://hub.example.test/media/v1"), att("audio", "https://hub.example.test/media/a1"), att("file", "https://hub.example.test/media/f1")}},
		{"quick replies on the text", []switchboard.Part{{Kind: switchboard.PartText, Text: "How can we help?"}, {Kind: switchboard.PartButtons, QuickReply: true, Buttons: chips}}, hourAgo,
			[]*wire.SendMessage{{Text: "How can we help?", QuickReplies: []wire.QuickReplyOut{
				{ContentType: "text", Title: "Track order", Payload: "track"}, {ContentType: "text", Title: "Talk to a person", Payload: "human"}}}}},
		{"button template", []switchboard.Part{{Kind: switchboard.PartButtons, Text: "Was this helpful?", Buttons: []switchboard.Button{
			{Label: "Yes", Payload: "yes"}, {Label: "No", Payload: "no"}, {Label: "Read the FAQ", URL: "https://example.com/faq"}}}}, hourAgo,
			[]*wire.SendMessage{{Attachment: &wire.SendAttachment{Type: "template", Payload: wire.SendPayload{TemplateType: "button", Text: "Was this helpful?", Buttons: []wire.Button{
				{Type: "postback", Title: "Yes", Payload: "yes"}, {Type: "postback", Title: "No", Payload: "no"}, {Type: "web_url", Title: "Read the FAQ", URL: "https://example.com/faq"}}}}}}},
		{"four buttons become quick replies", []switchboard.Part{{Kind: switchboard.PartButtons, Text: "Rate us", Buttons: []switchboard.Button{
			{Label: "1"}, {Label: "2"}, {Label: "3"}, {Label: "4"}}}}, hourAgo,
			[]*wire.SendMessage{{Text: "Rate us", QuickReplies: []wire.QuickReplyOut{
				{ContentType: "text", Title: "1", Payload: "1"}, {ContentType: "text", Title: "2", Payload: "2"}, {ContentType: "text", Title: "3", Payload: "3"}, {ContentType: "text", Title: "4", Payload: "4"}}}}},
	}
	out := make([]connectortest.OutboundCase, len(cases))
	for i, tc := range cases {
		id := switchboard.MessageID("msg_out_" + string(rune('a'+i)))
		out[i] = connectortest.OutboundCase{
			Name:    tc.name,
			Message: connectors.OutboundMessage{MessageID: id, Recipient: Customer, Parts: tc.parts, CustomerLastAt: tc.last},
			Check:   s.checkSends(fk, id, tc.want),
		}
	}
	return out
}

// checkSends checks that the fake accepted exactly want, in order, as
// RESPONSE messages to the customer on the Page's messages edge with the
// token, with the hub's metadata on Messenger, and that the result names
// the last.
func (s Setup) checkSends(fk *fake.Server, id switchboard.MessageID, want []*wire.SendMessage) func(*testing.T, connectors.SendResult) {
	return func(t *testing.T, res connectors.SendResult) {
		t.Helper()
		for _, r := range fk.Requests() {
			if r.Header.Get("Authorization") != "Bearer "+PageToken {
				t.Errorf("%s: wrong Authorization header", r.Path)
			}
		}
		sends := fk.Sends()
		if len(sends) != len(want) {
			t.Fatalf("fake accepted %d messages, want %d: %s", len(sends), len(want), dump(sends))
		}
		for i, got := range sends {
			w := *want[i]
			if !s.Flavor.Instagram {
				w.Metadata = messenger.MetadataPrefix + string(id)
			}
			wantReq := wire.SendRequest{Recipient: wire.Party{ID: Customer}, MessagingType: wire.TypeResponse, Message: &w}
			if g, e := dump(got.Request), dump(wantReq); g != e {
				t.Errorf("send %d:\n got %s\nwant %s", i, g, e)
			}
			if got.Path != "/"+Version+"/"+PageID+"/messages" {
				t.Errorf("send %d went to %s", i, got.Path)
			}
		}
		if last := sends[len(sends)-1].MessageID; res.ExternalID != switchboard.ExternalID(last) {
			t.Errorf("SendResult.ExternalID = %q, want the last piece's id %q", res.ExternalID, last)
		}
	}
}

func dump(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
