package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/switchboardhq/switchboard/connectors"
)

// Run keeps a Socket Mode connection (apps.connections.open with app_token,
// then a WebSocket) and feeds its events_api envelopes into the same
// handling as HandleWebhook, acknowledging each envelope once handled. An
// envelope whose handling failed in the hub is not acknowledged, so Slack
// delivers it again (deduplicated by event_id). The hub calls Run once after
// construction; it returns nil when ctx is done. Without app_token there is
// nothing to run and it only waits for ctx. It returns an error when the
// SDK gives up (for instance invalid_auth); it must not be called twice.
func (c *Connector) Run(ctx context.Context) error {
	if c.cfg.AppToken == "" {
		<-ctx.Done()
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	client := socketmode.New(c.api, socketmode.OptionLog(sdkLogger{c.log}))
	done := make(chan error, 1)
	go func() { done <- client.RunContext(ctx) }()

	for {
		select {
		case <-ctx.Done():
			<-done
			return nil
		case err := <-done:
			if ctx.Err() != nil {
				return nil
			}
			return connectors.Permanent("slack socket mode stopped", err)
		case evt := <-client.Events:
			c.handleSocketEvent(ctx, client, evt)
		}
	}
}

// handleSocketEvent handles one event of the Socket Mode client.
func (c *Connector) handleSocketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		c.log.InfoContext(ctx, "slack socket mode connected")
	case socketmode.EventTypeErrorBadMessage:
		// The SDK could not parse an envelope (an inner event type it does
		// not know): handle its payload ourselves so it is acknowledged.
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var req socketmode.Request
			if json.Unmarshal(bad.Message, &req) == nil && req.Type == socketmode.RequestTypeEventsAPI && req.EnvelopeID != "" {
				if err := c.handleEnvelope(ctx, req.Payload); err != nil {
					c.log.ErrorContext(ctx, "slack event not handled; Slack will redeliver it", "envelope", req.EnvelopeID, "error", err)
					return
				}
				c.ack(ctx, client, &req)
				return
			}
		}
		c.log.WarnContext(ctx, "slack socket mode trouble", "event", string(evt.Type), "error", socketError(evt.Data))
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError:
		// Only the error text: the data may carry the WebSocket URL and its ticket.
		c.log.WarnContext(ctx, "slack socket mode trouble", "event", string(evt.Type), "error", socketError(evt.Data))
	case socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		if err := c.handleEnvelope(ctx, evt.Request.Payload); err != nil {
			c.log.ErrorContext(ctx, "slack event not handled; Slack will redeliver it", "envelope", evt.Request.EnvelopeID, "error", err)
			return
		}
		c.ack(ctx, client, evt.Request)
	case socketmode.EventTypeInteractive, socketmode.EventTypeSlashCommand:
		// Not used by the mirror; acknowledge so Slack does not retry.
		if evt.Request != nil {
			c.ack(ctx, client, evt.Request)
		}
	}
}

// handleEnvelope runs an events_api payload through the webhook's handling.
// An unreadable payload is acknowledged (a redelivery would not help).
func (c *Connector) handleEnvelope(ctx context.Context, payload []byte) error {
	_, err := c.handlePayload(ctx, payload)
	if errors.Is(err, errBadPayload) {
		c.log.WarnContext(ctx, "slack socket mode payload ignored", "error", err)
		return nil
	}
	return err
}

func socketError(data any) string {
	switch d := data.(type) {
	case *slack.ConnectionErrorEvent:
		return fmt.Sprintf("attempt %d, retry in %s: %v", d.Attempt, d.Backoff, d.ErrorObj)
	case *slack.IncomingEventError:
		return fmt.Sprint(d.ErrorObj)
	case *socketmode.ErrorBadMessage:
		return fmt.Sprint(d.Cause)
	case *slack.InvalidAuthEvent:
		return "invalid_auth"
	}
	return ""
}

func (c *Connector) ack(ctx context.Context, client *socketmode.Client, req *socketmode.Request) {
	if err := client.AckCtx(ctx, req.EnvelopeID, nil); err != nil {
		c.log.WarnContext(ctx, "slack socket mode ack failed", "envelope", req.EnvelopeID, "error", err)
	}
}
