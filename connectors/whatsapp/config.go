package whatsapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// Modes of a WhatsApp channel.
const (
	// ModeCloud is Meta's WhatsApp Cloud API (the default).
	ModeCloud = "cloud"
	// ModeDevice links the hub as a companion device of a WhatsApp phone
	// (package connectors/whatsapp/device).
	ModeDevice = "device"
)

// DefaultSendTimeout bounds one Send (all its provider calls).
const DefaultSendTimeout = 15 * time.Second

// Config is a WhatsApp channel's config: the keys of its entry in the
// config file or the API, decoded strictly. The Cloud API keys are
// required in cloud mode only (ParseConfig says which is missing), so
// their tags do not mark them required: the console's form would refuse a
// device-mode channel without them.
type Config struct {
	// Mode is cloud (default) or device.
	Mode string `json:"mode,omitempty" label:"Mode" help:"cloud (WhatsApp Cloud API, the default) or device (linked device)."`
	// AppSecret signs webhooks (X-Hub-Signature-256). Secret.
	AppSecret string `json:"app_secret" label:"App secret" help:"Cloud mode (required there): Meta app dashboard: App settings > Basic > App secret; signs webhooks."`
	// VerifyToken is what Meta sends in the subscription handshake. Secret.
	VerifyToken string `json:"verify_token" label:"Verify token" help:"Cloud mode (required there): Any string you choose; paste the same in the app's WhatsApp > Configuration > Webhook."`
	// AccessToken authorises Graph calls (a system user token). Secret.
	AccessToken string `json:"access_token" label:"Access token" help:"Cloud mode (required there): A system user's permanent token with whatsapp_business_messaging and whatsapp_business_management."`
	// PhoneNumberID is the business phone number's id (not the number).
	PhoneNumberID string `json:"phone_number_id" label:"Phone number ID" help:"Cloud mode (required there): WhatsApp > API Setup: the Phone number ID (digits, not the phone number)."`
	// BusinessAccountID is the WhatsApp Business Account id; templates are
	// listed from it.
	BusinessAccountID string `json:"business_account_id,omitempty" label:"WhatsApp Business Account ID" help:"WhatsApp > API Setup: the WhatsApp Business Account ID; needed to sync message templates."`
	// APIVersion is the Graph API version (default v26.0).
	APIVersion string `json:"api_version,omitempty" label:"Graph API version" help:"Leave empty for v26.0."`
	// APIBaseURL is the Graph host without the version.
	APIBaseURL string `json:"api_base_url,omitempty" label:"API base URL" help:"Leave empty for https://graph.facebook.com (host without the version)."`
	// SendTimeout bounds one Send, as a Go duration ("10s"); default 15s
	// (60s in device mode).
	SendTimeout connectors.Duration `json:"send_timeout,omitempty" label:"Send timeout" help:"How long one send may take, e.g. 15s."`
	// DeviceName is device mode's name on the phone ("Chrome (Linux)").
	DeviceName string `json:"device_name,omitempty" label:"Device name (device mode)" help:"Device mode only: shown on the phone when pairing by code, as Browser (OS), e.g. Chrome (Linux)."`
}

var graphID = regexp.MustCompile(`^[0-9]{1,32}$`)

// decodeMode reads only the mode key of a config (the rest is decoded by
// the mode's own config). Empty means cloud.
func decodeMode(raw json.RawMessage) (string, error) {
	var m struct {
		Mode *string `json:"mode"`
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return ModeCloud, nil
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", fmt.Errorf("config: %w", err)
	}
	if m.Mode == nil {
		return ModeCloud, nil
	}
	switch mode := strings.ToLower(strings.TrimSpace(*m.Mode)); mode {
	case "", ModeCloud:
		return ModeCloud, nil
	case ModeDevice:
		return ModeDevice, nil
	default:
		return "", fmt.Errorf("config: mode must be %q or %q, got %q", ModeCloud, ModeDevice, *m.Mode)
	}
}

// ParseConfig decodes and validates a cloud-mode channel's config, filling
// defaults. Errors name the field.
func ParseConfig(raw json.RawMessage) (Config, error) {
	var c Config
	if len(bytes.TrimSpace(raw)) == 0 {
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
	c.Mode = ModeCloud
	if c.DeviceName != "" {
		errs = append(errs, errors.New("config: device_name is for mode device only"))
	}
	for _, f := range []struct {
		key string
		v   *string
	}{{"app_secret", &c.AppSecret}, {"verify_token", &c.VerifyToken}, {"access_token", &c.AccessToken}, {"phone_number_id", &c.PhoneNumberID}} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v == "" {
			errs = append(errs, fmt.Errorf("config: %s is required", f.key))
		}
	}
	if c.PhoneNumberID != "" && !graphID.MatchString(c.PhoneNumberID) {
		errs = append(errs, fmt.Errorf("config: phone_number_id is the numeric id from API Setup (not the phone number), got %q", c.PhoneNumberID))
	}
	c.BusinessAccountID = strings.TrimSpace(c.BusinessAccountID)
	if c.BusinessAccountID != "" && !graphID.MatchString(c.BusinessAccountID) {
		errs = append(errs, fmt.Errorf("config: business_account_id must be numeric, got %q", c.BusinessAccountID))
	}
	var err error
	if c.APIVersion, err = meta.APIVersion(c.APIVersion); err != nil {
		errs = append(errs, err)
	}
	if c.APIBaseURL, err = meta.BaseURL(c.APIBaseURL); err != nil {
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
