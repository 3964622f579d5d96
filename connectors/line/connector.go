// Package line is the LINE Messaging API channel: webhooks in (signed with
// the channel secret), reply and push messages out, profiles and message
// content fetched from LINE's API. It registers the channel type "line".
package line

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Type is the registered channel type.
const Type = "line"

func init() {
	connectors.Register(connectors.Registration{
		Type: Type,
		New: func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
			return New(config, deps)
		},
		Secrets: []string{"channel_secret", "channel_access_token"},
		Name:    "LINE",
		Config:  Config{},
	})
}

// Connector is one configured LINE channel. It is safe for concurrent use.
type Connector struct {
	cfg      Config
	deps     connectors.Deps
	client   *http.Client
	log      *slog.Logger
	now      func() time.Time
	profiles *profileCache
}

// Interfaces the hub discovers by type assertion.
var (
	_ connectors.WebhookReceiver   = (*Connector)(nil)
	_ connectors.CredentialChecker = (*Connector)(nil)
	_ connectors.Broadcaster       = (*Connector)(nil)
	_ connectors.TypingSender      = (*Connector)(nil)
	_ connectors.MediaFetcher      = (*Connector)(nil)
	_ connectors.Simulator         = (*Connector)(nil)
)

// New builds a LINE connector from its config. It validates the config and
// does no network I/O.
func New(config json.RawMessage, deps connectors.Deps) (*Connector, error) {
	cfg, err := ParseConfig(config)
	if err != nil {
		return nil, err
	}
	deps = deps.WithDefaults()
	c := &Connector{cfg: cfg, deps: deps, client: deps.HTTPClient, log: deps.Logger, now: deps.Now, profiles: newProfileCache(1024, 24*time.Hour)}
	return c, nil
}

// Type returns "line". It does no I/O.
func (c *Connector) Type() string { return Type }

// Capabilities says what LINE carries. Video and files go out as links
// (LINE needs a preview image for native video and has no file message);
// audio is native when its duration is known. It does no I/O.
func (c *Connector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{
		Text:          true,
		Media:         []switchboard.PartKind{switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile},
		Location:      true,
		Sticker:       true,
		Buttons:       true,
		Templates:     true,
		Typing:        true,
		MaxTextLength: maxTextLength,
		// The Messaging API allows 2,000 requests per second per channel for
		// push and reply; the hub stays well below that by default.
		SendRate: 1000,
		Extra: map[string]any{
			"reply_token_ttl_seconds": int(replyTokenTTL / time.Second),
			"max_quick_reply_items":   maxQuickReplyItems,
		},
	}
}
