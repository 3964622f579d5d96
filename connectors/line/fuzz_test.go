package line

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/line/fake"
)

// fuzzSeeds are webhook bodies of every kind the connector handles, plus
// shapes LINE documents but the hub ignores.
func fuzzSeeds() [][]byte {
	m := meta("01HZX3J8Q3W2K5", userKen, "rt")
	group := fake.MessageEvent(m, &webhook.TextMessageContent{Id: "1", Text: "group"})
	group.Source = &webhook.GroupSource{GroupId: "C1", UserId: userKen}
	return [][]byte{
		fake.Body(),
		fake.Body(fake.MessageEvent(m, &webhook.TextMessageContent{Id: "1", Text: "hello $", Emojis: []webhook.Emoji{{Index: 6, Length: 1, ProductId: "p", EmojiId: "e"}}})),
		fake.Body(fake.MessageEvent(m, &webhook.ImageMessageContent{Id: "m-image", ContentProvider: &webhook.ContentProvider{Type: "line"}})),
		fake.Body(fake.MessageEvent(m, &webhook.ImageMessageContent{Id: "2", ContentProvider: &webhook.ContentProvider{Type: "external", OriginalContentUrl: "https://x/y"}})),
		fake.Body(fake.MessageEvent(m, &webhook.VideoMessageContent{Id: "m-video", Duration: 100})),
		fake.Body(fake.MessageEvent(m, &webhook.AudioMessageContent{Id: "m-audio", Duration: -5})),
		fake.Body(fake.MessageEvent(m, &webhook.FileMessageContent{Id: "m-file", FileName: "a.pdf", FileSize: 3})),
		fake.Body(fake.MessageEvent(m, &webhook.LocationMessageContent{Id: "3", Latitude: 1, Longitude: 2})),
		fake.Body(fake.MessageEvent(m, &webhook.StickerMessageContent{Id: "4", PackageId: "1", StickerId: "2"})),
		fake.Body(fake.FollowEvent(m), fake.UnfollowEvent(m), fake.PostbackEvent(m, "a=1")),
		fake.Body(group),
		[]byte(`{"destination":"U1","events":[{"type":"beacon","source":{"type":"user","userId":"U1"},"timestamp":1,"webhookEventId":"b"}]}`),
		[]byte(`{"destination":"U1","events":[{"type":"message","source":{"type":"user","userId":"U1"},"timestamp":99999999999999999,"webhookEventId":"x","message":{"type":"text","id":"1","text":""}}]}`),
		[]byte(`{"events":[{"type":"message","message":{"type":"hologram","id":"1"},"source":{"type":"user"}}]}`),
		[]byte(`{"events":[null]}`),
	}
}

// FuzzWebhook signs arbitrary bodies so the parser and normaliser are
// exercised behind a valid signature. The handler must never panic, must
// answer 200 or 400, and must never hand the Sink a malformed event (the
// recording Sink validates every event) or one that cannot be encoded.
func FuzzWebhook(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	fk := newFake(f)
	h := harness(fk)
	f.Fuzz(func(t *testing.T, body []byte) {
		env := h.NewEnv(t)
		c := env.Conn.(*Connector)
		req := fake.SignedWebhook(env.Deps.WebhookURL, testSecret, body)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rec := httptest.NewRecorder()
		c.HandleWebhook(rec, req.WithContext(ctx))
		connectortest.CheckFuzzedWebhook(t, rec.Code, rec.Body.String(), env.Sink)
	})
}
