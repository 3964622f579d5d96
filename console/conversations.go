package console

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/store"
)

// Limits of conversation labels.
const (
	maxLabels     = 20
	maxLabelRunes = 64
)

// contactSubject is the presence-lease subject of a conversation's
// site-chat visitor.
func contactSubject(id switchboard.ConversationID) string { return "conv:" + string(id) }

// viewConversations prepares conversations for the API: labels never null,
// window_expires_at from the running channel's reply window,
// contact_online from the presence leases (site chat only).
func (s *Server) viewConversations(ctx context.Context, convs []switchboard.Conversation) []switchboard.Conversation {
	var subjects []string
	for i := range convs {
		if convs[i].Labels == nil {
			convs[i].Labels = []string{}
		}
		s.router.Channels.FillWindow(&convs[i])
		if convs[i].ChannelType == webchat.Type {
			subjects = append(subjects, contactSubject(convs[i].ID))
		}
	}
	if len(subjects) == 0 {
		return convs
	}
	online, err := s.store.PresentSubjects(ctx, subjects, s.now())
	if err != nil {
		s.log.WarnContext(ctx, "contact presence not read", "err", err)
		return convs
	}
	for i := range convs {
		convs[i].ContactOnline = online[contactSubject(convs[i].ID)]
	}
	return convs
}

func (s *Server) viewConversation(ctx context.Context, conv switchboard.Conversation) switchboard.Conversation {
	// A conversation begun after the visitor's pages were recorded shows
	// the contact's context until the next page view stores its own.
	if conv.Context == nil && conv.Contact != nil {
		conv.Context = conv.Contact.Context
	}
	if conv.QueuedAt != nil {
		pos, wait, err := s.hub.QueuePlace(ctx, conv)
		if err != nil {
			s.log.WarnContext(ctx, "queue place not read", "conversation", conv.ID, "err", err)
		}
		conv.QueuePosition, conv.WaitSeconds = pos, int(wait.Seconds())
	}
	return s.viewConversations(ctx, []switchboard.Conversation{conv})[0]
}

func (s *Server) listConversations(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q := r.URL.Query()
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	status := switchboard.ConversationStatus(q.Get("status"))
	if status != "" && !status.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_status", fmt.Sprintf("status: %q is not one of open, pending, resolved, snoozed", status))
		return
	}
	restrict, depts := p.restrict()
	cq := store.ConversationQuery{
		DepartmentIDs: depts, Restrict: restrict, Status: status,
		ChannelID: switchboard.ChannelID(q.Get("channel")), DepartmentID: switchboard.DepartmentID(q.Get("department")),
		Label: q.Get("label"), Contact: q.Get("q"), Limit: limit, Cursor: q.Get("cursor"),
	}
	switch a := q.Get("assignee"); a {
	case "":
	case "none":
		cq.Unassigned = true
	case "me":
		if p.OperatorID == "" {
			writeError(w, http.StatusBadRequest, "invalid_assignee", `assignee: "me" needs an operator's session, not an API token`)
			return
		}
		cq.AssigneeID = p.OperatorID
	default:
		cq.AssigneeID = switchboard.OperatorID(a)
	}
	switch u := q.Get("unread"); u {
	case "", "false":
	case "true":
		cq.Unread = true
	default:
		writeError(w, http.StatusBadRequest, "invalid_unread", fmt.Sprintf("unread: %q is not true or false", u))
		return
	}
	page, err := s.store.ListConversations(r.Context(), p.WorkspaceID, cq)
	if err != nil {
		s.writeStoreError(w, r, err, "conversations")
		return
	}
	if page.Items == nil {
		page.Items = []switchboard.Conversation{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": s.viewConversations(r.Context(), page.Items), "next": page.Next})
}

// conversation loads a conversation the caller may see; otherwise it
// answers 404 (not 403: others' conversations are not revealed).
func (s *Server) conversation(w http.ResponseWriter, r *http.Request) (switchboard.Conversation, bool) {
	p := principalFrom(r.Context())
	conv, err := s.store.GetConversation(r.Context(), p.WorkspaceID, switchboard.ConversationID(r.PathValue("id")))
	if err == nil && !p.canSee(conv.DepartmentID) {
		err = store.ErrNotFound
	}
	if err != nil {
		s.writeStoreError(w, r, err, "conversation")
		return conv, false
	}
	return conv, true
}

// messageInConversation loads the message named by the path and its
// conversation, when the caller may see it; otherwise it answers 404.
func (s *Server) messageInConversation(w http.ResponseWriter, r *http.Request) (switchboard.Message, switchboard.Conversation, bool) {
	p := principalFrom(r.Context())
	msg, err := s.store.GetMessage(r.Context(), p.WorkspaceID, switchboard.MessageID(r.PathValue("id")))
	if err != nil {
		s.writeStoreError(w, r, err, "message")
		return msg, switchboard.Conversation{}, false
	}
	conv, err := s.store.GetConversation(r.Context(), p.WorkspaceID, msg.ConversationID)
	if err == nil && !p.canSee(conv.DepartmentID) {
		err = store.ErrNotFound
	}
	if err != nil {
		// The message of a conversation the caller may not see is not
		// revealed either.
		s.writeStoreError(w, r, store.ErrNotFound, "message")
		return msg, conv, false
	}
	return msg, conv, true
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) {
	if conv, ok := s.conversation(w, r); ok {
		writeJSON(w, http.StatusOK, s.viewConversation(r.Context(), conv))
	}
}

type patchConversationRequest struct {
	Status       *switchboard.ConversationStatus `json:"status"`
	AssigneeID   *switchboard.OperatorID         `json:"assignee_id"`
	DepartmentID *switchboard.DepartmentID       `json:"department_id"`
	Labels       *[]string                       `json:"labels"`
}

func (s *Server) patchConversation(w http.ResponseWriter, r *http.Request) {
	var req patchConversationRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	u := store.ConversationUpdate{Status: req.Status, AssigneeID: req.AssigneeID, DepartmentID: req.DepartmentID}
	if u.Empty() && req.Labels == nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "nothing to change: send status, assignee_id, department_id or labels")
		return
	}
	if req.Status != nil && !req.Status.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_status", fmt.Sprintf("status: %q is not one of open, pending, resolved, snoozed", *req.Status))
		return
	}
	if req.Labels != nil {
		labels, field, msg := normaliseLabels(*req.Labels)
		if field != "" {
			writeError(w, http.StatusBadRequest, "invalid_labels", field+": "+msg)
			return
		}
		u.Labels = &labels
	}
	conv, ok := s.conversation(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	dept := conv.DepartmentID
	if req.DepartmentID != nil {
		if *req.DepartmentID == "" {
			writeError(w, http.StatusBadRequest, "invalid_department_id", "department_id: empty; every conversation belongs to a department")
			return
		}
		depts, err := s.store.ListDepartments(ctx, conv.WorkspaceID)
		if err != nil {
			s.writeStoreError(w, r, err, "departments")
			return
		}
		if !slices.ContainsFunc(depts, func(d switchboard.Department) bool { return d.ID == *req.DepartmentID }) {
			writeError(w, http.StatusBadRequest, "invalid_department_id", fmt.Sprintf("department_id: no department %q in this workspace", *req.DepartmentID))
			return
		}
		dept = *req.DepartmentID
	}
	if req.AssigneeID != nil && *req.AssigneeID != "" {
		op, err := s.store.GetOperator(ctx, conv.WorkspaceID, *req.AssigneeID)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_assignee_id", fmt.Sprintf("assignee_id: no operator %q in this workspace", *req.AssigneeID))
			return
		}
		if !op.Role.SeesAllDepartments() && !slices.Contains(op.DepartmentIDs, dept) {
			writeError(w, http.StatusBadRequest, "invalid_assignee_id", fmt.Sprintf("assignee_id: operator %q is not a member of the conversation's department %q", op.ID, dept))
			return
		}
	}
	updated, err := s.hub.UpdateConversation(s.actorContext(ctx), conv, u)
	if err != nil {
		s.writeStoreError(w, r, err, "conversation")
		return
	}
	writeJSON(w, http.StatusOK, s.viewConversation(ctx, updated))
}

// normaliseLabels trims, checks, de-duplicates and sorts labels; on bad
// input it returns the field and what is wrong.
func normaliseLabels(in []string) ([]string, string, string) {
	if len(in) > maxLabels {
		return nil, "labels", fmt.Sprintf("%d labels is over the limit of %d", len(in), maxLabels)
	}
	out := make([]string, 0, len(in))
	for i, l := range in {
		field := fmt.Sprintf("labels[%d]", i)
		l = strings.TrimSpace(l)
		switch {
		case l == "":
			return nil, field, "empty"
		case utf8.RuneCountInString(l) > maxLabelRunes:
			return nil, field, fmt.Sprintf("longer than %d characters", maxLabelRunes)
		case strings.ContainsFunc(l, unicode.IsControl):
			return nil, field, "contains control characters"
		}
		out = append(out, l)
	}
	slices.Sort(out)
	return slices.Compact(out), "", ""
}

func (s *Server) setUnread(w http.ResponseWriter, r *http.Request, unread bool) {
	conv, ok := s.conversation(w, r)
	if !ok {
		return
	}
	if _, err := s.hub.UpdateConversation(r.Context(), conv, store.ConversationUpdate{Unread: &unread}); err != nil {
		s.writeStoreError(w, r, err, "conversation")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readConversation clears the unread count and mark.
func (s *Server) readConversation(w http.ResponseWriter, r *http.Request) { s.setUnread(w, r, false) }

// unreadConversation marks a conversation unread until it is read again.
func (s *Server) unreadConversation(w http.ResponseWriter, r *http.Request) { s.setUnread(w, r, true) }
