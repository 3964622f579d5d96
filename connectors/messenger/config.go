package messenger

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// Config is a Messenger or Instagram channel's config: the keys of its
// entry in the config file or the API, decoded strictly. Instagram
// channels also need instagram_account_id; Messenger channels refuse it.
type Config struct {
	// AppSecret signs webhooks (secret).
	AppSecret string `json:"app_secret" label:"App secret" help:"From the Meta app dashboard, App settings > Basic; signs webhooks (X-Hub-Signature-256)." required:"true"`
	// VerifyToken is what the subscription handshake must present (secret).
	VerifyToken string `json:"verify_token" label:"Verify token" help:"Any string you choose; type the same into the app's webhook settings." required:"true"`
	// PageAccessToken authorises Send API and profile calls (secret).
	PageAccessToken string `json:"page_access_token" label:"Page access token" help:"A long-lived Page access token with pages_messaging (Instagram: instagram_manage_messages)." required:"true"`
	// PageID is the Facebook Page (for Instagram: the Page linked to the
	// Instagram professional account).
	PageID string `json:"page_id" label:"Page ID" help:"The Facebook Page's numeric id (for Instagram: the Page linked to the account)." required:"true"`
	// InstagramAccountID is the Instagram professional account's id
	// (Instagram channels only): entry.id of its webhooks.
	InstagramAccountID string `json:"instagram_account_id,omitempty" label:"Instagram account ID" help:"The Instagram professional account's id (IGID), linked to the page."`
	// HumanAgent says the app has the Human Agent permission: replies may
	// go out up to 7 days after the customer's last message, tagged
	// HUMAN_AGENT after the first 24 hours.
	HumanAgent bool `json:"human_agent,omitempty" label:"Human Agent permission" help:"Set when the app was granted Human Agent: operators may answer for 7 days instead of 24 hours."`
	// APIVersion defaults to meta.DefaultAPIVersion.
	APIVersion string `json:"api_version,omitempty" label:"Graph API version" help:"Leave empty for v26.0."`
	// APIBaseURL is Graph's host without the version.
	APIBaseURL string `json:"api_base_url,omitempty" label:"API base URL" help:"Leave empty for https://graph.facebook.com (host only, no version)."`
}

var graphID = regexp.MustCompile(`^[0-9]{1,32}$`)

// ParseConfig decodes and validates a channel's config for flavor f,
// filling defaults. Errors name the field.
func ParseConfig(raw json.RawMessage, f Flavor) (Config, error) {
	var c Config
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	if err := connectors.DecodeConfig(raw, &c); err != nil {
		return Config{}, err
	}
	var errs []error
	for _, field := range []struct {
		key string
		v   *string
	}{{"app_secret", &c.AppSecret}, {"verify_token", &c.VerifyToken}, {"page_access_token", &c.PageAccessToken}, {"page_id", &c.PageID}} {
		*field.v = strings.TrimSpace(*field.v)
		if *field.v == "" {
			errs = append(errs, fmt.Errorf("config: %s is required", field.key))
		}
	}
	if c.PageID != "" && !graphID.MatchString(c.PageID) {
		errs = append(errs, fmt.Errorf("config: page_id must be the Page's numeric id, got %q", c.PageID))
	}
	c.InstagramAccountID = strings.TrimSpace(c.InstagramAccountID)
	switch {
	case f.Instagram && c.InstagramAccountID == "":
		errs = append(errs, errors.New("config: instagram_account_id is required"))
	case f.Instagram && !graphID.MatchString(c.InstagramAccountID):
		errs = append(errs, fmt.Errorf("config: instagram_account_id must be the account's numeric id, got %q", c.InstagramAccountID))
	case !f.Instagram && c.InstagramAccountID != "":
		errs = append(errs, errors.New("config: instagram_account_id belongs to instagram channels, not messenger"))
	}
	var err error
	if c.APIVersion, err = meta.APIVersion(c.APIVersion); err != nil {
		errs = append(errs, err)
	}
	if c.APIBaseURL, err = meta.BaseURL(c.APIBaseURL); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// accountID is the business's own id in webhooks: the Page id, or the
// Instagram account id.
func (c Config) accountID(f Flavor) string {
	if f.Instagram {
		return c.InstagramAccountID
	}
	return c.PageID
}
