package fake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// Destination is the bot user id the fake puts in webhook bodies.
var Destination = "U" + strings.Repeat("f", 32)

// Sign returns the X-Line-Signature of body: base64 HMAC-SHA256 keyed with
// the channel secret.
func Sign(channelSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(channelSecret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignedWebhook builds the POST LINE sends to url: body and its signature.
func SignedWebhook(url, channelSecret string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		panic("fake: bad webhook url: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "LineBotWebhook/2.0")
	req.Header.Set("X-Line-Signature", Sign(channelSecret, body))
	return req
}

// Body marshals a webhook request body holding events, exactly as the SDK's
// types marshal. Pass pointers (*webhook.MessageEvent, ...) so each event
// carries its type.
func Body(events ...webhook.EventInterface) []byte {
	if events == nil {
		events = []webhook.EventInterface{}
	}
	b, err := json.Marshal(&webhook.CallbackRequest{Destination: Destination, Events: events})
	if err != nil {
		panic("fake: cannot marshal webhook body: " + err.Error())
	}
	return b
}

// Meta is what every event carries.
type Meta struct {
	// EventID is the webhookEventId (a ULID at LINE).
	EventID    string
	UserID     string
	At         time.Time
	ReplyToken string
	Redelivery bool
}

func (m Meta) source() webhook.SourceInterface { return &webhook.UserSource{UserId: m.UserID} }

func (m Meta) delivery() *webhook.DeliveryContext {
	return &webhook.DeliveryContext{IsRedelivery: m.Redelivery}
}

// MessageEvent is a user's message; msg is a pointer to one of the SDK's
// *MessageContent types.
func MessageEvent(m Meta, msg webhook.MessageContentInterface) *webhook.MessageEvent {
	return &webhook.MessageEvent{
		Source: m.source(), Timestamp: m.At.UnixMilli(), Mode: webhook.EventMode_ACTIVE,
		WebhookEventId: m.EventID, DeliveryContext: m.delivery(), ReplyToken: m.ReplyToken, Message: msg,
	}
}

// FollowEvent is a user adding (or unblocking) the account.
func FollowEvent(m Meta) *webhook.FollowEvent {
	return &webhook.FollowEvent{
		Source: m.source(), Timestamp: m.At.UnixMilli(), Mode: webhook.EventMode_ACTIVE,
		WebhookEventId: m.EventID, DeliveryContext: m.delivery(), ReplyToken: m.ReplyToken,
		Follow: &webhook.FollowDetail{IsUnblocked: false},
	}
}

// UnfollowEvent is a user blocking the account.
func UnfollowEvent(m Meta) *webhook.UnfollowEvent {
	return &webhook.UnfollowEvent{
		Source: m.source(), Timestamp: m.At.UnixMilli(), Mode: webhook.EventMode_ACTIVE,
		WebhookEventId: m.EventID, DeliveryContext: m.delivery(),
	}
}

// PostbackEvent is a user pressing a postback action.
func PostbackEvent(m Meta, data string) *webhook.PostbackEvent {
	return &webhook.PostbackEvent{
		Source: m.source(), Timestamp: m.At.UnixMilli(), Mode: webhook.EventMode_ACTIVE,
		WebhookEventId: m.EventID, DeliveryContext: m.delivery(), ReplyToken: m.ReplyToken,
		Postback: &webhook.PostbackContent{Data: data},
	}
}
