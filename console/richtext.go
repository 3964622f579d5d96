package console

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/richtext"
	"github.com/switchboardhq/switchboard/router"
)

// Vars are the values of a message's {{...}} variables, filled when an
// operator sends it.
type Vars struct {
	ContactName, ContactEmail, OperatorName, ConversationID string
}

// FillVars replaces the known variables in s ({{contact.name}},
// {{contact.email}}, {{operator.name}}, {{conversation.id}}, spaces inside
// the braces allowed); unknown ones stay as written. It is pure: the same
// input gives the same output.
func FillVars(s string, v Vars) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	values := map[string]string{
		"contact.name": v.ContactName, "contact.email": v.ContactEmail,
		"operator.name": v.OperatorName, "conversation.id": v.ConversationID,
	}
	var b strings.Builder
	for {
		start := strings.Index(s, "{{")
		if start < 0 {
			break
		}
		end := strings.Index(s[start+2:], "}}")
		if end < 0 {
			break
		}
		name := strings.TrimSpace(s[start+2 : start+2+end])
		val, known := values[name]
		b.WriteString(s[:start])
		if known {
			b.WriteString(val)
		} else {
			b.WriteString(s[start : start+2+end+2])
		}
		s = s[start+2+end+2:]
	}
	b.WriteString(s)
	return b.String()
}

// FillPartsVars fills variables in the text-bearing fields of parts (text,
// button labels, form titles and labels, link title and description) and
// returns new parts; parts is not changed.
func FillPartsVars(parts []switchboard.Part, v Vars) []switchboard.Part {
	out := make([]switchboard.Part, len(parts))
	for i, p := range parts {
		p.Text = FillVars(p.Text, v)
		if len(p.Buttons) > 0 {
			bs := make([]switchboard.Button, len(p.Buttons))
			for j, b := range p.Buttons {
				b.Label = FillVars(b.Label, v)
				bs[j] = b
			}
			p.Buttons = bs
		}
		if p.Form != nil {
			f := *p.Form
			f.Title = FillVars(f.Title, v)
			f.Fields = append([]switchboard.FormField(nil), f.Fields...)
			for j := range f.Fields {
				f.Fields[j].Label = FillVars(f.Fields[j].Label, v)
			}
			p.Form = &f
		}
		if p.Link != nil {
			l := *p.Link
			l.Title, l.Description = FillVars(l.Title, v), FillVars(l.Description, v)
			p.Link = &l
		}
		out[i] = p
	}
	return out
}

// SanitizeHTML returns html with everything that could run removed.
func SanitizeHTML(html string) string { return richtext.SanitizeHTML(html) }

// MarkdownHTML renders markdown source to sanitised HTML.
func MarkdownHTML(src string) string { return richtext.MarkdownHTML(src) }

// SanitizeParts sanitises html parts in place (before storage) and checks
// the shape of rich parts: forms have named fields of known types, links
// are http(s). It returns a validation error naming the field.
func SanitizeParts(parts []switchboard.Part) error {
	for i := range parts {
		p := &parts[i]
		field := fmt.Sprintf("parts[%d]", i)
		switch p.Kind {
		case switchboard.PartHTML:
			p.Text = SanitizeHTML(p.Text)
			if strings.TrimSpace(p.Text) == "" {
				return &router.ValidationError{Field: field + ".text", Message: "empty once sanitised"}
			}
		case switchboard.PartForm:
			if p.Form == nil || len(p.Form.Fields) == 0 {
				return &router.ValidationError{Field: field + ".form.fields", Message: "a form needs at least one field"}
			}
			seen := map[string]bool{}
			for j, f := range p.Form.Fields {
				ff := fmt.Sprintf("%s.form.fields[%d]", field, j)
				if f.Name == "" || strings.ContainsAny(f.Name, " \t\n") || seen[f.Name] {
					return &router.ValidationError{Field: ff + ".name", Message: fmt.Sprintf("%q: must be a unique name without spaces", f.Name)}
				}
				seen[f.Name] = true
				if f.Type == "" {
					p.Form.Fields[j].Type = switchboard.FieldText
				} else if !f.Type.Valid() {
					return &router.ValidationError{Field: ff + ".type", Message: fmt.Sprintf("%q is not one of text, email, tel, textarea", f.Type)}
				}
			}
		case switchboard.PartLink:
			if p.Link == nil || !(strings.HasPrefix(p.Link.URL, "https://") || strings.HasPrefix(p.Link.URL, "http://")) {
				return &router.ValidationError{Field: field + ".link.url", Message: "must be an http(s) URL"}
			}
			if p.Link.ImageURL != "" && !strings.HasPrefix(p.Link.ImageURL, "https://") && !strings.HasPrefix(p.Link.ImageURL, "http://") {
				return &router.ValidationError{Field: field + ".link.image_url", Message: "must be an http(s) URL"}
			}
		case switchboard.PartButtons:
			if len(p.Buttons) == 0 {
				return &router.ValidationError{Field: field + ".buttons", Message: "a buttons part needs at least one button"}
			}
			for j, b := range p.Buttons {
				if strings.TrimSpace(b.Label) == "" {
					return &router.ValidationError{Field: fmt.Sprintf("%s.buttons[%d].label", field, j), Message: "empty"}
				}
				if b.URL != "" && !strings.HasPrefix(b.URL, "https://") && !strings.HasPrefix(b.URL, "http://") {
					return &router.ValidationError{Field: fmt.Sprintf("%s.buttons[%d].url", field, j), Message: "must be an http(s) URL"}
				}
			}
		}
	}
	return nil
}

// ValidateFormResponse checks a visitor's answer against the form it
// answers: every required field filled, e-mail fields shaped like e-mail,
// no unknown fields; it fills the labels from the form.
func ValidateFormResponse(resp *switchboard.FormResponse, form *switchboard.Form) error {
	if resp == nil || len(resp.Fields) == 0 {
		return &router.ValidationError{Field: "parts[0].form_response.fields", Message: "missing"}
	}
	byName := map[string]int{}
	for i, v := range resp.Fields {
		byName[v.Name] = i
	}
	if form == nil {
		return nil
	}
	known := map[string]bool{}
	for _, f := range form.Fields {
		known[f.Name] = true
		i, ok := byName[f.Name]
		val := ""
		if ok {
			val = strings.TrimSpace(resp.Fields[i].Value)
			resp.Fields[i].Label = f.Label
		}
		field := "form_response.fields[" + f.Name + "]"
		if f.Required && val == "" {
			return &router.ValidationError{Field: field, Message: fmt.Sprintf("%s is required", f.Label)}
		}
		if f.Type == switchboard.FieldEmail && val != "" {
			if a, err := mail.ParseAddress(val); err != nil || a.Address != val || !strings.Contains(val[strings.LastIndex(val, "@"):], ".") {
				return &router.ValidationError{Field: field, Message: fmt.Sprintf("%q is not an e-mail address", val)}
			}
		}
	}
	for _, v := range resp.Fields {
		if !known[v.Name] {
			return &router.ValidationError{Field: "form_response.fields[" + v.Name + "]", Message: "the form has no such field"}
		}
	}
	return nil
}
