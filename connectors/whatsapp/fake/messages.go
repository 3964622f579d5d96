package fake

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// invalid is a body the Cloud API refuses: its code and details.
type invalid struct {
	code    int
	details string
}

func bad(code int, format string, args ...any) *invalid {
	return &invalid{code: code, details: fmt.Sprintf(format, args...)}
}

// messages handles POST /{version}/{phone_number_id}/messages: a send or
// a mark-as-read.
func (s *Server) messages(w http.ResponseWriter, rec *Request) int {
	m := rec.JSON
	if m == nil {
		return s.fail(w, http.StatusBadRequest, 100, "The request body is not JSON")
	}
	if str(m, "messaging_product") != "whatsapp" {
		return s.fail(w, http.StatusBadRequest, 100, "The parameter messaging_product is required and must be whatsapp.")
	}
	if str(m, "status") == "read" {
		if str(m, "message_id") == "" {
			return s.fail(w, http.StatusBadRequest, 131008, "The parameter message_id is required.")
		}
		return s.writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	}
	to := str(m, "to")
	if to == "" {
		to = str(m, "recipient")
	}
	if to == "" {
		return s.fail(w, http.StatusBadRequest, 131008, "The parameter to is required.")
	}
	if to == str(m, "to") && !digits.MatchString(to) {
		return s.fail(w, http.StatusBadRequest, 131009, "to must be a phone number in international format, digits only")
	}
	kind := str(m, "type")
	if kind == "" {
		kind = "text"
	}
	if e := s.checkBody(kind, m); e != nil {
		return s.fail(w, http.StatusBadRequest, e.code, e.details)
	}
	s.mu.Lock()
	last, known := s.lastInbound[to]
	closed := s.closed[to] || (known && time.Since(last) > 24*time.Hour)
	undeliverable := s.undeliverable[to]
	s.mu.Unlock()
	if closed && kind != "template" {
		return s.fail(w, http.StatusBadRequest, 131047, "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
	}
	if undeliverable {
		return s.fail(w, http.StatusBadRequest, 131026, "Message Undeliverable.")
	}
	rec.WAMID = NewWAMID()
	contact := map[string]string{"input": to}
	if digits.MatchString(to) {
		contact["wa_id"] = to
	} else {
		contact["user_id"] = to
	}
	return s.writeJSON(w, http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []map[string]string{contact},
		"messages":          []map[string]string{{"id": rec.WAMID, "message_status": "accepted"}},
	})
}

var digits = regexp.MustCompile(`^[0-9]{6,15}$`)

// checkBody checks the object matching the message type.
func (s *Server) checkBody(kind string, m map[string]any) *invalid {
	obj, ok := m[kind].(map[string]any)
	if !ok {
		return bad(131008, "The parameter %s is required for a %s message.", kind, kind)
	}
	switch kind {
	case "text":
		body := str(obj, "body")
		if strings.TrimSpace(body) == "" {
			return bad(131008, "The parameter text.body is required.")
		}
		if n := utf8.RuneCountInString(body); n > 4096 {
			return bad(100, "Param text['body'] must be at most 4096 characters long, got %d.", n)
		}
	case "image", "audio", "video", "document", "sticker":
		if str(obj, "link") == "" && str(obj, "id") == "" {
			return bad(131008, "The parameter %s.link or %s.id is required.", kind, kind)
		}
		if _, has := obj["caption"]; has && (kind == "audio" || kind == "sticker") {
			return bad(100, "Param %s['caption'] is not allowed for %s.", kind, kind)
		}
		if n := utf8.RuneCountInString(str(obj, "caption")); n > 1024 {
			return bad(100, "Param %s['caption'] must be at most 1024 characters long.", kind)
		}
	case "location":
		if _, ok := obj["latitude"].(float64); !ok {
			return bad(131008, "The parameter location.latitude is required.")
		}
		if _, ok := obj["longitude"].(float64); !ok {
			return bad(131008, "The parameter location.longitude is required.")
		}
	case "interactive":
		return checkInteractive(obj)
	case "template":
		return s.checkTemplate(obj)
	default:
		return bad(100, "Param type must be one of {AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO}, got %q.", kind)
	}
	return nil
}

func checkInteractive(obj map[string]any) *invalid {
	body, _ := obj["body"].(map[string]any)
	text := str(body, "text")
	if strings.TrimSpace(text) == "" {
		return bad(131008, "The parameter interactive.body.text is required.")
	}
	if utf8.RuneCountInString(text) > 1024 {
		return bad(131009, "interactive.body.text must be at most 1024 characters.")
	}
	action, _ := obj["action"].(map[string]any)
	if action == nil {
		return bad(131008, "The parameter interactive.action is required.")
	}
	ids := map[string]bool{}
	switch str(obj, "type") {
	case "button":
		buttons, _ := action["buttons"].([]any)
		if len(buttons) < 1 || len(buttons) > 3 {
			return bad(131009, "interactive.action.buttons must have 1 to 3 buttons, got %d.", len(buttons))
		}
		for i, b := range buttons {
			bm, _ := b.(map[string]any)
			reply, _ := bm["reply"].(map[string]any)
			if str(bm, "type") != "reply" || reply == nil {
				return bad(131009, "interactive.action.buttons[%d] must be of type reply.", i)
			}
			id, title := str(reply, "id"), str(reply, "title")
			if id == "" || len(id) > 256 || ids[id] {
				return bad(131009, "interactive.action.buttons[%d].reply.id must be unique, 1 to 256 characters.", i)
			}
			ids[id] = true
			if title == "" || utf8.RuneCountInString(title) > 20 {
				return bad(131009, "interactive.action.buttons[%d].reply.title must be 1 to 20 characters, got %q.", i, title)
			}
		}
	case "list":
		button := str(action, "button")
		if button == "" || utf8.RuneCountInString(button) > 20 {
			return bad(131009, "interactive.action.button must be 1 to 20 characters.")
		}
		sections, _ := action["sections"].([]any)
		if len(sections) < 1 || len(sections) > 10 {
			return bad(131009, "interactive.action.sections must have 1 to 10 sections.")
		}
		rows := 0
		for _, sec := range sections {
			sm, _ := sec.(map[string]any)
			rs, _ := sm["rows"].([]any)
			for i, r := range rs {
				rm, _ := r.(map[string]any)
				id, title := str(rm, "id"), str(rm, "title")
				if id == "" || len(id) > 200 || ids[id] {
					return bad(131009, "rows[%d].id must be unique, 1 to 200 characters.", i)
				}
				ids[id] = true
				if title == "" || utf8.RuneCountInString(title) > 24 {
					return bad(131009, "rows[%d].title must be 1 to 24 characters, got %q.", i, title)
				}
				if utf8.RuneCountInString(str(rm, "description")) > 72 {
					return bad(131009, "rows[%d].description must be at most 72 characters.", i)
				}
				rows++
			}
		}
		if rows < 1 || rows > 10 {
			return bad(131009, "a list message must have 1 to 10 rows in all, got %d.", rows)
		}
	case "cta_url":
		params, _ := action["parameters"].(map[string]any)
		if str(action, "name") != "cta_url" || str(params, "url") == "" {
			return bad(131008, "interactive.action.name cta_url and parameters.url are required.")
		}
		if d := str(params, "display_text"); d == "" || utf8.RuneCountInString(d) > 20 {
			return bad(131009, "interactive.action.parameters.display_text must be 1 to 20 characters.")
		}
	default:
		return bad(131009, "interactive.type %q is not supported.", str(obj, "type"))
	}
	return nil
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

func (s *Server) checkTemplate(obj map[string]any) *invalid {
	name := str(obj, "name")
	lang, _ := obj["language"].(map[string]any)
	code := str(lang, "code")
	if name == "" || code == "" {
		return bad(131008, "The parameters template.name and template.language.code are required.")
	}
	s.mu.Lock()
	var found *Template
	for i := range s.templates {
		if s.templates[i].Name == name && s.templates[i].Language == code {
			found = &s.templates[i]
		}
	}
	s.mu.Unlock()
	if found == nil {
		return bad(132001, "template name (%s) does not exist in %s", name, code)
	}
	if found.Status != "APPROVED" {
		return bad(132001, "template name (%s) is %s, not approved", name, found.Status)
	}
	comps, _ := obj["components"].([]any)
	for _, part := range []struct{ kind, text string }{{"header", found.Header}, {"body", found.Body}} {
		if inv := checkComponentParams(name, part.kind, part.text, comps); inv != nil {
			return inv
		}
	}
	return nil
}

// checkComponentParams checks the parameters a send gives one component
// (header or body) against the placeholders of its text, as Graph does.
func checkComponentParams(name, kind, text string, comps []any) *invalid {
	want := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		want[m[1]] = true
	}
	got := 0
	for _, c := range comps {
		cm, _ := c.(map[string]any)
		if !strings.EqualFold(str(cm, "type"), kind) {
			continue
		}
		params, _ := cm["parameters"].([]any)
		for _, p := range params {
			pm, _ := p.(map[string]any)
			if str(pm, "type") != "text" || str(pm, "text") == "" {
				return bad(131009, "%s parameters must be of type text with a text.", kind)
			}
			if n := str(pm, "parameter_name"); n != "" && !want[n] {
				return bad(132000, "template %s has no %s parameter named %s", name, kind, n)
			}
			got++
		}
	}
	if got != len(want) {
		return bad(132000, "%s: number of localizable_params (%d) does not match the expected number of params (%d)", kind, got, len(want))
	}
	return nil
}

func str(m map[string]any, k string) string {
	if m == nil {
		return ""
	}
	s, _ := m[k].(string)
	return s
}
