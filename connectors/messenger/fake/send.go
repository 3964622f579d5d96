package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// Windows the fake enforces for recipients it was told about.
const (
	responseWindowMS   = int64(24 * 3600 * 1000)
	humanAgentWindowMS = int64(7 * 24 * 3600 * 1000)
)

// messages answers the Send API: it checks the body as Graph does and
// answers {"recipient_id", "message_id"} (sender actions: recipient_id
// only).
func (s *Server) messages(w http.ResponseWriter, r *http.Request, rec *Request) int {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return s.invalid(w, "(#100) The parameter recipient is required")
	}
	var req wire.SendRequest
	dec := json.NewDecoder(bytes.NewReader(rec.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return s.invalid(w, "(#100) Param message must be a JSON object: "+err.Error())
	}
	rec.Decoded = &req
	if req.Recipient.ID == "" {
		return s.invalid(w, "(#100) The parameter recipient is required")
	}
	s.mu.Lock()
	unavailable := s.unavailable[req.Recipient.ID]
	last, known := s.lastWrote[req.Recipient.ID]
	s.mu.Unlock()
	switch {
	case req.Message != nil && req.SenderAction != "":
		return s.graphError(w, http.StatusBadRequest, ErrorBody(100, 2018015, "OAuthException", "(#100) Cannot send both message and state at the same time."))
	case req.SenderAction != "":
		if req.SenderAction != "typing_on" && req.SenderAction != "typing_off" && req.SenderAction != "mark_seen" {
			return s.invalid(w, "(#100) Param sender_action must be one of {typing_on, typing_off, mark_seen}")
		}
		return s.writeJSON(w, http.StatusOK, wire.SendResponse{RecipientID: req.Recipient.ID})
	case req.Message == nil:
		return s.invalid(w, "(#100) Must send either message or state")
	}
	if msg := s.checkMessagingType(req); msg != "" {
		return s.invalid(w, msg)
	}
	if msg := s.checkMessage(req.Message); msg != "" {
		return s.invalid(w, msg)
	}
	if unavailable {
		return s.graphError(w, http.StatusBadRequest, ErrUnavailable)
	}
	if known {
		age := s.opts.Now().UnixMilli() - last.UnixMilli()
		limit := responseWindowMS
		if req.MessagingType == wire.TypeMessageTag {
			limit = humanAgentWindowMS
		}
		if age > limit {
			return s.graphError(w, http.StatusBadRequest, ErrOutsideWindow)
		}
	}
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("m_fake%06d", s.seq)
	s.sends = append(s.sends, Send{MessageID: id, Request: req, Path: r.URL.Path})
	s.mu.Unlock()
	return s.writeJSON(w, http.StatusOK, wire.SendResponse{RecipientID: req.Recipient.ID, MessageID: id})
}

func (s *Server) invalid(w http.ResponseWriter, message string) int {
	return s.graphError(w, http.StatusBadRequest, ErrorBody(100, 0, "OAuthException", message))
}

func (s *Server) checkMessagingType(req wire.SendRequest) string {
	switch req.MessagingType {
	case wire.TypeResponse, "UPDATE":
		if req.Tag != "" {
			return "(#100) Param tag is only allowed with messaging_type MESSAGE_TAG"
		}
	case wire.TypeMessageTag:
		if req.Tag != wire.TagHumanAgent {
			return fmt.Sprintf("(#100) Param tag must be one of the supported tags, got %q", req.Tag)
		}
		if !s.opts.HumanAgent {
			return "(#100) The HUMAN_AGENT tag requires the Human Agent permission"
		}
	default:
		return "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}"
	}
	return ""
}

// checkMessage applies the Send API's rules on the message object.
func (s *Server) checkMessage(m *wire.SendMessage) string {
	switch {
	case m.Text != "" && m.Attachment != nil:
		return "(#100) Only one of text or attachment may be set"
	case m.Text == "" && m.Attachment == nil:
		return "(#100) Must send either text or attachment"
	case m.Text != "" && s.opts.Instagram && len(m.Text) > wire.MaxInstagramTextByte:
		return fmt.Sprintf("(#100) Length of param message[text] must be less than or equal to %d bytes", wire.MaxInstagramTextByte)
	case m.Text != "" && !s.opts.Instagram && utf8.RuneCountInString(m.Text) > wire.MaxMessengerText:
		return fmt.Sprintf("(#100) Length of param message[text] must be less than or equal to %d", wire.MaxMessengerText)
	case !utf8.ValidString(m.Text):
		return "(#100) Param message[text] must be valid UTF-8"
	case utf8.RuneCountInString(m.Metadata) > wire.MaxMetadata:
		return "(#100) Length of param message[metadata] must be less than or equal to 1000"
	}
	if m.Attachment != nil {
		if msg := checkAttachment(m.Attachment); msg != "" {
			return msg
		}
	}
	if len(m.QuickReplies) > wire.MaxQuickReplies {
		return fmt.Sprintf("(#100) param message[quick_replies] must have at most %d items", wire.MaxQuickReplies)
	}
	for i, q := range m.QuickReplies {
		switch {
		case q.ContentType != "text":
			return fmt.Sprintf("(#100) message[quick_replies][%d][content_type] must be text", i)
		case q.Title == "" || utf8.RuneCountInString(q.Title) > wire.MaxQuickReplyTitle:
			return fmt.Sprintf("(#100) message[quick_replies][%d][title] must be 1 to %d characters", i, wire.MaxQuickReplyTitle)
		case q.Payload == "" || utf8.RuneCountInString(q.Payload) > wire.MaxPayload:
			return fmt.Sprintf("(#100) message[quick_replies][%d][payload] must be 1 to %d characters", i, wire.MaxPayload)
		}
	}
	return ""
}

func checkAttachment(a *wire.SendAttachment) string {
	switch a.Type {
	case "image", "video", "audio", "file":
		u, err := url.Parse(a.Payload.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "(#100) message[attachment][payload][url] must be a valid URL"
		}
	case "template":
		p := a.Payload
		if p.TemplateType != "button" {
			return fmt.Sprintf("(#100) The fake supports only button templates, got %q", p.TemplateType)
		}
		if p.Text == "" || utf8.RuneCountInString(p.Text) > wire.MaxTemplateText {
			return fmt.Sprintf("(#100) Param [text] must be 1 to %d characters", wire.MaxTemplateText)
		}
		if len(p.Buttons) == 0 || len(p.Buttons) > wire.MaxTemplateButtons {
			return fmt.Sprintf("(#100) param [buttons] must have 1 to %d items", wire.MaxTemplateButtons)
		}
		for i, b := range p.Buttons {
			if b.Title == "" || utf8.RuneCountInString(b.Title) > wire.MaxButtonTitle {
				return fmt.Sprintf("(#100) buttons[%d][title] must be 1 to %d characters", i, wire.MaxButtonTitle)
			}
			switch b.Type {
			case "postback":
				if b.Payload == "" || utf8.RuneCountInString(b.Payload) > wire.MaxPayload {
					return fmt.Sprintf("(#100) buttons[%d][payload] must be 1 to %d characters", i, wire.MaxPayload)
				}
			case "web_url":
				if u, err := url.Parse(b.URL); err != nil || u.Host == "" {
					return fmt.Sprintf("(#100) buttons[%d][url] must be a valid URL", i)
				}
			default:
				return fmt.Sprintf("(#100) buttons[%d][type] must be postback or web_url", i)
			}
		}
	default:
		return fmt.Sprintf("(#100) message[attachment][type] %q is not supported", a.Type)
	}
	return ""
}
