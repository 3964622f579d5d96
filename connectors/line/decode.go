package line

import (
	"encoding/json"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// wireBody is a webhook body with the fields normalize reads, decoded in
// one pass. The SDK's CallbackRequest.UnmarshalJSON decodes every event
// into a map and then each field on its own, scanning the body about ten
// times; on the intake path that was 12% of the hub's CPU per message.
// decodeEvents builds the SDK's own event types from it, so normalize
// sees what the SDK would have given it.
type wireBody struct {
	Destination string       `json:"destination"`
	Events      []*wireEvent `json:"events"`
}

type wireEvent struct {
	Type           string                   `json:"type"`
	WebhookEventID string                   `json:"webhookEventId"`
	Timestamp      int64                    `json:"timestamp"`
	ReplyToken     string                   `json:"replyToken"`
	Source         *wireSource              `json:"source"`
	Message        *wireMessage             `json:"message"`
	Postback       *webhook.PostbackContent `json:"postback"`
}

type wireSource struct {
	Type    string `json:"type"`
	UserID  string `json:"userId"`
	GroupID string `json:"groupId"`
	RoomID  string `json:"roomId"`
}

// wireMessage holds the fields of every message content type the hub
// keeps; Type says which apply.
type wireMessage struct {
	Type            string                   `json:"type"`
	ID              string                   `json:"id"`
	Text            string                   `json:"text"`
	ContentProvider *webhook.ContentProvider `json:"contentProvider"`
	Duration        int64                    `json:"duration"`
	FileName        string                   `json:"fileName"`
	FileSize        int32                    `json:"fileSize"`
	Title           string                   `json:"title"`
	Address         string                   `json:"address"`
	Latitude        float64                  `json:"latitude"`
	Longitude       float64                  `json:"longitude"`
	PackageID       string                   `json:"packageId"`
	StickerID       string                   `json:"stickerId"`
}

// decodeEvents parses a (verified) webhook body into the SDK's event
// types. Event, source and message types the hub does not handle come
// back as the SDK's Unknown types (or without a source), which normalize
// skips. An error means the body is not a webhook request.
func decodeEvents(body []byte) ([]webhook.EventInterface, error) {
	var b wireBody
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, err
	}
	events := make([]webhook.EventInterface, 0, len(b.Events))
	for _, e := range b.Events {
		if e == nil {
			continue
		}
		events = append(events, e.event())
	}
	return events, nil
}

func (e *wireEvent) event() webhook.EventInterface {
	src := e.Source.source()
	switch e.Type {
	case "message":
		return webhook.MessageEvent{Source: src, Timestamp: e.Timestamp, WebhookEventId: e.WebhookEventID,
			ReplyToken: e.ReplyToken, Message: e.Message.content()}
	case "follow":
		return webhook.FollowEvent{Source: src, Timestamp: e.Timestamp, WebhookEventId: e.WebhookEventID, ReplyToken: e.ReplyToken}
	case "unfollow":
		return webhook.UnfollowEvent{Source: src, Timestamp: e.Timestamp, WebhookEventId: e.WebhookEventID}
	case "postback":
		return webhook.PostbackEvent{Source: src, Timestamp: e.Timestamp, WebhookEventId: e.WebhookEventID,
			ReplyToken: e.ReplyToken, Postback: e.Postback}
	}
	return webhook.UnknownEvent{Type: e.Type}
}

func (s *wireSource) source() webhook.SourceInterface {
	if s == nil {
		return nil
	}
	switch s.Type {
	case "user":
		return webhook.UserSource{UserId: s.UserID}
	case "group":
		return webhook.GroupSource{GroupId: s.GroupID, UserId: s.UserID}
	case "room":
		return webhook.RoomSource{RoomId: s.RoomID, UserId: s.UserID}
	}
	return nil
}

func (m *wireMessage) content() webhook.MessageContentInterface {
	if m == nil {
		return nil
	}
	switch m.Type {
	case "text":
		return webhook.TextMessageContent{Id: m.ID, Text: m.Text}
	case "image":
		return webhook.ImageMessageContent{Id: m.ID, ContentProvider: m.ContentProvider}
	case "video":
		return webhook.VideoMessageContent{Id: m.ID, Duration: m.Duration, ContentProvider: m.ContentProvider}
	case "audio":
		return webhook.AudioMessageContent{Id: m.ID, Duration: m.Duration, ContentProvider: m.ContentProvider}
	case "file":
		return webhook.FileMessageContent{Id: m.ID, FileName: m.FileName, FileSize: m.FileSize}
	case "location":
		return webhook.LocationMessageContent{Id: m.ID, Title: m.Title, Address: m.Address, Latitude: m.Latitude, Longitude: m.Longitude}
	case "sticker":
		return webhook.StickerMessageContent{Id: m.ID, PackageId: m.PackageID, StickerId: m.StickerID, Text: m.Text}
	}
	return webhook.UnknownMessageContent{Type: m.Type}
}
