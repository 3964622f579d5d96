package whatsapp

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
)

// normalize turns a notification into hub events, in the order of its
// entries, changes, messages and statuses. Changes of other fields or for
// another phone number, system messages and malformed items are skipped
// and logged. An error is a transient failure (media could not be fetched
// or kept): the whole POST should be redelivered.
func (c *Connector) normalize(ctx context.Context, n Notification) ([]switchboard.Inbound, error) {
	var out []switchboard.Inbound
	for _, e := range n.Entry {
		for _, ch := range e.Changes {
			if ch.Field != "messages" {
				c.log.Debug("WhatsApp change ignored", "field", ch.Field)
				continue
			}
			v := ch.Value
			if v.Metadata.PhoneNumberID != "" && v.Metadata.PhoneNumberID != c.cfg.PhoneNumberID {
				c.log.Warn("WhatsApp change for another phone number ignored", "phone_number_id", v.Metadata.PhoneNumberID)
				continue
			}
			for _, e := range v.Errors {
				c.log.Warn("WhatsApp reported an error", "code", e.Code, "title", e.Title, "details", errorDetails(e))
			}
			for _, m := range v.Messages {
				in, ok, err := c.message(ctx, m, v.Contacts)
				if err != nil {
					return nil, err
				}
				if ok {
					out = append(out, in)
				}
			}
			for _, s := range v.Statuses {
				if in, ok := c.status(s); ok {
					out = append(out, in)
				}
			}
		}
	}
	return out, nil
}

// statusKinds maps the Cloud API's statuses to the hub's.
var statusKinds = map[string]switchboard.DeliveryStatus{
	"sent":      switchboard.StatusSent,
	"delivered": switchboard.StatusDelivered,
	"read":      switchboard.StatusRead,
	"failed":    switchboard.StatusFailed,
}

// status turns a receipt into a status event. ExternalID is the wamid of
// the sent message (the store finds the message by it and never moves a
// status backwards, so repeats and late receipts are no-ops).
func (c *Connector) status(s Status) (switchboard.Inbound, bool) {
	st, ok := statusKinds[s.Status]
	if !ok || s.ID == "" {
		c.log.Debug("WhatsApp status ignored", "status", s.Status)
		return switchboard.Inbound{}, false
	}
	in := switchboard.Inbound{
		Kind:       switchboard.InboundStatus,
		ChannelID:  c.deps.ChannelID,
		ExternalID: switchboard.ExternalID(s.ID),
		Sender:     switchboard.ExternalID(firstNonEmpty(s.RecipientUserID, s.RecipientID)),
		Status:     st,
		At:         c.eventTime(s.Timestamp),
	}
	if st == switchboard.StatusFailed {
		reasons := make([]string, 0, len(s.Errors))
		for _, e := range s.Errors {
			reasons = append(reasons, errorText(e))
		}
		in.StatusReason = firstNonEmpty(strings.Join(reasons, "; "), "WhatsApp could not deliver the message")
	}
	return in, true
}

// errorText is an error of a webhook as operators read it:
// "Re-engagement message (131047): details".
func errorText(e ErrorDetail) string {
	t := firstNonEmpty(e.Title, e.Message, "error")
	if e.Code != 0 {
		t += " (" + strconv.Itoa(e.Code) + ")"
	}
	if d := errorDetails(e); d != "" && d != e.Title {
		t += ": " + d
	}
	return t
}

func errorDetails(e ErrorDetail) string {
	if e.ErrorData != nil {
		return e.ErrorData.Details
	}
	return ""
}

// sender picks the customer's id for a message: the business-scoped user
// id when WhatsApp gives one (from the message or its contact), the phone
// number (wa_id) otherwise. The profile keeps the name and the phone.
func sender(m Message, contacts []Contact) (switchboard.ExternalID, switchboard.Profile) {
	var ct *Contact
	for i := range contacts {
		k := &contacts[i]
		if (m.FromUserID != "" && k.UserID == m.FromUserID) || (m.From != "" && k.WaID == m.From) {
			ct = k
			break
		}
	}
	if ct == nil && len(contacts) == 1 && m.From == "" && m.FromUserID == "" {
		ct = &contacts[0]
	}
	userID, phone := m.FromUserID, m.From
	var p switchboard.Profile
	if ct != nil {
		userID = firstNonEmpty(userID, ct.UserID)
		phone = firstNonEmpty(phone, ct.WaID)
		p.Name = strings.TrimSpace(firstNonEmpty(ct.Profile.Name, ct.Profile.Username))
	}
	if phone != "" && isDigits(phone) {
		p.Phone = "+" + phone
	}
	return switchboard.ExternalID(strings.TrimSpace(firstNonEmpty(userID, phone))), p
}

// message turns a customer's message into a message event; ok is false for
// what the hub does not keep (system notices, malformed items).
func (c *Connector) message(ctx context.Context, m Message, contacts []Contact) (switchboard.Inbound, bool, error) {
	from, profile := sender(m, contacts)
	if m.ID == "" || from == "" {
		c.log.Warn("WhatsApp message ignored: no id or sender", "type", m.Type)
		return switchboard.Inbound{}, false, nil
	}
	in := switchboard.Inbound{
		Kind:       switchboard.InboundMessage,
		ChannelID:  c.deps.ChannelID,
		ExternalID: switchboard.ExternalID(m.ID),
		Sender:     from,
		Profile:    profile,
		At:         c.eventTime(m.Timestamp),
	}
	parts, err := c.parts(ctx, m)
	if err != nil {
		return switchboard.Inbound{}, false, err
	}
	if len(parts) == 0 {
		c.log.Debug("WhatsApp message ignored: nothing the hub keeps", "type", m.Type, "id", m.ID)
		return switchboard.Inbound{}, false, nil
	}
	in.Parts = parts
	return in, true, nil
}

// parts is a message's content as parts.
func (c *Connector) parts(ctx context.Context, m Message) ([]switchboard.Part, error) {
	text := func(s string) []switchboard.Part {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		return switchboard.TextParts(s)
	}
	media := func(kind switchboard.PartKind, md *Media) ([]switchboard.Part, error) {
		if md == nil {
			return nil, nil
		}
		p, err := c.mediaPart(ctx, kind, md)
		if err != nil {
			return nil, err
		}
		return []switchboard.Part{p}, nil
	}
	switch m.Type {
	case "text":
		if m.Text == nil {
			return nil, nil
		}
		return text(m.Text.Body), nil
	case "image":
		return media(switchboard.PartImage, m.Image)
	case "audio":
		return media(switchboard.PartAudio, m.Audio)
	case "video":
		return media(switchboard.PartVideo, m.Video)
	case "document":
		return media(switchboard.PartFile, m.Document)
	case "sticker":
		return media(switchboard.PartSticker, m.Sticker)
	case "location":
		if m.Location == nil {
			return nil, nil
		}
		l := m.Location
		return []switchboard.Part{{Kind: switchboard.PartLocation, Location: &switchboard.Location{
			Title: l.Name, Address: l.Address, Latitude: l.Latitude, Longitude: l.Longitude,
		}}}, nil
	case "contacts":
		return text(truncate(contactsText(m.Contacts), maxTextLength)), nil
	case "interactive":
		if m.Interactive == nil {
			return nil, nil
		}
		choice := m.Interactive.ButtonReply
		if m.Interactive.ListReply != nil {
			choice = m.Interactive.ListReply
		}
		if choice == nil {
			return nil, nil
		}
		// Like a LINE postback: the payload the hub put on the button.
		return text(firstNonEmpty(choice.ID, choice.Title)), nil
	case "button":
		if m.Button == nil {
			return nil, nil
		}
		return text(firstNonEmpty(m.Button.Payload, m.Button.Text)), nil
	case "reaction":
		if m.Reaction == nil || m.Reaction.MessageID == "" {
			return nil, nil
		}
		return []switchboard.Part{{Kind: switchboard.PartReaction, Text: m.Reaction.Emoji,
			Reaction: &switchboard.Reaction{Emoji: m.Reaction.Emoji, To: switchboard.ExternalID(m.Reaction.MessageID)}}}, nil
	case "system":
		return nil, nil
	}
	// unsupported, unknown and types the hub does not read (orders,
	// polls): the operator is told the customer wrote.
	reason := m.Type
	if len(m.Errors) > 0 {
		reason = errorText(m.Errors[0])
	}
	if reason == "" {
		reason = "unknown"
	}
	return switchboard.TextParts(fmt.Sprintf("[unsupported WhatsApp message: %s]", reason)), nil
}

// contactsText renders shared contact cards as readable lines.
func contactsText(cards []SharedContact) string {
	var lines []string
	for _, k := range cards {
		name := strings.TrimSpace(firstNonEmpty(k.Name.FormattedName, strings.TrimSpace(k.Name.FirstName+" "+k.Name.LastName)))
		var bits []string
		for _, p := range k.Phones {
			if p.Phone != "" {
				bits = append(bits, p.Phone)
			}
		}
		for _, e := range k.Emails {
			if e.Email != "" {
				bits = append(bits, e.Email)
			}
		}
		if k.Org != nil && k.Org.Company != "" {
			bits = append(bits, k.Org.Company)
		}
		line := name
		if len(bits) > 0 {
			line = strings.TrimSpace(line + ": " + strings.Join(bits, ", "))
		}
		if line != "" {
			lines = append(lines, "Contact "+line)
		}
	}
	return strings.Join(lines, "\n")
}

// eventTime reads a Unix-seconds timestamp, falling back to the clock for
// missing or implausible values.
func (c *Connector) eventTime(s string) time.Time {
	now := c.now().UTC()
	secs, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || secs <= 0 {
		return now
	}
	t := time.Unix(secs, 0).UTC()
	if t.Year() < 2009 || t.After(now.Add(24*time.Hour)) {
		return now
	}
	return t
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
