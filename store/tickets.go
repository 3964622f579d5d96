package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
)

// TicketStore keeps tickets (issue 15): the ticket record beside its
// conversation, the workspace's ticket numbers, custom field definitions,
// links between tickets, SLA breaches, and the customer's own messages
// written in the portal.
type TicketStore interface {
	// CreateTicket makes conversation t.ConversationID a ticket: it takes
	// the workspace's next number (1, 2, …; never reused, safe with
	// concurrent creators on several processes), stores t with it and, in
	// the same transaction, the outbox entries outboxFor returns for the
	// ticket as stored (Conversation filled). Status defaults to open,
	// priority to normal, Fields to {}. ErrNotFound when the conversation
	// is not in the workspace; ErrConflict when it is a ticket already.
	CreateTicket(ctx context.Context, t switchboard.Ticket, outboxFor func(switchboard.Ticket) []OutboxEntry) (switchboard.Ticket, error)
	// OpenTicket stores, in ONE transaction, a ticket a customer opens
	// without an existing conversation (the API, the portal): the contact
	// of the workspace known on req.ChannelID as req.Sender is found or
	// created (an identity on that channel; profile fields filled when
	// empty), a NEW conversation is created on that channel (status open,
	// department req.DepartmentID, id req.ConversationID), its first
	// message req.Message (direction in, status delivered, id set by the
	// caller), the ticket with the next number, and the outbox entries
	// outboxFor returns. It returns the ticket (Conversation filled).
	// ErrNotFound when the channel is not the workspace's; ErrConflict
	// when the conversation or message id is taken (nothing is stored).
	// The contact's identity then names the new conversation as its
	// latest on the channel (as Accept keeps it).
	OpenTicket(ctx context.Context, req OpenTicketRequest, outboxFor func(switchboard.Ticket, switchboard.Message) []OutboxEntry) (switchboard.Ticket, error)
	// GetTicket returns the ticket of a conversation with Conversation
	// (and its Contact) and Links filled; ErrNotFound when the
	// conversation is no ticket or not in the workspace.
	GetTicket(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Ticket, error)
	// GetTicketByNumber finds a ticket by its number in the workspace.
	GetTicketByNumber(ctx context.Context, ws switchboard.WorkspaceID, number int64) (switchboard.Ticket, error)
	// ListTickets pages tickets newest first (by creation, ties by id),
	// each with Conversation filled (Links may be empty in lists).
	ListTickets(ctx context.Context, ws switchboard.WorkspaceID, q TicketQuery) (TicketPage, error)
	// UpdateTicket applies the set fields of u in ONE transaction and, in
	// it, writes the outbox entries outboxFor returns for the ticket as
	// changed; ErrNotFound when it is not a ticket of the workspace.
	UpdateTicket(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, u TicketUpdate, outboxFor func(switchboard.Ticket) []OutboxEntry) (switchboard.Ticket, error)
	// LinkTickets relates two tickets of the workspace (both ways; linking
	// twice is no error); UnlinkTickets removes the relation. ErrNotFound
	// when either is not a ticket of the workspace; linking a ticket to
	// itself is ErrConflict.
	LinkTickets(ctx context.Context, ws switchboard.WorkspaceID, a, b switchboard.ConversationID) error
	UnlinkTickets(ctx context.Context, ws switchboard.WorkspaceID, a, b switchboard.ConversationID) error
	// ClaimTicketBreaches finds up to limit tickets whose first-reply or
	// resolution target passed unmet at now and is not yet recorded,
	// records it (FirstReplyBreachedAt / ResolutionBreachedAt = now) and
	// writes the outbox entries outboxFor returns for each, all in one
	// transaction; it returns the breaches. A breach is claimed once
	// across all processes (a concurrent claimer gets other rows or none).
	ClaimTicketBreaches(ctx context.Context, now time.Time, limit int, outboxFor func(TicketBreach) []OutboxEntry) ([]TicketBreach, error)

	// PutTicketField creates or replaces a workspace's custom field (by
	// key); DeleteTicketField removes one (ErrNotFound when absent; values
	// on tickets stay until the ticket is next updated). ListTicketFields
	// lists them by position, then key.
	PutTicketField(ctx context.Context, f switchboard.TicketField) error
	DeleteTicketField(ctx context.Context, ws switchboard.WorkspaceID, key string) error
	ListTicketFields(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.TicketField, error)

	// AddCustomerMessage stores a message the customer wrote outside a
	// provider channel (the portal): direction in, status delivered, into
	// conversation msg.ConversationID (its channel when msg.ChannelID is
	// empty); in the same transaction the conversation's last activity and
	// last message are updated, its unread count raised by one, a resolved
	// or snoozed conversation reopened (status open), and the outbox
	// entries written. ErrNotFound when the conversation is not in the
	// message's workspace.
	AddCustomerMessage(ctx context.Context, msg switchboard.Message, outbox []OutboxEntry) error
	// ContactsByAddress lists the workspace's contacts whose e-mail
	// (case-insensitive) or phone (exactly, E.164) is the given one (an
	// empty argument matches nothing): whose tickets a portal session may
	// see.
	ContactsByAddress(ctx context.Context, ws switchboard.WorkspaceID, email, phone string) ([]switchboard.ContactID, error)
}

// OpenTicketRequest is what OpenTicket stores. Ticket carries subject,
// priority, source, fields and due times; Message the first message.
type OpenTicketRequest struct {
	WorkspaceID    switchboard.WorkspaceID
	ChannelID      switchboard.ChannelID
	Sender         switchboard.ExternalID
	Profile        switchboard.Profile
	ContactID      switchboard.ContactID // used when the contact is created
	ConversationID switchboard.ConversationID
	DepartmentID   switchboard.DepartmentID
	Ticket         switchboard.Ticket
	Message        switchboard.Message
}

// TicketQuery filters ListTickets; zero fields do not filter.
type TicketQuery struct {
	// DepartmentIDs and Restrict limit the result as in ConversationQuery.
	DepartmentIDs []switchboard.DepartmentID
	Restrict      bool
	Status        switchboard.TicketStatus
	Priority      switchboard.TicketPriority
	AssigneeID    switchboard.OperatorID
	// ContactIDs selects tickets of these contacts (the portal); an empty
	// list does not filter, so the portal must never pass one.
	ContactIDs []switchboard.ContactID
	// Breached selects tickets with a recorded breach.
	Breached bool
	// Limit is clamped to 1..200 (0 means 50).
	Limit  int
	Cursor string
}

// TicketPage is one page; Next is empty on the last page.
type TicketPage struct {
	Items []switchboard.Ticket
	Next  string
}

// TicketUpdate is a change to a ticket; nil fields stay.
type TicketUpdate struct {
	Subject  *string
	Priority *switchboard.TicketPriority
	Status   *switchboard.TicketStatus
	// Fields replaces the custom field values (callers validate them).
	Fields     *map[string]any
	MergedInto *switchboard.ConversationID
	// FirstRepliedAt and ResolvedAt are set by the router as replies go
	// out and the conversation is resolved; ClearResolved sets ResolvedAt
	// back to nil (reopened).
	FirstRepliedAt *time.Time
	ResolvedAt     *time.Time
	ClearResolved  bool
	// FirstReplyDueAt and ResolutionDueAt replace the due times (the
	// department changed).
	FirstReplyDueAt *time.Time
	ResolutionDueAt *time.Time
	CustomerReadAt  *time.Time
}

// TicketBreach is one SLA target a ticket missed.
type TicketBreach struct {
	Ticket switchboard.Ticket
	// Kind is "first_reply" or "resolution".
	Kind string
}

// Badge returns what the inbox shows of t at now: DueAt is the nearest
// target not yet met (nil when none is pending), Breached as t.Breached.
// Engines call it when they fill Conversation.Ticket.
func Badge(t switchboard.Ticket, now time.Time) *switchboard.TicketBadge {
	b := &switchboard.TicketBadge{Number: t.Number, Subject: t.Subject, Priority: t.Priority, Status: t.Status, Breached: t.Breached(now)}
	if t.FirstRepliedAt == nil && t.FirstReplyDueAt != nil {
		d := *t.FirstReplyDueAt
		b.DueAt = &d
	}
	if t.ResolvedAt == nil && t.ResolutionDueAt != nil && (b.DueAt == nil || t.ResolutionDueAt.Before(*b.DueAt)) {
		d := *t.ResolutionDueAt
		b.DueAt = &d
	}
	return b
}

// TicketDefaults fills what CreateTicket and OpenTicket default: status
// open, priority normal, Fields {}.
func TicketDefaults(t *switchboard.Ticket) {
	if t.Status == "" {
		t.Status = switchboard.TicketOpen
	}
	if t.Priority == "" {
		t.Priority = switchboard.PriorityNormal
	}
	if t.Fields == nil {
		t.Fields = map[string]any{}
	}
}

// CheckTicket reports a status or priority no ticket may have.
func CheckTicket(status switchboard.TicketStatus, priority switchboard.TicketPriority) error {
	if !status.Valid() {
		return fmt.Errorf("invalid ticket status %q", status)
	}
	if !priority.Valid() {
		return fmt.Errorf("invalid ticket priority %q", priority)
	}
	return nil
}

// EncodeTicketCursor and DecodeTicketCursor make and read ListTickets'
// keyset position (creation time, conversation id).
func EncodeTicketCursor(at time.Time, id switchboard.ConversationID) string {
	return base64.RawURLEncoding.EncodeToString([]byte("t1|" + strconv.FormatInt(at.UnixMicro(), 10) + "|" + string(id)))
}

// DecodeTicketCursor reads a cursor EncodeTicketCursor made; ErrBadCursor otherwise.
func DecodeTicketCursor(c string) (time.Time, switchboard.ConversationID, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 || parts[0] != "t1" || parts[2] == "" {
		return time.Time{}, "", ErrBadCursor
	}
	at, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	return time.UnixMicro(at).UTC(), switchboard.ConversationID(parts[2]), nil
}

// ScrubTicket returns a ticket's subject and custom field values with
// each of terms (from ScrubTerms) replaced by ErasedText: EraseContact
// treats them as it treats the text of the conversation's other
// messages. The ticket itself (number, status, times) stays.
func ScrubTicket(subject string, fields map[string]any, terms []string) (string, map[string]any) {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		switch v := v.(type) {
		case string:
			out[k] = Scrub(v, terms)
		case []any:
			vs := make([]any, len(v))
			for i, e := range v {
				if s, ok := e.(string); ok {
					vs[i] = Scrub(s, terms)
				} else {
					vs[i] = e
				}
			}
			out[k] = vs
		default:
			out[k] = v
		}
	}
	return Scrub(subject, terms), out
}
