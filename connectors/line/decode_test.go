package line

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// TestDecodeEventsMatchesSDK: for every body the SDK's CallbackRequest
// parses, the one-pass decoder yields the same events in every field
// normalize reads; bodies that are not JSON objects are refused by both.
func TestDecodeEventsMatchesSDK(t *testing.T) {
	bodies := fuzzSeeds()
	bodies = append(bodies,
		[]byte(`{"destination":"U1","events":[]}`),
		[]byte(`{"destination":"U1","events":[{"type":"message","mode":"active","timestamp":1700000000000,"source":{"type":"room","roomId":"R1","userId":"U2"},"webhookEventId":"e1","deliveryContext":{"isRedelivery":true},"replyToken":"rt","message":{"type":"text","id":"9","quoteToken":"q","text":"hi","mention":{"mentionees":[{"index":0,"length":3,"type":"all"}]}}}]}`),
		[]byte(`{"events":[{"type":"postback","source":{"type":"user","userId":"U3"},"webhookEventId":"p1","postback":{"data":"d","params":{"date":"2026-11-25"}}}]}`),
		[]byte(`{"events":[{"type":"message","source":{"type":"robot","userId":"U4"},"webhookEventId":"x","message":{"type":"sticker","id":"5","packageId":"1","stickerId":"2","stickerResourceType":"STATIC","keywords":["a"],"text":"(wink)"}}]}`),
		[]byte(`{"events":[{"type":"memberJoined","source":{"type":"group","groupId":"G1"},"joined":{"members":[]}}]}`),
	)
	compared := 0
	for i, body := range bodies {
		var cb webhook.CallbackRequest
		sdkErr := json.Unmarshal(body, &cb)
		got, err := decodeEvents(body)
		if sdkErr != nil {
			continue // the one-pass decoder may be more lenient (e.g. a null event is skipped)
		}
		if err != nil {
			t.Errorf("body %d: the SDK parses it, decodeEvents says %v\n%s", i, err, body)
			continue
		}
		compared++
		want := make([]webhook.EventInterface, len(cb.Events))
		for j, ev := range cb.Events {
			want[j] = reduceEvent(ev)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body %d:\n got %#v\nwant %#v\n%s", i, got, want, body)
		}
	}
	if compared < len(bodies)-1 {
		t.Errorf("only %d of %d bodies parsed by the SDK: the comparison proves little", compared, len(bodies))
	}
	for _, bad := range []string{``, `[]`, `{"events":{}}`, `{"events":[{"type":1}]}`, `{"events":[{"type":"message","timestamp":"x"}]}`} {
		if _, err := decodeEvents([]byte(bad)); err == nil {
			t.Errorf("decodeEvents(%q) = nil error", bad)
		}
	}
}

// reduceEvent keeps the fields of an SDK-decoded event that decodeEvents
// carries.
func reduceEvent(ev webhook.EventInterface) webhook.EventInterface {
	switch e := ev.(type) {
	case webhook.MessageEvent:
		return webhook.MessageEvent{Source: reduceSource(e.Source), Timestamp: e.Timestamp, WebhookEventId: e.WebhookEventId,
			ReplyToken: e.ReplyToken, Message: reduceContent(e.Message)}
	case webhook.FollowEvent:
		return webhook.FollowEvent{Source: reduceSource(e.Source), Timestamp: e.Timestamp, WebhookEventId: e.WebhookEventId, ReplyToken: e.ReplyToken}
	case webhook.UnfollowEvent:
		return webhook.UnfollowEvent{Source: reduceSource(e.Source), Timestamp: e.Timestamp, WebhookEventId: e.WebhookEventId}
	case webhook.PostbackEvent:
		return webhook.PostbackEvent{Source: reduceSource(e.Source), Timestamp: e.Timestamp, WebhookEventId: e.WebhookEventId,
			ReplyToken: e.ReplyToken, Postback: e.Postback}
	}
	return webhook.UnknownEvent{Type: ev.GetType()}
}

func reduceSource(s webhook.SourceInterface) webhook.SourceInterface {
	switch s := s.(type) {
	case webhook.UserSource:
		return webhook.UserSource{UserId: s.UserId}
	case webhook.GroupSource:
		return webhook.GroupSource{GroupId: s.GroupId, UserId: s.UserId}
	case webhook.RoomSource:
		return webhook.RoomSource{RoomId: s.RoomId, UserId: s.UserId}
	}
	return nil
}

func reduceContent(c webhook.MessageContentInterface) webhook.MessageContentInterface {
	switch m := c.(type) {
	case nil:
		return nil
	case webhook.TextMessageContent:
		return webhook.TextMessageContent{Id: m.Id, Text: m.Text}
	case webhook.ImageMessageContent:
		return webhook.ImageMessageContent{Id: m.Id, ContentProvider: m.ContentProvider}
	case webhook.VideoMessageContent:
		return webhook.VideoMessageContent{Id: m.Id, Duration: m.Duration, ContentProvider: m.ContentProvider}
	case webhook.AudioMessageContent:
		return webhook.AudioMessageContent{Id: m.Id, Duration: m.Duration, ContentProvider: m.ContentProvider}
	case webhook.FileMessageContent:
		return webhook.FileMessageContent{Id: m.Id, FileName: m.FileName, FileSize: m.FileSize}
	case webhook.LocationMessageContent:
		return webhook.LocationMessageContent{Id: m.Id, Title: m.Title, Address: m.Address, Latitude: m.Latitude, Longitude: m.Longitude}
	case webhook.StickerMessageContent:
		return webhook.StickerMessageContent{Id: m.Id, PackageId: m.PackageId, StickerId: m.StickerId, Text: m.Text}
	}
	return webhook.UnknownMessageContent{Type: c.GetType()}
}
