package connectors

import (
	"context"
	"errors"

	"github.com/switchboardhq/switchboard"
)

// ErrNotFound is returned by Hub look-ups that find nothing.
var ErrNotFound = errors.New("not found")

// Mirror is an operator-side connector (Slack) that shows conversations to
// operators elsewhere and lets them answer from there. The router calls
// Mirror for every event of the mirror's workspace after it was committed,
// possibly more than once for the same event (after a crash): it must be
// idempotent per event (Event.Message.ID) and must not block for long.
type Mirror interface {
	Connector
	Mirror(ctx context.Context, ev switchboard.Event) error
}

// ReplyRequest is an operator's answer arriving through a mirror.
type ReplyRequest struct {
	WorkspaceID    switchboard.WorkspaceID
	ConversationID switchboard.ConversationID
	AuthorID       switchboard.OperatorID
	Parts          []switchboard.Part
	// Note keeps the message internal: it never leaves the hub.
	Note bool
	// Via is where the operator wrote it ("console", "api", "slack"):
	// Message.Via.
	Via string
}

// AccountLinker is implemented by a Hub that can link an external account
// to the operator with a given e-mail. Mirror connectors call it for an
// unlinked user whose e-mail the provider has verified.
type AccountLinker interface {
	// LinkAccountByEmail links externalUser on provider to the enabled
	// operator of workspace ws with e-mail email (case-insensitive) and
	// returns the operator; ErrNotFound when there is none.
	LinkAccountByEmail(ctx context.Context, ws switchboard.WorkspaceID, provider, externalUser, email string) (switchboard.OperatorID, error)
}

// Hub is what mirror connectors get (in Deps.Hub) beyond the Sink: acting for
// operators and remembering which thread belongs to which conversation. The
// hub implements it on top of the store; connectors never touch the store.
type Hub interface {
	Sink
	// Reply stores an operator's reply (status pending, then sent through the
	// conversation's own channel) or note, exactly as the console's API does.
	Reply(ctx context.Context, req ReplyRequest) (switchboard.Message, error)
	// Conversation returns a conversation with its contact.
	Conversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error)
	// LinkThread remembers that threadRef in mirror (for Slack: the channel
	// id) is the thread of conversation conv.
	LinkThread(ctx context.Context, ws switchboard.WorkspaceID, mirror string, conv switchboard.ConversationID, threadRef string) error
	// ThreadOf returns the thread of conv in mirror, or ErrNotFound.
	ThreadOf(ctx context.Context, mirror string, conv switchboard.ConversationID) (string, error)
	// ConversationOfThread returns the conversation of a mirror thread, or
	// ErrNotFound.
	ConversationOfThread(ctx context.Context, mirror, threadRef string) (switchboard.WorkspaceID, switchboard.ConversationID, error)
	// OperatorForAccount returns the operator linked to an external account
	// (provider "slack", the Slack user id), or ErrNotFound.
	OperatorForAccount(ctx context.Context, provider, externalUser string) (switchboard.OperatorID, error)
	// FirstSeen records key and reports whether it was new; it makes
	// handling of redelivered provider events idempotent.
	FirstSeen(ctx context.Context, key string) (bool, error)
	// ConsoleURL is the link to a conversation in the web console.
	ConsoleURL(conv switchboard.ConversationID) string
}
