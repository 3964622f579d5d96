package messenger

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// MetadataPrefix starts the metadata the hub sends with every Messenger
// message ("switchboard:<message id>"): its echo is the hub's own reply,
// already stored, and is skipped.
const MetadataPrefix = "switchboard:"

// Via values of echoes.
const (
	// ViaPageInbox is an echo written in the Page inbox (Meta Business
	// Suite) or the Instagram app.
	ViaPageInbox = "page_inbox"
	// viaAppPrefix + app id is an echo sent by another app.
	viaAppPrefix = "app:"
)

// normalize turns a webhook's entries into hub events, in order. Entries of
// other Pages or accounts (one Meta app can serve several) and events the
// hub does not handle are skipped and logged. An error means a transient
// failure (media could not be fetched or kept): the whole request should
// be redelivered.
func (c *Connector) normalize(ctx context.Context, hook *wire.Webhook) ([]switchboard.Inbound, error) {
	own := c.cfg.accountID(c.flavor)
	var out []switchboard.Inbound
	for _, entry := range hook.Entry {
		if entry.ID != own {
			c.log.Warn(c.flavor.Name+" webhook entry ignored: not this channel's account", "entry_id", entry.ID)
			continue
		}
		for _, ev := range entry.Messaging {
			events, err := c.normalizeEvent(ctx, ev)
			if err != nil {
				return nil, err
			}
			out = append(out, events...)
		}
	}
	return out, nil
}

// normalizeEvent turns one messaging[] element into zero or more events
// (a delivery lists several messages).
func (c *Connector) normalizeEvent(ctx context.Context, ev wire.Event) ([]switchboard.Inbound, error) {
	own := c.cfg.accountID(c.flavor)
	at := c.eventTime(ev.Timestamp)
	base := switchboard.Inbound{ChannelID: c.deps.ChannelID, At: at}
	switch {
	case ev.Message != nil && ev.Message.IsEcho:
		return c.echo(ctx, ev, base)
	case ev.Sender.ID == "" || ev.Sender.ID == own:
		c.log.Debug(c.flavor.Name+" event ignored: no customer sender", "sender", ev.Sender.ID)
		return nil, nil
	case ev.Message != nil:
		m := ev.Message
		if m.MID == "" || m.IsDeleted {
			c.log.Debug(c.flavor.Name+" message ignored: no mid or deleted", "mid", m.MID)
			return nil, nil
		}
		parts, err := c.messageParts(ctx, m)
		if err != nil || len(parts) == 0 {
			return nil, err
		}
		return c.fromCustomer(ctx, base, m.MID, ev.Sender.ID, parts), nil
	case ev.Postback != nil:
		text := firstNonEmpty(ev.Postback.Payload, ev.Postback.Title)
		if text == "" {
			return nil, nil
		}
		id := ev.Postback.MID
		if id == "" {
			id = "postback:" + ev.Sender.ID + ":" + strconv.FormatInt(ev.Timestamp, 10)
		}
		return c.fromCustomer(ctx, base, id, ev.Sender.ID, switchboard.TextParts(text)), nil
	case ev.Reaction != nil:
		return c.reaction(ctx, ev, base), nil
	case ev.Delivery != nil:
		return c.receipts(ev, base, switchboard.StatusDelivered, ev.Delivery.MIDs, ev.Delivery.Watermark), nil
	case ev.Read != nil:
		var mids []string
		if ev.Read.MID != "" {
			mids = []string{ev.Read.MID}
		}
		return c.receipts(ev, base, switchboard.StatusRead, mids, ev.Read.Watermark), nil
	}
	c.log.Debug(c.flavor.Name + " event ignored: unhandled kind")
	return nil, nil
}

// echo is a message the business sent: the hub's own replies (metadata
// "switchboard:..." or a mid this process just sent) are skipped, since
// they are stored already; others become InboundEcho with their source.
func (c *Connector) echo(ctx context.Context, ev wire.Event, base switchboard.Inbound) ([]switchboard.Inbound, error) {
	m := ev.Message
	if m.MID == "" || ev.Recipient.ID == "" || m.IsDeleted {
		return nil, nil
	}
	if strings.HasPrefix(m.Metadata, MetadataPrefix) || c.sent.has(m.MID) {
		c.log.Debug(c.flavor.Name+" echo of the hub's own message skipped", "mid", m.MID)
		return nil, nil
	}
	parts, err := c.messageParts(ctx, m)
	if err != nil || len(parts) == 0 {
		return nil, err
	}
	in := base
	in.Kind, in.ExternalID, in.Sender, in.Parts = switchboard.InboundEcho, switchboard.ExternalID(m.MID), switchboard.ExternalID(ev.Recipient.ID), parts
	in.Via = c.echoVia(string(m.AppID))
	return []switchboard.Inbound{in}, nil
}

// echoVia names where an echo was written: Meta's inbox apps (or no app)
// are the Page inbox; any other app is "app:<id>".
func (c *Connector) echoVia(appID string) string {
	if appID == "" || slices.Contains(c.flavor.InboxAppIDs, appID) {
		return ViaPageInbox
	}
	return viaAppPrefix + appID
}

// reaction is a customer's reaction; an unreact has empty Text and Emoji.
// Its id joins the reacted message, the action and the time, so a
// redelivery is stored once.
func (c *Connector) reaction(ctx context.Context, ev wire.Event, base switchboard.Inbound) []switchboard.Inbound {
	r := ev.Reaction
	if r.MID == "" {
		return nil
	}
	emoji := ""
	if r.Action != "unreact" {
		emoji = firstNonEmpty(r.Emoji, r.Reaction)
		if emoji == "" {
			return nil
		}
	}
	id := fmt.Sprintf("reaction:%s:%s:%d", r.MID, firstNonEmpty(r.Action, "react"), ev.Timestamp)
	return c.fromCustomer(ctx, base, id, ev.Sender.ID, []switchboard.Part{{Kind: switchboard.PartReaction, Text: emoji,
		Reaction: &switchboard.Reaction{Emoji: emoji, To: switchboard.ExternalID(r.MID)}}})
}

// fromCustomer is the message event id of customer with parts and the
// customer's profile.
func (c *Connector) fromCustomer(ctx context.Context, base switchboard.Inbound, id, customer string, parts []switchboard.Part) []switchboard.Inbound {
	in := base
	in.Kind, in.ExternalID, in.Sender, in.Parts = switchboard.InboundMessage, switchboard.ExternalID(id), switchboard.ExternalID(customer), parts
	in.Profile = c.profile(ctx, customer)
	return []switchboard.Inbound{in}
}

// receipts turns a delivery or read into one status event per named
// message and, with a watermark, one watermark event for the sender's
// conversations.
func (c *Connector) receipts(ev wire.Event, base switchboard.Inbound, status switchboard.DeliveryStatus, mids []string, watermark int64) []switchboard.Inbound {
	var out []switchboard.Inbound
	for _, mid := range mids {
		if mid == "" {
			continue
		}
		in := base
		in.Kind, in.ExternalID, in.Sender, in.Status = switchboard.InboundStatus, switchboard.ExternalID(mid), switchboard.ExternalID(ev.Sender.ID), status
		out = append(out, in)
	}
	if watermark > 0 {
		if wm, ok := plausibleTime(watermark, c.now()); ok {
			in := base
			in.Kind, in.Sender, in.Status, in.Watermark = switchboard.InboundStatus, switchboard.ExternalID(ev.Sender.ID), status, wm
			out = append(out, in)
		}
	}
	return out
}

// messageParts maps a message's text, quick reply and attachments to
// parts. A quick reply is stored as its payload (what the hub's button
// carried), as LINE postbacks are.
func (c *Connector) messageParts(ctx context.Context, m *wire.Message) ([]switchboard.Part, error) {
	var parts []switchboard.Part
	text := m.Text
	if m.QuickReply != nil && m.QuickReply.Payload != "" {
		text = m.QuickReply.Payload
	}
	if strings.TrimSpace(text) != "" {
		parts = append(parts, switchboard.Part{Kind: switchboard.PartText, Text: text})
	}
	for _, a := range m.Attachments {
		p, ok, err := c.attachmentPart(ctx, m.MID, a)
		if err != nil {
			return nil, err
		}
		if ok {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 && (m.IsUnsupported || len(m.Attachments) > 0) {
		parts = switchboard.TextParts("[message type not available through the API]")
	}
	return parts, nil
}

// eventTime converts a millisecond timestamp, falling back to the clock
// for missing or implausible values.
func (c *Connector) eventTime(ms int64) time.Time {
	now := c.now().UTC()
	if t, ok := plausibleTime(ms, now); ok {
		return t
	}
	return now
}

// plausibleTime reads milliseconds since the epoch, refusing values before
// 2000 or more than a day ahead of now.
func plausibleTime(ms int64, now time.Time) (time.Time, bool) {
	if ms <= 0 {
		return time.Time{}, false
	}
	t := time.UnixMilli(ms).UTC()
	if t.Year() < 2000 || t.After(now.Add(24*time.Hour)) {
		return time.Time{}, false
	}
	return t, true
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
