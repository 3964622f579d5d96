package line

import (
	"context"
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

// checkTimeout bounds CheckCredentials.
const checkTimeout = 10 * time.Second

// CheckCredentials asks LINE for the bot's info (GET /v2/bot/info) with the
// channel access token. It is called by `switchboard channels check` and
// when a channel is added through the API, never on the message path. A
// rejected token is a PermanentError. The channel secret cannot be checked
// against LINE; a wrong one shows as 401s on webhooks.
func (c *Connector) CheckCredentials(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	resp, err := c.call(ctx, http.MethodGet, c.apiURL("/v2/bot/info"), nil, nil)
	if err != nil {
		return err
	}
	if resp.status == http.StatusUnauthorized {
		return connectors.Permanent("LINE rejected the channel access token", c.classify("bot info", resp))
	}
	if !resp.ok() {
		return c.classify("bot info", resp)
	}
	return nil
}
