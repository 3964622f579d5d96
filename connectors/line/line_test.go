package line

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/line/fake"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

const (
	testSecret = "line-test-channel-secret"
	testToken  = "line-test-access-token"
)

var (
	userKen  = "U" + strings.Repeat("a", 32)
	userAnon = "U" + strings.Repeat("b", 32)
	testNow  = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	eventAt  = testNow.Add(-2 * time.Second)
	kenProf  = switchboard.Profile{Name: "Ken", AvatarURL: "https://profile.line-scdn.net/ken", Language: "ja"}

	imageBody = []byte("\xff\xd8\xff\xe0 fake jpeg")
	videoBody = []byte("fake mp4")
	audioBody = []byte("fake m4a")
	fileBody  = []byte("%PDF-1.7 fake")
)

// newFake starts a LINE fake with Ken's profile and some message content.
func newFake(t testing.TB) *fake.Server {
	fk := fake.New(t, testToken)
	fk.AddProfile(messaging_api.UserProfileResponse{UserId: userKen, DisplayName: "Ken", PictureUrl: kenProf.AvatarURL, Language: "ja"})
	fk.AddContent("m-image", fake.Content{ContentType: "image/jpeg", Body: imageBody})
	fk.AddContent("m-video", fake.Content{ContentType: "video/mp4", Body: videoBody})
	fk.AddContent("m-audio", fake.Content{ContentType: "audio/x-m4a", Body: audioBody})
	fk.AddContent("m-file", fake.Content{ContentType: "application/pdf", Body: fileBody})
	return fk
}

func testConfig(fk *fake.Server) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"channel_secret":       testSecret,
		"channel_access_token": testToken,
		"api_base_url":         fk.URL,
		"data_api_base_url":    fk.URL,
		"send_timeout":         "5s",
	})
	return b
}

func newConnector(t *testing.T, fk *fake.Server, deps connectors.Deps) *Connector {
	t.Helper()
	c, err := New(testConfig(fk), deps)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// webhookCase builds an inbound case from events.
func webhookCase(name string, want []switchboard.Inbound, events ...webhook.EventInterface) connectortest.InboundCase {
	return connectortest.InboundCase{
		Name: name,
		Request: func(t *testing.T, deps connectors.Deps) *http.Request {
			return fake.SignedWebhook(deps.WebhookURL, testSecret, fake.Body(events...))
		},
		Want: want,
	}
}

func meta(id, user, replyToken string) fake.Meta {
	return fake.Meta{EventID: id, UserID: user, At: eventAt, ReplyToken: replyToken}
}

// message is the expected hub event of a LINE message from Ken.
func message(id, replyToken string, parts ...switchboard.Part) switchboard.Inbound {
	in := switchboard.Inbound{
		Kind: switchboard.InboundMessage, ExternalID: switchboard.ExternalID(id), Sender: switchboard.ExternalID(userKen),
		Profile: kenProf, Parts: parts, At: eventAt,
	}
	if replyToken != "" {
		in.ReplyToken, in.ReplyUntil = replyToken, eventAt.Add(50*time.Second)
	}
	return in
}

func media(kind switchboard.PartKind, body []byte, contentType string, fill func(*switchboard.Attachment)) switchboard.Part {
	a := &switchboard.Attachment{MediaID: connectortest.MediaID(body), ContentType: contentType, Size: int64(len(body))}
	if fill != nil {
		fill(a)
	}
	return switchboard.Part{Kind: kind, Attachment: a}
}

func inboundCases() []connectortest.InboundCase {
	text := fake.MessageEvent(meta("EV-TEXT", userKen, "rt-text"), &webhook.TextMessageContent{
		Id: "m-text", Text: "Hello $ there", QuoteToken: "q1",
		Emojis: []webhook.Emoji{{Index: 6, Length: 1, ProductId: "5ac1bfd5040ab15980c9b435", EmojiId: "001"}},
	})
	group := fake.MessageEvent(meta("EV-GROUP", userKen, "rt-g"), &webhook.TextMessageContent{Id: "m-g", Text: "in a group"})
	group.Source = &webhook.GroupSource{GroupId: "C" + strings.Repeat("1", 32), UserId: userKen}
	follow := fake.FollowEvent(meta("EV-FOLLOW", userKen, "rt-follow"))
	followWant := switchboard.Inbound{Kind: switchboard.InboundFollow, ExternalID: "EV-FOLLOW", Sender: switchboard.ExternalID(userKen),
		Profile: kenProf, At: eventAt, ReplyToken: "rt-follow", ReplyUntil: eventAt.Add(50 * time.Second)}
	anonText := fake.MessageEvent(meta("EV-ANON", userAnon, ""), &webhook.TextMessageContent{Id: "m-anon", Text: "who am I"})

	return []connectortest.InboundCase{
		webhookCase("text with emoji", []switchboard.Inbound{message("EV-TEXT", "rt-text", switchboard.TextParts("Hello $ there")...)}, text),
		webhookCase("image from LINE", []switchboard.Inbound{message("EV-IMAGE", "rt-i", media(switchboard.PartImage, imageBody, "image/jpeg", nil))},
			fake.MessageEvent(meta("EV-IMAGE", userKen, "rt-i"), &webhook.ImageMessageContent{Id: "m-image", ContentProvider: &webhook.ContentProvider{Type: webhook.ContentProviderTYPE_LINE}})),
		webhookCase("image from external provider", []switchboard.Inbound{message("EV-EXT", "", switchboard.Part{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{URL: "https://cdn.example.com/a.jpg"}})},
			fake.MessageEvent(meta("EV-EXT", userKen, ""), &webhook.ImageMessageContent{Id: "m-ext", ContentProvider: &webhook.ContentProvider{
				Type: webhook.ContentProviderTYPE_EXTERNAL, OriginalContentUrl: "https://cdn.example.com/a.jpg", PreviewImageUrl: "https://cdn.example.com/a-small.jpg"}})),
		webhookCase("video", []switchboard.Inbound{message("EV-VIDEO", "", media(switchboard.PartVideo, videoBody, "video/mp4", func(a *switchboard.Attachment) { a.DurationMS = 12000 }))},
			fake.MessageEvent(meta("EV-VIDEO", userKen, ""), &webhook.VideoMessageContent{Id: "m-video", Duration: 12000, ContentProvider: &webhook.ContentProvider{Type: webhook.ContentProviderTYPE_LINE}})),
		webhookCase("audio", []switchboard.Inbound{message("EV-AUDIO", "", media(switchboard.PartAudio, audioBody, "audio/x-m4a", func(a *switchboard.Attachment) { a.DurationMS = 3000 }))},
			fake.MessageEvent(meta("EV-AUDIO", userKen, ""), &webhook.AudioMessageContent{Id: "m-audio", Duration: 3000, ContentProvider: &webhook.ContentProvider{Type: webhook.ContentProviderTYPE_LINE}})),
		webhookCase("file", []switchboard.Inbound{message("EV-FILE", "", media(switchboard.PartFile, fileBody, "application/pdf", func(a *switchboard.Attachment) { a.Filename = "report.pdf" }))},
			fake.MessageEvent(meta("EV-FILE", userKen, ""), &webhook.FileMessageContent{Id: "m-file", FileName: "report.pdf", FileSize: 13})),
		webhookCase("content gone becomes placeholder", []switchboard.Inbound{message("EV-GONE", "", switchboard.TextParts("[image unavailable]")...)},
			fake.MessageEvent(meta("EV-GONE", userKen, ""), &webhook.ImageMessageContent{Id: "m-expired", ContentProvider: &webhook.ContentProvider{Type: webhook.ContentProviderTYPE_LINE}})),
		webhookCase("location", []switchboard.Inbound{message("EV-LOC", "", switchboard.Part{Kind: switchboard.PartLocation, Location: &switchboard.Location{Title: "Tokyo Tower", Address: "4-2-8 Shibakoen", Latitude: 35.6586, Longitude: 139.7454}})},
			fake.MessageEvent(meta("EV-LOC", userKen, ""), &webhook.LocationMessageContent{Id: "m-loc", Title: "Tokyo Tower", Address: "4-2-8 Shibakoen", Latitude: 35.6586, Longitude: 139.7454})),
		webhookCase("sticker", []switchboard.Inbound{message("EV-STICKER", "", switchboard.Part{Kind: switchboard.PartSticker, Sticker: &switchboard.Sticker{PackageID: "446", StickerID: "1988"}})},
			fake.MessageEvent(meta("EV-STICKER", userKen, ""), &webhook.StickerMessageContent{Id: "m-st", PackageId: "446", StickerId: "1988", StickerResourceType: webhook.StickerMessageContentSTICKER_RESOURCE_TYPE_STATIC, Keywords: []string{"hi"}})),
		webhookCase("follow", []switchboard.Inbound{followWant}, follow),
		webhookCase("unfollow", []switchboard.Inbound{{Kind: switchboard.InboundUnfollow, ExternalID: "EV-UNFOLLOW", Sender: switchboard.ExternalID(userKen), At: eventAt}},
			fake.UnfollowEvent(meta("EV-UNFOLLOW", userKen, ""))),
		webhookCase("postback", []switchboard.Inbound{message("EV-POSTBACK", "rt-pb", switchboard.TextParts("action=buy&item=42")...)},
			fake.PostbackEvent(meta("EV-POSTBACK", userKen, "rt-pb"), "action=buy&item=42")),
		webhookCase("several events, profile unavailable for one", []switchboard.Inbound{
			message("EV-TEXT", "rt-text", switchboard.TextParts("Hello $ there")...),
			{Kind: switchboard.InboundMessage, ExternalID: "EV-ANON", Sender: switchboard.ExternalID(userAnon), Parts: switchboard.TextParts("who am I"), At: eventAt},
		}, text, anonText),
		webhookCase("verification request without events", nil),
		webhookCase("group chat ignored", nil, group),
	}
}

func TestConformance(t *testing.T) {
	fk := newFake(t)
	const buttonsToken, replyToken = "reply-token-buttons", "reply-token-text"
	fk.AcceptReplyToken(buttonsToken)
	fk.AcceptReplyToken(replyToken)
	ken := switchboard.ExternalID(userKen)
	flex := []byte(`{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Order #42"}]}}`)

	connectortest.Run(t, connectortest.Harness{
		Type:    Type,
		Now:     testNow,
		Secrets: []string{testSecret, testToken},
		New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
			return newConnector(t, fk, deps)
		},
		Reset:           fk.Reset,
		SignatureHeader: SignatureHeader,
		Inbound:         inboundCases(),
		Redelivery: func(t *testing.T, deps connectors.Deps) *http.Request {
			m := meta("EV-TEXT", userKen, "rt-text")
			m.Redelivery = true
			ev := fake.MessageEvent(m, &webhook.TextMessageContent{Id: "m-text", Text: "Hello $ there", QuoteToken: "q1"})
			return fake.SignedWebhook(deps.WebhookURL, testSecret, fake.Body(ev))
		},
		Outbound: []connectortest.OutboundCase{
			{Name: "text push", Message: connectors.OutboundMessage{Recipient: ken, Parts: switchboard.TextParts("Thanks for writing!")},
				Check: checkWire(t, fk, "text_push", 1)},
			{Name: "text reply", Message: connectors.OutboundMessage{Recipient: ken, ReplyToken: replyToken, Parts: switchboard.TextParts("Free reply")},
				Check: checkWire(t, fk, "text_reply", 1)},
			{Name: "invalid reply token falls back to push", Message: connectors.OutboundMessage{Recipient: ken, ReplyToken: "expired", Parts: switchboard.TextParts("Late answer")},
				Check: checkWire(t, fk, "reply_fallback", 2)},
			{Name: "long text split", Message: connectors.OutboundMessage{Recipient: ken, Parts: switchboard.TextParts(strings.Repeat("あ", 5000) + strings.Repeat("b", 10))},
				Check: checkWire(t, fk, "long_text", 1)},
			{Name: "image", Message: connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartImage, Text: "our map", Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/m1"}}}},
				Check: checkWire(t, fk, "image", 1)},
			{Name: "audio with duration", Message: connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartAudio, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/a1", DurationMS: 4000}}}},
				Check: checkWire(t, fk, "audio", 1)},
			{Name: "video and file as links", Message: connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{
				{Kind: switchboard.PartVideo, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/v1"}},
				{Kind: switchboard.PartFile, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/f1", Filename: "invoice.pdf"}},
			}}, Check: checkWire(t, fk, "links", 1)},
			{Name: "location", Message: connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartLocation, Location: &switchboard.Location{Title: "Shop", Address: "1-1 Ginza", Latitude: 35.67, Longitude: 139.76}}}},
				Check: checkWire(t, fk, "location", 1)},
			{Name: "sticker", Message: connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartSticker, Sticker: &switchboard.Sticker{PackageID: "446", StickerID: "1988"}}}},
				Check: checkWire(t, fk, "sticker", 1)},
			{Name: "buttons as quick reply", Message: connectors.OutboundMessage{Recipient: ken, ReplyToken: buttonsToken, Parts: []switchboard.Part{
				{Kind: switchboard.PartText, Text: "How can we help?"},
				{Kind: switchboard.PartButtons, QuickReply: true, Buttons: []switchboard.Button{{Label: "Track order", Payload: "track"}, {Label: "Website", URL: "https://example.com"}}},
			}}, Check: checkWire(t, fk, "quick_reply", 1)},
			{Name: "buttons as a buttons template", Message: connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{
				{Kind: switchboard.PartButtons, Text: "Was this helpful?", Buttons: []switchboard.Button{{Label: "Yes", Payload: "yes"}, {Label: "No", Payload: "no"}, {Label: "FAQ", URL: "https://example.com/faq"}}},
			}}, Check: checkWire(t, fk, "buttons_template", 1)},
			{Name: "flex template", Message: connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartTemplate, Text: "Your order", Template: &switchboard.Template{Name: "order", Raw: flex}}}},
				Check: checkWire(t, fk, "flex", 1)},
			{Name: "more than five messages", Message: connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{
				{Kind: switchboard.PartText, Text: "1"}, {Kind: switchboard.PartText, Text: "2"}, {Kind: switchboard.PartText, Text: "3"},
				{Kind: switchboard.PartText, Text: "4"}, {Kind: switchboard.PartText, Text: "5"}, {Kind: switchboard.PartText, Text: "6"},
				{Kind: switchboard.PartButtons, QuickReply: true, Buttons: []switchboard.Button{{Label: "OK", Payload: "ok"}}},
			}}, Check: checkWire(t, fk, "chunked", 2)},
		},
		InjectFault:  func(f connectortest.Fault) { fk.FailNext(1, fake.Fault(f)) },
		FaultMessage: connectors.OutboundMessage{Recipient: ken, Parts: switchboard.TextParts("hello")},
	})
}

// checkWire checks that n requests reached the fake, each accepted, that
// the result names the first sent message, and that the bodies match the
// golden file testdata/outbound/<name>.json.
func checkWire(t *testing.T, fk *fake.Server, name string, n int) func(*testing.T, connectors.SendResult) {
	return func(t *testing.T, res connectors.SendResult) {
		reqs := fk.Requests()
		if len(reqs) != n {
			t.Fatalf("fake received %d requests, want %d: %+v", len(reqs), n, reqs)
		}
		var wire []any
		for _, r := range reqs {
			if r.Header.Get("Authorization") != "Bearer "+testToken {
				t.Errorf("%s: wrong Authorization header", r.Path)
			}
			if r.Path == "/v2/bot/message/push" && r.Header.Get("X-Line-Retry-Key") == "" {
				t.Errorf("push without retry key")
			}
			v, err := fake.DecodeJSON(r.Body)
			if err != nil {
				t.Fatalf("%s body is not JSON: %v", r.Path, err)
			}
			wire = append(wire, map[string]any{"method": r.Method, "path": r.Path, "status": r.Status, "retry_key": r.Header.Get("X-Line-Retry-Key") != "", "body": v})
		}
		last := reqs[len(reqs)-1]
		if last.Status != http.StatusOK {
			t.Errorf("last request answered %d: %s", last.Status, last.Body)
		}
		if res.ExternalID == "" {
			t.Error("SendResult.ExternalID is empty")
		}
		golden(t, filepath.Join("testdata", "outbound", name+".json"), wire)
	}
}

// golden compares v, as indented JSON, with a file; -update rewrites it.
func golden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("wire body differs from %s (run go test -update after checking):\n got: %s\nwant: %s", path, got, want)
	}
}
