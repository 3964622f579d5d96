package connectors

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/switchboardhq/switchboard"
)

// Fallback returns parts as the channel described by caps can carry them:
// parts it renders natively stay; buttons on a channel without buttons
// become numbered options ("1) Yes 2) No", a reply "2" picks the second),
// forms a list of the fields to answer, links their title and URL, HTML
// its text. It is called by the hub just before Send; parts is not changed.
func Fallback(parts []switchboard.Part, caps Capabilities) []switchboard.Part {
	out := make([]switchboard.Part, 0, len(parts))
	for _, p := range parts {
		switch {
		case p.Kind == switchboard.PartButtons && !caps.Buttons:
			out = append(out, switchboard.Part{Kind: switchboard.PartText, Text: NumberedOptions(p)})
		case p.Kind == switchboard.PartForm && !caps.Forms:
			out = append(out, switchboard.Part{Kind: switchboard.PartText, Text: FormText(p)})
		case p.Kind == switchboard.PartLink && !caps.Links:
			out = append(out, switchboard.Part{Kind: switchboard.PartText, Text: LinkText(p)})
		case p.Kind == switchboard.PartCSAT && !caps.CSAT:
			out = append(out, switchboard.Part{Kind: switchboard.PartText, Text: CSATText(p)})
		case p.Kind == switchboard.PartFormResponse && !caps.Forms:
			out = append(out, switchboard.Part{Kind: switchboard.PartText, Text: FormResponseText(p)})
		default:
			out = append(out, p)
		}
	}
	return out
}

// NumberedOptions renders a buttons part as text with numbered options;
// link buttons carry their URL.
func NumberedOptions(p switchboard.Part) string {
	var b strings.Builder
	if t := strings.TrimSpace(p.Text); t != "" {
		b.WriteString(t)
		b.WriteByte('\n')
	}
	for i, btn := range p.Buttons {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(i+1) + ") " + btn.Label)
		if btn.URL != "" {
			b.WriteString(" " + btn.URL)
		}
	}
	return b.String()
}

// OptionFor maps a customer's reply to numbered options back to the
// button it picks: "2" (or " 2) ") is the second button. ok is false when
// reply is not a number of an option.
func OptionFor(p switchboard.Part, reply string) (switchboard.Button, bool) {
	s := strings.TrimSuffix(strings.TrimSpace(reply), ")")
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > len(p.Buttons) {
		return switchboard.Button{}, false
	}
	return p.Buttons[n-1], true
}

// FormText renders a form as text: its title and the fields to answer.
func FormText(p switchboard.Part) string {
	if p.Form == nil {
		return p.Text
	}
	lines := []string{}
	if t := strings.TrimSpace(firstOf(p.Form.Title, p.Text)); t != "" {
		lines = append(lines, t)
	}
	for _, f := range p.Form.Fields {
		l := "- " + f.Label
		if f.Required {
			l += " *"
		}
		lines = append(lines, l)
	}
	lines = append(lines, "(please reply with these details)")
	return strings.Join(lines, "\n")
}

// FormResponseText renders a customer's form answer as "Label: value" lines.
func FormResponseText(p switchboard.Part) string {
	if p.FormResponse == nil {
		return p.Text
	}
	lines := make([]string, 0, len(p.FormResponse.Fields))
	for _, f := range p.FormResponse.Fields {
		lines = append(lines, fmt.Sprintf("%s: %s", firstOf(f.Label, f.Name), f.Value))
	}
	return strings.Join(lines, "\n")
}

// CSATText renders a rating card as its question and the rating page's
// link.
func CSATText(p switchboard.Part) string {
	if p.CSAT == nil || p.CSAT.URL == "" {
		return p.Text
	}
	return strings.TrimSpace(p.Text + "\n" + p.CSAT.URL)
}

// LinkText renders a link part as its title, description and URL.
func LinkText(p switchboard.Part) string {
	if p.Link == nil {
		return p.Text
	}
	var lines []string
	for _, s := range []string{firstOf(p.Link.Title, p.Text), p.Link.Description, p.Link.URL} {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	return strings.Join(lines, "\n")
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
