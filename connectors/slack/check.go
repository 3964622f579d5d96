package slack

import (
	"context"
)

// CheckCredentials calls auth.test with the bot token and learns the bot's
// user id (used to ignore the bot's own messages). It is called by
// `switchboard channels check` and when a channel is added through the API;
// it must not be called on a hot path. Errors are classified like Mirror's:
// invalid_auth is permanent, rate limits and outages retryable.
func (c *Connector) CheckCredentials(ctx context.Context) error {
	_, _, err := c.authTest(ctx)
	return err
}

// botIdentity returns the bot's user id and bot id, calling auth.test the
// first time (lazily, from Mirror or the webhook).
func (c *Connector) botIdentity(ctx context.Context) (userID, botID string, err error) {
	c.botMu.Lock()
	userID, botID = c.botUserID, c.botID
	c.botMu.Unlock()
	if userID != "" {
		return userID, botID, nil
	}
	return c.authTest(ctx)
}

func (c *Connector) authTest(ctx context.Context) (userID, botID string, err error) {
	resp, err := c.api.AuthTestContext(ctx)
	if err != nil {
		return "", "", classify("auth.test", err)
	}
	c.botMu.Lock()
	c.botUserID, c.botID = resp.UserID, resp.BotID
	c.botMu.Unlock()
	c.log.DebugContext(ctx, "slack bot identity", "bot_user_id", resp.UserID, "team_id", resp.TeamID)
	return resp.UserID, resp.BotID, nil
}
