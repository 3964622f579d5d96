package switchboard

import (
	"strconv"
	"strings"
	"time"
)

// TicketStatus is where a ticket stands, in words a customer understands.
type TicketStatus string

// Ticket statuses. A ticket is open while the team owes an answer, waiting
// while the team answered and waits for the customer, resolved once its
// conversation is resolved.
const (
	TicketOpen     TicketStatus = "open"
	TicketWaiting  TicketStatus = "waiting"
	TicketResolved TicketStatus = "resolved"
)

// Valid reports whether s is a known status.
func (s TicketStatus) Valid() bool {
	return s == TicketOpen || s == TicketWaiting || s == TicketResolved
}

// TicketPriority is how urgent a ticket is.
type TicketPriority string

// Ticket priorities, lowest first.
const (
	PriorityLow    TicketPriority = "low"
	PriorityNormal TicketPriority = "normal"
	PriorityHigh   TicketPriority = "high"
	PriorityUrgent TicketPriority = "urgent"
)

// Rank orders priorities (low 1 … urgent 4); 0 for an unknown one.
func (p TicketPriority) Rank() int {
	switch p {
	case PriorityLow:
		return 1
	case PriorityNormal:
		return 2
	case PriorityHigh:
		return 3
	case PriorityUrgent:
		return 4
	}
	return 0
}

// Valid reports whether p is a known priority.
func (p TicketPriority) Valid() bool { return p.Rank() > 0 }

// TicketSource says where a ticket was opened.
type TicketSource string

// Ticket sources.
const (
	TicketFromConsole TicketSource = "console" // an operator turned a conversation into a ticket
	TicketFromWidget  TicketSource = "widget"  // the site chat's offline form
	TicketFromPortal  TicketSource = "portal"  // the customer portal's new-ticket form
	TicketFromAPI     TicketSource = "api"     // POST /api/v1/tickets
	TicketFromEmail   TicketSource = "email"   // the e-mail channel (issue 17)
)

// Ticket is a conversation that is followed like a mailbox (issue 15): a
// subject, a number per workspace (#1042), a priority, SLA due times from
// its department, custom fields and a status. The conversation keeps the
// messages; ConversationID identifies the ticket.
type Ticket struct {
	ConversationID ConversationID `json:"conversation_id"`
	WorkspaceID    WorkspaceID    `json:"workspace_id"`
	// Number counts the workspace's tickets from 1 and never repeats.
	Number   int64          `json:"number"`
	Subject  string         `json:"subject"`
	Priority TicketPriority `json:"priority"`
	Status   TicketStatus   `json:"status"`
	Source   TicketSource   `json:"source"`
	// Fields are the values of the workspace's custom ticket fields, by
	// field key (string, number, bool; dates as "2006-01-02").
	Fields map[string]any `json:"fields"`
	// FirstReplyDueAt and ResolutionDueAt come from the department's SLA
	// when the ticket is created (nil: no target).
	FirstReplyDueAt *time.Time `json:"first_reply_due_at"`
	ResolutionDueAt *time.Time `json:"resolution_due_at"`
	// FirstRepliedAt is the team's first reply to the customer;
	// ResolvedAt the last time the ticket was resolved (nil while open).
	FirstRepliedAt *time.Time `json:"first_replied_at"`
	ResolvedAt     *time.Time `json:"resolved_at"`
	// FirstReplyBreachedAt and ResolutionBreachedAt are set once, when the
	// target passed unmet (the breach sweeper records and notifies it).
	FirstReplyBreachedAt *time.Time `json:"first_reply_breached_at"`
	ResolutionBreachedAt *time.Time `json:"resolution_breached_at"`
	// MergedInto is the ticket this duplicate was merged into ("" if none).
	MergedInto ConversationID `json:"merged_into,omitempty"`
	// Links are related tickets (both ways), by conversation id.
	Links []ConversationID `json:"links"`
	// CustomerReadAt is when the customer last read the ticket in the
	// portal (operators' replies after it are unread there).
	CustomerReadAt *time.Time `json:"customer_read_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// Conversation is the ticket's conversation with its Contact (filled
	// by single reads and lists).
	Conversation *Conversation `json:"conversation,omitempty"`
}

// Breached reports whether a target of the ticket passed unmet at now
// (also before the sweeper recorded it).
func (t Ticket) Breached(now time.Time) bool {
	if t.FirstReplyBreachedAt != nil || t.ResolutionBreachedAt != nil {
		return true
	}
	if t.FirstRepliedAt == nil && t.FirstReplyDueAt != nil && !now.Before(*t.FirstReplyDueAt) {
		return true
	}
	return t.ResolvedAt == nil && t.ResolutionDueAt != nil && !now.Before(*t.ResolutionDueAt)
}

// SubjectTag is the tag that threads e-mail replies to the ticket:
// "[#1042]".
func (t Ticket) SubjectTag() string { return "[#" + strconv.FormatInt(t.Number, 10) + "]" }

// SLA is a department's service-level targets for tickets, in minutes
// from the ticket's creation (0: no target).
type SLA struct {
	FirstReplyMinutes int `json:"first_reply_minutes"`
	ResolutionMinutes int `json:"resolution_minutes"`
}

// DueTimes returns the due times of a ticket created at created.
func (s SLA) DueTimes(created time.Time) (firstReply, resolution *time.Time) {
	if s.FirstReplyMinutes > 0 {
		t := created.Add(time.Duration(s.FirstReplyMinutes) * time.Minute)
		firstReply = &t
	}
	if s.ResolutionMinutes > 0 {
		t := created.Add(time.Duration(s.ResolutionMinutes) * time.Minute)
		resolution = &t
	}
	return firstReply, resolution
}

// TicketFieldType is the kind of value a custom ticket field holds.
type TicketFieldType string

// Custom field types.
const (
	TicketFieldText     TicketFieldType = "text"
	TicketFieldNumber   TicketFieldType = "number"
	TicketFieldSelect   TicketFieldType = "select" // one of Options
	TicketFieldCheckbox TicketFieldType = "checkbox"
	TicketFieldDate     TicketFieldType = "date" // "2006-01-02"
)

// Valid reports whether t is a known type.
func (t TicketFieldType) Valid() bool {
	switch t {
	case TicketFieldText, TicketFieldNumber, TicketFieldSelect, TicketFieldCheckbox, TicketFieldDate:
		return true
	}
	return false
}

// TicketField is a custom field a workspace defines for its tickets.
type TicketField struct {
	WorkspaceID WorkspaceID `json:"workspace_id"`
	// Key names the field in Ticket.Fields: lower-case letters, digits
	// and "_", unique in the workspace.
	Key   string          `json:"key"`
	Label string          `json:"label"`
	Type  TicketFieldType `json:"type"`
	// Options are the choices of a select field.
	Options []string `json:"options,omitempty"`
	// Required fields must be set before a ticket is resolved.
	Required bool `json:"required"`
	// Public fields are shown to the customer in the portal.
	Public   bool `json:"public"`
	Position int  `json:"position"`
}

// TicketSubject makes a subject from a customer's first message: its
// first non-empty line, at most 120 characters.
func TicketSubject(text string) string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if r := []rune(line); len(r) > 120 {
			return string(r[:119]) + "…"
		}
		return line
	}
	return ""
}

// TicketBadge is what the inbox shows of a conversation's ticket.
type TicketBadge struct {
	Number   int64          `json:"number"`
	Subject  string         `json:"subject"`
	Priority TicketPriority `json:"priority"`
	Status   TicketStatus   `json:"status"`
	// DueAt is the nearest unmet target (first reply, then resolution);
	// nil when none is pending.
	DueAt *time.Time `json:"due_at,omitempty"`
	// Breached is true once a target was missed (recorded or past).
	Breached bool `json:"breached"`
}
