package sms

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/switchboardhq/switchboard"
)

// maxInboundMedia is Twilio's limit of media per MMS.
const maxInboundMedia = 10

// Opt-out and opt-in keywords Twilio handles by default (whole message,
// case-insensitive).
var (
	optOutKeywords = map[string]bool{"STOP": true, "STOPALL": true, "UNSUBSCRIBE": true, "CANCEL": true, "END": true, "QUIT": true}
	optInKeywords  = map[string]bool{"START": true, "YES": true, "UNSTOP": true}
)

// normalizeMessage turns an incoming SMS/MMS form into hub events: the
// message, and after it an unfollow (STOP...) or follow (START...) with the
// external id MessageSid+":optout" / ":optin" so it is deduplicated apart
// from the message. A form without MessageSid or From yields nothing.
func (c *Connector) normalizeMessage(ctx context.Context, form map[string][]string) []switchboard.Inbound {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	sid := firstNonEmpty(get("MessageSid"), get("SmsMessageSid"), get("SmsSid"))
	from := get("From")
	if sid == "" || from == "" {
		c.log.Warn("Twilio message ignored: no MessageSid or From")
		return nil
	}
	now := c.now().UTC()
	base := switchboard.Inbound{
		ChannelID: c.deps.ChannelID, Sender: switchboard.ExternalID(from),
		Profile: switchboard.Profile{Phone: from}, At: now,
	}
	msg := base
	msg.Kind, msg.ExternalID = switchboard.InboundMessage, switchboard.ExternalID(sid)
	body := get("Body")
	if strings.TrimSpace(body) != "" {
		msg.Parts = append(msg.Parts, switchboard.Part{Kind: switchboard.PartText, Text: body})
	}
	numMedia, _ := strconv.Atoi(get("NumMedia"))
	for i := range min(max(numMedia, 0), maxInboundMedia) {
		n := strconv.Itoa(i)
		if p, ok := c.mediaPart(ctx, sid, get("MediaUrl"+n), get("MediaContentType"+n)); ok {
			msg.Parts = append(msg.Parts, p)
		}
	}
	var out []switchboard.Inbound
	if len(msg.Parts) > 0 {
		out = append(out, msg)
	}
	keyword := strings.ToUpper(strings.TrimSpace(body))
	switch optOut := strings.ToUpper(get("OptOutType")); {
	case optOut == "STOP" || (optOut == "" && optOutKeywords[keyword]):
		ev := base
		ev.Kind, ev.ExternalID = switchboard.InboundUnfollow, switchboard.ExternalID(sid+":optout")
		out = append(out, ev)
	case optOut == "START" || (optOut == "" && optInKeywords[keyword]):
		ev := base
		ev.Kind, ev.ExternalID = switchboard.InboundFollow, switchboard.ExternalID(sid+":optin")
		out = append(out, ev)
	}
	return out
}

// mediaPart fetches one MMS attachment into Deps.Media. When it cannot be
// fetched now the part keeps Twilio's URL (FetchMedia can get it later) so
// the message is not lost: Twilio does not redeliver by default.
func (c *Connector) mediaPart(ctx context.Context, sid, mediaURL, contentType string) (switchboard.Part, bool) {
	if mediaURL == "" {
		return switchboard.Part{}, false
	}
	att := &switchboard.Attachment{URL: mediaURL, ContentType: contentType}
	body, fetchedType, err := c.FetchMedia(ctx, mediaURL)
	if err != nil {
		c.log.Warn("Twilio media not fetched; keeping its URL", "message_sid", sid, "err", err)
	} else {
		if fetchedType != "" {
			att.ContentType = fetchedType
		}
		mediaID, err := c.deps.Media.Put(ctx, att.ContentType, body)
		if err != nil {
			c.log.Warn("Twilio media not kept; keeping its URL", "message_sid", sid, "err", err)
		} else {
			att.URL, att.MediaID, att.Size = "", mediaID, int64(len(body))
		}
	}
	return switchboard.Part{Kind: partKind(att.ContentType), Attachment: att}, true
}

func partKind(contentType string) switchboard.PartKind {
	switch {
	case strings.HasPrefix(contentType, "image/"):
		return switchboard.PartImage
	case strings.HasPrefix(contentType, "video/"):
		return switchboard.PartVideo
	case strings.HasPrefix(contentType, "audio/"):
		return switchboard.PartAudio
	}
	return switchboard.PartFile
}

// Twilio message statuses to hub delivery statuses.
var statusMap = map[string]switchboard.DeliveryStatus{
	"accepted": switchboard.StatusPending, "scheduled": switchboard.StatusPending,
	"queued": switchboard.StatusPending, "sending": switchboard.StatusPending,
	"sent": switchboard.StatusSent, "delivered": switchboard.StatusDelivered, "read": switchboard.StatusRead,
	"undelivered": switchboard.StatusFailed, "failed": switchboard.StatusFailed, "canceled": switchboard.StatusFailed,
}

// errorReasons describe Twilio's common delivery error codes for operators.
var errorReasons = map[string]string{
	"30001": "queue overflow", "30002": "account suspended", "30003": "unreachable destination handset",
	"30004": "message blocked", "30005": "unknown destination handset", "30006": "landline or unreachable carrier",
	"30007": "message filtered by the carrier", "30008": "unknown error", "21610": "recipient unsubscribed (STOP)",
}

// normalizeStatus turns a status callback into a receipt for the outgoing
// message MessageSid. Unknown statuses yield nothing.
func (c *Connector) normalizeStatus(form map[string][]string) []switchboard.Inbound {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	sid := firstNonEmpty(get("MessageSid"), get("SmsSid"))
	raw := strings.ToLower(firstNonEmpty(get("MessageStatus"), get("SmsStatus")))
	status, ok := statusMap[raw]
	if sid == "" || !ok {
		c.log.Debug("Twilio status callback ignored", "message_sid", sid, "status", raw)
		return nil
	}
	in := switchboard.Inbound{
		Kind: switchboard.InboundStatus, ChannelID: c.deps.ChannelID, ExternalID: switchboard.ExternalID(sid),
		Sender: switchboard.ExternalID(get("To")), At: c.now().UTC(), Status: status,
	}
	if code := get("ErrorCode"); code != "" && code != "0" {
		in.StatusReason = "Twilio error " + code
		if why, ok := errorReasons[code]; ok {
			in.StatusReason += ": " + why
		}
		if msg := get("ErrorMessage"); msg != "" {
			in.StatusReason += fmt.Sprintf(" (%s)", msg)
		}
	}
	return []switchboard.Inbound{in}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
