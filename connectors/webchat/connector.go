package webchat

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Type is the channel type name.
const Type = "webchat"

func init() {
	connectors.Register(connectors.Registration{Type: Type, New: New, Name: "Site chat", Config: Config{}, Secrets: []string{"identity_secret"}})
}

// Connector is one site-chat channel.
type Connector struct {
	cfg  Config
	deps connectors.Deps
}

// New builds a webchat channel from its config. It does no I/O.
func New(raw json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
	cfg, err := parseConfig(raw)
	if err != nil {
		return nil, err
	}
	if len(deps.HubSecret) < 16 {
		return nil, errors.New("webchat needs the hub's secret key (secret_key) to sign visitor sessions")
	}
	return &Connector{cfg: cfg, deps: deps.WithDefaults()}, nil
}

// Type implements connectors.Connector.
func (c *Connector) Type() string { return Type }

// Config returns the channel's settings (for the widget's bootstrap).
func (c *Connector) Config() Config { return c.cfg }

// Language is the language the widget is forced to ("ja", "en"), or "".
// The hub writes its own texts (the rating question) in it.
func (c *Connector) Language() string { return c.cfg.Language }

// ChannelID is the id of the channel this connector runs.
func (c *Connector) ChannelID() switchboard.ChannelID { return c.deps.ChannelID }

// Capabilities implements connectors.Connector.
func (c *Connector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{
		Text:          true,
		Markdown:      true,
		Media:         []switchboard.PartKind{switchboard.PartImage, switchboard.PartFile},
		Buttons:       true,
		Retract:       true,
		HTML:          true,
		Forms:         true,
		Links:         true,
		CSAT:          true,
		Typing:        true,
		ReadReceipts:  true,
		MaxTextLength: c.cfg.MaxTextLength,
		SendRate:      0, // replies are stored, not sent to a provider
	}
}

// Send confirms an operator's reply: the visitor's widget reads it from the
// hub (stream or history), so nothing travels to a provider. It must not
// block.
func (c *Connector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	if msg.Recipient == "" {
		return connectors.SendResult{}, connectors.Permanent("no visitor to send to", nil)
	}
	return connectors.SendResult{ExternalID: switchboard.ExternalID(msg.MessageID), Status: switchboard.StatusSent}, nil
}

var _ connectors.Retracter = (*Connector)(nil)

// Retract takes back a reply from the visitor. The widget reads replies
// from the hub, so there is no provider to call: once the hub records the
// retraction, the visitor's stream hears message.updated with retracted_at
// and the widget's history no longer returns the message. It checks only
// that the message is one of this channel's replies (Send made its
// external id) and does no I/O.
func (c *Connector) Retract(ctx context.Context, channel switchboard.ChannelID, recipient, externalID switchboard.ExternalID) error {
	if channel != c.deps.ChannelID {
		return connectors.Permanent("message of another channel", nil)
	}
	if recipient == "" || externalID == "" {
		return connectors.Permanent("no visitor or no sent message to retract", nil)
	}
	return nil
}

// OriginAllowed reports whether a page of origin may embed the widget.
func (c *Connector) OriginAllowed(origin string) bool {
	if len(c.cfg.AllowedOrigins) == 0 {
		return true
	}
	origin = strings.TrimRight(origin, "/")
	for _, o := range c.cfg.AllowedOrigins {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

// VisitorMessage normalises what a visitor typed into an Inbound for the
// hub. clientID, when the widget sends one, makes a retried POST idempotent.
func (c *Connector) VisitorMessage(visitor switchboard.ExternalID, text, clientID string, profile switchboard.Profile) (switchboard.Inbound, error) {
	if strings.TrimSpace(text) == "" {
		return switchboard.Inbound{}, errors.New("text: empty")
	}
	return c.VisitorParts(visitor, switchboard.TextParts(text), clientID, profile)
}

// VisitorParts is VisitorMessage for a message of parts the caller has
// checked (a visitor's attachments, with a caption, or a form answer).
func (c *Connector) VisitorParts(visitor switchboard.ExternalID, parts []switchboard.Part, clientID string, profile switchboard.Profile) (switchboard.Inbound, error) {
	if len(parts) == 0 {
		return switchboard.Inbound{}, errors.New("parts: empty")
	}
	ext := switchboard.ExternalID(switchboard.NewID("wc"))
	if clientID != "" {
		if len(clientID) > 64 {
			return switchboard.Inbound{}, errors.New("client_id: longer than 64 characters")
		}
		ext = visitor + ":" + switchboard.ExternalID(clientID)
	}
	return switchboard.Inbound{
		Kind:       switchboard.InboundMessage,
		ChannelID:  c.deps.ChannelID,
		ExternalID: ext,
		Sender:     visitor,
		Profile:    profile,
		Parts:      parts,
		At:         c.deps.Now().UTC(),
	}, nil
}
