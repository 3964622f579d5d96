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
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
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
	UnreadCount    int       `json:"unread_count"`
	LastMessage    string    `json:"last_message,omitempty"`
	LastActivityAt time.Time `json:"last_activity_at"`
	CreatedAt      time.Time `json:"created_at"`
}

// Department groups operators; conversations are routed to one.
type Department struct {
	ID          DepartmentID `json:"id"`
	WorkspaceID WorkspaceID  `json:"workspace_id"`
	Name        string       `json:"name"`
	// Default marks the department that receives conversations no rule claims.
	Default   bool      `json:"default"`
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
)

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
	At             time.Time      `json:"at"`
}
