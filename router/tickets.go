package router

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/portal"
	"github.com/switchboardhq/switchboard/richtext"
	"github.com/switchboardhq/switchboard/store"
)

// Tickets (issue 15): a ticket is a conversation followed like a mailbox.
// These are the hub's ticket operations the console, the portal and the
// widget call. Every change is one store transaction that writes its
// ticket.updated event through the outbox. Input they refuse is a
// *ValidationError whose Field names what is wrong ("subject",
// "contact.email", "fields.order_id", …); a state they refuse (a ticket
// already, merging into itself) a *ConflictError. The caller has checked
// that the operator may see the conversations involved.

// TicketRequest is a ticket a customer opens without a conversation.
type TicketRequest struct {
	WorkspaceID switchboard.WorkspaceID
	// Subject "" : TicketSubject(Text).
	Subject string
	Text    string
	// Parts are attachments (media the hub stored), beside Text.
	Parts              []switchboard.Part
	Name, Email, Phone string // at least one of Email, Phone
	// Priority "" : normal.
	Priority switchboard.TicketPriority
	Source   switchboard.TicketSource
	// DepartmentID "" : the default department.
	DepartmentID switchboard.DepartmentID
	Fields       map[string]any
}

// Limits of tickets' text.
const (
	maxSubjectRunes = 200
	maxTicketText   = 20000
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// OpenTicket stores a ticket a customer opens without a conversation (the
// portal, POST /api/v1/tickets): the contact (found by the e-mail or
// phone on the workspace's portal channel, else created), a new
// conversation on that channel in the department, its first message and
// the ticket with the next number, with due times from the department's
// SLA, all in one transaction. The conversation is then queued and
// assigned like any new one. It returns the ticket (Conversation filled);
// bad input is a *ValidationError naming the field.
func (h *Hub) OpenTicket(ctx context.Context, req TicketRequest) (switchboard.Ticket, error) {
	text := strings.TrimSpace(req.Text)
	if text == "" && len(req.Parts) == 0 {
		return switchboard.Ticket{}, &ValidationError{Field: "text", Message: "missing: a ticket needs a message"}
	}
	email := strings.TrimSpace(req.Email)
	phone := strings.TrimSpace(req.Phone)
	if email == "" && phone == "" {
		return switchboard.Ticket{}, &ValidationError{Field: "contact", Message: "missing: give the customer's email or phone"}
	}
	if email != "" {
		a, err := mail.ParseAddress(email)
		if err != nil || a.Address != email {
			return switchboard.Ticket{}, &ValidationError{Field: "contact.email", Message: fmt.Sprintf("%q is not an e-mail address", email)}
		}
		email = strings.ToLower(email)
	}
	if phone != "" && !e164.MatchString(phone) {
		return switchboard.Ticket{}, &ValidationError{Field: "contact.phone", Message: fmt.Sprintf("%q is not a phone number in international form (+819012345678)", phone)}
	}
	if len([]rune(req.Name)) > 200 {
		return switchboard.Ticket{}, &ValidationError{Field: "contact.name", Message: "longer than 200 characters"}
	}
	subject, err := ticketSubject(req.Subject, text)
	if err != nil {
		return switchboard.Ticket{}, err
	}
	priority, err := ticketPriority(req.Priority)
	if err != nil {
		return switchboard.Ticket{}, err
	}
	fields, err := h.ValidateTicketFields(ctx, req.WorkspaceID, nil, req.Fields)
	if err != nil {
		return switchboard.Ticket{}, err
	}
	var parts []switchboard.Part
	if text != "" {
		parts = switchboard.TextParts(text)
	}
	parts = append(parts, req.Parts...)
	parts = richtext.SanitizeParts(parts)
	if verr := validateParts(parts, maxTicketText, nil); verr != nil {
		return switchboard.Ticket{}, verr
	}
	dept, err := h.ticketDepartment(ctx, req.WorkspaceID, req.DepartmentID)
	if err != nil {
		return switchboard.Ticket{}, err
	}
	channel, err := h.PortalChannel(ctx, req.WorkspaceID)
	if err != nil {
		return switchboard.Ticket{}, err
	}
	source := req.Source
	if source == "" {
		source = switchboard.TicketFromAPI
	}
	sender := switchboard.ExternalID("email:" + email)
	if email == "" {
		sender = switchboard.ExternalID("phone:" + phone)
	}
	now := h.now()
	firstDue, resolutionDue := dept.SLA.DueTimes(now)
	convID := switchboard.ConversationID(switchboard.NewID("cv"))
	msgID := switchboard.MessageID(switchboard.NewID("msg"))
	msg := switchboard.Message{
		ID: msgID, WorkspaceID: req.WorkspaceID, ConversationID: convID, ChannelID: channel,
		Direction: switchboard.DirectionIn, Parts: parts, ExternalID: switchboard.ExternalID("portal:" + string(msgID)),
		Via: viaOf(source), Status: switchboard.StatusDelivered, CreatedAt: now,
	}
	t, err := h.store.OpenTicket(ctx, store.OpenTicketRequest{
		WorkspaceID: req.WorkspaceID, ChannelID: channel, Sender: sender,
		Profile:   switchboard.Profile{Name: strings.TrimSpace(req.Name), Email: email, Phone: phone},
		ContactID: switchboard.ContactID(switchboard.NewID("ct")), ConversationID: convID, DepartmentID: dept.ID,
		Ticket: switchboard.Ticket{
			WorkspaceID: req.WorkspaceID, ConversationID: convID, Subject: subject, Priority: priority, Status: switchboard.TicketOpen,
			Source: source, Fields: fields, FirstReplyDueAt: firstDue, ResolutionDueAt: resolutionDue, CreatedAt: now, UpdatedAt: now,
		},
		Message: msg,
	}, func(t switchboard.Ticket, m switchboard.Message) []store.OutboxEntry {
		notice := InboundNotice{
			WorkspaceID: t.WorkspaceID, Kind: switchboard.InboundMessage, ChannelID: channel, MessageID: m.ID,
			ContactExternal: sender, ExternalID: m.ExternalID, ConversationID: t.ConversationID,
		}
		return []store.OutboxEntry{
			{Topic: TopicInbound, Key: string(channel) + ":" + string(m.ExternalID), Payload: mustJSON(notice)},
			ticketEntry(switchboard.EventTicketUpdated, t, "created", now),
		}
	})
	if err != nil {
		return switchboard.Ticket{}, fmt.Errorf("open ticket: %w", err)
	}
	h.relay.Kick()
	h.refPartsMedia(ctx, req.WorkspaceID, convID, parts)
	return t, nil
}

// viaOf is the Via of a customer's first message by where the ticket was
// opened: "portal" in the portal, else "api".
func viaOf(source switchboard.TicketSource) string {
	if source == switchboard.TicketFromPortal {
		return "portal"
	}
	return "api"
}

// refPartsMedia ties stored media of parts to their conversation, so that
// the console checks the department when serving it. A failure is logged.
func (h *Hub) refPartsMedia(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, parts []switchboard.Part) {
	for _, p := range parts {
		if p.Attachment == nil || p.Attachment.MediaID == "" {
			continue
		}
		if err := h.store.AddMediaRef(ctx, ws, p.Attachment.MediaID, conv); err != nil {
			h.log.WarnContext(ctx, "media reference not recorded", "err", err, "media_id", p.Attachment.MediaID)
		}
	}
}

// ticketSubject checks a subject; an empty one is made from text.
func ticketSubject(subject, text string) (string, error) {
	subject = strings.TrimSpace(subject)
	if subject == "" {
		subject = switchboard.TicketSubject(text)
	}
	if subject == "" {
		return "", &ValidationError{Field: "subject", Message: "missing: give a subject or a message"}
	}
	if strings.ContainsAny(subject, "\r\n") {
		return "", &ValidationError{Field: "subject", Message: "must be one line"}
	}
	if len([]rune(subject)) > maxSubjectRunes {
		return "", &ValidationError{Field: "subject", Message: fmt.Sprintf("longer than %d characters", maxSubjectRunes)}
	}
	return subject, nil
}

// ticketPriority checks a priority; "" is normal.
func ticketPriority(p switchboard.TicketPriority) (switchboard.TicketPriority, error) {
	if p == "" {
		return switchboard.PriorityNormal, nil
	}
	if !p.Valid() {
		return "", &ValidationError{Field: "priority", Message: fmt.Sprintf("%q is not one of low, normal, high, urgent", p)}
	}
	return p, nil
}

// ticketDepartment is the department named (a ValidationError when it is
// not the workspace's) or, for "", the default one.
func (h *Hub) ticketDepartment(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.DepartmentID) (switchboard.Department, error) {
	if id == "" {
		def, err := h.store.DefaultDepartment(ctx, ws)
		if err != nil {
			return switchboard.Department{}, fmt.Errorf("default department: %w", err)
		}
		id = def.ID
	}
	d, err := h.store.GetDepartment(ctx, ws, id)
	if errors.Is(err, store.ErrNotFound) {
		return d, &ValidationError{Field: "department_id", Message: fmt.Sprintf("no department %q in the workspace", id)}
	}
	return d, err
}

// MakeTicket turns an existing conversation into a ticket (subject ""
// : from its last message; priority "" : normal), with due times from its
// department's SLA and a "ticket_created" entry in its history. A
// *ConflictError "already_ticket" (wrapping nothing) when it is one;
// errors.Is(err, store.ErrConflict) holds for it too.
func (h *Hub) MakeTicket(ctx context.Context, conv switchboard.Conversation, subject string, priority switchboard.TicketPriority, source switchboard.TicketSource) (switchboard.Ticket, error) {
	subject, err := ticketSubject(subject, conv.LastMessage)
	if err != nil {
		return switchboard.Ticket{}, err
	}
	if priority, err = ticketPriority(priority); err != nil {
		return switchboard.Ticket{}, err
	}
	if source == "" {
		source = switchboard.TicketFromConsole
	}
	now := h.now()
	var firstDue, resolutionDue *time.Time
	if conv.DepartmentID != "" {
		d, err := h.store.GetDepartment(ctx, conv.WorkspaceID, conv.DepartmentID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return switchboard.Ticket{}, err
		}
		firstDue, resolutionDue = d.SLA.DueTimes(now)
	} else if d, err := h.ticketDepartment(ctx, conv.WorkspaceID, ""); err == nil {
		firstDue, resolutionDue = d.SLA.DueTimes(now)
	}
	status := switchboard.TicketOpen
	var resolvedAt *time.Time
	if conv.Status == switchboard.ConversationResolved {
		status, resolvedAt = switchboard.TicketResolved, &now
	}
	t, err := h.store.CreateTicket(ctx, switchboard.Ticket{
		ConversationID: conv.ID, WorkspaceID: conv.WorkspaceID, Subject: subject, Priority: priority, Status: status,
		Source: source, Fields: map[string]any{}, FirstReplyDueAt: firstDue, ResolutionDueAt: resolutionDue, ResolvedAt: resolvedAt,
		CreatedAt: now, UpdatedAt: now,
	}, func(t switchboard.Ticket) []store.OutboxEntry {
		return []store.OutboxEntry{ticketEntry(switchboard.EventTicketUpdated, t, "created", now)}
	})
	if errors.Is(err, store.ErrConflict) {
		return t, fmt.Errorf("%w: %w", &ConflictError{Code: "already_ticket", Message: "the conversation is a ticket already"}, err)
	}
	if err != nil {
		return t, fmt.Errorf("make ticket: %w", err)
	}
	h.relay.Kick()
	h.ticketActivity(ctx, conv, switchboard.Activity{Kind: switchboard.ActivityTicketCreated, Reason: ticketTag(t)})
	return t, nil
}

// CustomerReply stores a customer's message written in the portal into
// the ticket's conversation (Via "portal"): it reopens a resolved
// conversation, is queued and announced like a message from a channel,
// and the ticket becomes open again (the event hook). Parts are text
// and media the hub stored; bad ones are a *ValidationError. A reply to
// a ticket that was merged goes to the ticket it was merged into.
func (h *Hub) CustomerReply(ctx context.Context, t switchboard.Ticket, parts []switchboard.Part) (switchboard.Message, error) {
	for i := 0; t.MergedInto != "" && i < 10; i++ {
		into, err := h.store.GetTicket(ctx, t.WorkspaceID, t.MergedInto)
		if err != nil {
			return switchboard.Message{}, fmt.Errorf("customer reply: the ticket merged into: %w", err)
		}
		t = into
	}
	if len(parts) == 0 {
		return switchboard.Message{}, &ValidationError{Field: "text", Message: "missing: a reply needs text or a file"}
	}
	parts = richtext.SanitizeParts(parts)
	if verr := validateParts(parts, maxTicketText, nil); verr != nil {
		return switchboard.Message{}, verr
	}
	conv, err := h.store.GetConversation(ctx, t.WorkspaceID, t.ConversationID)
	if err != nil {
		return switchboard.Message{}, err
	}
	id := switchboard.MessageID(switchboard.NewID("msg"))
	msg := switchboard.Message{
		ID: id, WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, ChannelID: conv.ChannelID,
		Direction: switchboard.DirectionIn, Parts: parts, ExternalID: switchboard.ExternalID("portal:" + string(id)),
		Via: "portal", Status: switchboard.StatusDelivered, CreatedAt: h.now(),
	}
	notice := InboundNotice{
		WorkspaceID: conv.WorkspaceID, Kind: switchboard.InboundMessage, ChannelID: conv.ChannelID, MessageID: id,
		ExternalID: msg.ExternalID, ConversationID: conv.ID,
	}
	outbox := []store.OutboxEntry{{Topic: TopicInbound, Key: string(conv.ChannelID) + ":" + string(msg.ExternalID), Payload: mustJSON(notice)}}
	if err := h.store.AddCustomerMessage(ctx, msg, outbox); err != nil {
		return switchboard.Message{}, fmt.Errorf("customer reply: %w", err)
	}
	h.relay.Kick()
	h.refPartsMedia(ctx, conv.WorkspaceID, conv.ID, parts)
	return msg, nil
}

// SetTicketStatus sets a ticket's status: resolved resolves its
// conversation (an operator must set the required fields first: a
// *ValidationError naming the first missing one; the customer closing
// their own ticket is not asked for the team's fields), open reopens it,
// waiting only marks the ticket. actor "" is the customer (the portal).
// A merged ticket stays resolved (*ConflictError "merged"). It returns the ticket
// as changed; setting the status it has changes nothing.
func (h *Hub) SetTicketStatus(ctx context.Context, t switchboard.Ticket, status switchboard.TicketStatus, actor switchboard.OperatorID) (switchboard.Ticket, error) {
	if !status.Valid() {
		return t, &ValidationError{Field: "status", Message: fmt.Sprintf("%q is not one of open, waiting, resolved", status)}
	}
	if status == t.Status {
		return t, nil
	}
	if t.MergedInto != "" {
		return t, &ConflictError{Code: "merged", Message: fmt.Sprintf("ticket %s was merged into another; it stays resolved", ticketTag(t))}
	}
	if status == switchboard.TicketResolved && actor != "" {
		if err := h.requiredFieldsSet(ctx, t); err != nil {
			return t, err
		}
	}
	ctx = fieldsChecked(h.withOperator(ctx, t.WorkspaceID, actor))
	conv, err := h.store.GetConversation(ctx, t.WorkspaceID, t.ConversationID)
	if err != nil {
		return t, err
	}
	want := switchboard.ConversationOpen
	if status == switchboard.TicketResolved {
		want = switchboard.ConversationResolved
	}
	if conv.Status != want && (status != switchboard.TicketWaiting || conv.Status == switchboard.ConversationResolved) {
		if _, err := h.UpdateConversation(ctx, conv, store.ConversationUpdate{Status: &want}); err != nil {
			return t, err
		}
	}
	now := h.now()
	u := store.TicketUpdate{Status: &status}
	if status == switchboard.TicketResolved {
		u.ResolvedAt = &now
	} else {
		u.ClearResolved = true
	}
	return h.updateTicket(ctx, t, u, "status")
}

// withOperator returns ctx carrying operator id (with its name) as the
// actor of the changes made with it; "" leaves ctx as it is.
func (h *Hub) withOperator(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.OperatorID) context.Context {
	if id == "" || actorOf(ctx).ID == id {
		return ctx
	}
	a := Actor{ID: id}
	if op, err := h.store.GetOperator(ctx, ws, id); err == nil {
		a.Name = op.Name
	}
	return WithActor(ctx, a)
}

// updateTicket writes u with the ticket.updated event (reason says what
// changed) and returns the ticket as changed.
func (h *Hub) updateTicket(ctx context.Context, t switchboard.Ticket, u store.TicketUpdate, reason string) (switchboard.Ticket, error) {
	now := h.now()
	out, err := h.store.UpdateTicket(ctx, t.WorkspaceID, t.ConversationID, u, func(c switchboard.Ticket) []store.OutboxEntry {
		return []store.OutboxEntry{ticketEntry(switchboard.EventTicketUpdated, c, reason, now)}
	})
	if err != nil {
		return t, fmt.Errorf("update ticket: %w", err)
	}
	h.relay.Kick()
	return out, nil
}

// ticketEntry is the outbox entry of a ticket event.
func ticketEntry(typ switchboard.EventType, t switchboard.Ticket, reason string, at time.Time) store.OutboxEntry {
	ev := switchboard.Event{Type: typ, WorkspaceID: t.WorkspaceID, ConversationID: t.ConversationID, Ticket: &t, Reason: reason, At: at}
	if t.Conversation != nil {
		ev.DepartmentID = t.Conversation.DepartmentID
		c := *t.Conversation
		ev.Conversation = &c
	}
	return eventEntry(ev)
}

// ticketActivity writes an activity entry in conv's history made by the
// actor of ctx (through a routing change that changes nothing else, so it
// is announced like every entry). A failure is logged: the change it
// records is stored already.
func (h *Hub) ticketActivity(ctx context.Context, conv switchboard.Conversation, a switchboard.Activity) {
	if _, err := h.change(ctx, conv.WorkspaceID, conv.ID, store.RoutingChange{Activities: []switchboard.Message{h.activity(ctx, conv, a)}}); err != nil {
		h.log.WarnContext(ctx, "ticket activity not recorded", "conversation", conv.ID, "kind", a.Kind, "err", err)
	}
}

// PortalChannel returns (creating on first use) the workspace's "portal"
// channel, id "portal-<workspace id>": conversations of tickets opened
// from the API or the portal live there. Two processes creating it at
// once store the same channel; it is started on this instance at once
// (other instances pick it up on their next channel sync).
func (h *Hub) PortalChannel(ctx context.Context, ws switchboard.WorkspaceID) (switchboard.ChannelID, error) {
	id := portalChannelID(ws)
	if rc, ok := h.channels.Get(id); ok {
		if rc.WorkspaceID != ws {
			return "", fmt.Errorf("portal channel %s: %w in another workspace", id, store.ErrConflict)
		}
		return id, nil
	}
	ch, err := h.store.GetChannel(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		ch = store.Channel{ID: id, WorkspaceID: ws, Type: portal.Type, Name: "Customer portal", Config: []byte("{}")}
		if _, err = h.channels.Put(ctx, ch); err != nil && !errors.Is(err, store.ErrConflict) {
			return "", fmt.Errorf("portal channel: %w", err)
		}
		ch, err = h.store.GetChannel(ctx, id)
	}
	if err != nil {
		return "", fmt.Errorf("portal channel: %w", err)
	}
	if ch.WorkspaceID != ws || ch.Type != portal.Type {
		return "", fmt.Errorf("portal channel %s: %w (another workspace or type holds the id)", id, store.ErrConflict)
	}
	conn, err := h.channels.Build(ch)
	if err != nil {
		return "", fmt.Errorf("portal channel: %w", err)
	}
	if _, ok := h.channels.Get(id); !ok {
		h.channels.start(&RunningChannel{Channel: ch, Connector: conn})
	}
	return id, nil
}

// portalChannelID is the id of a workspace's portal channel: a valid
// channel id made from the workspace id.
func portalChannelID(ws switchboard.WorkspaceID) switchboard.ChannelID {
	var b strings.Builder
	b.WriteString("portal-")
	for _, r := range strings.ToLower(string(ws)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 63 {
		s = s[:63]
	}
	return switchboard.ChannelID(s)
}

// ticketTag names a ticket in activity entries and messages: "#1042".
func ticketTag(t switchboard.Ticket) string { return "#" + strconv.FormatInt(t.Number, 10) }
