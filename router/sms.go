package router

import (
	"context"
	"errors"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// ErrNoSMSChannel is SendSMS's error when the workspace runs no SMS
// channel (or only paused ones).
var ErrNoSMSChannel = errors.New("the workspace has no SMS channel")

// SendSMS sends text to phone through the workspace's first running SMS
// channel (the notifier's copies to customers; the message is not stored
// in a conversation). The connector's errors keep their permanent or
// retryable kind.
func (c *Channels) SendSMS(ctx context.Context, ws switchboard.WorkspaceID, phone, text string) error {
	for _, ch := range c.All() {
		if ch.WorkspaceID != ws || ch.Type != "sms" || ch.Paused {
			continue
		}
		_, err := ch.Connector.Send(ctx, connectors.OutboundMessage{
			MessageID: switchboard.MessageID(switchboard.NewID("sms")),
			ChannelID: ch.ID,
			Recipient: switchboard.ExternalID(phone),
			Parts:     switchboard.TextParts(text),
		})
		return err
	}
	return connectors.Permanent(ErrNoSMSChannel.Error(), ErrNoSMSChannel)
}
