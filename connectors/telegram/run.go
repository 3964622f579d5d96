package telegram

import (
	"context"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// maxBackoff caps the wait between setWebhook attempts.
const maxBackoff = 5 * time.Minute

// Run registers the hub's webhook with Telegram (setWebhook with
// deps.WebhookURL, the secret token and AllowedUpdates), retrying with
// backoff while Telegram is unreachable or refuses, then blocks until ctx
// is done. It is called once by the hub when the channel starts (from the
// config or added at run time) and returns nil when ctx is done. Until
// setWebhook succeeds the channel is reported disconnected
// (credentials_broken when the token is refused), then ok; the token never
// appears in logs or reports. It must not touch the store.
func (c *Connector) Run(ctx context.Context) error {
	if c.deps.WebhookURL == "" {
		c.log.Warn("Telegram webhook not registered: the hub has no public_url", "channel", c.deps.ChannelID)
		<-ctx.Done()
		return nil
	}
	wait := c.backoff
	for {
		err := c.SetWebhook(ctx)
		if err == nil {
			c.log.Info("Telegram webhook registered", "channel", c.deps.ChannelID, "url", c.deps.WebhookURL)
			c.deps.Status.ReportStatus(ctx, switchboard.ChannelStatus{ChannelID: c.deps.ChannelID, State: switchboard.ChannelOK, Since: c.now().UTC()})
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		// Until the webhook is registered Telegram delivers nothing: the
		// channel is down (or its token refused) and admins see why.
		state := switchboard.ChannelDisconnected
		if errors.Is(err, connectors.ErrCredentials) {
			state = switchboard.ChannelCredentialsBroken
		}
		c.deps.Status.ReportStatus(ctx, switchboard.ChannelStatus{ChannelID: c.deps.ChannelID, State: state, Reason: "setWebhook: " + err.Error(), Since: c.now().UTC()})
		if d, ok := connectors.RetryAfter(err); ok && d > wait {
			wait = d
		}
		c.log.Warn("Telegram setWebhook failed; retrying", "channel", c.deps.ChannelID, "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, maxBackoff)
	}
	<-ctx.Done()
	return nil
}

// SetWebhook calls setWebhook once with the channel's webhook URL, secret
// token and AllowedUpdates.
func (c *Connector) SetWebhook(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	return c.call(ctx, "setWebhook", map[string]any{
		"url":             c.deps.WebhookURL,
		"secret_token":    c.cfg.SecretToken,
		"allowed_updates": AllowedUpdates,
	}, nil)
}
