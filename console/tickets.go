package console

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// ticketRoutes mounts the tickets' API (issue 15). A ticket is seen by
// whoever may see its conversation (operators: their departments'; 404
// otherwise); ticket fields are read by everyone and written by admins.
func (s *Server) ticketRoutes(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/tickets", s.authed(s.listTickets))
	mux.HandleFunc("POST /api/v1/tickets", s.authed(s.createTicket))
	mux.HandleFunc("GET /api/v1/tickets/{ref}", s.authed(s.getTicket))
	mux.HandleFunc("PATCH /api/v1/tickets/{ref}", s.authed(s.patchTicket))
	mux.HandleFunc("POST /api/v1/conversations/{id}/ticket", s.authed(s.convertToTicket))
	mux.HandleFunc("POST /api/v1/tickets/{ref}/merge", s.authed(s.mergeTicket))
	mux.HandleFunc("POST /api/v1/tickets/{ref}/links", s.authed(s.linkTicket))
	mux.HandleFunc("DELETE /api/v1/tickets/{ref}/links/{other}", s.authed(s.unlinkTicket))
	mux.HandleFunc("GET /api/v1/tickets/{ref}/history", s.authed(s.ticketHistory))
	mux.HandleFunc("GET /api/v1/ticket-fields", s.authed(s.listTicketFields))
	mux.HandleFunc("PUT /api/v1/ticket-fields/{key}", s.authed(s.putTicketField))
	mux.HandleFunc("DELETE /api/v1/ticket-fields/{key}", s.authed(s.deleteTicketField))
}

// ticketView is a ticket as the API shows it: breached says a target was
// missed (recorded or past due).
type ticketView struct {
	switchboard.Ticket
	Breached bool `json:"breached"`
}

func (s *Server) viewTicket(r *http.Request, t switchboard.Ticket) ticketView {
	if t.Fields == nil {
		t.Fields = map[string]any{}
	}
	if t.Links == nil {
		t.Links = []switchboard.ConversationID{}
	}
	if t.Conversation != nil {
		c := s.viewConversation(r.Context(), *t.Conversation)
		t.Conversation = &c
	}
	return ticketView{Ticket: t, Breached: t.Breached(s.now())}
}

var ticketNumber = regexp.MustCompile(`^#?[0-9]{1,18}$`)

// ticketByRef loads the ticket a reference names (a conversation id, or
// a number: "1042" or "#1042") when the caller may see it; otherwise it
// answers 404 (others' tickets are not revealed) and returns false.
func (s *Server) ticketByRef(w http.ResponseWriter, r *http.Request, ref, what string) (switchboard.Ticket, bool) {
	p := principalFrom(r.Context())
	var t switchboard.Ticket
	var err error
	if ticketNumber.MatchString(ref) {
		n, perr := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64)
		if perr != nil {
			err = store.ErrNotFound
		} else {
			t, err = s.store.GetTicketByNumber(r.Context(), p.WorkspaceID, n)
		}
	} else {
		t, err = s.store.GetTicket(r.Context(), p.WorkspaceID, switchboard.ConversationID(ref))
	}
	if err == nil && t.Conversation == nil {
		var conv switchboard.Conversation
		if conv, err = s.store.GetConversation(r.Context(), p.WorkspaceID, t.ConversationID); err == nil {
			t.Conversation = &conv
		}
	}
	if err == nil && !p.canSee(t.Conversation.DepartmentID) {
		err = store.ErrNotFound
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("%s: no ticket %q", what, ref))
			return t, false
		}
		s.writeStoreError(w, r, err, "ticket")
		return t, false
	}
	return t, true
}

// actorCtx is the request's context carrying the caller as the actor of
// the hub's changes (activity entries name them).
func actorCtx(r *http.Request) *http.Request {
	p := principalFrom(r.Context())
	return r.WithContext(router.WithActor(r.Context(), router.Actor{ID: p.OperatorID, Name: p.Name}))
}

func (s *Server) listTickets(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	q := r.URL.Query()
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	if limit > 200 {
		writeError(w, http.StatusBadRequest, "invalid_limit", "limit: at most 200 tickets a page")
		return
	}
	restrict, depts := p.restrict()
	tq := store.TicketQuery{
		DepartmentIDs: depts, Restrict: restrict, Status: switchboard.TicketStatus(q.Get("status")),
		Priority: switchboard.TicketPriority(q.Get("priority")), AssigneeID: switchboard.OperatorID(q.Get("assignee_id")),
		Limit: limit, Cursor: q.Get("cursor"),
	}
	if tq.Status != "" && !tq.Status.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_status", fmt.Sprintf("status: %q is not one of open, waiting, resolved", tq.Status))
		return
	}
	if tq.Priority != "" && !tq.Priority.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_priority", fmt.Sprintf("priority: %q is not one of low, normal, high, urgent", tq.Priority))
		return
	}
	if tq.AssigneeID == "me" {
		if p.OperatorID == "" {
			writeError(w, http.StatusBadRequest, "invalid_assignee_id", `assignee_id: "me" needs an operator's session, not an API token`)
			return
		}
		tq.AssigneeID = p.OperatorID
	}
	switch b := q.Get("breached"); b {
	case "", "false":
	case "true":
		tq.Breached = true
	default:
		writeError(w, http.StatusBadRequest, "invalid_breached", fmt.Sprintf("breached: %q is not true or false", b))
		return
	}
	page, err := s.store.ListTickets(r.Context(), p.WorkspaceID, tq)
	if err != nil {
		s.writeStoreError(w, r, err, "tickets")
		return
	}
	items := make([]ticketView, 0, len(page.Items))
	for _, t := range page.Items {
		items = append(items, s.viewTicket(r, t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": page.Next})
}

type createTicketBody struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
	Contact struct {
		Email string `json:"email"`
		Phone string `json:"phone"`
		Name  string `json:"name"`
	} `json:"contact"`
	Priority     switchboard.TicketPriority `json:"priority"`
	DepartmentID switchboard.DepartmentID   `json:"department_id"`
	Fields       map[string]any             `json:"fields"`
}

func (s *Server) createTicket(w http.ResponseWriter, r *http.Request) {
	var body createTicketBody
	if !s.decodeJSON(w, r, &body) {
		return
	}
	p := principalFrom(r.Context())
	if body.DepartmentID != "" && !p.canSee(body.DepartmentID) {
		writeError(w, http.StatusBadRequest, "invalid_department_id", fmt.Sprintf("department_id: no department %q you belong to", body.DepartmentID))
		return
	}
	t, err := s.hub.OpenTicket(r.Context(), router.TicketRequest{
		WorkspaceID: p.WorkspaceID, Subject: body.Subject, Text: body.Text,
		Name: body.Contact.Name, Email: body.Contact.Email, Phone: body.Contact.Phone,
		Priority: body.Priority, Source: switchboard.TicketFromAPI, DepartmentID: body.DepartmentID, Fields: body.Fields,
	})
	if err != nil {
		s.writeStoreError(w, r, err, "ticket")
		return
	}
	writeJSON(w, http.StatusCreated, s.viewTicket(r, t))
}

func (s *Server) getTicket(w http.ResponseWriter, r *http.Request) {
	t, ok := s.ticketByRef(w, r, r.PathValue("ref"), "ticket")
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.viewTicket(r, t))
}

type patchTicketBody struct {
	Subject  *string                     `json:"subject"`
	Priority *switchboard.TicketPriority `json:"priority"`
	Status   *switchboard.TicketStatus   `json:"status"`
	Fields   map[string]any              `json:"fields"`
}

func (s *Server) patchTicket(w http.ResponseWriter, r *http.Request) {
	var body patchTicketBody
	if !s.decodeJSON(w, r, &body) {
		return
	}
	t, ok := s.ticketByRef(w, r, r.PathValue("ref"), "ticket")
	if !ok {
		return
	}
	r = actorCtx(r)
	out, err := s.hub.EditTicket(r.Context(), t, router.TicketEdit{Subject: body.Subject, Priority: body.Priority, Status: body.Status, Fields: body.Fields})
	if err != nil {
		s.writeStoreError(w, r, err, "ticket")
		return
	}
	s.answerTicket(w, r, http.StatusOK, out)
}

// answerTicket reads the ticket back (links, conversation as changed)
// and answers it.
func (s *Server) answerTicket(w http.ResponseWriter, r *http.Request, status int, t switchboard.Ticket) {
	if fresh, err := s.store.GetTicket(r.Context(), t.WorkspaceID, t.ConversationID); err == nil {
		t = fresh
	}
	writeJSON(w, status, s.viewTicket(r, t))
}

type convertTicketBody struct {
	Subject  string                     `json:"subject"`
	Priority switchboard.TicketPriority `json:"priority"`
}

func (s *Server) convertToTicket(w http.ResponseWriter, r *http.Request) {
	var body convertTicketBody
	if !s.decodeJSON(w, r, &body) {
		return
	}
	conv, ok := s.conversation(w, r)
	if !ok {
		return
	}
	r = actorCtx(r)
	t, err := s.hub.MakeTicket(r.Context(), conv, body.Subject, body.Priority, switchboard.TicketFromConsole)
	if err != nil {
		s.writeStoreError(w, r, err, "ticket")
		return
	}
	s.answerTicket(w, r, http.StatusCreated, t)
}

func (s *Server) mergeTicket(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Into string `json:"into"`
	}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	if strings.TrimSpace(body.Into) == "" {
		writeError(w, http.StatusBadRequest, "invalid_into", "into: missing; name the ticket to merge into (number or conversation id)")
		return
	}
	src, ok := s.ticketByRef(w, r, r.PathValue("ref"), "ticket")
	if !ok {
		return
	}
	dst, ok := s.ticketByRef(w, r, strings.TrimSpace(body.Into), "into")
	if !ok {
		return
	}
	r = actorCtx(r)
	out, err := s.hub.MergeTicket(r.Context(), src, dst)
	if err != nil {
		s.writeStoreError(w, r, err, "ticket")
		return
	}
	s.answerTicket(w, r, http.StatusOK, out)
}

func (s *Server) linkTicket(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ticket string `json:"ticket"`
	}
	if !s.decodeJSON(w, r, &body) {
		return
	}
	if strings.TrimSpace(body.Ticket) == "" {
		writeError(w, http.StatusBadRequest, "invalid_ticket", "ticket: missing; name the ticket to link (number or conversation id)")
		return
	}
	a, ok := s.ticketByRef(w, r, r.PathValue("ref"), "ticket")
	if !ok {
		return
	}
	b, ok := s.ticketByRef(w, r, strings.TrimSpace(body.Ticket), "ticket")
	if !ok {
		return
	}
	r = actorCtx(r)
	out, err := s.hub.LinkTicket(r.Context(), a, b)
	if err != nil {
		s.writeStoreError(w, r, err, "ticket")
		return
	}
	s.answerTicket(w, r, http.StatusOK, out)
}

func (s *Server) unlinkTicket(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ticketByRef(w, r, r.PathValue("ref"), "ticket")
	if !ok {
		return
	}
	b, ok := s.ticketByRef(w, r, r.PathValue("other"), "other")
	if !ok {
		return
	}
	r = actorCtx(r)
	out, err := s.hub.UnlinkTicket(r.Context(), a, b)
	if err != nil {
		s.writeStoreError(w, r, err, "ticket")
		return
	}
	s.answerTicket(w, r, http.StatusOK, out)
}
