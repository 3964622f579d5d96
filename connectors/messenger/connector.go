// Package messenger is the Facebook Messenger channel (type "messenger")
// and the machinery it shares with Instagram Messaging (connectors/instagram
// builds the same Connector with the Instagram Flavor): the messaging[]
// webhook (signed with the app secret, verified by the subscription
// handshake), the Send API with the 24-hour window and the HUMAN_AGENT tag,
// quick replies and button templates, sender actions, and profiles fetched
// once per contact. Graph calls go through connectors/meta.
package messenger

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// Type is the registered channel type of Messenger.
const Type = "messenger"

// Secrets are the config keys holding secrets, for both flavors.
var Secrets = []string{"app_secret", "verify_token", "page_access_token"}

func init() {
	connectors.Register(connectors.Registration{
		Type: Type,
		New: func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
			return New(config, deps)
		},
		Secrets: Secrets,
		Name:    "Facebook Messenger",
		Config:  Config{},
		Hidden:  []string{"instagram_account_id"},
	})
}

// Flavor is what differs between Messenger and Instagram Messaging; the
// wire formats are otherwise the same.
type Flavor struct {
	// Type is the channel type ("messenger", "instagram"); Name is for
	// reasons and logs.
	Type string
	Name string
	// Instagram selects Instagram's differences: webhook object
	// "instagram", entry ids of the Instagram account, text limited to
	// 1,000 bytes, no metadata on sends, its profile fields.
	Instagram bool
	// Object is the webhook's "object".
	Object string
	// ProfileFields are asked of GET /{user id}.
	ProfileFields string
	// MaxTextChars is the Send API's text limit in characters; MaxTextBytes,
	// when non-zero, a limit in UTF-8 bytes on top.
	MaxTextChars int
	MaxTextBytes int
	// InboxAppIDs are Meta's own inbox apps: echoes they carry were written
	// by a person in the Page inbox (or the Instagram app).
	InboxAppIDs []string
}

// MessengerFlavor is Facebook Messenger.
var MessengerFlavor = Flavor{
	Type: Type, Name: "Messenger", Object: "page",
	ProfileFields: "first_name,last_name,profile_pic",
	MaxTextChars:  2000,
	// 263902037430900 is the Page inbox (Meta Business Suite) app.
	InboxAppIDs: []string{"263902037430900"},
}

// Connector is one configured Messenger or Instagram channel. It is safe
// for concurrent use.
type Connector struct {
	flavor   Flavor
	cfg      Config
	deps     connectors.Deps
	graph    *meta.Client
	log      *slog.Logger
	now      func() time.Time
	profiles *profileCache
	sent     *recentSet
	progress *progressMap
}

// Interfaces the hub discovers by type assertion. There is no Retracter:
// the Send API has no way for a Page to unsend a message.
var (
	_ connectors.WebhookReceiver   = (*Connector)(nil)
	_ connectors.CredentialChecker = (*Connector)(nil)
	_ connectors.TypingSender      = (*Connector)(nil)
	_ connectors.ReadMarker        = (*Connector)(nil)
	_ connectors.MediaFetcher      = (*Connector)(nil)
	_ connectors.Simulator         = (*Connector)(nil)
)

// New builds a Messenger connector from its config. It validates the
// config and does no network I/O.
func New(config json.RawMessage, deps connectors.Deps) (*Connector, error) {
	return NewFlavor(MessengerFlavor, config, deps)
}

// NewFlavor builds a connector of flavor f (connectors/instagram calls it
// with its flavor). It validates the config and does no network I/O.
func NewFlavor(f Flavor, config json.RawMessage, deps connectors.Deps) (*Connector, error) {
	cfg, err := ParseConfig(config, f)
	if err != nil {
		return nil, err
	}
	deps = deps.WithDefaults()
	return &Connector{
		flavor: f, cfg: cfg, deps: deps, log: deps.Logger, now: deps.Now,
		graph: &meta.Client{BaseURL: cfg.APIBaseURL, Version: cfg.APIVersion, Token: cfg.PageAccessToken,
			HTTP: deps.HTTPClient, Now: deps.Now},
		profiles: newProfileCache(4096, 24*time.Hour),
		sent:     newRecentSet(4096),
		progress: newProgressMap(1024),
	}, nil
}

// Type returns the channel type. It does no I/O.
func (c *Connector) Type() string { return c.flavor.Type }

// Window lengths of the Send API.
const (
	standardWindow   = 24 * time.Hour
	humanAgentWindow = 7 * 24 * time.Hour
)

// window is how long after the customer's last message the channel may
// answer freely: 24 hours, 7 days with the Human Agent permission.
func (c *Connector) window() time.Duration {
	if c.cfg.HumanAgent {
		return humanAgentWindow
	}
	return standardWindow
}

// Capabilities says what the channel carries. Buttons go out as a button
// template (at most 3) or quick replies (at most 13). It does no I/O.
func (c *Connector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{
		Text:               true,
		Media:              []switchboard.PartKind{switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile},
		Buttons:            true,
		Typing:             true,
		ReadReceipts:       true,
		Reactions:          true,
		MaxTextLength:      c.flavor.MaxTextChars,
		ReplyWindowSeconds: int(c.window() / time.Second),
		Extra: map[string]any{
			"max_quick_replies":    maxQuickReplies,
			"max_template_buttons": maxTemplateButtons,
			"max_text_bytes":       c.flavor.MaxTextBytes,
			"human_agent":          c.cfg.HumanAgent,
		},
	}
}
