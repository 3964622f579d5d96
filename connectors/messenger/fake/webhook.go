package fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// Body marshals a webhook body of object ("page" or "instagram") with one
// entry for account holding events, as Meta sends it.
func Body(object, account string, at time.Time, events ...wire.Event) []byte {
	return Entries(object, wire.Entry{ID: account, Time: at.UnixMilli(), Messaging: events})
}

// Entries marshals a webhook body with several entries (Meta batches).
func Entries(object string, entries ...wire.Entry) []byte {
	b, err := json.Marshal(wire.Webhook{Object: object, Entry: entries})
	if err != nil {
		panic("fake: cannot marshal webhook body: " + err.Error())
	}
	return b
}

// SignedWebhook builds the POST Meta sends to url: body and its
// X-Hub-Signature-256 with appSecret.
func SignedWebhook(url, appSecret string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		panic("fake: bad webhook url: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set(meta.SignatureHeader, meta.Sign(appSecret, body))
	return req
}

// PostWebhook sends a signed webhook to the hub and returns the status it
// answered.
func PostWebhook(client *http.Client, url, appSecret string, body []byte) (int, error) {
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(SignedWebhook(url, appSecret, body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// Event builders. customer is the PSID or IGSID, account the Page or
// Instagram account id.

// Text is a customer's text message.
func Text(customer, account, mid, text string, at time.Time) wire.Event {
	return Message(customer, account, at, &wire.Message{MID: mid, Text: text})
}

// Message is a customer's message.
func Message(customer, account string, at time.Time, m *wire.Message) wire.Event {
	return wire.Event{Sender: wire.Party{ID: customer}, Recipient: wire.Party{ID: account}, Timestamp: at.UnixMilli(), Message: m}
}

// Echo is a message the business sent to customer, from app appID (empty:
// the Page inbox) with metadata.
func Echo(customer, account, mid, text, appID, metadata string, at time.Time) wire.Event {
	return wire.Event{Sender: wire.Party{ID: account}, Recipient: wire.Party{ID: customer}, Timestamp: at.UnixMilli(),
		Message: &wire.Message{MID: mid, Text: text, IsEcho: true, AppID: wire.ID(appID), Metadata: metadata}}
}

// EchoOf is the echo Meta sends for a send the fake accepted.
func EchoOf(s Send, account string, appID string, at time.Time) wire.Event {
	ev := wire.Event{Sender: wire.Party{ID: account}, Recipient: s.Request.Recipient, Timestamp: at.UnixMilli(),
		Message: &wire.Message{MID: s.MessageID, IsEcho: true, AppID: wire.ID(appID)}}
	if m := s.Request.Message; m != nil {
		ev.Message.Text, ev.Message.Metadata = m.Text, m.Metadata
	}
	return ev
}

// Postback is a customer pressing a button.
func Postback(customer, account, mid, title, payload string, at time.Time) wire.Event {
	return wire.Event{Sender: wire.Party{ID: customer}, Recipient: wire.Party{ID: account}, Timestamp: at.UnixMilli(),
		Postback: &wire.Postback{MID: mid, Title: title, Payload: payload}}
}

// Reaction is a customer reacting to mid (action "react" or "unreact").
func Reaction(customer, account, mid, action, emoji string, at time.Time) wire.Event {
	return wire.Event{Sender: wire.Party{ID: customer}, Recipient: wire.Party{ID: account}, Timestamp: at.UnixMilli(),
		Reaction: &wire.Reaction{MID: mid, Action: action, Reaction: "other", Emoji: emoji}}
}

// Delivery is Messenger's delivery receipt.
func Delivery(customer, account string, mids []string, watermark, at time.Time) wire.Event {
	d := &wire.Delivery{MIDs: mids}
	if !watermark.IsZero() {
		d.Watermark = watermark.UnixMilli()
	}
	return wire.Event{Sender: wire.Party{ID: customer}, Recipient: wire.Party{ID: account}, Timestamp: at.UnixMilli(), Delivery: d}
}

// Read is Messenger's read receipt (watermark).
func Read(customer, account string, watermark, at time.Time) wire.Event {
	return wire.Event{Sender: wire.Party{ID: customer}, Recipient: wire.Party{ID: account}, Timestamp: at.UnixMilli(),
		Read: &wire.Read{Watermark: watermark.UnixMilli()}}
}

// Seen is Instagram's messaging_seen: the customer saw mid.
func Seen(customer, account, mid string, at time.Time) wire.Event {
	return wire.Event{Sender: wire.Party{ID: customer}, Recipient: wire.Party{ID: account}, Timestamp: at.UnixMilli(),
		Read: &wire.Read{MID: mid}}
}
