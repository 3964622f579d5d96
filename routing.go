package switchboard

import "time"

// Routing model (issue 14): what a department promises (hours, limits,
// what visitors see when it is closed), the rules that send conversations
// to it, and the activity entries that record who moved a conversation.

// AssignmentMode is how a department hands conversations to its members.
type AssignmentMode string

const (
	// AssignRoundRobin takes online members under their limit in turn.
	AssignRoundRobin AssignmentMode = "round_robin"
	// AssignLeastBusy takes the online member with the fewest open chats.
	AssignLeastBusy AssignmentMode = "least_busy"
	// AssignManual leaves conversations in the queue until someone claims.
	AssignManual AssignmentMode = "manual"
)

// Valid reports whether m is a known mode.
func (m AssignmentMode) Valid() bool {
	return m == AssignRoundRobin || m == AssignLeastBusy || m == AssignManual
}

// DefaultMaxChats is a member's limit of concurrent conversations when
// neither the department nor the operator sets one.
const DefaultMaxChats = 5

// DefaultWaitSeconds is the wait a queued visitor is told when the
// department has no history to estimate from and sets no default.
const DefaultWaitSeconds = 120

// DepartmentSettings are what a department configures beyond its name.
type DepartmentSettings struct {
	Assignment AssignmentMode `json:"assignment"`
	// MaxChats is each member's limit of open assigned conversations
	// (Operator.MaxChats overrides it); 0 means DefaultMaxChats.
	MaxChats int `json:"max_chats"`
	// Hours, when set, are when the department is open; nil: always open.
	Hours *BusinessHours `json:"hours,omitempty"`
	// Offline is what visitors see outside hours (and, with
	// WhenNobodyOnline, when no member is online).
	Offline OfflineSettings `json:"offline"`
	// DefaultWaitSeconds is the wait told to queued visitors before the
	// department has history (0: DefaultWaitSeconds).
	DefaultWaitSeconds int `json:"default_wait_seconds"`
	// QueueAutoText sends messaging-app customers their place in the
	// queue and the estimated wait as an automatic message.
	QueueAutoText bool `json:"queue_auto_text"`
	// Notify is the department's notification policy.
	Notify NotifyPolicy `json:"notify"`
	// SLA are the department's targets for its tickets.
	SLA SLA `json:"sla"`
	// CSAT turns the satisfaction survey off or changes its question.
	CSAT *CSATSettings `json:"csat,omitempty"`
}

// OfflineMode is what the site chat shows when the department is closed.
type OfflineMode string

const (
	// OfflineForm asks for name, e-mail and a message (a conversation the
	// team sees when it opens).
	OfflineForm OfflineMode = "form"
	// OfflineBanner shows the message and the opening hours, no input.
	OfflineBanner OfflineMode = "banner"
	// OfflineQueue keeps the chat open: conversations wait in the queue.
	OfflineQueue OfflineMode = "queue"
)

// Valid reports whether m is a known mode.
func (m OfflineMode) Valid() bool {
	return m == OfflineForm || m == OfflineBanner || m == OfflineQueue
}

// OfflineSettings are what a closed department tells customers.
type OfflineSettings struct {
	Mode OfflineMode `json:"mode"`
	// WhenNobodyOnline treats the department as closed inside its hours
	// while no member is online (instead of queueing).
	WhenNobodyOnline bool `json:"when_nobody_online"`
	// Message is shown by the widget, per language ("ja", "en").
	Message map[string]string `json:"message,omitempty"`
	// AutoReply is sent once per conversation on messaging channels while
	// the department is closed, per language.
	AutoReply map[string]string `json:"auto_reply,omitempty"`
}

// NotifyMethod is a way of telling operators.
type NotifyMethod string

const (
	NotifyEmail   NotifyMethod = "email"
	NotifyPush    NotifyMethod = "push"
	NotifySMS     NotifyMethod = "sms"
	NotifyBrowser NotifyMethod = "browser"
)

// NotifyPolicy is which methods a department uses for which events;
// operators' own preferences can turn each off for themselves.
type NotifyPolicy struct {
	NewConversation []NotifyMethod `json:"new_conversation"`
	NewMessage      []NotifyMethod `json:"new_message"`
	Transfer        []NotifyMethod `json:"transfer"`
	// Waiting notifies when a conversation waits unanswered longer than
	// WaitingMinutes (0: never).
	Waiting        []NotifyMethod `json:"waiting"`
	WaitingMinutes int            `json:"waiting_minutes"`
}

// DefaultNotifyPolicy e-mails members about new conversations, and shows
// everything in the browser.
func DefaultNotifyPolicy() NotifyPolicy {
	return NotifyPolicy{
		NewConversation: []NotifyMethod{NotifyEmail, NotifyPush, NotifyBrowser},
		NewMessage:      []NotifyMethod{NotifyPush, NotifyBrowser},
		Transfer:        []NotifyMethod{NotifyEmail, NotifyPush, NotifyBrowser},
	}
}

// BusinessHours are when a department is open, in its own time zone.
type BusinessHours struct {
	// TimeZone is an IANA name ("Asia/Tokyo").
	TimeZone string `json:"time_zone"`
	// Weekly maps "mon".."sun" to the day's opening ranges; a day not
	// listed is closed.
	Weekly map[string][]TimeRange `json:"weekly"`
	// Holidays ("2026-12-31") are closed all day.
	Holidays []string `json:"holidays,omitempty"`
	// Special days replace the weekly ranges of their date (empty ranges:
	// closed).
	Special []SpecialDay `json:"special,omitempty"`
}

// TimeRange is an opening range within one day, "09:00" to "18:00"; To may
// be "24:00". Ranges never cross midnight (use one on each day).
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// SpecialDay gives one date its own ranges.
type SpecialDay struct {
	Date   string      `json:"date"`
	Ranges []TimeRange `json:"ranges"`
}

// RoutingRule sends matching new conversations somewhere. Rules are
// evaluated by Position, lowest first; the first match wins; the default
// department takes what none matches.
type RoutingRule struct {
	ID          string      `json:"id"`
	WorkspaceID WorkspaceID `json:"workspace_id"`
	Name        string      `json:"name"`
	Position    int         `json:"position"`
	Match       RuleMatch   `json:"match"`
	Action      RuleAction  `json:"action"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// RuleMatch is what a rule looks at. Empty fields match anything; every
// set field must match.
type RuleMatch struct {
	Channel     ChannelID `json:"channel,omitempty"`
	ChannelType string    `json:"channel_type,omitempty"`
	// Language matches the contact's language by prefix ("ja" matches
	// "ja-JP").
	Language string `json:"language,omitempty"`
	// PageURL is a glob over the visitor's current page ("*" any run of
	// characters, "?" one).
	PageURL string `json:"page_url,omitempty"`
	// Keywords match the first message when any is a substring of it
	// (case-insensitive; Japanese works: no word splitting).
	Keywords []string `json:"keywords,omitempty"`
	// Attributes must all equal the contact's.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Labels must all be on the contact.
	Labels []string `json:"labels,omitempty"`
}

// RuleAction is what a matching rule does.
type RuleAction struct {
	DepartmentID DepartmentID `json:"department_id,omitempty"`
	Priority     int          `json:"priority,omitempty"`
	Labels       []string     `json:"labels,omitempty"`
	AssigneeID   OperatorID   `json:"assignee_id,omitempty"`
}

// RoutingInput is what rules are matched against: a new conversation's
// channel, contact and first message.
type RoutingInput struct {
	Channel     ChannelID
	ChannelType string
	Language    string
	PageURL     string
	Text        string
	Attributes  map[string]string
	Labels      []string
}

// DirectionActivity marks a message that records a change of the
// conversation (assignment, transfer, resolution) in its history. It is
// never sent to the customer.
const DirectionActivity Direction = "activity"

// ActivityKind names the change an activity entry records.
type ActivityKind string

const (
	ActivityRouted      ActivityKind = "routed"
	ActivityAssigned    ActivityKind = "assigned"
	ActivityUnassigned  ActivityKind = "unassigned"
	ActivityClaimed     ActivityKind = "claimed"
	ActivityTransferred ActivityKind = "transferred"
	ActivityResolved    ActivityKind = "resolved"
	ActivityReopened    ActivityKind = "reopened"
	// Ticket entries (issue 15): Reason carries the ticket's tag ("#1042"),
	// the other ticket's for merges and links, the new priority for
	// priority_changed.
	ActivityTicketCreated   ActivityKind = "ticket_created"
	ActivityTicketMerged    ActivityKind = "ticket_merged"
	ActivityTicketLinked    ActivityKind = "ticket_linked"
	ActivityTicketUnlinked  ActivityKind = "ticket_unlinked"
	ActivityPriorityChanged ActivityKind = "priority_changed"
	// ActivityTicketUpdated records an edit of a ticket's subject or
	// custom fields; Reason names what changed ("subject, order_id").
	ActivityTicketUpdated ActivityKind = "ticket_updated"
)

// Activity is the content of an activity entry: who changed what, to
// where, and why.
type Activity struct {
	Kind             ActivityKind `json:"kind"`
	ActorID          OperatorID   `json:"actor_id,omitempty"`
	ActorName        string       `json:"actor_name,omitempty"`
	DepartmentID     DepartmentID `json:"department_id,omitempty"`
	DepartmentName   string       `json:"department_name,omitempty"`
	OperatorID       OperatorID   `json:"operator_id,omitempty"`
	OperatorName     string       `json:"operator_name,omitempty"`
	FromDepartmentID DepartmentID `json:"from_department_id,omitempty"`
	Reason           string       `json:"reason,omitempty"`
	RuleID           string       `json:"rule_id,omitempty"`
}
