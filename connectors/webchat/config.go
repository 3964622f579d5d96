// Package webchat is the site chat: the widget a business embeds on its own
// website. Visitors talk to the hub over /widget/v1 (HTTP and WebSocket,
// served by the console); this package owns the channel's config, visitor
// session tokens, the normalisation of visitor messages and delivery of
// replies (which the visitor reads from the hub, so Send only confirms).
package webchat

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/switchboardhq/switchboard/connectors"
)

// Config is a webchat channel's own keys.
type Config struct {
	// MaxTextLength is the longest visitor message or reply, in characters
	// (default 4000).
	MaxTextLength int `json:"max_text_length,omitempty" label:"Max text length" help:"Longest message in characters (default 4000)."`
	// AllowedOrigins lists the sites (scheme://host[:port]) allowed to embed
	// the widget; empty allows any.
	AllowedOrigins []string `json:"allowed_origins,omitempty" label:"Allowed origins" help:"Sites allowed to embed the widget (https://www.example.com); empty: any."`
	// Title and Greeting are shown in the widget.
	Title    string `json:"title,omitempty" label:"Title" help:"Shown at the top of the widget."`
	Greeting string `json:"greeting,omitempty" label:"Greeting" help:"First line the visitor sees."`
	// SessionTTLHours is how long a visitor token is valid (default 720, 30 days).
	SessionTTLHours int `json:"session_ttl_hours,omitempty" label:"Session hours" help:"How long a visitor stays recognised (default 720)."`
	// Color is the widget's accent colour (#rrggbb, default #2a5bd7).
	Color string `json:"color,omitempty" label:"Colour" help:"Accent colour of the widget, like #2a5bd7."`
	// Position is where the launcher sits: "right" (default) or "left".
	Position string `json:"position,omitempty" label:"Launcher position" help:"right or left (bottom corner of the page)."`
	// Language forces the widget's language ("ja" or "en"); empty follows
	// the page, then the browser.
	Language string `json:"language,omitempty" label:"Language" help:"ja or en; empty: the page's or the browser's language."`
	// IdentitySecret, when set, makes identify require a signature: the
	// hex HMAC-SHA256 of the visitor's external_id (or e-mail) that the
	// business's server computes with this secret (secret).
	IdentitySecret string `json:"identity_secret,omitempty" label:"Identity secret" help:"When set, Switchboard.identify() must carry an HMAC-SHA256 signature your server computes with it."`
}

// DefaultColor is the widget's accent colour when the channel sets none.
const DefaultColor = "#2a5bd7"

func parseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if err := connectors.DecodeConfig(raw, &c); err != nil {
		return c, err
	}
	if c.MaxTextLength == 0 {
		c.MaxTextLength = 4000
	}
	if c.MaxTextLength < 1 || c.MaxTextLength > 100000 {
		return c, fmt.Errorf("max_text_length: %d is out of range 1..100000", c.MaxTextLength)
	}
	if c.SessionTTLHours == 0 {
		c.SessionTTLHours = 720
	}
	if c.SessionTTLHours < 0 {
		return c, errors.New("session_ttl_hours: must be positive")
	}
	if c.Color == "" {
		c.Color = DefaultColor
	}
	if !hexColor(c.Color) {
		return c, fmt.Errorf("color: %q is not a colour like #2a5bd7", c.Color)
	}
	switch c.Position {
	case "":
		c.Position = "right"
	case "right", "left":
	default:
		return c, fmt.Errorf("position: %q is not right or left", c.Position)
	}
	switch c.Language {
	case "", "ja", "en":
	default:
		return c, fmt.Errorf("language: %q is not ja or en (or empty)", c.Language)
	}
	if c.IdentitySecret != "" && len(c.IdentitySecret) < 16 {
		return c, errors.New("identity_secret: shorter than 16 characters")
	}
	for i, o := range c.AllowedOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return c, fmt.Errorf("allowed_origins[%d]: %q is not an origin like https://www.example.com", i, o)
		}
	}
	return c, nil
}

func hexColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, r := range s[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}
