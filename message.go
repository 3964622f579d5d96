package switchboard

import (
	"strings"
	"time"
)

// Direction says who wrote a message.
type Direction string

const (
	// DirectionIn is a message from the customer.
	DirectionIn Direction = "in"
	// DirectionOut is a reply from an operator (or the hub) to the customer.
	DirectionOut Direction = "out"
	// DirectionNote is a private note between operators; it never leaves the hub.
	DirectionNote Direction = "note"
)

// Valid reports whether d is one of the known directions.
func (d Direction) Valid() bool {
	return d == DirectionIn || d == DirectionOut || d == DirectionNote || d == DirectionActivity
}

// DeliveryStatus is where an outgoing message stands with its provider.
// Incoming messages are stored as delivered.
type DeliveryStatus string

const (
	StatusPending   DeliveryStatus = "pending"
	StatusSent      DeliveryStatus = "sent"
	StatusDelivered DeliveryStatus = "delivered"
	StatusRead      DeliveryStatus = "read"
	StatusFailed    DeliveryStatus = "failed"
)

// Valid reports whether s is one of the known statuses.
func (s DeliveryStatus) Valid() bool {
	switch s {
	case StatusPending, StatusSent, StatusDelivered, StatusRead, StatusFailed:
		return true
	}
	return false
}

// Rank orders statuses so a late "sent" receipt never overwrites "read".
// Failed ranks highest: it is final unless an operator retries.
func (s DeliveryStatus) Rank() int {
	switch s {
	case StatusPending:
		return 0
	case StatusSent:
		return 1
	case StatusDelivered:
		return 2
	case StatusRead:
		return 3
	case StatusFailed:
		return 4
	}
	return -1
}

// PartKind names what a message part carries.
type PartKind string

const (
	PartText     PartKind = "text"
	PartMarkdown PartKind = "markdown"
	PartImage    PartKind = "image"
	PartFile     PartKind = "file"
	PartAudio    PartKind = "audio"
	PartVideo    PartKind = "video"
	PartLocation PartKind = "location"
	PartSticker  PartKind = "sticker"
	PartButtons  PartKind = "buttons"
	PartTemplate PartKind = "template"
	// PartHTML carries custom HTML in Text, sanitised before storage.
	PartHTML PartKind = "html"
	// PartForm asks the customer to fill in a small form (Form).
	PartForm PartKind = "form"
	// PartFormResponse is a customer's answer to a form (FormResponse).
	PartFormResponse PartKind = "form_response"
	// PartLink is a link with its preview (Link).
	PartLink PartKind = "link"
	// PartReaction is a customer's emoji reaction to an earlier message
	// (WhatsApp, Messenger, Instagram, Telegram): Reaction says to which;
	// Text is the emoji (empty when the customer removed the reaction).
	PartReaction PartKind = "reaction"
)

// Valid reports whether k is one of the known part kinds.
func (k PartKind) Valid() bool {
	switch k {
	case PartText, PartMarkdown, PartImage, PartFile, PartAudio, PartVideo,
		PartLocation, PartSticker, PartButtons, PartTemplate,
		PartHTML, PartForm, PartFormResponse, PartLink, PartCSAT, PartReaction:
		return true
	}
	return false
}

// Part is one piece of a message. Exactly the fields that belong to Kind are
// set: Text for text and markdown (and as the caption or alt text of others),
// Attachment for media, Location, Sticker, Buttons, Template, Form,
// FormResponse, Link. Text is HTML for html parts.
type Part struct {
	Kind       PartKind    `json:"kind"`
	Text       string      `json:"text,omitempty"`
	Attachment *Attachment `json:"attachment,omitempty"`
	Location   *Location   `json:"location,omitempty"`
	Sticker    *Sticker    `json:"sticker,omitempty"`
	Buttons    []Button    `json:"buttons,omitempty"`
	Template   *Template   `json:"template,omitempty"`
	// QuickReply makes the Buttons of a buttons part quick replies: chips
	// that disappear once one is pressed, where the channel has them.
	QuickReply   bool          `json:"quick_reply,omitempty"`
	Form         *Form         `json:"form,omitempty"`
	FormResponse *FormResponse `json:"form_response,omitempty"`
	Link         *Link         `json:"link,omitempty"`
	// CSAT is the survey a csat part asks for (PartCSAT).
	CSAT *CSATCard `json:"csat,omitempty"`
	// Reaction is set on reaction parts.
	Reaction *Reaction `json:"reaction,omitempty"`
}

// FormFieldType is the kind of input of a form field.
type FormFieldType string

const (
	FieldText     FormFieldType = "text"
	FieldEmail    FormFieldType = "email"
	FieldTel      FormFieldType = "tel"
	FieldTextarea FormFieldType = "textarea"
)

// Valid reports whether t is one of the known field types.
func (t FormFieldType) Valid() bool {
	return t == FieldText || t == FieldEmail || t == FieldTel || t == FieldTextarea
}

// Form is a small form an operator sends (a sign-up with name and e-mail).
type Form struct {
	Title       string      `json:"title,omitempty"`
	Fields      []FormField `json:"fields"`
	SubmitLabel string      `json:"submit_label,omitempty"`
}

// FormField is one input of a Form; Name is the key its value comes back under.
type FormField struct {
	Name     string        `json:"name"`
	Label    string        `json:"label"`
	Type     FormFieldType `json:"type"`
	Required bool          `json:"required,omitempty"`
}

// FormResponse is what a customer filled into a form.
type FormResponse struct {
	FormMessageID MessageID    `json:"form_message_id,omitempty"`
	Fields        []FieldValue `json:"fields"`
}

// FieldValue is one answered field of a FormResponse.
type FieldValue struct {
	Name  string `json:"name"`
	Label string `json:"label,omitempty"`
	Value string `json:"value"`
}

// Link is a URL with its preview.
type Link struct {
	URL         string `json:"url"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	ImageURL    string `json:"image_url,omitempty"`
}

// Attachment is media carried by a part. URL is where the hub (or the
// provider) serves it; MediaID names it in the hub's media store when the hub
// has fetched the content.
type Attachment struct {
	URL         string `json:"url,omitempty"`
	MediaID     string `json:"media_id,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Filename    string `json:"filename,omitempty"`
	Size        int64  `json:"size,omitempty"`
	// DurationMS is the length of audio and video, when the provider says.
	DurationMS int64 `json:"duration_ms,omitempty"`
}

// Location is a point on the map.
type Location struct {
	Title     string  `json:"title,omitempty"`
	Address   string  `json:"address,omitempty"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Sticker names a provider's sticker.
type Sticker struct {
	PackageID string `json:"package_id,omitempty"`
	StickerID string `json:"sticker_id"`
	URL       string `json:"url,omitempty"`
}

// Button is a quick reply or an action button. Payload is what comes back
// when a customer presses it (a postback); URL makes it a link button.
type Button struct {
	Label   string `json:"label"`
	Payload string `json:"payload,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Template is a provider-side or hub rich template (LINE flex, WhatsApp
// template) by name with its variables.
type Template struct {
	Name      string            `json:"name"`
	Language  string            `json:"language,omitempty"`
	Variables map[string]string `json:"variables,omitempty"`
	// Raw is a provider-specific body (for instance a LINE flex JSON) sent as is.
	Raw []byte `json:"raw,omitempty"`
}

// Reaction is an emoji reaction to a message of the conversation.
type Reaction struct {
	Emoji string `json:"emoji"`
	// To is the provider's id of the message reacted to (an outgoing
	// message's ExternalID or an incoming message's).
	To ExternalID `json:"to"`
}

// Message is one entry of a conversation.
type Message struct {
	ID             MessageID      `json:"id"`
	WorkspaceID    WorkspaceID    `json:"workspace_id"`
	ConversationID ConversationID `json:"conversation_id"`
	ChannelID      ChannelID      `json:"channel"`
	Direction      Direction      `json:"direction"`
	Parts          []Part         `json:"parts"`
	// ExternalID is the provider's id: of the customer's message for incoming
	// ones, of the sent message once the provider accepted an outgoing one.
	ExternalID ExternalID `json:"external_id,omitempty"`
	// AuthorID is the operator who wrote an outgoing message or note.
	AuthorID OperatorID `json:"author_id,omitempty"`
	// Via says where a message was written: for operators' messages
	// "console", "api", "slack", "email"; for customers' "portal" or ""
	// (the conversation's channel). Tickets' history shows it.
	Via           string         `json:"via,omitempty"`
	Status        DeliveryStatus `json:"status"`
	FailureReason string         `json:"failure_reason,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
	EditedAt      *time.Time     `json:"edited_at,omitempty"`
	RetractedAt   *time.Time     `json:"retracted_at,omitempty"`
	// DeletedAt and DeletedBy mark a message an admin or supervisor deleted
	// from the hub: its parts are gone, the marker stays in the history.
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	DeletedBy OperatorID `json:"deleted_by,omitempty"`
	// Activity is what an activity entry (DirectionActivity) records.
	Activity *Activity `json:"activity,omitempty"`
}

// Text is the message's readable text: the text of its text, markdown and
// caption parts joined by newlines. It is what search indexes and what
// channels without rich parts receive.
func (m Message) Text() string { return PartsText(m.Parts) }

// PartsText joins the text of parts with newlines.
func PartsText(parts []Part) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Text == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// TextParts is a convenience for a message of one plain text part.
func TextParts(text string) []Part { return []Part{{Kind: PartText, Text: text}} }
