package console

import (
	"errors"
	"net/http"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/store"
)

// widgetFormResponse stores a visitor's answer to a form an operator sent
// (POST /widget/v1/messages with one form_response part): the answer is
// checked against the form (required fields, e-mail shape, no unknown
// fields) and stored as a structured message operators see as fields.
// The form must be a message of the visitor's own conversation.
func (s *Server) widgetFormResponse(w http.ResponseWriter, r *http.Request, wc *webchat.Connector, visitor switchboard.ExternalID, req widgetPostRequest) {
	if req.Text != "" || len(req.Parts) != 1 || req.Parts[0].Kind != switchboard.PartFormResponse || req.Parts[0].FormResponse == nil {
		writeError(w, http.StatusBadRequest, "invalid_parts", "parts: send exactly one form_response part (and no text)")
		return
	}
	resp := *req.Parts[0].FormResponse
	resp.Fields = append([]switchboard.FieldValue(nil), resp.Fields...)
	if resp.FormMessageID == "" {
		writeError(w, http.StatusBadRequest, "invalid_form_message_id", "form_response.form_message_id: missing")
		return
	}
	form, err := s.visitorForm(r, wc, visitor, resp.FormMessageID)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusBadRequest, "invalid_form_message_id", "form_response.form_message_id: no such form in this conversation")
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "message")
		return
	}
	if err := ValidateFormResponse(&resp, form); err != nil {
		s.writeStoreError(w, r, err, "message")
		return
	}
	part := switchboard.Part{Kind: switchboard.PartFormResponse, FormResponse: &resp}
	part.Text = connectors.FormResponseText(part)
	in, err := wc.VisitorMessage(visitor, part.Text, req.ClientID, switchboard.Profile{Name: req.Name, Email: req.Email})
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_parts", err.Error())
		return
	}
	in.Parts = []switchboard.Part{part}
	results, err := s.hub.AcceptResults(r.Context(), []switchboard.Inbound{in})
	if err != nil {
		s.writeStoreError(w, r, err, "message")
		return
	}
	res := results[0]
	writeJSON(w, http.StatusCreated, map[string]any{"id": res.MessageID, "conversation_id": res.ConversationID,
		"direction": switchboard.DirectionIn, "text": part.Text, "parts": in.Parts, "duplicate": res.Duplicate})
}

// visitorForm finds the form of message id in the visitor's conversation.
func (s *Server) visitorForm(r *http.Request, wc *webchat.Connector, visitor switchboard.ExternalID, id switchboard.MessageID) (*switchboard.Form, error) {
	channel := wc.ChannelID()
	conv, err := s.store.FindConversation(r.Context(), channel, visitor)
	if err != nil {
		return nil, err
	}
	m, err := s.store.GetMessage(r.Context(), conv.WorkspaceID, id)
	if err != nil {
		return nil, err
	}
	if m.ConversationID != conv.ID || m.Direction != switchboard.DirectionOut {
		return nil, store.ErrNotFound
	}
	for _, p := range m.Parts {
		if p.Kind == switchboard.PartForm && p.Form != nil {
			return p.Form, nil
		}
	}
	return nil, store.ErrNotFound
}
