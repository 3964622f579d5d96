package line

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/switchboardhq/switchboard"
)

// replyTokenTTL is how long the hub treats a reply token as usable: LINE's
// tokens live about a minute; the margin covers queueing in the hub.
const replyTokenTTL = 50 * time.Second

// eventMeta is what LINE's event types share.
type eventMeta struct {
	kind       string
	eventID    string
	source     webhook.SourceInterface
	timestamp  int64
	replyToken string
}

// normalize turns LINE events into hub events. Events the hub does not
// handle (group and room sources, joins, beacons, unknown types) and
// malformed ones (no user, no id, empty text) are skipped and logged. An
// error means a transient failure (content could not be fetched or kept):
// the whole request should be redelivered.
func (c *Connector) normalize(ctx context.Context, events []webhook.EventInterface) ([]switchboard.Inbound, error) {
	out := make([]switchboard.Inbound, 0, len(events))
	for _, ev := range events {
		in, ok, err := c.normalizeEvent(ctx, ev)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, in)
		}
	}
	return out, nil
}

func (c *Connector) normalizeEvent(ctx context.Context, ev webhook.EventInterface) (switchboard.Inbound, bool, error) {
	var meta eventMeta
	switch e := ev.(type) {
	case webhook.MessageEvent:
		meta = eventMeta{"message", e.WebhookEventId, e.Source, e.Timestamp, e.ReplyToken}
	case webhook.FollowEvent:
		meta = eventMeta{"follow", e.WebhookEventId, e.Source, e.Timestamp, e.ReplyToken}
	case webhook.UnfollowEvent:
		meta = eventMeta{"unfollow", e.WebhookEventId, e.Source, e.Timestamp, ""}
	case webhook.PostbackEvent:
		meta = eventMeta{"postback", e.WebhookEventId, e.Source, e.Timestamp, e.ReplyToken}
	default:
		c.log.Debug("LINE event ignored", "type", ev.GetType())
		return switchboard.Inbound{}, false, nil
	}
	user, ok := meta.source.(webhook.UserSource)
	if !ok || user.UserId == "" {
		c.log.Debug("LINE event ignored: not from a user chat", "type", meta.kind, "event_id", meta.eventID)
		return switchboard.Inbound{}, false, nil
	}
	in := switchboard.Inbound{
		ChannelID:  c.deps.ChannelID,
		ExternalID: switchboard.ExternalID(meta.eventID),
		Sender:     switchboard.ExternalID(user.UserId),
		At:         c.eventTime(meta.timestamp),
	}
	if meta.replyToken != "" {
		in.ReplyToken = meta.replyToken
		base := in.At
		if now := c.now(); base.After(now) {
			base = now
		}
		in.ReplyUntil = base.Add(replyTokenTTL)
	}

	switch e := ev.(type) {
	case webhook.MessageEvent:
		in.Kind = switchboard.InboundMessage
		part, messageID, ok, err := c.messagePart(ctx, e.Message)
		if err != nil || !ok {
			return switchboard.Inbound{}, false, err
		}
		in.Parts = []switchboard.Part{part}
		if in.ExternalID == "" {
			in.ExternalID = switchboard.ExternalID(messageID)
		}
	case webhook.FollowEvent:
		in.Kind = switchboard.InboundFollow
	case webhook.UnfollowEvent:
		in.Kind = switchboard.InboundUnfollow
	case webhook.PostbackEvent:
		in.Kind = switchboard.InboundMessage
		text := postbackText(e.Postback)
		if text == "" {
			c.log.Warn("LINE postback ignored: no data", "event_id", meta.eventID)
			return switchboard.Inbound{}, false, nil
		}
		in.Parts = switchboard.TextParts(text)
	}
	if in.ExternalID == "" {
		c.log.Warn("LINE event ignored: no webhookEventId", "type", meta.kind)
		return switchboard.Inbound{}, false, nil
	}
	if in.Kind != switchboard.InboundUnfollow {
		// A blocked account cannot read the profile of who blocked it.
		in.Profile = c.profile(ctx, user.UserId)
	}
	return in, true, nil
}

// eventTime converts LINE's millisecond timestamp, falling back to the
// clock for missing or implausible values (so a stored time is always
// representable).
func (c *Connector) eventTime(ms int64) time.Time {
	now := c.now().UTC()
	if ms <= 0 {
		return now
	}
	t := time.UnixMilli(ms).UTC()
	if t.Year() < 2000 || t.After(now.Add(24*time.Hour)) {
		return now
	}
	return t
}

// messagePart turns a message's content into a part. ok is false for
// content the hub does not keep (unknown types, malformed content).
func (c *Connector) messagePart(ctx context.Context, content webhook.MessageContentInterface) (part switchboard.Part, messageID string, ok bool, err error) {
	switch m := content.(type) {
	case webhook.TextMessageContent:
		// LINE emojis arrive as their alt text, e.g. "(love)", within Text.
		if m.Text == "" {
			return part, m.Id, false, nil
		}
		return switchboard.Part{Kind: switchboard.PartText, Text: m.Text}, m.Id, true, nil
	case webhook.ImageMessageContent:
		part, err = c.mediaPart(ctx, switchboard.PartImage, m.Id, m.ContentProvider, nil)
		return part, m.Id, err == nil, err
	case webhook.VideoMessageContent:
		part, err = c.mediaPart(ctx, switchboard.PartVideo, m.Id, m.ContentProvider, func(a *switchboard.Attachment) {
			a.DurationMS = max(m.Duration, 0)
		})
		return part, m.Id, err == nil, err
	case webhook.AudioMessageContent:
		part, err = c.mediaPart(ctx, switchboard.PartAudio, m.Id, m.ContentProvider, func(a *switchboard.Attachment) {
			a.DurationMS = max(m.Duration, 0)
		})
		return part, m.Id, err == nil, err
	case webhook.FileMessageContent:
		part, err = c.mediaPart(ctx, switchboard.PartFile, m.Id, nil, func(a *switchboard.Attachment) {
			a.Filename = m.FileName
			if a.Size == 0 {
				a.Size = int64(max(m.FileSize, 0))
			}
		})
		return part, m.Id, err == nil, err
	case webhook.LocationMessageContent:
		return switchboard.Part{Kind: switchboard.PartLocation, Location: &switchboard.Location{
			Title: m.Title, Address: m.Address, Latitude: m.Latitude, Longitude: m.Longitude,
		}}, m.Id, true, nil
	case webhook.StickerMessageContent:
		if m.StickerId == "" {
			return part, m.Id, false, nil
		}
		return switchboard.Part{Kind: switchboard.PartSticker, Text: m.Text, Sticker: &switchboard.Sticker{
			PackageID: m.PackageId, StickerID: m.StickerId,
		}}, m.Id, true, nil
	default:
		c.log.Debug("LINE message ignored: unsupported type", "type", fmt.Sprintf("%T", content))
		return part, "", false, nil
	}
}

// postbackText is the text a postback is stored as: its data, then any
// picker parameters as key=value lines.
func postbackText(p *webhook.PostbackContent) string {
	if p == nil {
		return ""
	}
	text := p.Data
	keys := make([]string, 0, len(p.Params))
	for k := range p.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(text)
	for _, k := range keys {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(k + "=" + p.Params[k])
	}
	if strings.TrimSpace(b.String()) == "" {
		return ""
	}
	return b.String()
}
