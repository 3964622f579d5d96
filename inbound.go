package switchboard

import "time"

// InboundKind says what a normalised provider event is.
type InboundKind string

const (
	// InboundMessage is a customer's message (including a button press that
	// the provider delivers as text or postback).
	InboundMessage InboundKind = "message"
	// InboundFollow is a customer opting in (LINE follow, SMS START).
	InboundFollow InboundKind = "follow"
	// InboundUnfollow is a customer opting out (LINE unfollow, SMS STOP).
	InboundUnfollow InboundKind = "unfollow"
	// InboundStatus is a delivery receipt for a message the hub sent.
	InboundStatus InboundKind = "status"
	// InboundEcho is a message the business sent to the customer from
	// somewhere else than the hub (the Messenger page inbox, the WhatsApp
	// phone of a linked device): stored as an outgoing message, status sent,
	// with Via naming its source; it never counts as the customer's
	// activity (no unread, no reply window). Dedup as for messages.
	InboundEcho InboundKind = "echo"
)

// Inbound is one provider event normalised by a connector and handed to the
// hub. The hub stores it in one transaction; a redelivered event with the same
// ChannelID and ExternalID is a no-op.
type Inbound struct {
	Kind      InboundKind `json:"kind"`
	ChannelID ChannelID   `json:"channel"`
	// ExternalID identifies the event at the provider (message id, webhook
	// event id, MessageSid); it makes redelivery idempotent.
	ExternalID ExternalID `json:"external_id"`
	// Sender is the customer's id at the provider.
	Sender  ExternalID `json:"sender"`
	Profile Profile    `json:"profile,omitempty"`
	Parts   []Part     `json:"parts,omitempty"`
	At      time.Time  `json:"at"`
	// ReplyToken is a short-lived provider token for a free reply (LINE).
	ReplyToken string    `json:"reply_token,omitempty"`
	ReplyUntil time.Time `json:"reply_until,omitempty"`
	// Status and StatusReason carry a receipt (Kind == InboundStatus) for the
	// outgoing message whose provider id is ExternalID.
	Status       DeliveryStatus `json:"status,omitempty"`
	StatusReason string         `json:"status_reason,omitempty"`
	// ThreadRef is a provider thread key, kept for channels that thread.
	ThreadRef string `json:"thread_ref,omitempty"`
	// Watermark, on a status event with no ExternalID, raises every
	// outgoing message of the sender's conversations on the channel created
	// at or before it to Status (Messenger's and Instagram's read and
	// delivery watermarks). A watermark not later than the last one applied
	// changes nothing.
	Watermark time.Time `json:"watermark,omitempty"`
	// Via names where an echo was written ("page_inbox", "phone",
	// "app:<id>"); it becomes the stored message's Via.
	Via string `json:"via,omitempty"`
}
