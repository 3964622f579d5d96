package switchboard

import "time"

// Workspace is one business served by the install. Every record belongs to one.
type Workspace struct {
	ID        WorkspaceID `json:"id"`
	Name      string      `json:"name"`
	CreatedAt time.Time   `json:"created_at"`
}

// Identity is how a contact is known on one channel: the provider's user id
// (LINE userId, a phone number, a widget visitor id).
type Identity struct {
	ChannelID  ChannelID  `json:"channel"`
	ExternalID ExternalID `json:"external_id"`
	// OptedOut is set when the customer unfollowed or sent STOP; nothing may
	// be sent to an opted-out identity.
	OptedOut bool `json:"opted_out,omitempty"`
}

// Profile is what a provider tells about a customer. Empty fields are unknown.
type Profile struct {
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
	AvatarURL string `json:"avatar_url,omitempty"`
	Language  string `json:"language,omitempty"`
}

// Contact is a customer: a merged profile over one or more channel identities.
type Contact struct {
	ID          ContactID   `json:"id"`
	WorkspaceID WorkspaceID `json:"workspace_id"`
	Profile
	Identities []Identity `json:"identities,omitempty"`
	// EmailVerified and PhoneVerified say the e-mail or phone is known to be
	// the customer's (a signed identify, an SMS sender): contacts with the
	// same verified e-mail or phone are one person and are merged.
	EmailVerified bool `json:"email_verified"`
	PhoneVerified bool `json:"phone_verified"`
	// ExternalRef is the business's own id for the customer (identify's
	// external_id).
	ExternalRef string `json:"external_id,omitempty"`
	// Attributes are the business's key/value facts about the customer
	// (plan, company); operators edit them.
	Attributes map[string]string `json:"attributes"`
	// Labels tag the contact (sorted, unique).
	Labels []string `json:"labels"`
	// Context is the customer's latest context (page, browser, place).
	Context *CustomerContext `json:"context,omitempty"`
	// ErasedAt is set once the contact was erased on request: every field
	// that named them is empty.
	ErasedAt  *time.Time `json:"erased_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// ConversationStatus is where a conversation stands for operators.
type ConversationStatus string

const (
	ConversationOpen     ConversationStatus = "open"
	ConversationPending  ConversationStatus = "pending"
	ConversationResolved ConversationStatus = "resolved"
	ConversationSnoozed  ConversationStatus = "snoozed"
)

// Valid reports whether s is one of the known conversation statuses.
func (s ConversationStatus) Valid() bool {
	switch s {
	case ConversationOpen, ConversationPending, ConversationResolved, ConversationSnoozed:
		return true
	}
	return false
}

// Conversation is the thread between one contact and the business on one
// channel.
type Conversation struct {
	ID           ConversationID     `json:"id"`
	WorkspaceID  WorkspaceID        `json:"workspace_id"`
	ChannelID    ChannelID          `json:"channel"`
	ChannelType  string             `json:"channel_type"`
	ContactID    ContactID          `json:"contact_id"`
	Contact      *Contact           `json:"contact,omitempty"`
	DepartmentID DepartmentID       `json:"department_id,omitempty"`
	AssigneeID   OperatorID         `json:"assignee_id,omitempty"`
	Status       ConversationStatus `json:"status"`
	// UnreadCount counts customer messages since an operator last read the
	// conversation.
	UnreadCount int `json:"unread_count"`
	// Unread is true while UnreadCount > 0 or an operator marked the
	// conversation unread; reading it clears both.
	Unread bool `json:"unread"`
	// Labels tag the conversation for filtering (sorted, unique).
	Labels []string `json:"labels"`
	// ContactOnline is true while the customer has a live connection to
	// the hub (a site-chat visitor's widget stream on any instance). The
	// store never sets it; the console fills it from presence leases.
	ContactOnline bool `json:"contact_online"`
	// Priority orders the department's queue (higher first, then older);
	// QueuedAt is set while the conversation waits for an operator.
	Priority int        `json:"priority"`
	QueuedAt *time.Time `json:"queued_at,omitempty"`
	// QueuePosition (1-based) and WaitSeconds, the estimated wait, are
	// filled by the API for a queued conversation (never stored).
	QueuePosition  int       `json:"queue_position,omitempty"`
	WaitSeconds    int       `json:"wait_seconds,omitempty"`
	LastMessage    string    `json:"last_message,omitempty"`
	LastActivityAt time.Time `json:"last_activity_at"`
	// LastReadAt is when an operator last read the conversation (the
	// visitor's widget shows its messages up to then as read).
	LastReadAt *time.Time `json:"last_read_at,omitempty"`
	// CustomerLastAt is when the customer last wrote (the provider's
	// timestamp of their latest message); the store keeps it from intake.
	CustomerLastAt *time.Time `json:"customer_last_at,omitempty"`
	// WindowExpiresAt is when the channel's customer-service window closes
	// (CustomerLastAt + the connector's Capabilities.ReplyWindowSeconds) for
	// channels that have one (WhatsApp 24 h, Messenger and Instagram 24 h or
	// 7 days with the human-agent tag); after it only approved templates go
	// out. Filled by the API, never stored; nil for channels without one.
	WindowExpiresAt *time.Time `json:"window_expires_at,omitempty"`
	// Ticket summarises the conversation's ticket when it is one (filled
	// by GetConversation and ListConversations).
	Ticket *TicketBadge `json:"ticket,omitempty"`
	// Context is the customer's context during this conversation (filled
	// by GetConversation, not by lists).
	Context   *CustomerContext `json:"context,omitempty"`
	CreatedAt time.Time        `json:"created_at"`
}

// Department groups operators; conversations are routed to one.
type Department struct {
	ID          DepartmentID `json:"id"`
	WorkspaceID WorkspaceID  `json:"workspace_id"`
	Name        string       `json:"name"`
	// Default marks the department that receives conversations no rule claims.
	Default bool `json:"default"`
	// MemberIDs are the operators in the department (filled by single
	// reads and the department API).
	MemberIDs []OperatorID `json:"member_ids,omitempty"`
	DepartmentSettings
	CreatedAt time.Time `json:"created_at"`
}

// Role is what an operator may do.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleOperator   Role = "operator"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleSupervisor || r == RoleOperator }

// SeesAllDepartments reports whether the role sees every department's
// conversations; plain operators see only their own departments.
func (r Role) SeesAllDepartments() bool { return r == RoleAdmin || r == RoleSupervisor }

// Operator is a person answering customers.
type Operator struct {
	ID            OperatorID     `json:"id"`
	WorkspaceID   WorkspaceID    `json:"workspace_id"`
	Email         string         `json:"email"`
	Name          string         `json:"name"`
	Role          Role           `json:"role"`
	DepartmentIDs []DepartmentID `json:"department_ids"`
	// MaxChats, when set, is the operator's own limit of open assigned
	// conversations (instead of their departments').
	MaxChats *int `json:"max_chats,omitempty"`
	// Disabled operators cannot log in; their sessions stop working.
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// EventType names what happened.
type EventType string

const (
	EventMessageCreated      EventType = "message.created"
	EventMessageUpdated      EventType = "message.updated"
	EventConversationUpdated EventType = "conversation.updated"
	EventContactUpdated      EventType = "contact.updated"
	// EventQueueUpdated says a department's queue changed (a conversation
	// joined, left or was taken): DepartmentID names it. Consoles refresh
	// their queue views; the widget tells each waiting visitor their new
	// place and wait. Published through the outbox with the change.
	EventQueueUpdated EventType = "queue.updated"
	// EventTicketUpdated says a ticket was created or changed (Ticket);
	// EventTicketBreached that it missed an SLA target (Ticket, Reason
	// "first_reply" or "resolution"). Both through the outbox.
	EventTicketUpdated  EventType = "ticket.updated"
	EventTicketBreached EventType = "ticket.breached"
	// EventChannelStatus says a channel's health changed (credentials
	// broken, a linked device logged out or waiting for its QR code); the
	// event's Channel carries the new status. Admins' consoles show it.
	EventChannelStatus EventType = "channel.status"

	// Ephemeral events: never stored, never in the outbox; they reach the
	// streams of every instance that is up when they are published.
	EventTypingPreview    EventType = "typing.preview"
	EventOperatorPresence EventType = "operator.presence"
	EventContactPresence  EventType = "contact.presence"
	// EventOperatorTyping tells a visitor's widget an operator is writing.
	EventOperatorTyping EventType = "operator.typing"
)

// Presence is whether an operator is available.
type Presence string

const (
	PresenceOnline  Presence = "online"
	PresenceAway    Presence = "away"
	PresenceOffline Presence = "offline"
)

// Valid reports whether p is one of the known presences.
func (p Presence) Valid() bool {
	return p == PresenceOnline || p == PresenceAway || p == PresenceOffline
}

// Event is something operators' consoles and visitors' widgets hear about in
// real time. It carries the changed records so clients need not fetch them.
type Event struct {
	ID             EventID        `json:"id"`
	Type           EventType      `json:"type"`
	WorkspaceID    WorkspaceID    `json:"workspace_id"`
	ConversationID ConversationID `json:"conversation_id,omitempty"`
	DepartmentID   DepartmentID   `json:"department_id,omitempty"`
	Message        *Message       `json:"message,omitempty"`
	Conversation   *Conversation  `json:"conversation,omitempty"`
	// Contact is the changed contact of contact.updated.
	Contact *Contact `json:"contact,omitempty"`
	// Ticket is the ticket of ticket.updated and ticket.breached; Reason
	// names the breached target ("first_reply", "resolution").
	Ticket *Ticket `json:"ticket,omitempty"`
	Reason string  `json:"reason,omitempty"`
	// Channel is the channel status of channel.status.
	Channel *ChannelStatus `json:"channel,omitempty"`
	At      time.Time      `json:"at"`

	// Fields of ephemeral events: the visitor's draft (typing.preview), the
	// operator and their presence (operator.presence), the contact and
	// whether it is connected (contact.presence).
	Text       string     `json:"text,omitempty"`
	OperatorID OperatorID `json:"operator_id,omitempty"`
	Name       string     `json:"name,omitempty"`
	Presence   Presence   `json:"presence,omitempty"`
	ContactID  ContactID  `json:"contact_id,omitempty"`
	Online     bool       `json:"online,omitempty"`
	// Typing is whether the operator of operator.typing is writing.
	Typing bool `json:"typing,omitempty"`
}

// Ephemeral reports whether the event is of a kind that is never stored.
func (e Event) Ephemeral() bool {
	switch e.Type {
	case EventTypingPreview, EventOperatorPresence, EventContactPresence, EventOperatorTyping:
		return true
	}
	return false
}
