package console

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/store"
)

// messageView is a message as the API shows it: the model plus its text.
type messageView struct {
	switchboard.Message
	Parts []partView `json:"parts"`
	Text  string     `json:"text"`
	// AuthorName is the name of the operator who wrote a reply or note;
	// DeletedByName of who deleted the message (names.go fills both).
	AuthorName    string `json:"author_name,omitempty"`
	DeletedByName string `json:"deleted_by_name,omitempty"`
}

func viewMessage(m switchboard.Message) messageView {
	return messageView{Message: m, Parts: viewParts(m.Parts), Text: m.Text()}
}

func viewMessages(ms []switchboard.Message) []messageView {
	out := make([]messageView, len(ms))
	for i, m := range ms {
		out[i] = viewMessage(m)
	}
	return out
}

func queryLimit(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		writeError(w, http.StatusBadRequest, "invalid_limit", "limit: must be a whole number from 1 to 500")
		return 0, false
	}
	return n, true
}

// typing shows the customer that an operator is typing, where the channel
// can: the site chat's widget shows "<name> is typing" until {"typing":
// false} or a reply (an empty body means typing); LINE shows its loading
// animation; elsewhere it does nothing. The answer says whether it is shown.
func (s *Server) typing(w http.ResponseWriter, r *http.Request) {
	conv, ok := s.conversation(w, r)
	if !ok {
		return
	}
	req := struct {
		Typing *bool `json:"typing"`
	}{}
	if r.ContentLength != 0 && !s.decodeJSON(w, r, &req) {
		return
	}
	typing := req.Typing == nil || *req.Typing
	if conv.ChannelType == webchat.Type {
		p := principalFrom(r.Context())
		name := p.Name
		if p.OperatorID != "" {
			name = s.operatorName(r.Context(), conv.WorkspaceID, p.OperatorID)
		}
		c := conv
		c.Contact, c.Context = nil, nil
		if err := s.router.PublishEphemeral(switchboard.Event{
			Type: switchboard.EventOperatorTyping, WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID,
			DepartmentID: conv.DepartmentID, Conversation: &c, OperatorID: p.OperatorID, Name: name, Typing: typing, At: s.now(),
		}); err != nil {
			writeError(w, http.StatusServiceUnavailable, "bus_down", "typing indicator not sent: "+err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"shown": typing})
		return
	}
	ch, ok := s.router.Channels.Get(conv.ChannelID)
	ts, can := connectors.TypingSender(nil), false
	if ok {
		ts, can = ch.Connector.(connectors.TypingSender)
	}
	if !can || !typing {
		writeJSON(w, http.StatusOK, map[string]any{"shown": false})
		return
	}
	target, err := s.store.DeliveryTarget(r.Context(), conv.ID)
	if err != nil {
		s.writeStoreError(w, r, err, "conversation")
		return
	}
	if err := ts.SendTyping(r.Context(), target.Recipient); err != nil {
		writeError(w, http.StatusBadGateway, "provider_error", "the channel refused the typing indicator: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"shown": true})
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	conv, ok := s.conversation(w, r)
	if !ok {
		return
	}
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	page, err := s.store.ListMessages(r.Context(), conv.WorkspaceID, conv.ID, store.MessageQuery{Limit: limit, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		s.writeStoreError(w, r, err, "messages")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": s.namedMessages(r.Context(), conv.WorkspaceID, viewMessages(page.Items)), "next": page.Next})
}

type postMessageRequest struct {
	Text  string             `json:"text"`
	Parts []switchboard.Part `json:"parts"`
	Note  bool               `json:"note"`
	// TemplateID sends a saved reply (instead of text or parts).
	TemplateID string `json:"template_id"`
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	var req postMessageRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	parts := req.Parts
	if req.Text != "" {
		if len(parts) > 0 {
			writeError(w, http.StatusBadRequest, "invalid_request", "send either text or parts, not both")
			return
		}
		parts = switchboard.TextParts(req.Text)
	}
	if len(parts) == 0 && req.TemplateID == "" {
		writeError(w, http.StatusBadRequest, "invalid_text", "text: missing")
		return
	}
	conv, ok := s.conversation(w, r)
	if !ok {
		return
	}
	if parts, ok = s.composeParts(w, r, conv, req.TemplateID, parts); !ok {
		return
	}
	p := principalFrom(r.Context())
	via := "api" // an API token
	if p.viaSession {
		via = "console"
	}
	msg, err := s.hub.Reply(r.Context(), connectors.ReplyRequest{
		WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, AuthorID: p.OperatorID, Parts: parts, Note: req.Note, Via: via,
	})
	if err != nil {
		s.writeStoreError(w, r, err, "conversation")
		return
	}
	s.refMedia(r.Context(), msg)
	status := http.StatusAccepted // queued for its channel
	if req.Note {
		status = http.StatusCreated
	}
	writeJSON(w, status, s.namedMessage(r.Context(), msg))
}

func (s *Server) retryMessage(w http.ResponseWriter, r *http.Request) {
	msg, conv, ok := s.messageInConversation(w, r)
	if !ok {
		return
	}
	msg, err := s.hub.Retry(r.Context(), conv.WorkspaceID, msg.ID)
	if err != nil {
		s.writeStoreError(w, r, err, "message")
		return
	}
	writeJSON(w, http.StatusAccepted, s.namedMessage(r.Context(), msg))
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q := r.URL.Query().Get("q")
	if q == "" {
		writeError(w, http.StatusBadRequest, "invalid_query", "q: missing")
		return
	}
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	if limit == 0 {
		limit = 50
	}
	found, err := s.store.SearchMessages(r.Context(), p.WorkspaceID, q, limit*2)
	if err != nil {
		s.writeStoreError(w, r, err, "messages")
		return
	}
	// Operators only find messages of conversations they may see.
	visible := found[:0]
	seen := map[switchboard.ConversationID]bool{}
	for _, m := range found {
		ok, known := seen[m.ConversationID]
		if !known {
			conv, err := s.store.GetConversation(r.Context(), p.WorkspaceID, m.ConversationID)
			ok = err == nil && p.canSee(conv.DepartmentID)
			seen[m.ConversationID] = ok
		}
		if ok && len(visible) < limit {
			visible = append(visible, m)
		}
	}
	// Conversations and contacts: the contact's name, e-mail or phone, in
	// the departments the caller may see.
	restrict, depts := p.restrict()
	convs, err := s.store.ListConversations(r.Context(), p.WorkspaceID, store.ConversationQuery{
		Restrict: restrict, DepartmentIDs: depts, Contact: q, Limit: min(limit, 20),
	})
	if err != nil {
		s.writeStoreError(w, r, err, "conversations")
		return
	}
	if convs.Items == nil {
		convs.Items = []switchboard.Conversation{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"items":         s.namedMessages(r.Context(), p.WorkspaceID, viewMessages(visible)),
		"conversations": s.viewConversations(r.Context(), convs.Items),
	})
}

func (s *Server) listDepartments(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	depts, err := s.store.ListDepartments(r.Context(), p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "departments")
		return
	}
	if depts == nil {
		depts = []switchboard.Department{}
	}
	ops, err := s.store.ListOperators(r.Context(), p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "operators")
		return
	}
	for i := range depts {
		depts[i].MemberIDs = []switchboard.OperatorID{}
		for _, op := range ops {
			if slices.Contains(op.DepartmentIDs, depts[i].ID) {
				depts[i].MemberIDs = append(depts[i].MemberIDs, op.ID)
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": depts})
}
