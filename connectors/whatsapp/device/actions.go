package device

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

func timeDuration(d connectors.Duration) time.Duration { return time.Duration(d) }

// Retract revokes a message the hub sent ("deleted for everyone"). It is
// called by the hub when an operator retracts; it must not touch the store.
func (c *Connector) Retract(ctx context.Context, _ switchboard.ChannelID, recipient, externalID switchboard.ExternalID) error {
	if externalID == "" {
		return connectors.Permanent("the message has no WhatsApp id to retract", nil)
	}
	to, err := parseRecipient(recipient)
	if err != nil {
		return err
	}
	cli, err := c.linked()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeDuration(c.cfg.SendTimeout))
	defer cancel()
	if _, err := cli.SendMessage(ctx, to, cli.BuildRevoke(to, types.EmptyJID, types.MessageID(externalID))); err != nil {
		return classify("retract", err)
	}
	return nil
}

// SendTyping shows the customer that an operator is typing. It is called
// by the hub while an operator types; it must not touch the store.
func (c *Connector) SendTyping(ctx context.Context, recipient switchboard.ExternalID) error {
	to, err := parseRecipient(recipient)
	if err != nil {
		return err
	}
	cli, err := c.linked()
	if err != nil {
		return err
	}
	if err := cli.SendChatPresence(ctx, to, types.ChatPresenceComposing, types.ChatPresenceMediaText); err != nil {
		return classify("typing", err)
	}
	return nil
}

// MarkRead sends read receipts for the customer's messages up to upTo (the
// blue ticks). It is called by the hub when an operator reads the
// conversation; it must not touch the store.
func (c *Connector) MarkRead(ctx context.Context, recipient switchboard.ExternalID, upTo switchboard.ExternalID) error {
	if upTo == "" {
		return nil
	}
	chat, err := parseRecipient(recipient)
	if err != nil {
		return err
	}
	cli, err := c.linked()
	if err != nil {
		return err
	}
	if err := cli.MarkRead(ctx, []types.MessageID{types.MessageID(upTo)}, c.deps.Now(), chat, types.EmptyJID); err != nil {
		return classify("read receipt", err)
	}
	return nil
}

// PairPhone asks WhatsApp for a code to type on the phone (Linked devices
// → Link with phone number instead) and reports it as the status's
// PairCode. phone is the business's number in international format. It
// is called by the hub for an admin; it fails with ErrNotRunning when this
// instance does not run the device and ErrAlreadyLinked once paired.
func (c *Connector) PairPhone(ctx context.Context, phone string) (string, error) {
	cli, err := c.connected()
	if err != nil {
		return "", err
	}
	if cli.DeviceID() != nil {
		return "", ErrAlreadyLinked
	}
	code, err := cli.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, c.cfg.DeviceName)
	switch {
	case errors.Is(err, whatsmeow.ErrPhoneNumberTooShort), errors.Is(err, whatsmeow.ErrPhoneNumberIsNotInternational):
		return "", fmt.Errorf("phone: %w (write it in international format, like +81 90 1234 5678)", err)
	case err != nil:
		return "", fmt.Errorf("whatsapp pairing by phone: %w", err)
	}
	st := c.lastStatus()
	c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelUnpaired, Reason: st.Reason, QR: st.QR, PairCode: code})
	return code, nil
}
