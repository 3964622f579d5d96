// Package connectors holds the contract between the hub and its channels: the
// small required Connector interface, optional capability interfaces the hub
// discovers by type assertion, the registry every channel type adds itself
// to, and the error kinds that tell the router whether a failed send may be
// retried.
package connectors

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard"
)

// Capabilities is what a channel can carry, as data the console can read to
// enable or hide composer features.
type Capabilities struct {
	Text     bool                   `json:"text"`
	Markdown bool                   `json:"markdown"`
	Media    []switchboard.PartKind `json:"media,omitempty"`
	Location bool                   `json:"location"`
	Sticker  bool                   `json:"sticker"`
	Buttons  bool                   `json:"buttons"`
	// HTML: the channel renders custom HTML parts (sanitised by the hub).
	HTML bool `json:"html"`
	// Forms and Links: the channel renders form and link-preview parts
	// natively; elsewhere they go out as readable text (see Fallback).
	Forms         bool `json:"forms"`
	Links         bool `json:"links"`
	Templates     bool `json:"templates"`
	Retract       bool `json:"retract"`
	Edit          bool `json:"edit"`
	Typing        bool `json:"typing"`
	ReadReceipts  bool `json:"read_receipts"`
	MaxTextLength int  `json:"max_text_length"`
	// SendRate is the provider's default pace for outgoing messages, in
	// messages per second for the whole channel (all hub instances
	// together); 0 means no limit. A channel's rate_limit key overrides it.
	SendRate float64        `json:"send_rate,omitempty"`
	Extra    map[string]any `json:"extra,omitempty"`
	// CSAT: the channel renders the rating card (switchboard.PartCSAT);
	// elsewhere it goes out as the question and the rating page's link.
	CSAT bool `json:"csat,omitempty"`
	// ReplyWindowSeconds is the provider's customer-service window: how
	// long after the customer's last message free-form replies may go out
	// (WhatsApp 86400; Messenger and Instagram 86400, or 604800 with the
	// human-agent tag). 0 means no window. Outside it only template parts
	// are sent; the hub refuses anything else before sending.
	ReplyWindowSeconds int `json:"reply_window_seconds,omitempty"`
	// Reactions: the channel carries customers' reactions in (PartReaction).
	Reactions bool `json:"reactions,omitempty"`
}

// Supports reports whether the channel can carry a part of kind k.
func (c Capabilities) Supports(k switchboard.PartKind) bool {
	switch k {
	case switchboard.PartText:
		return c.Text
	case switchboard.PartMarkdown:
		return c.Markdown || c.Text
	case switchboard.PartLocation:
		return c.Location
	case switchboard.PartSticker:
		return c.Sticker
	case switchboard.PartHTML:
		return c.HTML
	case switchboard.PartButtons, switchboard.PartForm, switchboard.PartLink, switchboard.PartCSAT:
		// Every text channel gets these, natively or as text (Fallback).
		return c.Text || c.Buttons
	case switchboard.PartFormResponse:
		return c.Forms
	case switchboard.PartTemplate:
		return c.Templates
	}
	for _, m := range c.Media {
		if m == k {
			return true
		}
	}
	return false
}

// OutboundMessage is a message the hub asks a connector to deliver.
type OutboundMessage struct {
	// MessageID is the hub's id; connectors pass it as an idempotency key
	// where the provider supports one.
	MessageID      switchboard.MessageID
	ConversationID switchboard.ConversationID
	ChannelID      switchboard.ChannelID
	// Recipient is the customer's id at the provider.
	Recipient switchboard.ExternalID
	Parts     []switchboard.Part
	// ReplyToken is the latest unexpired reply token of the conversation,
	// when the provider has them; empty otherwise.
	ReplyToken string
	// ThreadRef is the provider thread of the conversation, if any.
	ThreadRef string
	// AuthorName is the operator's display name, for channels that show it.
	AuthorName string
	// CustomerLastAt is when the customer last wrote (provider time), zero
	// when unknown: channels with a customer-service window choose the
	// message type by it (Messenger RESPONSE or the HUMAN_AGENT tag) and
	// refuse free-form parts outside it with ErrWindowClosed.
	CustomerLastAt time.Time
}

// SendResult is what a provider said about an accepted message.
type SendResult struct {
	// ExternalID is the provider's id of the sent message, used to match
	// later receipts. May be empty when the provider gives none.
	ExternalID switchboard.ExternalID
	// Status is sent, or delivered when the provider confirms delivery in the
	// same answer (the site chat does).
	Status switchboard.DeliveryStatus
}

// Connector is one configured channel. The hub calls Send from the outbound
// handler, possibly concurrently; Type and Capabilities must not do I/O.
type Connector interface {
	// Type is the channel type ("line", "webchat"), as registered.
	Type() string
	// Capabilities says what the channel carries. It must not do I/O.
	Capabilities() Capabilities
	// Send delivers one outgoing message. It must not touch the store; errors
	// are classified with Permanent and Retryable so the router knows whether
	// to try again. It is called again for the same MessageID after a crash,
	// so it should pass MessageID as the provider's idempotency key where one
	// exists.
	Send(ctx context.Context, msg OutboundMessage) (SendResult, error)
}

// WebhookReceiver is a connector whose provider calls the hub over HTTP. The
// console mounts it at /webhooks/{channel id} for POST (and GET for the
// verification handshakes some providers use).
type WebhookReceiver interface {
	Connector
	// HandleWebhook verifies the request (401 and nothing stored when the
	// signature is bad or missing), normalises it, hands the events to the
	// Sink and answers the provider only after Sink.Accept returned: a 2xx
	// means the events are committed. It must not do slow work after the
	// commit inside the request.
	HandleWebhook(w http.ResponseWriter, r *http.Request)
}

// Runner is a connector that keeps its own connection (polling, socket mode).
// Run is called once after construction and returns when ctx is done.
type Runner interface {
	Connector
	Run(ctx context.Context) error
}

// Retracter can take back a sent message.
type Retracter interface {
	Connector
	Retract(ctx context.Context, channel switchboard.ChannelID, recipient, externalID switchboard.ExternalID) error
}

// TypingSender can show the customer that an operator is typing.
type TypingSender interface {
	Connector
	SendTyping(ctx context.Context, recipient switchboard.ExternalID) error
}

// ReadMarker can tell the provider that the customer's messages were read.
type ReadMarker interface {
	Connector
	MarkRead(ctx context.Context, recipient switchboard.ExternalID, upTo switchboard.ExternalID) error
}

// Broadcaster can send one message to many recipients in one provider call
// (LINE multicast).
type Broadcaster interface {
	Connector
	Broadcast(ctx context.Context, recipients []switchboard.ExternalID, parts []switchboard.Part) error
}

// MediaFetcher downloads media a customer sent, for connectors whose
// providers keep it behind their API.
type MediaFetcher interface {
	Connector
	FetchMedia(ctx context.Context, mediaID string) (body []byte, contentType string, err error)
}

// TemplateLister can list the message templates registered at the
// provider (WhatsApp's approved templates). The hub calls it when a
// channel starts, hourly, and when an admin asks for a sync, and keeps the
// result in the store for the composer. It must not touch the store.
type TemplateLister interface {
	Connector
	ListTemplates(ctx context.Context) ([]switchboard.ProviderTemplate, error)
}

// PhonePairer is a linked-device connector that can pair by a code the
// user types on the phone instead of scanning the QR code. It returns the
// code to show (also reported through StatusReporter as PairCode). It
// fails when this instance does not run the device (another holds its
// lease).
type PhonePairer interface {
	Connector
	PairPhone(ctx context.Context, phone string) (code string, err error)
}

// CredentialChecker can check its credentials against the provider; used by
// `switchboard channels check` and when a channel is added through the API.
type CredentialChecker interface {
	Connector
	CheckCredentials(ctx context.Context) error
}

// Simulator can build a correctly signed webhook request the provider would
// send for a customer text, for `switchboard simulate`.
type Simulator interface {
	Connector
	SimulateText(ctx context.Context, webhookURL string, from switchboard.ExternalID, text string) (*http.Request, error)
}

// Sink is what a connector hands normalised events to: the hub.
type Sink interface {
	// Accept stores the events in one transaction and returns after commit.
	// Redelivered events (same channel and external id) are no-ops.
	Accept(ctx context.Context, events []switchboard.Inbound) error
}

// MediaStore keeps media bytes fetched from providers and serves them to the
// console. Put returns the media id.
type MediaStore interface {
	Put(ctx context.Context, contentType string, body []byte) (mediaID string, err error)
}

// Deps is what the hub gives a connector when it builds one.
type Deps struct {
	ChannelID   switchboard.ChannelID
	WorkspaceID switchboard.WorkspaceID
	Sink        Sink
	// Hub is set for every connector; mirrors (Slack) use it to act for
	// operators. Channel connectors need only Sink.
	Hub   Hub
	Media MediaStore
	// PublicURL is the hub's externally visible base URL (no trailing
	// slash); WebhookURL is PublicURL + "/webhooks/" + ChannelID.
	PublicURL  string
	WebhookURL string
	HTTPClient *http.Client
	Logger     *slog.Logger
	// HubSecret is a hub-wide key for connectors that sign their own tokens
	// (the site chat's visitor sessions). Never log it.
	HubSecret []byte
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Status is where a connector reports its channel's health (a linked
	// device's pairing code, logged out, banned). The hub stores it, tells
	// admins' consoles and notifies on trouble. Never nil after
	// WithDefaults.
	Status StatusReporter
	// Leases give a connector that keeps one connection per channel across
	// the cluster (a WhatsApp linked device) an exclusive lease. Nil when
	// the hub has none (tests may set a double).
	Leases Leaser
	// Database is the hub's own SQL database, for connectors whose SDK
	// keeps state in SQL (whatsmeow's device store). Nil when the hub's
	// store has none.
	Database *Database
}

// StatusReporter receives a channel's health. ReportStatus must be cheap
// and must not block on the network; a report equal to the last one is a
// no-op.
type StatusReporter interface {
	ReportStatus(ctx context.Context, st switchboard.ChannelStatus)
}

// Leaser hands out exclusive, expiring leases by name (one holder across
// all hub instances).
type Leaser interface {
	// TryLease takes or renews the lease name for holder until now+ttl; it
	// reports false when another holder has it unexpired.
	TryLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease gives it up (a no-op when holder does not hold it).
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Database is the hub's SQL database as database/sql sees it. Dialect is
// "sqlite3" or "postgres". Tables a connector creates carry its own
// prefix (whatsmeow_...).
type Database struct {
	DB      *sql.DB
	Dialect string
}
