// Package portal is the "portal" channel type (issue 15): the channel of
// conversations whose customer writes and reads in the customer portal
// (tickets opened there or through the API), not through a provider.
// The hub creates one per workspace on first use (router.Hub.PortalChannel);
// an operator's reply is stored and the customer reads it in the portal
// (and gets an e-mail copy when the contact has an address), so Send only
// confirms it. The channel takes no webhooks: nothing calls it from outside.
package portal

import (
	"context"
	"encoding/json"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Type is the channel type name.
const Type = "portal"

// MaxTextLength is the longest reply the portal shows.
const MaxTextLength = 20000

func init() {
	connectors.Register(connectors.Registration{Type: Type, New: New, Name: "Customer portal", Config: Config{}})
}

// Config is the portal channel's configuration: it has no keys.
type Config struct{}

// Connector is one workspace's portal channel.
type Connector struct {
	deps connectors.Deps
}

// New builds a portal channel; the config must be empty ({}). It does no I/O.
func New(raw json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
	var cfg Config
	if len(raw) > 0 {
		if err := connectors.DecodeConfig(raw, &cfg); err != nil {
			return nil, err
		}
	}
	return &Connector{deps: deps.WithDefaults()}, nil
}

// Type implements connectors.Connector.
func (c *Connector) Type() string { return Type }

// Capabilities implements connectors.Connector: the portal shows text,
// markdown, links and the files the hub stores.
func (c *Connector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{
		Text:          true,
		Markdown:      true,
		Media:         []switchboard.PartKind{switchboard.PartImage, switchboard.PartFile},
		Links:         true,
		MaxTextLength: MaxTextLength,
	}
}

// Send confirms an operator's reply: the customer reads it from the hub in
// the portal, so nothing travels anywhere and every message is accepted
// (status sent; it is read once the customer opens the ticket). It must
// not block and never claims a delivery somewhere else.
func (c *Connector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	return connectors.SendResult{ExternalID: switchboard.ExternalID("portal:" + string(msg.MessageID)), Status: switchboard.StatusSent}, nil
}
