package line

import (
	"context"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// LINE's limits.
const (
	maxTextLength       = 5000 // UTF-16 code units per text message
	maxMessagesPerCall  = 5
	maxQuickReplyItems  = 13
	maxActionLabel      = 20
	maxPostbackData     = 300
	maxFlexAltText      = 1500
	maxLocationField    = 100
	maxMulticastTargets = 500
)

// Send delivers one outgoing message. It is called by the outbound handler,
// possibly concurrently and again for the same MessageID after a crash. With
// a reply token it uses the free reply API (falling back to push when LINE
// says the token is invalid); otherwise it pushes with X-Line-Retry-Key
// derived from MessageID, so LINE drops a resend it already accepted (409,
// treated as success). More than five LINE messages go out in several
// calls. It must not touch the store. Errors are PermanentError (LINE
// refused: bad recipient, invalid content, bad token) or RetryableError
// (429 with Retry-After, 5xx, timeouts).
func (c *Connector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.cfg.SendTimeout))
	defer cancel()
	if msg.Recipient == "" && msg.ReplyToken == "" {
		return connectors.SendResult{}, connectors.Permanent("LINE message has no recipient", nil)
	}
	messages, err := buildMessages(msg.Parts)
	if err != nil {
		return connectors.SendResult{}, err
	}
	var first switchboard.ExternalID
	for i := 0; i*maxMessagesPerCall < len(messages); i++ {
		chunk := messages[i*maxMessagesPerCall : min((i+1)*maxMessagesPerCall, len(messages))]
		var sent []messaging_api.SentMessage
		replied := false
		if i == 0 && msg.ReplyToken != "" {
			sent, err = c.reply(ctx, msg.ReplyToken, chunk)
			switch {
			case err == nil:
				replied = true
			case errors.Is(err, errInvalidReplyToken) && msg.Recipient != "":
				c.log.Info("LINE reply token no longer valid; pushing instead", "message_id", string(msg.MessageID))
			default:
				return connectors.SendResult{}, err
			}
		}
		if !replied {
			sent, err = c.push(ctx, string(msg.Recipient), chunk, retryKey(msg.MessageID, i))
			if err != nil {
				return connectors.SendResult{}, err
			}
		}
		if first == "" && len(sent) > 0 {
			first = switchboard.ExternalID(sent[0].Id)
		}
	}
	return connectors.SendResult{ExternalID: first, Status: switchboard.StatusSent}, nil
}

// reply calls POST /v2/bot/message/reply. LINE's 400 "Invalid reply token"
// comes back wrapping errInvalidReplyToken.
func (c *Connector) reply(ctx context.Context, token string, messages []messaging_api.MessageInterface) ([]messaging_api.SentMessage, error) {
	resp, err := c.call(ctx, http.MethodPost, c.apiURL("/v2/bot/message/reply"),
		&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: messages}, nil)
	if err != nil {
		return nil, err
	}
	if !resp.ok() {
		cerr := c.classify("reply", resp)
		if resp.status == http.StatusBadRequest && strings.EqualFold(resp.lineError().Message, "Invalid reply token") {
			return nil, fmt.Errorf("%w: %w", errInvalidReplyToken, cerr)
		}
		return nil, cerr
	}
	var out messaging_api.ReplyMessageResponse
	_ = json.Unmarshal(resp.body, &out)
	return out.SentMessages, nil
}

// push calls POST /v2/bot/message/push with the retry key. 409 means LINE
// already accepted this key: the message went out before, which is success.
func (c *Connector) push(ctx context.Context, to string, messages []messaging_api.MessageInterface, key string) ([]messaging_api.SentMessage, error) {
	if to == "" {
		return nil, connectors.Permanent("LINE message has no recipient to push to", nil)
	}
	header := http.Header{}
	if key != "" {
		header.Set("X-Line-Retry-Key", key)
	}
	resp, err := c.call(ctx, http.MethodPost, c.apiURL("/v2/bot/message/push"),
		&messaging_api.PushMessageRequest{To: to, Messages: messages}, header)
	if err != nil {
		return nil, err
	}
	if resp.status == http.StatusConflict && key != "" {
		c.log.Info("LINE already accepted this message (retry key reused)", "retry_key", key)
		return resp.lineError().SentMessages, nil
	}
	if !resp.ok() {
		return nil, c.classify("push", resp)
	}
	var out messaging_api.PushMessageResponse
	_ = json.Unmarshal(resp.body, &out)
	return out.SentMessages, nil
}

// retryKeyNamespace makes the hub's retry keys distinct from any other
// name-based UUIDs.
const retryKeyNamespace = "switchboard/line/x-line-retry-key\x00"

// retryKey derives the X-Line-Retry-Key of one push of a hub message: a
// name-based (version 5 layout) UUID of the message id and the chunk index,
// so a resend of the same message after a crash carries the same key. No
// message id, no key.
func retryKey(id switchboard.MessageID, chunk int) string {
	if id == "" {
		return ""
	}
	h := sha1.Sum([]byte(retryKeyNamespace + string(id) + "\x00" + strconv.Itoa(chunk)))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// rawFlex is a flex container sent exactly as the template's Raw JSON.
type rawFlex json.RawMessage

func (r rawFlex) GetType() string { return "raw" }

func (r rawFlex) MarshalJSON() ([]byte, error) { return r, nil }

// buildMessages maps parts to LINE message objects (pointers, so the SDK
// writes their type). Buttons become quick reply items on the last message.
func buildMessages(parts []switchboard.Part) ([]messaging_api.MessageInterface, error) {
	var out []messaging_api.MessageInterface
	var quick []messaging_api.QuickReplyItem
	text := func(s string) {
		for _, chunk := range splitText(s, maxTextLength) {
			out = append(out, &messaging_api.TextMessage{Text: chunk})
		}
	}
	for i, p := range parts {
		switch p.Kind {
		case switchboard.PartText, switchboard.PartMarkdown:
			if strings.TrimSpace(p.Text) != "" {
				text(p.Text)
			}
		case switchboard.PartImage:
			u, err := mediaURL(i, p)
			if err != nil {
				return nil, err
			}
			out = append(out, &messaging_api.ImageMessage{OriginalContentUrl: u, PreviewImageUrl: u})
			if p.Text != "" {
				text(p.Text)
			}
		case switchboard.PartAudio:
			u, err := mediaURL(i, p)
			if err != nil {
				return nil, err
			}
			if p.Attachment.DurationMS > 0 {
				out = append(out, &messaging_api.AudioMessage{OriginalContentUrl: u, Duration: p.Attachment.DurationMS})
				if p.Text != "" {
					text(p.Text)
				}
			} else {
				text(linkText(p, u))
			}
		case switchboard.PartVideo, switchboard.PartFile:
			// Native video needs a preview image the hub does not have; LINE
			// has no file message. Both go out as links.
			u, err := mediaURL(i, p)
			if err != nil {
				return nil, err
			}
			text(linkText(p, u))
		case switchboard.PartLocation:
			if p.Location == nil {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: location part without location", i), nil)
			}
			l := p.Location
			title := firstNonEmpty(l.Title, p.Text, "Location")
			address := firstNonEmpty(l.Address, fmt.Sprintf("%.6f, %.6f", l.Latitude, l.Longitude))
			out = append(out, &messaging_api.LocationMessage{
				Title: truncate(title, maxLocationField), Address: truncate(address, maxLocationField),
				Latitude: l.Latitude, Longitude: l.Longitude,
			})
		case switchboard.PartSticker:
			if p.Sticker == nil || p.Sticker.PackageID == "" || p.Sticker.StickerID == "" {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: LINE stickers need a package id and a sticker id", i), nil)
			}
			out = append(out, &messaging_api.StickerMessage{PackageId: p.Sticker.PackageID, StickerId: p.Sticker.StickerID})
		case switchboard.PartButtons:
			if !p.QuickReply && len(p.Buttons) <= maxTemplateActions {
				m, err := buttonsTemplate(i, p)
				if err != nil {
					return nil, err
				}
				out = append(out, m)
				continue
			}
			if p.Text != "" {
				text(p.Text)
			}
			for _, b := range p.Buttons {
				item, err := quickReplyItem(i, b)
				if err != nil {
					return nil, err
				}
				quick = append(quick, item)
			}
		case switchboard.PartTemplate:
			if p.Template == nil || len(p.Template.Raw) == 0 {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: LINE templates need a flex message JSON in Template.Raw", i), nil)
			}
			if !json.Valid(p.Template.Raw) || !strings.HasPrefix(strings.TrimSpace(string(p.Template.Raw)), "{") {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: Template.Raw is not a JSON object", i), nil)
			}
			alt := firstNonEmpty(p.Text, p.Template.Name, "Message")
			out = append(out, &messaging_api.FlexMessage{AltText: truncate(alt, maxFlexAltText), Contents: rawFlex(p.Template.Raw)})
		default:
			return nil, connectors.Permanent(fmt.Sprintf("part %d: LINE cannot carry a %q part", i, p.Kind), nil)
		}
	}
	if len(quick) > maxQuickReplyItems {
		return nil, connectors.Permanent(fmt.Sprintf("LINE allows at most %d quick reply buttons, message has %d", maxQuickReplyItems, len(quick)), nil)
	}
	if len(quick) > 0 && len(out) == 0 {
		labels := make([]string, 0, len(quick))
		for _, p := range parts {
			for _, b := range p.Buttons {
				labels = append(labels, b.Label)
			}
		}
		text(strings.Join(labels, " / "))
	}
	if len(out) == 0 {
		return nil, connectors.Permanent("message has nothing LINE can carry", nil)
	}
	if len(quick) > 0 {
		setQuickReply(out[len(out)-1], &messaging_api.QuickReply{Items: quick})
	}
	return out, nil
}

// LINE's buttons template: at most 4 actions, text up to 160 characters,
// alt text up to 400.
const (
	maxTemplateActions = 4
	maxTemplateText    = 160
	maxTemplateAltText = 400
)

// buttonsTemplate renders a buttons part (not quick replies) as a LINE
// buttons template message: the part's text above up to four buttons.
func buttonsTemplate(i int, p switchboard.Part) (*messaging_api.TemplateMessage, error) {
	actions := make([]messaging_api.ActionInterface, 0, len(p.Buttons))
	labels := make([]string, 0, len(p.Buttons))
	for _, b := range p.Buttons {
		item, err := quickReplyItem(i, b)
		if err != nil {
			return nil, err
		}
		actions = append(actions, item.Action)
		labels = append(labels, b.Label)
	}
	body := firstNonEmpty(strings.TrimSpace(p.Text), "Please choose")
	alt := body + "\n" + strings.Join(labels, " / ")
	return &messaging_api.TemplateMessage{
		AltText:  truncate(alt, maxTemplateAltText),
		Template: &messaging_api.ButtonsTemplate{Text: truncate(body, maxTemplateText), Actions: actions},
	}, nil
}

func mediaURL(i int, p switchboard.Part) (string, error) {
	if p.Attachment == nil || p.Attachment.URL == "" {
		return "", connectors.Permanent(fmt.Sprintf("part %d: %s has no URL LINE can fetch", i, p.Kind), nil)
	}
	return p.Attachment.URL, nil
}

func linkText(p switchboard.Part, u string) string {
	label := firstNonEmpty(p.Text, p.Attachment.Filename)
	if label == "" {
		return u
	}
	return label + "\n" + u
}

func quickReplyItem(i int, b switchboard.Button) (messaging_api.QuickReplyItem, error) {
	label := truncate(firstNonEmpty(b.Label, b.Payload, b.URL), maxActionLabel)
	switch {
	case label == "":
		return messaging_api.QuickReplyItem{}, connectors.Permanent(fmt.Sprintf("part %d: button without label", i), nil)
	case b.URL != "":
		return messaging_api.QuickReplyItem{Type: "action", Action: &messaging_api.UriAction{Label: label, Uri: b.URL}}, nil
	default:
		data := firstNonEmpty(b.Payload, b.Label)
		if utf16Len(data) > maxPostbackData {
			return messaging_api.QuickReplyItem{}, connectors.Permanent(fmt.Sprintf("part %d: button payload longer than %d", i, maxPostbackData), nil)
		}
		return messaging_api.QuickReplyItem{Type: "action", Action: &messaging_api.PostbackAction{
			Label: label, Data: data, DisplayText: truncate(b.Label, 300),
		}}, nil
	}
}

func setQuickReply(m messaging_api.MessageInterface, qr *messaging_api.QuickReply) {
	switch m := m.(type) {
	case *messaging_api.TextMessage:
		m.QuickReply = qr
	case *messaging_api.ImageMessage:
		m.QuickReply = qr
	case *messaging_api.AudioMessage:
		m.QuickReply = qr
	case *messaging_api.LocationMessage:
		m.QuickReply = qr
	case *messaging_api.StickerMessage:
		m.QuickReply = qr
	case *messaging_api.FlexMessage:
		m.QuickReply = qr
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if l := utf16.RuneLen(r); l > 0 {
			n += l
		} else {
			n++
		}
	}
	return n
}

// truncate cuts s to at most max UTF-16 code units, on a rune boundary.
func truncate(s string, max int) string {
	n := 0
	for i, r := range s {
		l := utf16.RuneLen(r)
		if l < 0 {
			l = 1
		}
		if n+l > max {
			return s[:i]
		}
		n += l
	}
	return s
}

// splitText cuts s into pieces of at most max UTF-16 code units, on rune
// boundaries, preferring to break after a newline or a space in the second
// half of a piece.
func splitText(s string, max int) []string {
	var out []string
	for utf16Len(s) > max {
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
