package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

// Defaults of a Telegram channel.
const (
	DefaultAPIBaseURL = "https://api.telegram.org"
	// DefaultSendTimeout bounds one Send (all its Bot API calls).
	DefaultSendTimeout = 15 * time.Second
)

// Config is a Telegram channel's config: the keys of its entry in the
// config file or the API, decoded strictly.
type Config struct {
	// BotToken is the token @BotFather gave the bot (secret; it is part of
	// every Bot API URL).
	BotToken string `json:"bot_token" label:"Bot token" help:"From @BotFather (/newbot or /token), e.g. 123456:ABC-DEF…" required:"true"`
	// SecretToken is sent by Telegram in X-Telegram-Bot-Api-Secret-Token
	// with every webhook call (secret; 1-256 of A-Z a-z 0-9 _ -).
	SecretToken string `json:"secret_token" label:"Webhook secret token" help:"Any 1-256 characters of A-Z, a-z, 0-9, _ and -; the hub registers it with setWebhook." required:"true"`
	// APIBaseURL defaults to https://api.telegram.org.
	APIBaseURL string `json:"api_base_url,omitempty" label:"API base URL" help:"Leave empty for https://api.telegram.org (or a local Bot API server)."`
	// SendTimeout bounds one Send, as a Go duration ("10s"); default 15s.
	SendTimeout connectors.Duration `json:"send_timeout,omitempty" label:"Send timeout" help:"How long one send may take, e.g. 15s."`
}

var (
	secretTokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	botTokenPattern    = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)
)

// ParseConfig decodes and validates a Telegram channel's config, filling
// defaults. Errors name the field and never quote a secret.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	if err := connectors.DecodeConfig(raw, &c); err != nil {
		var de *connectors.DurationError
		if errors.As(err, &de) {
			return Config{}, fmt.Errorf("config: send_timeout: %w", de)
		}
		return Config{}, err
	}
	var errs []error
	c.BotToken = strings.TrimSpace(c.BotToken)
	c.SecretToken = strings.TrimSpace(c.SecretToken)
	switch {
	case c.BotToken == "":
		errs = append(errs, errors.New("config: bot_token is required"))
	case !botTokenPattern.MatchString(c.BotToken):
		errs = append(errs, errors.New("config: bot_token must look like 123456:ABC-DEF… (digits, a colon, then letters, digits, _ or -)"))
	}
	switch {
	case c.SecretToken == "":
		errs = append(errs, errors.New("config: secret_token is required"))
	case !secretTokenPattern.MatchString(c.SecretToken):
		errs = append(errs, errors.New("config: secret_token must be 1-256 characters of A-Z, a-z, 0-9, _ and -"))
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	} else if u, err := url.Parse(c.APIBaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("config: api_base_url must be an absolute http(s) URL, got %q", c.APIBaseURL))
	}
	c.APIBaseURL = strings.TrimRight(c.APIBaseURL, "/")
	switch {
	case c.SendTimeout < 0:
		errs = append(errs, errors.New("config: send_timeout must not be negative"))
	case c.SendTimeout == 0:
		c.SendTimeout = connectors.Duration(DefaultSendTimeout)
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}
