package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// The Cloud API's limits.
const (
	maxTextLength   = 4096 // characters of a text message
	maxCaption      = 1024 // characters of a media caption
	maxBodyText     = 1024 // characters of an interactive message's body
	maxReplyButtons = 3
	maxButtonTitle  = 20
	maxButtonID     = 256
	maxListRows     = 10
	maxRowTitle     = 24
	maxListButton   = 20
	maxFooter       = 60
)

// outgoing is one Cloud API message body (without the recipient, which
// send adds).
type outgoing map[string]any

// sendAnswer is the Cloud API's answer to a send.
type sendAnswer struct {
	Contacts []struct {
		Input string `json:"input"`
		WaID  string `json:"wa_id"`
	} `json:"contacts"`
	Messages []struct {
		ID            string `json:"id"`
		MessageStatus string `json:"message_status,omitempty"`
	} `json:"messages"`
}

// Send delivers one outgoing message: each part becomes one Cloud API
// message (POST /{phone_number_id}/messages), sent in order; the result
// names the first. It is called by the outbound handler, possibly
// concurrently, and again after a crash (the Cloud API has no
// idempotency key, so a retry after a partial send repeats the parts
// already sent). Outside the 24-hour window (CustomerLastAt older than
// 24 hours) anything but template parts is refused without calling
// WhatsApp, with connectors.ErrWindowClosed. It must not touch the store.
// Errors are classified by Graph's codes (meta.Classify).
func (c *Connector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	if msg.Recipient == "" {
		return connectors.SendResult{}, connectors.Permanent("WhatsApp message has no recipient", nil)
	}
	if err := c.checkWindow(msg); err != nil {
		return connectors.SendResult{}, err
	}
	bodies, err := buildMessages(msg.Parts)
	if err != nil {
		return connectors.SendResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.cfg.SendTimeout))
	defer cancel()
	var first switchboard.ExternalID
	for _, b := range bodies {
		id, err := c.post(ctx, msg.Recipient, b)
		if err != nil {
			return connectors.SendResult{}, err
		}
		if first == "" {
			first = id
		}
	}
	return connectors.SendResult{ExternalID: first, Status: switchboard.StatusSent}, nil
}

// checkWindow refuses free-form parts when the customer last wrote more
// than 24 hours ago. An unknown CustomerLastAt is left to WhatsApp (which
// answers 131047).
func (c *Connector) checkWindow(msg connectors.OutboundMessage) error {
	if msg.CustomerLastAt.IsZero() || onlyTemplates(msg.Parts) {
		return nil
	}
	closed := msg.CustomerLastAt.Add(ReplyWindow)
	if !c.now().After(closed) {
		return nil
	}
	return connectors.Permanent(fmt.Sprintf("WhatsApp's 24-hour customer-service window closed at %s (the customer last wrote %s); send an approved template instead",
		closed.UTC().Format(time.RFC3339), msg.CustomerLastAt.UTC().Format(time.RFC3339)), connectors.ErrWindowClosed)
}

func onlyTemplates(parts []switchboard.Part) bool {
	for _, p := range parts {
		if p.Kind != switchboard.PartTemplate {
			return false
		}
	}
	return len(parts) > 0
}

// addressed adds the envelope to a message body: a phone number goes in
// "to", a business-scoped user id ("US.1349...") in "recipient".
func addressed(to switchboard.ExternalID, b outgoing) outgoing {
	out := outgoing{"messaging_product": "whatsapp", "recipient_type": "individual"}
	r := strings.TrimPrefix(string(to), "+")
	if isDigits(r) {
		out["to"] = r
	} else {
		out["recipient"] = string(to)
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// post sends one message and returns its wamid.
func (c *Connector) post(ctx context.Context, to switchboard.ExternalID, b outgoing) (switchboard.ExternalID, error) {
	var ans sendAnswer
	if err := c.graph.Post(ctx, "/"+c.cfg.PhoneNumberID+"/messages", addressed(to, b), &ans); err != nil {
		return "", meta.Classify("WhatsApp send", err)
	}
	if len(ans.Messages) == 0 || ans.Messages[0].ID == "" {
		return "", connectors.Permanent("WhatsApp accepted the message but named no message id", nil)
	}
	return switchboard.ExternalID(ans.Messages[0].ID), nil
}

// MarkRead tells WhatsApp the customer's messages up to upTo (a wamid)
// were read: the customer sees blue ticks. It is called by the hub when
// an operator opens the conversation; it must not touch the store.
func (c *Connector) MarkRead(ctx context.Context, recipient, upTo switchboard.ExternalID) error {
	if upTo == "" {
		return connectors.Permanent("no WhatsApp message id to mark read", nil)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.cfg.SendTimeout))
	defer cancel()
	body := map[string]string{"messaging_product": "whatsapp", "status": "read", "message_id": string(upTo)}
	var ans struct {
		Success bool `json:"success"`
	}
	if err := c.graph.Post(ctx, "/"+c.cfg.PhoneNumberID+"/messages", body, &ans); err != nil {
		return meta.Classify("WhatsApp mark read", err)
	}
	return nil
}

// buildMessages maps parts to Cloud API message bodies.
func buildMessages(parts []switchboard.Part) ([]outgoing, error) {
	var out []outgoing
	text := func(s string) {
		for _, chunk := range splitText(s, maxTextLength) {
			t := map[string]any{"body": chunk}
			if strings.Contains(chunk, "https://") || strings.Contains(chunk, "http://") {
				t["preview_url"] = true
			}
			out = append(out, outgoing{"type": "text", "text": t})
		}
	}
	for i, p := range parts {
		switch p.Kind {
		case switchboard.PartText, switchboard.PartMarkdown:
			if strings.TrimSpace(p.Text) != "" {
				text(p.Text)
			}
		case switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile:
			m, caption, err := mediaMessage(i, p)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
			if caption != "" {
				text(caption)
			}
		case switchboard.PartLocation:
			if p.Location == nil {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: location part without location", i), nil)
			}
			l := map[string]any{"latitude": p.Location.Latitude, "longitude": p.Location.Longitude}
			if n := firstNonEmpty(p.Location.Title, p.Text); n != "" {
				l["name"] = n
			}
			if p.Location.Address != "" {
				l["address"] = p.Location.Address
			}
			out = append(out, outgoing{"type": "location", "location": l})
		case switchboard.PartButtons:
			ms, err := buttonsMessages(i, p)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
		case switchboard.PartCSAT:
			m, err := csatMessage(i, p)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		case switchboard.PartTemplate:
			m, err := templateMessage(i, p)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		default:
			return nil, connectors.Permanent(fmt.Sprintf("part %d: WhatsApp cannot carry a %q part", i, p.Kind), nil)
		}
	}
	if len(out) == 0 {
		return nil, connectors.Permanent("message has nothing WhatsApp can carry", nil)
	}
	return out, nil
}

// mediaMessage is an image, video, audio or document by link. Audio has no
// caption: it comes back to go out as text after it; a caption longer
// than WhatsApp allows too.
func mediaMessage(i int, p switchboard.Part) (outgoing, string, error) {
	if p.Attachment == nil || p.Attachment.URL == "" {
		return nil, "", connectors.Permanent(fmt.Sprintf("part %d: %s has no URL WhatsApp can fetch", i, p.Kind), nil)
	}
	kind := string(p.Kind)
	if p.Kind == switchboard.PartFile {
		kind = "document"
	}
	obj := map[string]any{"link": p.Attachment.URL}
	rest := ""
	caption := strings.TrimSpace(p.Text)
	switch {
	case caption == "":
	case p.Kind == switchboard.PartAudio || utf8.RuneCountInString(caption) > maxCaption:
		rest = caption
	default:
		obj["caption"] = caption
	}
	if p.Kind == switchboard.PartFile {
		obj["filename"] = firstNonEmpty(p.Attachment.Filename, "file")
	}
	return outgoing{"type": kind, kind: obj}, rest, nil
}

// truncate cuts s to at most max characters.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max])
}

// splitText cuts s into pieces of at most max characters, preferring to
// break after a newline or a space in the second half of a piece.
func splitText(s string, max int) []string {
	var out []string
	for utf8.RuneCountInString(s) > max {
		cut := len(truncate(s, max))
		if brk := strings.LastIndexAny(s[:cut], "\n "); brk >= cut/2 {
			cut = brk + 1
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// rawObject checks that raw is a JSON object.
func rawObject(raw []byte) bool {
	var v map[string]json.RawMessage
	return json.Unmarshal(raw, &v) == nil
}
