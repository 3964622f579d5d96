package console

import (
	"context"
	"errors"
	"net/http"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }

// composeParts turns what an operator posted into the parts to store:
// a template's content when templateID is set (text or parts sent along
// are an error then), variables filled for the conversation and the
// caller, html parts sanitised and rich parts checked. It writes the error
// answer itself and returns false on failure; it changes nothing stored.
func (s *Server) composeParts(w http.ResponseWriter, r *http.Request, conv switchboard.Conversation, templateID string, parts []switchboard.Part) ([]switchboard.Part, bool) {
	p := principalFrom(r.Context())
	if templateID != "" {
		if len(parts) > 0 {
			writeError(w, http.StatusBadRequest, "invalid_request", "send either template_id or text/parts, not both")
			return nil, false
		}
		t, err := s.store.GetTemplate(r.Context(), p.WorkspaceID, switchboard.CannedResponseID(templateID))
		if err == nil && !templateVisible(p, t) {
			err = store.ErrNotFound
		}
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusBadRequest, "invalid_template_id", "template_id: no such template")
			return nil, false
		}
		if err != nil {
			s.writeStoreError(w, r, err, "template")
			return nil, false
		}
		parts = t.Parts
		if len(parts) == 0 {
			parts = switchboard.TextParts(t.Text)
		}
	}
	if len(parts) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_text", "text: missing")
		return nil, false
	}
	v := Vars{OperatorName: p.Name, ConversationID: string(conv.ID)}
	if conv.Contact != nil {
		v.ContactName, v.ContactEmail = conv.Contact.Name, conv.Contact.Email
	}
	parts = FillPartsVars(parts, v)
	if err := SanitizeParts(parts); err != nil {
		s.writeStoreError(w, r, err, "message")
		return nil, false
	}
	if msg, err := s.checkPartMedia(r.Context(), p, parts); err != nil || msg != "" {
		if err != nil {
			s.writeStoreError(w, r, err, "media")
		} else {
			writeError(w, http.StatusBadRequest, "invalid_media_id", msg)
		}
		return nil, false
	}
	return parts, true
}

// refMedia records the media a stored message carries, so that whoever
// may see the conversation may fetch it. Failures are logged: the message
// is stored already.
func (s *Server) refMedia(ctx context.Context, msg switchboard.Message) {
	for _, part := range msg.Parts {
		if part.Attachment == nil || part.Attachment.MediaID == "" {
			continue
		}
		if err := s.store.AddMediaRef(ctx, msg.WorkspaceID, part.Attachment.MediaID, msg.ConversationID); err != nil {
			s.log.WarnContext(ctx, "media reference not recorded", "err", err, "media_id", part.Attachment.MediaID)
		}
	}
}

// partView is a part as the API shows it: markdown and html parts carry
// their sanitised HTML rendering.
type partView struct {
	switchboard.Part
	HTML string `json:"html,omitempty"`
}

func viewParts(parts []switchboard.Part) []partView {
	out := make([]partView, len(parts))
	for i, p := range parts {
		out[i] = partView{Part: p}
		switch p.Kind {
		case switchboard.PartMarkdown:
			out[i].HTML = MarkdownHTML(p.Text)
		case switchboard.PartHTML:
			out[i].HTML = SanitizeHTML(p.Text)
		case switchboard.PartCSAT:
			// The rating link is the customer's: operators never get it.
			out[i].CSAT = nil
		}
	}
	return out
}
