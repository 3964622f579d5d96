package whatsapp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// csatPrefix is the payload prefix of the hub's rating rows; the router
// takes "csat:<token>:<score>" replies as ratings (as LINE postbacks).
const csatPrefix = "csat:"

// buttonsMessages renders a buttons part: up to three reply buttons as an
// interactive "button" message, up to ten as a list, more as numbered
// options in text. A single link button becomes a call-to-action URL
// button; link buttons beside reply buttons are written into the body.
func buttonsMessages(i int, p switchboard.Part) ([]outgoing, error) {
	var replies, links []switchboard.Button
	for _, b := range p.Buttons {
		switch {
		case strings.TrimSpace(firstNonEmpty(b.Label, b.Payload, b.URL)) == "":
			return nil, connectors.Permanent(fmt.Sprintf("part %d: button without label", i), nil)
		case b.URL != "":
			links = append(links, b)
		default:
			replies = append(replies, b)
		}
	}
	body := strings.TrimSpace(p.Text)
	if len(replies) == 0 && len(links) == 1 {
		l := links[0]
		return []outgoing{interactive("cta_url", firstNonEmpty(body, l.Label), map[string]any{
			"name":       "cta_url",
			"parameters": map[string]string{"display_text": title(firstNonEmpty(l.Label, l.URL), maxButtonTitle), "url": l.URL},
		})}, nil
	}
	for _, l := range links {
		line := l.URL
		if l.Label != "" {
			line = l.Label + ": " + l.URL
		}
		body = strings.TrimSpace(body + "\n" + line)
	}
	if len(replies) == 0 {
		return []outgoing{{"type": "text", "text": map[string]any{"body": body, "preview_url": true}}}, nil
	}
	if len(replies) > maxListRows {
		return []outgoing{{"type": "text", "text": map[string]any{"body": connectors.NumberedOptions(switchboard.Part{Text: body, Buttons: p.Buttons})}}}, nil
	}
	body = firstNonEmpty(body, "Please choose")
	if utf8Len(body) > maxBodyText {
		return nil, connectors.Permanent(fmt.Sprintf("part %d: text above buttons longer than %d characters", i, maxBodyText), nil)
	}
	ids := map[string]bool{}
	id := func(b switchboard.Button) (string, error) {
		v := firstNonEmpty(b.Payload, b.Label)
		if len(v) > maxButtonID {
			return "", connectors.Permanent(fmt.Sprintf("part %d: button payload longer than %d bytes", i, maxButtonID), nil)
		}
		if ids[v] {
			return "", connectors.Permanent(fmt.Sprintf("part %d: two buttons with the payload %q", i, v), nil)
		}
		ids[v] = true
		return v, nil
	}
	if len(replies) <= maxReplyButtons {
		buttons := make([]map[string]any, 0, len(replies))
		for _, b := range replies {
			v, err := id(b)
			if err != nil {
				return nil, err
			}
			buttons = append(buttons, map[string]any{"type": "reply", "reply": map[string]string{"id": v, "title": title(firstNonEmpty(b.Label, b.Payload), maxButtonTitle)}})
		}
		return []outgoing{interactive("button", body, map[string]any{"buttons": buttons})}, nil
	}
	rows := make([]map[string]string, 0, len(replies))
	for _, b := range replies {
		v, err := id(b)
		if err != nil {
			return nil, err
		}
		row := map[string]string{"id": v, "title": title(firstNonEmpty(b.Label, b.Payload), maxRowTitle)}
		if utf8Len(b.Label) > maxRowTitle {
			row["description"] = truncate(b.Label, 72)
		}
		rows = append(rows, row)
	}
	return []outgoing{interactive("list", body, map[string]any{
		"button":   "Choose",
		"sections": []map[string]any{{"rows": rows}},
	})}, nil
}

// csatMessage asks for a rating as a list of five rows whose ids are the
// hub's rating payloads ("csat:<token>:<score>"); the customer's pick
// comes back as a list reply the router records.
func csatMessage(i int, p switchboard.Part) (outgoing, error) {
	if p.CSAT == nil || p.CSAT.Token == "" {
		return nil, connectors.Permanent(fmt.Sprintf("part %d: rating card without token", i), nil)
	}
	rows := make([]map[string]string, 0, 5)
	for n := 5; n >= 1; n-- {
		rows = append(rows, map[string]string{
			"id":    csatPrefix + p.CSAT.Token + ":" + strconv.Itoa(n),
			"title": strings.Repeat("★", n) + strings.Repeat("☆", 5-n) + " " + strconv.Itoa(n),
		})
	}
	body := truncate(firstNonEmpty(strings.TrimSpace(p.Text), "How did we do?"), maxBodyText)
	m := interactive("list", body, map[string]any{
		"button":   "Rate",
		"sections": []map[string]any{{"rows": rows}},
	})
	if len(p.CSAT.Token)+len(csatPrefix)+2 > maxButtonID {
		return nil, connectors.Permanent(fmt.Sprintf("part %d: rating token too long for a WhatsApp list", i), nil)
	}
	return m, nil
}

// interactive builds an interactive message of kind with body text.
func interactive(kind, body string, action map[string]any) outgoing {
	return outgoing{"type": "interactive", "interactive": map[string]any{
		"type":   kind,
		"body":   map[string]string{"text": body},
		"action": action,
	}}
}

func utf8Len(s string) int { return len([]rune(s)) }

// title is a button or row title: trimmed and cut to max characters.
func title(s string, max int) string {
	return strings.TrimSpace(truncate(strings.TrimSpace(s), max))
}
