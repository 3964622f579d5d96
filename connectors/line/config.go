package line

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

// Default endpoints of the LINE Messaging API.
const (
	DefaultAPIBaseURL     = "https://api.line.me"
	DefaultDataAPIBaseURL = "https://api-data.line.me"
	// DefaultSendTimeout bounds one Send (all its provider calls).
	DefaultSendTimeout = 15 * time.Second
)

// Config is a LINE channel's config: the keys of its entry in the config
// file or the API, decoded strictly.
type Config struct {
	// ChannelSecret signs webhooks (secret).
	ChannelSecret string `json:"channel_secret" label:"Channel secret" help:"From the LINE Developers console, Basic settings tab; signs webhooks." required:"true"`
	// ChannelAccessToken authorises API calls (secret; long-lived token).
	ChannelAccessToken string `json:"channel_access_token" label:"Channel access token" help:"Long-lived token from the Messaging API tab." required:"true"`
	// APIBaseURL defaults to https://api.line.me.
	APIBaseURL string `json:"api_base_url,omitempty" label:"API base URL" help:"Leave empty for https://api.line.me."`
	// DataAPIBaseURL (message content) defaults to https://api-data.line.me.
	DataAPIBaseURL string `json:"data_api_base_url,omitempty" label:"Data API base URL" help:"Leave empty for https://api-data.line.me."`
	// SendTimeout bounds one Send, as a Go duration ("10s"); default 15s.
	SendTimeout connectors.Duration `json:"send_timeout,omitempty" label:"Send timeout" help:"How long one send may take, e.g. 15s."`
}

// ParseConfig decodes and validates a LINE channel's config, filling
// defaults. Errors name the field.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	if err := connectors.DecodeConfig(raw, &c); err != nil {
		var de *connectors.DurationError
		if errors.As(err, &de) {
			// send_timeout is the config's only duration.
			return Config{}, fmt.Errorf("config: send_timeout: %w", de)
		}
		return Config{}, err
	}
	var errs []error
	c.ChannelSecret = strings.TrimSpace(c.ChannelSecret)
	c.ChannelAccessToken = strings.TrimSpace(c.ChannelAccessToken)
	if c.ChannelSecret == "" {
		errs = append(errs, errors.New("config: channel_secret is required"))
	}
	if c.ChannelAccessToken == "" {
		errs = append(errs, errors.New("config: channel_access_token is required"))
	}
	var err error
	if c.APIBaseURL, err = baseURL("api_base_url", c.APIBaseURL, DefaultAPIBaseURL); err != nil {
		errs = append(errs, err)
	}
	if c.DataAPIBaseURL, err = baseURL("data_api_base_url", c.DataAPIBaseURL, DefaultDataAPIBaseURL); err != nil {
		errs = append(errs, err)
	}
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

// baseURL validates an absolute http(s) URL and strips a trailing slash.
func baseURL(field, v, def string) (string, error) {
	if v == "" {
		return def, nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("config: %s must be an absolute http(s) URL, got %q", field, v)
	}
	return strings.TrimRight(v, "/"), nil
}
