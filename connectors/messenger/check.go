package messenger

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// checkTimeout bounds CheckCredentials.
const checkTimeout = 10 * time.Second

// CheckCredentials asks Graph who the page access token belongs to (GET
// /me?fields=id,name) and checks it is the configured Page. It is called by
// `switchboard channels check` and when a channel is added through the
// API, never on the message path. A refused token is a PermanentError
// wrapping connectors.ErrCredentials. The app secret and verify token
// cannot be checked against Meta; a wrong one shows as 401s and 403s on
// the webhook.
func (c *Connector) CheckCredentials(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	var me struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := c.graph.Get(ctx, "/me", url.Values{"fields": {"id,name"}}, &me); err != nil {
		return classify(c.flavor.Name+" credentials check", err)
	}
	if me.ID != c.cfg.PageID {
		return fmt.Errorf("%s: the page access token belongs to %q (%s), not to page_id %s", c.flavor.Name, me.Name, me.ID, c.cfg.PageID)
	}
	return nil
}
