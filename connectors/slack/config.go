package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Type is the channel type this package registers.
const Type = "slack"

// DefaultAPIBaseURL is Slack's Web API base, the SDK's slack.APIURL.
const DefaultAPIBaseURL = "https://slack.com/api/"

// DefaultNotePrefix marks a thread reply as an internal note.
const DefaultNotePrefix = "//"

// Config is a Slack channel's own config keys (bot_token, signing_secret and
// app_token are secrets: encrypted at rest, never returned by the API).
type Config struct {
	// BotToken is the bot user OAuth token (xoxb-...) used for the Web API.
	// Required.
	BotToken string `json:"bot_token" label:"Bot token" help:"Bot user OAuth token (xoxb-...)." required:"true"`
	// SigningSecret verifies Events API requests (X-Slack-Signature).
	// Required.
	SigningSecret string `json:"signing_secret" label:"Signing secret" help:"From the app Basic Information page; verifies events." required:"true"`
	// Channel is the Slack channel id (C0123ABCDEF) where conversation threads
	// are opened. Required; a #name is not accepted.
	Channel string `json:"channel" label:"Slack channel id" help:"Channel id such as C0123ABCDEF where threads open." required:"true"`
	// AppToken is an app-level token (xapp-...). When set, the connector
	// also receives events over Socket Mode (Run).
	AppToken string `json:"app_token,omitempty" label:"App token" help:"App-level token (xapp-...) to receive events over Socket Mode."`
	// APIBaseURL replaces https://slack.com/api/ (tests, proxies).
	APIBaseURL string `json:"api_base_url,omitempty" label:"API base URL" help:"Leave empty for https://slack.com/api/."`
	// NotePrefix turns a thread reply starting with it into an internal
	// note (prefix stripped). Default "//".
	NotePrefix string `json:"note_prefix,omitempty" label:"Note prefix" help:"A thread reply starting with it becomes an internal note (default //)."`
	// FallbackOperator answers for Slack users not linked to an operator.
	// When empty, their replies are rejected with a notice and not sent.
	FallbackOperator switchboard.OperatorID `json:"fallback_operator,omitempty" label:"Fallback operator" help:"Operator id that answers for unlinked Slack users."`
	// Departments, when set, limits this Slack channel to conversations of
	// these departments (ids, as GET /api/v1/departments lists them), so
	// each department can have its own Slack channel. Empty: all.
	Departments []switchboard.DepartmentID `json:"departments,omitempty" label:"Departments" help:"Department ids this Slack channel mirrors; empty: all."`
}

func init() {
	connectors.Register(connectors.Registration{
		Type:    Type,
		New:     func(raw json.RawMessage, deps connectors.Deps) (connectors.Connector, error) { return New(raw, deps) },
		Secrets: []string{"bot_token", "signing_secret", "app_token"},
		Name:    "Slack mirror",
		Config:  Config{},
	})
}

// ParseConfig decodes a channel's config strictly, applies defaults and
// validates it. Errors name the field. It does no I/O.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var cfg Config
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	if err := connectors.DecodeConfig(raw, &cfg); err != nil {
		return Config{}, err
	}
	cfg.applyDefaults()
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func (c *Config) applyDefaults() {
	c.BotToken = strings.TrimSpace(c.BotToken)
	c.SigningSecret = strings.TrimSpace(c.SigningSecret)
	c.AppToken = strings.TrimSpace(c.AppToken)
	c.Channel = strings.TrimSpace(c.Channel)
	c.APIBaseURL = strings.TrimSpace(c.APIBaseURL)
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	}
	// The SDK appends the method name to the base ("…/api/" + "chat.postMessage").
	if !strings.HasSuffix(c.APIBaseURL, "/") {
		c.APIBaseURL += "/"
	}
	if c.NotePrefix == "" {
		c.NotePrefix = DefaultNotePrefix
	}
}

// Validate checks a config with defaults applied. Errors name the field and
// never contain a secret's value.
func (c Config) Validate() error {
	var errs []error
	if c.BotToken == "" {
		errs = append(errs, errors.New("bot_token: required (the bot user OAuth token, xoxb-...)"))
	}
	if c.SigningSecret == "" {
		errs = append(errs, errors.New("signing_secret: required (Basic Information → Signing Secret of the Slack app)"))
	}
	switch {
	case c.Channel == "":
		errs = append(errs, errors.New("channel: required (the id of the Slack channel where threads open, like C0123ABCDEF)"))
	case strings.HasPrefix(c.Channel, "#"):
		errs = append(errs, fmt.Errorf("channel: %q is a channel name; give the channel id (like C0123ABCDEF)", c.Channel))
	case strings.ContainsAny(c.Channel, " \t\r\n/"):
		errs = append(errs, fmt.Errorf("channel: %q is not a Slack channel id", c.Channel))
	}
	if c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-") {
		errs = append(errs, errors.New("app_token: must be an app-level token (xapp-...) for Socket Mode"))
	}
	if u, err := url.Parse(c.APIBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("api_base_url: %q is not an absolute http(s) URL", c.APIBaseURL))
	}
	if strings.TrimSpace(c.NotePrefix) == "" {
		errs = append(errs, errors.New("note_prefix: must contain a visible character"))
	}
	return errors.Join(errs...)
}
