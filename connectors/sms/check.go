package sms

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

const checkTimeout = 10 * time.Second

// CheckCredentials fetches the account (GET
// /2010-04-01/Accounts/{AccountSid}.json) with the configured credentials.
// It is called by `switchboard channels check` and when a channel is added
// through the API, never on the message path. Rejected credentials are a
// PermanentError.
func (c *Connector) CheckCredentials(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	u := c.cfg.APIBaseURL + "/2010-04-01/Accounts/" + url.PathEscape(c.cfg.AccountSID) + ".json"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return connectors.Permanent("cannot build Twilio request", err)
	}
	status, header, body, err := c.do(req)
	if err != nil {
		return err
	}
	if status == http.StatusUnauthorized {
		return connectors.Permanent("Twilio rejected the account sid or auth token", c.classify("account", status, header, body))
	}
	if status < 200 || status > 299 {
		return c.classify("account", status, header, body)
	}
	return nil
}
