// Package wire holds the JSON shapes of the Messenger Platform that
// Messenger and Instagram Messaging share: the messaging[] webhook and the
// Send API's request and answer. The connector and its fake both use
// them, so the fake checks exactly what the connector writes.
package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// ID is a Graph id that arrives as a JSON string or a number (app_id of
// echoes is a number; sticker_id too). It always marshals as a string.
type ID string

// UnmarshalJSON accepts a string, a number or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*id = ""
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id must be a string or a number: %w", err)
	}
	if _, err := strconv.ParseUint(n.String(), 10, 64); err != nil {
		return fmt.Errorf("id must be a whole number, got %s", n)
	}
	*id = ID(n.String())
	return nil
}

// Webhook is the body of a webhook POST: object "page" (Messenger) or
// "instagram", and one entry per Page or account with its events.
type Webhook struct {
	Object string  `json:"object"`
	Entry  []Entry `json:"entry"`
}

// Entry is one Page's (or Instagram account's) batch of events.
type Entry struct {
	ID        string  `json:"id"`
	Time      int64   `json:"time"`
	Messaging []Event `json:"messaging,omitempty"`
}

// Party is a sender or recipient.
type Party struct {
	ID string `json:"id"`
}

// Event is one element of messaging[]: exactly one of Message, Postback,
// Reaction, Delivery, Read is set for the kinds the hub handles.
type Event struct {
	Sender    Party     `json:"sender"`
	Recipient Party     `json:"recipient"`
	Timestamp int64     `json:"timestamp"`
	Message   *Message  `json:"message,omitempty"`
	Postback  *Postback `json:"postback,omitempty"`
	Reaction  *Reaction `json:"reaction,omitempty"`
	Delivery  *Delivery `json:"delivery,omitempty"`
	Read      *Read     `json:"read,omitempty"`
}

// Message is a customer's message, or an echo of one the business sent
// (IsEcho; then Sender is the Page or account and Recipient the customer).
type Message struct {
	MID           string       `json:"mid"`
	Text          string       `json:"text,omitempty"`
	IsEcho        bool         `json:"is_echo,omitempty"`
	AppID         ID           `json:"app_id,omitempty"`
	Metadata      string       `json:"metadata,omitempty"`
	QuickReply    *QuickReply  `json:"quick_reply,omitempty"`
	Attachments   []Attachment `json:"attachments,omitempty"`
	ReplyTo       *ReplyTo     `json:"reply_to,omitempty"`
	IsDeleted     bool         `json:"is_deleted,omitempty"`
	IsUnsupported bool         `json:"is_unsupported,omitempty"`
}

// QuickReply is the quick reply a customer tapped.
type QuickReply struct {
	Payload string `json:"payload"`
}

// ReplyTo names the message a customer answered.
type ReplyTo struct {
	MID string `json:"mid,omitempty"`
}

// Attachment is media or a share in a message. Type is image, video,
// audio, file, location, fallback, template, share, story_mention, reel,
// ig_reel, ...
type Attachment struct {
	Type    string            `json:"type"`
	Payload AttachmentPayload `json:"payload"`
	Title   string            `json:"title,omitempty"`
}

// AttachmentPayload is what an attachment carries.
type AttachmentPayload struct {
	URL         string       `json:"url,omitempty"`
	Title       string       `json:"title,omitempty"`
	StickerID   ID           `json:"sticker_id,omitempty"`
	Coordinates *Coordinates `json:"coordinates,omitempty"`
}

// Coordinates of a location attachment.
type Coordinates struct {
	Lat  float64 `json:"lat"`
	Long float64 `json:"long"`
}

// Postback is a button (template button, persistent menu, ice breaker)
// the customer pressed.
type Postback struct {
	MID     string `json:"mid,omitempty"`
	Title   string `json:"title,omitempty"`
	Payload string `json:"payload,omitempty"`
}

// Reaction is a customer reacting to (or unreacting from) a message.
type Reaction struct {
	MID      string `json:"mid"`
	Action   string `json:"action"` // react, unreact
	Reaction string `json:"reaction,omitempty"`
	Emoji    string `json:"emoji,omitempty"`
}

// Delivery says messages reached the customer: the listed ones, and all
// sent before Watermark (milliseconds).
type Delivery struct {
	MIDs      []string `json:"mids,omitempty"`
	Watermark int64    `json:"watermark,omitempty"`
}

// Read says the customer read everything sent before Watermark
// (Messenger) or the message MID (Instagram's messaging_seen).
type Read struct {
	Watermark int64  `json:"watermark,omitempty"`
	MID       string `json:"mid,omitempty"`
}

// Messaging types and the one tag the hub uses.
const (
	TypeResponse   = "RESPONSE"
	TypeMessageTag = "MESSAGE_TAG"
	TagHumanAgent  = "HUMAN_AGENT"
)

// SendRequest is the body of POST /{page id}/messages: a message or a
// sender action to one recipient.
type SendRequest struct {
	Recipient     Party        `json:"recipient"`
	MessagingType string       `json:"messaging_type,omitempty"`
	Tag           string       `json:"tag,omitempty"`
	Message       *SendMessage `json:"message,omitempty"`
	SenderAction  string       `json:"sender_action,omitempty"`
}

// SendMessage is the message of a SendRequest: text or an attachment,
// optionally with quick replies.
type SendMessage struct {
	Text         string          `json:"text,omitempty"`
	Attachment   *SendAttachment `json:"attachment,omitempty"`
	QuickReplies []QuickReplyOut `json:"quick_replies,omitempty"`
	Metadata     string          `json:"metadata,omitempty"`
}

// SendAttachment is media by URL (Type image, video, audio, file) or a
// template (Type "template").
type SendAttachment struct {
	Type    string      `json:"type"`
	Payload SendPayload `json:"payload"`
}

// SendPayload is a media URL or a button template.
type SendPayload struct {
	URL          string   `json:"url,omitempty"`
	IsReusable   bool     `json:"is_reusable,omitempty"`
	TemplateType string   `json:"template_type,omitempty"`
	Text         string   `json:"text,omitempty"`
	Buttons      []Button `json:"buttons,omitempty"`
}

// Button is a button template's button: postback (Payload) or web_url
// (URL).
type Button struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Payload string `json:"payload,omitempty"`
	URL     string `json:"url,omitempty"`
}

// QuickReplyOut is a quick reply chip the hub offers.
type QuickReplyOut struct {
	ContentType string `json:"content_type"`
	Title       string `json:"title"`
	Payload     string `json:"payload"`
}

// SendResponse is the Send API's answer.
type SendResponse struct {
	RecipientID string `json:"recipient_id"`
	MessageID   string `json:"message_id,omitempty"`
}

// Limits of the Send API the connector and the fake both enforce.
const (
	MaxQuickReplies      = 13
	MaxQuickReplyTitle   = 20
	MaxPayload           = 1000
	MaxTemplateButtons   = 3
	MaxButtonTitle       = 20
	MaxTemplateText      = 640
	MaxMessengerText     = 2000
	MaxInstagramTextByte = 1000
	MaxMetadata          = 1000
)
