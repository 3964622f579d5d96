package messenger

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// buildMessages maps parts to Send API messages, one call each: text
// (split to the flavor's limit), media by URL (a caption follows as text),
// buttons as a button template (at most 3, or link buttons) or as quick
// replies (at most 13, on the part's text or the last message). Parts the
// channel cannot carry are a PermanentError naming the part.
func (c *Connector) buildMessages(parts []switchboard.Part) ([]*wire.SendMessage, error) {
	var out []*wire.SendMessage
	var quick []wire.QuickReplyOut
	text := func(s string) {
		for _, piece := range c.splitText(s) {
			out = append(out, &wire.SendMessage{Text: piece})
		}
	}
	for i, p := range parts {
		switch p.Kind {
		case switchboard.PartText, switchboard.PartMarkdown:
			if strings.TrimSpace(p.Text) != "" {
				text(p.Text)
			}
		case switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile:
			if p.Attachment == nil || p.Attachment.URL == "" {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: %s has no URL %s can fetch", i, p.Kind, c.flavor.Name), nil)
			}
			out = append(out, &wire.SendMessage{Attachment: &wire.SendAttachment{Type: string(p.Kind), Payload: wire.SendPayload{URL: p.Attachment.URL}}})
			if strings.TrimSpace(p.Text) != "" {
				text(p.Text)
			}
		case switchboard.PartButtons:
			if len(p.Buttons) == 0 {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: buttons part without buttons", i), nil)
			}
			asTemplate := !p.QuickReply || hasLink(p.Buttons)
			if asTemplate && (len(p.Buttons) <= maxTemplateButtons || hasLink(p.Buttons)) {
				m, err := buttonTemplate(i, p)
				if err != nil {
					return nil, err
				}
				out = append(out, m)
				continue
			}
			items, err := quickReplies(i, p.Buttons)
			if err != nil {
				return nil, err
			}
			if strings.TrimSpace(p.Text) != "" {
				text(p.Text)
			}
			quick = append(quick, items...)
		default:
			return nil, connectors.Permanent(fmt.Sprintf("part %d: %s cannot carry a %q part", i, c.flavor.Name, p.Kind), nil)
		}
	}
	if len(quick) > maxQuickReplies {
		return nil, connectors.Permanent(fmt.Sprintf("%s allows at most %d quick replies, message has %d", c.flavor.Name, maxQuickReplies, len(quick)), nil)
	}
	if len(quick) > 0 {
		last := len(out) - 1
		if last < 0 || out[last].Attachment != nil && out[last].Attachment.Type == "template" {
			labels := make([]string, len(quick))
			for j, q := range quick {
				labels[j] = q.Title
			}
			text(strings.Join(labels, " / "))
			last = len(out) - 1
		}
		out[last].QuickReplies = quick
	}
	if len(out) == 0 {
		return nil, connectors.Permanent("message has nothing "+c.flavor.Name+" can carry", nil)
	}
	return out, nil
}

func hasLink(bs []switchboard.Button) bool {
	for _, b := range bs {
		if b.URL != "" {
			return true
		}
	}
	return false
}

// buttonTemplate renders a buttons part as a button template: the part's
// text (at most 640 characters) above up to three postback or web_url
// buttons.
func buttonTemplate(i int, p switchboard.Part) (*wire.SendMessage, error) {
	if len(p.Buttons) > maxTemplateButtons {
		return nil, connectors.Permanent(fmt.Sprintf("part %d: a button template holds at most %d buttons (link buttons cannot be quick replies), part has %d", i, maxTemplateButtons, len(p.Buttons)), nil)
	}
	buttons := make([]wire.Button, 0, len(p.Buttons))
	for _, b := range p.Buttons {
		title := truncate(firstNonEmpty(b.Label, b.Payload, b.URL), wire.MaxButtonTitle)
		if title == "" {
			return nil, connectors.Permanent(fmt.Sprintf("part %d: button without label", i), nil)
		}
		if b.URL != "" {
			buttons = append(buttons, wire.Button{Type: "web_url", Title: title, URL: b.URL})
			continue
		}
		payload, err := buttonPayload(i, b)
		if err != nil {
			return nil, err
		}
		buttons = append(buttons, wire.Button{Type: "postback", Title: title, Payload: payload})
	}
	body := truncate(firstNonEmpty(strings.TrimSpace(p.Text), "Please choose"), wire.MaxTemplateText)
	return &wire.SendMessage{Attachment: &wire.SendAttachment{Type: "template", Payload: wire.SendPayload{
		TemplateType: "button", Text: body, Buttons: buttons}}}, nil
}

// quickReplies renders buttons as text quick replies (titles at most 20
// characters).
func quickReplies(i int, bs []switchboard.Button) ([]wire.QuickReplyOut, error) {
	out := make([]wire.QuickReplyOut, 0, len(bs))
	for _, b := range bs {
		title := truncate(firstNonEmpty(b.Label, b.Payload), wire.MaxQuickReplyTitle)
		if title == "" {
			return nil, connectors.Permanent(fmt.Sprintf("part %d: quick reply without label", i), nil)
		}
		payload, err := buttonPayload(i, b)
		if err != nil {
			return nil, err
		}
		out = append(out, wire.QuickReplyOut{ContentType: "text", Title: title, Payload: payload})
	}
	return out, nil
}

func buttonPayload(i int, b switchboard.Button) (string, error) {
	payload := firstNonEmpty(b.Payload, b.Label)
	if utf8.RuneCountInString(payload) > wire.MaxPayload {
		return "", connectors.Permanent(fmt.Sprintf("part %d: button payload longer than %d characters", i, wire.MaxPayload), nil)
	}
	return payload, nil
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
