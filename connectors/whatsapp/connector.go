// Package whatsapp is the WhatsApp channel. In cloud mode (the default) it
// speaks Meta's WhatsApp Cloud API: signed webhooks in (messages,
// statuses, the subscription handshake), messages out through
// POST /{phone_number_id}/messages, media fetched through the media
// endpoint, approved message templates listed from the business account,
// the 24-hour customer-service window enforced before sending. In device
// mode the channel is a linked device (package whatsapp/device). It
// registers the channel type "whatsapp".
package whatsapp

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// Type is the registered channel type.
const Type = "whatsapp"

// ReplyWindow is WhatsApp's customer-service window: free-form messages
// may go out for 24 hours after the customer's last message; after that
// only approved templates.
const ReplyWindow = 24 * time.Hour

func init() {
	connectors.Register(connectors.Registration{
		Type:    Type,
		New:     build,
		Secrets: []string{"app_secret", "access_token", "verify_token"},
		Name:    "WhatsApp",
		Config:  Config{},
	})
}

// build is the registered factory: it reads the mode first and
// builds a Cloud API connector or, for mode device, a linked device.
func build(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
	mode, err := decodeMode(config)
	if err != nil {
		return nil, err
	}
	if mode == ModeDevice {
		return newDevice(config, deps)
	}
	return New(config, deps)
}

// Connector is one WhatsApp Cloud API channel. It is safe for concurrent
// use.
type Connector struct {
	cfg   Config
	deps  connectors.Deps
	graph *meta.Client
	log   *slog.Logger
	now   func() time.Time
}

// Interfaces the hub discovers by type assertion.
var (
	_ connectors.WebhookReceiver   = (*Connector)(nil)
	_ connectors.CredentialChecker = (*Connector)(nil)
	_ connectors.MediaFetcher      = (*Connector)(nil)
	_ connectors.ReadMarker        = (*Connector)(nil)
	_ connectors.TemplateLister    = (*Connector)(nil)
	_ connectors.Simulator         = (*Connector)(nil)
)

// New builds a Cloud API connector from its config. It validates the
// config and does no network I/O.
func New(config json.RawMessage, deps connectors.Deps) (*Connector, error) {
	cfg, err := ParseConfig(config)
	if err != nil {
		return nil, err
	}
	deps = deps.WithDefaults()
	return &Connector{
		cfg:  cfg,
		deps: deps,
		graph: &meta.Client{BaseURL: cfg.APIBaseURL, Version: cfg.APIVersion, Token: cfg.AccessToken,
			HTTP: deps.HTTPClient, Now: deps.Now},
		log: deps.Logger,
		now: deps.Now,
	}, nil
}

// Type returns "whatsapp". It does no I/O.
func (c *Connector) Type() string { return Type }

// Capabilities says what the Cloud API carries: text up to 4,096
// characters, media by link, locations, stickers in, reply buttons and
// lists, approved templates, read receipts, reactions in, the rating card
// as a list, and the 24-hour window. It does no I/O.
func (c *Connector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{
		Text:               true,
		Media:              []switchboard.PartKind{switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile},
		Location:           true,
		Buttons:            true,
		Templates:          true,
		ReadReceipts:       true,
		Reactions:          true,
		CSAT:               true,
		MaxTextLength:      maxTextLength,
		ReplyWindowSeconds: int(ReplyWindow / time.Second),
		// Cloud API throughput starts at 80 messages per second per
		// business phone number.
		SendRate: 80,
		Extra: map[string]any{
			"max_reply_buttons": maxReplyButtons,
			"max_list_rows":     maxListRows,
		},
	}
}
