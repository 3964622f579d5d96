package switchboard

import "time"

// CannedResponseID names a saved reply.
type CannedResponseID string

// ResponseScope says who sees a saved reply.
type ResponseScope string

const (
	// ScopePersonal replies are seen and changed by their owner only.
	ScopePersonal ResponseScope = "personal"
	// ScopeShared replies are seen by every operator of the workspace and
	// changed by admins and supervisors.
	ScopeShared ResponseScope = "shared"
)

// Valid reports whether s is one of the known scopes.
func (s ResponseScope) Valid() bool { return s == ScopePersonal || s == ScopeShared }

// CannedResponse is a saved reply ("template" in the console and the API,
// not to be confused with a provider Template): text or rich parts an
// operator inserts by shortcut. Variables such as {{contact.name}} stay in
// it as written; they are filled when a message is sent.
type CannedResponse struct {
	ID          CannedResponseID `json:"id"`
	WorkspaceID WorkspaceID      `json:"workspace_id"`
	Name        string           `json:"name"`
	// Shortcut is what follows "/" in the composer; no spaces; unique per
	// scope and owner (may be empty).
	Shortcut string        `json:"shortcut"`
	Text     string        `json:"text,omitempty"`
	Parts    []Part        `json:"parts,omitempty"`
	Scope    ResponseScope `json:"scope"`
	// OwnerID is the operator a personal reply belongs to (empty for shared).
	OwnerID   OperatorID `json:"owner_id,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// OperatorSettings are an operator's own console preferences.
type OperatorSettings struct {
	NotifyTitle   bool `json:"notify_title"`
	NotifyDesktop bool `json:"notify_desktop"`
	NotifySound   bool `json:"notify_sound"`
	// Language is "ja" or "en"; empty follows the browser.
	Language string `json:"language"`
}

// DefaultOperatorSettings are the settings of an operator who never saved any.
func DefaultOperatorSettings() OperatorSettings {
	return OperatorSettings{NotifyTitle: true, NotifyDesktop: false, NotifySound: true}
}
