// Package sms is the SMS/MMS channel over Twilio Programmable Messaging:
// signed form webhooks in (messages, STOP/START opt-outs, delivery status
// callbacks), the Messages REST API out. It registers the channel type
// "sms".
//
// Delivery is at least once: Twilio's Messages API has no idempotency key,
// so a Send retried after a crash (or after a timeout whose request Twilio
// did accept) may send the text twice.
package sms

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Type is the registered channel type.
const Type = "sms"

func init() {
	connectors.Register(connectors.Registration{
		Type: Type,
		New: func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
			return New(config, deps)
		},
		Secrets: []string{"auth_token"},
		Name:    "SMS (Twilio)",
		Config:  Config{},
	})
}

// Connector is one configured Twilio number or messaging service. It is safe
// for concurrent use.
type Connector struct {
	cfg     Config
	deps    connectors.Deps
	client  *http.Client
	log     *slog.Logger
	now     func() time.Time
	apiHost string
}

var (
	_ connectors.WebhookReceiver   = (*Connector)(nil)
	_ connectors.CredentialChecker = (*Connector)(nil)
	_ connectors.MediaFetcher      = (*Connector)(nil)
	_ connectors.Simulator         = (*Connector)(nil)
)

// New builds an SMS connector from its config. It validates the config and
// does no network I/O.
func New(config json.RawMessage, deps connectors.Deps) (*Connector, error) {
	webhookURL := deps.WebhookURL
	if webhookURL == "" && deps.PublicURL != "" {
		webhookURL = deps.PublicURL + "/webhooks/" + string(deps.ChannelID)
	}
	cfg, err := ParseConfig(config, webhookURL)
	if err != nil {
		return nil, err
	}
	deps.WebhookURL = webhookURL
	deps = deps.WithDefaults()
	c := &Connector{cfg: cfg, deps: deps, client: deps.HTTPClient, log: deps.Logger, now: deps.Now}
	if u, err := url.Parse(cfg.APIBaseURL); err == nil {
		c.apiHost = u.Host
	}
	return c, nil
}

// Type returns "sms". It does no I/O.
func (c *Connector) Type() string { return Type }

// Capabilities: text and MMS media by URL. Longer texts are split into
// several messages of at most 1600 characters. It does no I/O.
func (c *Connector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{
		Text:          true,
		Media:         []switchboard.PartKind{switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile},
		Location:      true,
		ReadReceipts:  false,
		MaxTextLength: maxBodyLength,
		// Twilio sends from a US long code at 1 message per second and
		// queues the rest; pacing here keeps its queue (and 429s) empty.
		// Set rate_limit for short codes or toll-free numbers.
		SendRate: 1,
		Extra:    map[string]any{"max_media_per_message": maxMediaPerMessage},
	}
}
