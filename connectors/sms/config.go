package sms

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

// Defaults of the Twilio channel.
const (
	DefaultAPIBaseURL  = "https://api.twilio.com"
	DefaultSendTimeout = 15 * time.Second
)

// Config is an SMS (Twilio) channel's config, decoded strictly.
type Config struct {
	// AccountSID is the Twilio account (AC...).
	AccountSID string `json:"account_sid" label:"Account SID" help:"Twilio account id, starts with AC." required:"true"`
	// AuthToken authenticates API calls and signs webhooks (secret).
	AuthToken string `json:"auth_token" label:"Auth token" help:"Twilio auth token; signs webhooks too." required:"true"`
	// From is the sending number (E.164); exactly one of From and
	// MessagingServiceSID is set.
	From                string `json:"from,omitempty" label:"From number" help:"Sending number in E.164 (+15551234567); or set a messaging service."`
	MessagingServiceSID string `json:"messaging_service_sid,omitempty" label:"Messaging service SID" help:"Instead of a From number (MG...)."`
	// APIBaseURL defaults to https://api.twilio.com.
	APIBaseURL string `json:"api_base_url,omitempty" label:"API base URL" help:"Leave empty for https://api.twilio.com."`
	// StatusCallback is where Twilio posts delivery receipts; default the
	// channel's webhook URL with ?kind=status, so one mount serves both.
	StatusCallback string `json:"status_callback,omitempty" label:"Status callback URL" help:"Where Twilio posts delivery receipts; default the webhook URL."`
	// SendTimeout bounds one Send, as a Go duration; default 15s.
	SendTimeout connectors.Duration `json:"send_timeout,omitempty" label:"Send timeout" help:"How long one send may take, e.g. 15s."`
}

// ParseConfig decodes and validates the config, filling defaults;
// webhookURL is the channel's webhook URL (Deps.WebhookURL) for the default
// status callback. Errors name the field.
func ParseConfig(raw json.RawMessage, webhookURL string) (Config, error) {
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
	c.AccountSID, c.AuthToken = strings.TrimSpace(c.AccountSID), strings.TrimSpace(c.AuthToken)
	c.From, c.MessagingServiceSID = strings.TrimSpace(c.From), strings.TrimSpace(c.MessagingServiceSID)
	switch {
	case c.AccountSID == "":
		errs = append(errs, errors.New("config: account_sid is required"))
	case !strings.HasPrefix(c.AccountSID, "AC"):
		errs = append(errs, fmt.Errorf("config: account_sid must start with AC, got %q", c.AccountSID))
	}
	if c.AuthToken == "" {
		errs = append(errs, errors.New("config: auth_token is required"))
	}
	switch {
	case c.From == "" && c.MessagingServiceSID == "":
		errs = append(errs, errors.New("config: exactly one of from and messaging_service_sid is required, neither is set"))
	case c.From != "" && c.MessagingServiceSID != "":
		errs = append(errs, errors.New("config: exactly one of from and messaging_service_sid is required, both are set"))
	case c.MessagingServiceSID != "" && !strings.HasPrefix(c.MessagingServiceSID, "MG"):
		errs = append(errs, fmt.Errorf("config: messaging_service_sid must start with MG, got %q", c.MessagingServiceSID))
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	} else if err := checkURL("api_base_url", c.APIBaseURL); err != nil {
		errs = append(errs, err)
	}
	c.APIBaseURL = strings.TrimRight(c.APIBaseURL, "/")
	if c.StatusCallback == "" && webhookURL != "" {
		c.StatusCallback = webhookURL + "?kind=status"
	} else if c.StatusCallback != "" {
		if err := checkURL("status_callback", c.StatusCallback); err != nil {
			errs = append(errs, err)
		}
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

func checkURL(field, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("config: %s must be an absolute http(s) URL, got %q", field, v)
	}
	return nil
}
