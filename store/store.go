// Package store is the storage contract of the hub. Two engines implement
// it, store/sqlite (the embedded default) and store/postgres (for scale-out);
// store/storetest is the one contract suite both must pass.
//
// Rules every engine keeps:
//   - Every query that reads or changes workspace data is scoped by the
//     WorkspaceID it is given; a record of another workspace is ErrNotFound.
//   - Times are stored and returned in UTC.
//   - Paging is keyset: a cursor is an opaque string the engine made; an
//     empty cursor starts at the beginning; a malformed one is ErrBadCursor.
//   - Methods that take several records do all of them in one transaction.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard"
)

var (
	// ErrNotFound is returned when a record does not exist (in the workspace).
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned when a unique key is taken (an operator's
	// e-mail, a department's name).
	ErrConflict = errors.New("already exists")
	// ErrBadCursor is returned for a cursor the engine did not make.
	ErrBadCursor = errors.New("malformed cursor")
)

// Store is the whole contract. The hub holds one for the process.
type Store interface {
	RoutingStore
	NotifyStore
	ArticleStore
	PortalStore
	TicketStore
	CSATStore
	ChannelHealthStore
	// Migrate brings the schema to the newest version. It is safe to call
	// from several processes at once (PostgreSQL takes an advisory lock).
	Migrate(ctx context.Context) error
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	Close() error

	// DefaultWorkspace returns the install's first workspace, creating it
	// (named "Default") on the first call. Concurrent first calls create one.
	DefaultWorkspace(ctx context.Context) (switchboard.Workspace, error)
	GetWorkspace(ctx context.Context, id switchboard.WorkspaceID) (switchboard.Workspace, error)
	CreateWorkspace(ctx context.Context, ws switchboard.Workspace) error

	// DefaultDepartment returns the workspace's default department, creating
	// one named "General" (Default true) when the workspace has none.
	DefaultDepartment(ctx context.Context, ws switchboard.WorkspaceID) (switchboard.Department, error)
	// CreateDepartment stores a new department; ErrConflict when the
	// workspace already has one of that name.
	CreateDepartment(ctx context.Context, d switchboard.Department) error
	ListDepartments(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.Department, error)

	// PutChannel creates or replaces a channel (by id). Channel ids are unique
	// across the install: putting an id that belongs to another workspace is
	// ErrConflict.
	PutChannel(ctx context.Context, ch Channel) error
	// GetChannel finds a channel by id alone (webhook paths carry no
	// workspace).
	GetChannel(ctx context.Context, id switchboard.ChannelID) (Channel, error)
	// ListChannels lists a workspace's channels by id; ws "" lists all.
	ListChannels(ctx context.Context, ws switchboard.WorkspaceID) ([]Channel, error)
	DeleteChannel(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ChannelID) error

	// Accept stores normalised provider events in ONE transaction and returns
	// one result per item, in order. Per item, by Inbound.Kind:
	//   - message: find or create the contact by (channel, Inbound.Sender)
	//     (filling empty profile fields from Inbound.Profile); find the
	//     contact's latest conversation on that channel or create one (status
	//     open, department DepartmentID); a resolved or snoozed conversation is
	//     reopened (status open); its customer_last_at becomes the later of
	//     its own and Inbound.At. Insert the message (id MessageID, direction
	//     in, status delivered, created at Inbound.At) unless a message with
	//     the same (channel, Inbound.ExternalID) exists: then the item is a
	//     Duplicate and nothing else of it is written. Otherwise the
	//     conversation's last activity, last message text and unread count
	//     are updated, its reply token replaced when the event has one, and
	//     the item's Outbox entries are written.
	//   - follow / unfollow: find or create the contact and its identity and
	//     set the identity's opted-out flag (false / true); dedup by
	//     (channel, ExternalID) as for messages; Outbox entries written when
	//     not a duplicate.
	//   - status: find the outgoing message by (channel, Inbound.ExternalID
	//     as the provider's message id) and raise its status when
	//     Inbound.Status ranks higher (switchboard.DeliveryStatus.Rank); a
	//     receipt for an unknown message is Duplicate (ignored). Outbox
	//     entries written only when the status changed. A status with no
	//     ExternalID and a Watermark raises every outgoing message (sent or
	//     delivered, ranking below Inbound.Status) of the sender's
	//     conversations on the channel created at or before the watermark;
	//     the last watermark applied per (channel, sender, status) is kept,
	//     and one not later than it is Duplicate, as is one that changed no
	//     message. The changed messages are in AcceptResult.Messages, and
	//     Outbox and OutboxFor are written only when something changed.
	//   - echo: a message the business sent from elsewhere: contact and
	//     conversation found or created as for a message (a new conversation
	//     has no unread count), but the conversation is not reopened, its
	//     unread count and customer_last_at stay; the message is inserted
	//     direction out, status sent, Via Inbound.Via, unless the channel
	//     already has an echo or an outgoing message with that external id
	//     (Duplicate). Last activity and last message are updated and
	//     Outbox and OutboxFor written as for a message.
	Accept(ctx context.Context, items []AcceptItem) ([]AcceptResult, error)

	// GetConversation returns a conversation with its Contact filled.
	GetConversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error)
	// ListConversations pages conversations by last activity, newest first
	// (ties by id), each with its Contact filled.
	ListConversations(ctx context.Context, ws switchboard.WorkspaceID, q ConversationQuery) (ConversationPage, error)
	// FindConversation returns the latest conversation of the contact known on
	// channel as sender, or ErrNotFound.
	FindConversation(ctx context.Context, channel switchboard.ChannelID, sender switchboard.ExternalID) (switchboard.Conversation, error)
	// SetConversationDepartment routes a conversation; it reports whether the
	// department changed.
	SetConversationDepartment(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, dept switchboard.DepartmentID) (bool, error)
	// SetConversationStatus changes the status (open, pending, resolved,
	// snoozed).
	SetConversationStatus(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, status switchboard.ConversationStatus) error
	// MarkConversationRead sets the unread count to zero.
	MarkConversationRead(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) error
	// UpdateConversation applies the set fields of u to a conversation in
	// ONE transaction and, in it, writes the outbox entries outboxFor
	// returns for the conversation as changed (Contact filled); it returns
	// that conversation. Unread false clears the unread count and the mark,
	// true marks the conversation unread (until it is read). Labels replace
	// the conversation's labels (callers normalise them: sorted, unique).
	// The caller has validated assignee and department. ErrNotFound when
	// the conversation is not in the workspace; nothing is written then.
	// outboxFor must not block or touch the store.
	UpdateConversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, u ConversationUpdate, outboxFor func(switchboard.Conversation) []OutboxEntry) (switchboard.Conversation, error)
	// DeliveryTarget returns what the outbound handler needs to send into a
	// conversation: channel, the customer's id there, opt-out, reply token.
	DeliveryTarget(ctx context.Context, id switchboard.ConversationID) (DeliveryTarget, error)
	// TakeReplyToken returns the conversation's reply token if it is still
	// valid at now, and clears it (tokens are single use). Empty when none.
	TakeReplyToken(ctx context.Context, id switchboard.ConversationID, now time.Time) (string, error)

	// GetContact returns a contact with its identities.
	GetContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID) (switchboard.Contact, error)

	// CreateMessage stores an outgoing message or a note (direction out or
	// note, status as given, usually pending for out and delivered for
	// notes) and its Outbox entries in one transaction, and updates the
	// conversation's last activity and last message. ErrNotFound when the
	// conversation is not in the message's workspace.
	CreateMessage(ctx context.Context, msg switchboard.Message, outbox []OutboxEntry) error
	// GetMessage finds a message by id within a workspace.
	GetMessage(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID) (switchboard.Message, error)
	// ListMessages pages a conversation's messages oldest first (in insertion
	// order).
	ListMessages(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, q MessageQuery) (MessagePage, error)
	// UpdateMessageStatus records a delivery outcome of an outgoing message:
	// status, failure reason (cleared when status is not failed) and, when
	// not empty, the provider's external id; outbox entries are written in
	// the same transaction when the row changed. Status only moves up by
	// Rank, except that failed → pending is allowed (an operator's retry).
	// It reports whether the row changed and returns the message as stored.
	UpdateMessageStatus(ctx context.Context, id switchboard.MessageID, u StatusUpdate, outbox []OutboxEntry) (switchboard.Message, bool, error)
	// RetractMessage records that a sent message was taken back at the
	// provider: retracted_at is set (kept if already set). DeleteMessage
	// removes a message's content from the hub: parts emptied, text gone
	// from the search index, media rows its parts named deleted (unless
	// another message of the workspace still names them), deleted_at and
	// deleted_by set; the row stays as a marker. Both write the entries
	// outboxFor returns for the message as changed in the same
	// transaction, and return that message. ErrNotFound for a message not
	// in the workspace. outboxFor must not block or touch the store.
	RetractMessage(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID, at time.Time, outboxFor func(switchboard.Message) []OutboxEntry) (switchboard.Message, error)
	DeleteMessage(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID, by switchboard.OperatorID, at time.Time, outboxFor func(switchboard.Message) []OutboxEntry) (switchboard.Message, error)
	// SearchMessages finds messages whose text contains query (case
	// insensitive; CJK text must match: SQLite uses FTS5 with the trigram
	// tokenizer, which needs 3 characters, shorter queries fall back to a
	// scan), newest first, at most limit.
	SearchMessages(ctx context.Context, ws switchboard.WorkspaceID, query string, limit int) ([]switchboard.Message, error)

	// ClaimOutbox leases up to limit outbox rows that are not done and whose
	// lease has expired (oldest first) for lease, so that several relays on
	// several processes never hold the same row at once.
	ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]OutboxRow, error)
	// CompleteOutbox marks rows done (they are never claimed again).
	CompleteOutbox(ctx context.Context, ids []int64) error
	// PendingOutbox counts rows not yet done (for /metrics and draining).
	PendingOutbox(ctx context.Context) (int, error)
	// PruneOutbox deletes rows marked done before before (never a row not
	// yet done) and returns how many; the relay calls it now and then so the
	// outbox does not grow without bound.
	PruneOutbox(ctx context.Context, before time.Time) (int, error)

	// CreateOperator stores an operator with its password hash (bcrypt or
	// similar, made by the caller) and department memberships. E-mails are
	// unique across the install (login names no workspace): ErrConflict.
	CreateOperator(ctx context.Context, op switchboard.Operator, passwordHash string) error
	// OperatorByEmail finds an operator and its password hash (e-mail is
	// compared case-insensitively).
	OperatorByEmail(ctx context.Context, email string) (switchboard.Operator, string, error)
	GetOperator(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.OperatorID) (switchboard.Operator, error)
	ListOperators(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.Operator, error)

	// CreateToken stores an API token by the hash of its secret.
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash finds an unrevoked token; ErrNotFound otherwise.
	TokenByHash(ctx context.Context, hash string) (Token, error)

	// CreateSession stores an operator session by the hash of its secret.
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash finds a session that has not expired at now.
	SessionByHash(ctx context.Context, hash string, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, hash string) error

	// PutThreadLink links a conversation to a thread in a mirror (a Slack
	// channel, named by Mirror): one thread per (mirror, conversation);
	// putting it again replaces the thread ref.
	PutThreadLink(ctx context.Context, l ThreadLink) error
	// ThreadByConversation finds the thread of a conversation in a mirror.
	ThreadByConversation(ctx context.Context, mirror string, conv switchboard.ConversationID) (ThreadLink, error)
	// ConversationByThread finds the conversation a mirror thread belongs to.
	ConversationByThread(ctx context.Context, mirror, threadRef string) (ThreadLink, error)

	// LinkOperatorAccount records that an operator is known as externalUser
	// on provider (for instance their Slack user id); it replaces an earlier
	// link of the same (provider, externalUser).
	LinkOperatorAccount(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, provider, externalUser string) error
	// OperatorByAccount finds the operator linked to externalUser on provider.
	OperatorByAccount(ctx context.Context, provider, externalUser string) (switchboard.Operator, error)

	// FirstSeen records key (for instance "slack:<event id>") and reports
	// whether this was the first time; later calls with the same key return
	// false. It makes handlers of redelivered provider events idempotent.
	FirstSeen(ctx context.Context, key string) (bool, error)
	// PruneDedup deletes the records that make redeliveries no-ops
	// (FirstSeen keys, processed follow/unfollow event ids) made before
	// before, and returns how many. Messages stay deduplicated by their
	// own unique external id, whatever the age. The relay calls it now and
	// then, with a cut well past any provider's redelivery window.
	PruneDedup(ctx context.Context, before time.Time) (int, error)

	// SetOperatorPresence records the presence an operator chose, at at.
	// OperatorPresence returns the workspace's recorded presences by
	// operator (operators who never chose one are absent: offline).
	SetOperatorPresence(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, p switchboard.Presence, at time.Time) error
	OperatorPresence(ctx context.Context, ws switchboard.WorkspaceID) (map[switchboard.OperatorID]switchboard.Presence, error)

	// TouchPresenceLease records that holder (one live connection, on any
	// instance) keeps subject present until until; touching again extends
	// it. DropPresenceLease removes it. PresentSubjects reports which of
	// subjects have a lease that has not ended at now. Subjects are
	// opaque to the store (the console uses "conv:<conversation id>" for
	// a site-chat visitor's widget streams).
	TouchPresenceLease(ctx context.Context, subject, holder string, until time.Time) error
	DropPresenceLease(ctx context.Context, subject, holder string) error
	PresentSubjects(ctx context.Context, subjects []string, now time.Time) (map[string]bool, error)

	// PutMedia stores media bytes under id; GetMedia returns them. Media lives
	// in the database so every instance of a cluster can serve it. Putting
	// an existing id replaces the content but keeps the first UploaderID and
	// Filename (content-addressed uploads reuse their id).
	PutMedia(ctx context.Context, m Media) error
	GetMedia(ctx context.Context, id string) (Media, error)

	// UpdateOperator changes an operator's name, role, disabled flag and
	// department memberships (replaced by op.DepartmentIDs) from op; e-mail
	// and password stay. ErrNotFound when the operator or a department is
	// not in op.WorkspaceID. Disabling also deletes the operator's sessions.
	UpdateOperator(ctx context.Context, op switchboard.Operator) error
	// ListTokens lists a workspace's API tokens (revoked ones included,
	// with RevokedAt) by creation; Hash is filled but callers never show it.
	ListTokens(ctx context.Context, ws switchboard.WorkspaceID) ([]Token, error)
	// RevokeToken marks a token revoked at at (TokenByHash no longer finds
	// it); ErrNotFound when it is not in the workspace or already revoked.
	RevokeToken(ctx context.Context, ws switchboard.WorkspaceID, id string, at time.Time) error

	// GetOperatorSettings returns an operator's console settings, or
	// switchboard.DefaultOperatorSettings when none were saved.
	GetOperatorSettings(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) (switchboard.OperatorSettings, error)
	// PutOperatorSettings replaces them; ErrNotFound when the operator is not
	// in the workspace.
	PutOperatorSettings(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, set switchboard.OperatorSettings) error

	// CreateTemplate stores a saved reply (Parts as JSON). ErrConflict when
	// a reply of the same scope and owner (shared ones: the workspace) has
	// the same non-empty shortcut.
	CreateTemplate(ctx context.Context, t switchboard.CannedResponse) error
	// GetTemplate finds a saved reply of the workspace (whoever owns it: the
	// caller checks who may see it).
	GetTemplate(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CannedResponseID) (switchboard.CannedResponse, error)
	// ListTemplates lists the workspace's shared replies and owner's
	// personal ones (never another operator's), by name then id.
	ListTemplates(ctx context.Context, ws switchboard.WorkspaceID, owner switchboard.OperatorID) ([]switchboard.CannedResponse, error)
	// UpdateTemplate replaces name, shortcut, text, parts and updated_at of
	// a stored reply (scope and owner stay). ErrNotFound, ErrConflict as above.
	UpdateTemplate(ctx context.Context, t switchboard.CannedResponse) error
	// DeleteTemplate removes a reply; ErrNotFound when it is not in the workspace.
	DeleteTemplate(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.CannedResponseID) error

	// LastOutgoing returns the newest outgoing (direction out) message of a
	// conversation, or ErrNotFound. The hub reads it to map a customer's
	// "2" back to the second of the numbered options it last sent.
	LastOutgoing(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Message, error)

	// AddMediaRef records that a conversation's message carries media id,
	// so that who may see the conversation may fetch the media. Adding it
	// again is a no-op.
	AddMediaRef(ctx context.Context, ws switchboard.WorkspaceID, mediaID string, conv switchboard.ConversationID) error
	// MediaConversations lists the conversations of ws that reference media id.
	MediaConversations(ctx context.Context, ws switchboard.WorkspaceID, mediaID string) ([]switchboard.ConversationID, error)

	// TakeSendSlot paces sends under key (a channel) at one per interval for
	// every caller of the install (all hub instances together): it reserves
	// the first free slot at or after now, the previous slot plus interval,
	// and returns how long the caller waits before sending (0: at once).
	// Concurrent callers get distinct slots. interval <= 0 reserves nothing
	// and returns 0.
	TakeSendSlot(ctx context.Context, key string, interval time.Duration, now time.Time) (time.Duration, error)

	// --- customers (issue 13) ---

	// UpdateVisitorContext records what a site-chat visitor's widget and
	// requests tell about them. In ONE transaction it finds the contact
	// known on channel as visitor, creating it (id newContact, its identity,
	// no conversation) when there is none; calls update with the contact's
	// stored context (zero value when none) and stores what update returns
	// on the contact and, when the contact has a conversation on the
	// channel, on its latest one; and writes the entries outboxFor returns
	// for the contact and that conversation as changed (conversation nil
	// when there is none; Contact filled in it). update and outboxFor must
	// not block or touch the store.
	UpdateVisitorContext(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, visitor switchboard.ExternalID, newContact switchboard.ContactID, update func(switchboard.CustomerContext) switchboard.CustomerContext, outboxFor func(switchboard.Contact, *switchboard.Conversation) []OutboxEntry) (switchboard.Contact, *switchboard.Conversation, error)
	// FindIdentityContact returns the contact known on channel as sender
	// (with identities), or ErrNotFound.
	FindIdentityContact(ctx context.Context, channel switchboard.ChannelID, sender switchboard.ExternalID) (switchboard.Contact, error)
	// UpdateContact applies the set fields of u to a contact and writes the
	// entries outboxFor returns for it as changed, in ONE transaction, and
	// returns it. ErrNotFound when it is not in the workspace (or erased).
	UpdateContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID, u ContactUpdate, outboxFor func(switchboard.Contact) []OutboxEntry) (switchboard.Contact, error)
	// SearchContacts finds a workspace's contacts (not erased) whose name,
	// e-mail, phone or external ref contains q (case-insensitive), most
	// recently updated first, at most limit. Empty q lists the latest.
	SearchContacts(ctx context.Context, ws switchboard.WorkspaceID, q string, limit int) ([]switchboard.Contact, error)
	// VerifiedContacts lists the workspace's contacts, other than except,
	// whose verified e-mail equals email or verified phone equals phone
	// (an empty argument matches nothing; e-mail compared
	// case-insensitively). The hub merges them into one.
	VerifiedContacts(ctx context.Context, ws switchboard.WorkspaceID, email, phone string, except switchboard.ContactID) ([]switchboard.Contact, error)
	// MergeContacts makes from part of into, in ONE transaction: from's
	// identities and conversations move to into; into's empty profile
	// fields, verified flags and external ref are filled from from;
	// attributes are united (into's value wins) and labels united; the
	// newer context is kept; from is deleted. It writes the entries
	// outboxFor returns for into as merged and returns it. ErrNotFound when
	// either is not in the workspace; ErrConflict when into == from.
	MergeContacts(ctx context.Context, ws switchboard.WorkspaceID, into, from switchboard.ContactID, outboxFor func(switchboard.Contact) []OutboxEntry) (switchboard.Contact, error)
	// ContactConversations lists a contact's conversations (every channel),
	// newest activity first, at most limit, Contact not filled.
	ContactConversations(ctx context.Context, ws switchboard.WorkspaceID, contact switchboard.ContactID, limit int) ([]switchboard.Conversation, error)
	// EraseContact forgets a customer on request, in ONE transaction:
	// the contact's profile, external ref, attributes, labels and context
	// are emptied and ErasedAt set (the row stays, named by nothing); its
	// identities are deleted; in its conversations every customer message
	// loses its parts (as DeleteMessage: deleted_at set, search index and
	// media gone) and its external id (replaced by "erased:<message id>"),
	// every other message has each of scrub replaced by "[erased]" in its
	// text (search index updated), conversation contexts and last messages
	// are cleared (last message scrubbed), and outbox rows already done
	// that name the conversations or the contact are deleted. scrub holds
	// the strings that name the customer (name, e-mail, phone, external
	// ids), made by the caller. It writes the entries outboxFor returns for
	// each conversation as anonymised. ErrNotFound when the contact is not
	// in the workspace.
	EraseContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID, scrub []string, at time.Time, outboxFor func(switchboard.Conversation) []OutboxEntry) (EraseResult, error)
	// PurgeVisitorContext empties the context of the workspace's contacts
	// and conversations whose context was last seen before before (the
	// retention period) and returns how many contacts it emptied.
	PurgeVisitorContext(ctx context.Context, ws switchboard.WorkspaceID, before time.Time) (int, error)
	// GetWorkspaceSettings returns a workspace's privacy settings, or
	// switchboard.DefaultWorkspaceSettings when none were saved;
	// PutWorkspaceSettings replaces them. ListWorkspaces lists every
	// workspace (the retention sweep walks them).
	GetWorkspaceSettings(ctx context.Context, ws switchboard.WorkspaceID) (switchboard.WorkspaceSettings, error)
	PutWorkspaceSettings(ctx context.Context, ws switchboard.WorkspaceID, set switchboard.WorkspaceSettings) error
	ListWorkspaces(ctx context.Context) ([]switchboard.Workspace, error)
	// MarkMessagesRead raises to read the status of the conversation's
	// outgoing messages created at or before the message upTo (a visitor
	// read them), writing outboxFor's entries for each message changed, and
	// returns those messages. ErrNotFound when upTo is not an outgoing or
	// incoming message of the conversation.
	MarkMessagesRead(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, upTo switchboard.MessageID, outboxFor func(switchboard.Message) []OutboxEntry) ([]switchboard.Message, error)
}

// ContactUpdate names the contact fields to change; nil fields stay.
type ContactUpdate struct {
	Name, Email, Phone, AvatarURL, Language *string
	EmailVerified, PhoneVerified            *bool
	ExternalRef                             *string
	// Attributes and Labels replace the contact's (callers normalise
	// labels: sorted, unique).
	Attributes map[string]string
	Labels     []string
	// MergeAttributes, when set, are added to the contact's attributes
	// (replacing the same keys) instead of replacing them all.
	MergeAttributes map[string]string
}

// EraseResult tells what EraseContact changed.
type EraseResult struct {
	Conversations []switchboard.ConversationID
	Messages      int
	// MediaIDs are the media rows deleted (SQLite removes their files).
	MediaIDs []string
}

// Channel is a configured channel as stored. Config holds the connector's own
// keys as JSON; secret values in it are sealed by the caller before storage.
type Channel struct {
	ID          switchboard.ChannelID   `json:"id"`
	WorkspaceID switchboard.WorkspaceID `json:"workspace_id"`
	Type        string                  `json:"type"`
	Name        string                  `json:"name"`
	Config      json.RawMessage         `json:"config"`
	Paused      bool                    `json:"paused"`
	CreatedAt   time.Time               `json:"created_at"`
	UpdatedAt   time.Time               `json:"updated_at"`
}

// AcceptItem is one normalised event to store, with the ids the hub chose
// for what it may create and the outbox entries to write if it is new.
type AcceptItem struct {
	WorkspaceID switchboard.WorkspaceID
	ChannelType string
	Inbound     switchboard.Inbound
	// MessageID is the id the message gets if it is new.
	MessageID switchboard.MessageID
	// ContactID and ConversationID are used if the contact or the
	// conversation has to be created.
	ContactID      switchboard.ContactID
	ConversationID switchboard.ConversationID
	// DepartmentID is the department of a newly created conversation (may
	// be empty: the router assigns one later).
	DepartmentID switchboard.DepartmentID
	// Outbox is written in the same transaction only when the item is not a
	// duplicate (and, for status, only when the status changed).
	Outbox []OutboxEntry
	// OutboxFor, when set, is called inside the transaction once a message
	// or echo item was stored, or a status item changed a message (never
	// for duplicates), with its result, Conversation snapshot (messages and
	// echoes) or changed Messages (watermarks) included; the entries it
	// returns are written after Outbox.
	// It lets the hub announce a message without reading it back. It must
	// not block or touch the store.
	OutboxFor func(AcceptResult) []OutboxEntry
	// Claim, when positive, writes the item's outbox rows already leased
	// for that long (ClaimOutbox skips them meanwhile) and returns them,
	// with their ids, in AcceptResult.Outbox: a relay in this process
	// publishes them at once instead of claiming them first.
	Claim time.Duration
}

// AcceptResult says what Accept did with one item.
type AcceptResult struct {
	// Duplicate is true when the event was already stored (or, for a
	// receipt, changed nothing); then the ids below are those of the
	// existing records where known.
	Duplicate       bool
	MessageID       switchboard.MessageID
	ConversationID  switchboard.ConversationID
	ContactID       switchboard.ContactID
	NewConversation bool
	NewContact      bool
	// Conversation is, for a stored message item, the conversation as the
	// item left it (id, workspace, channel, channel type, contact id,
	// department, assignee, status, unread count, last message, last
	// activity, created at; Contact not filled). Nil otherwise.
	Conversation *switchboard.Conversation
	// Outbox holds the rows written for the item when AcceptItem.Claim was
	// set (already leased to the caller).
	Outbox []OutboxRow
	// Messages are, for a watermark status item, the messages it raised
	// as stored after the change.
	Messages []switchboard.Message
}

// OutboxEntry is a message to publish on a topic once the transaction that
// wrote it has committed. Key is an idempotency key for consumers (usually
// the message id).
type OutboxEntry struct {
	Topic   string
	Key     string
	Payload []byte
	// Value is Payload already decoded, for a handler in the same process
	// (see router.localValues). It is never stored: rows read back from
	// the store have none, and a handler decodes Payload instead.
	Value any
}

// OutboxRow is a stored outbox entry.
type OutboxRow struct {
	ID int64
	OutboxEntry
	CreatedAt time.Time
	// Attempts counts how often the row was claimed before.
	Attempts int
}

// ConversationQuery selects conversations. Zero values mean "any".
type ConversationQuery struct {
	// DepartmentIDs, when Restrict is true, limits the result to
	// conversations in these departments (an empty list then matches
	// nothing): how operators see only their departments.
	DepartmentIDs []switchboard.DepartmentID
	Restrict      bool
	Status        switchboard.ConversationStatus
	ChannelID     switchboard.ChannelID
	AssigneeID    switchboard.OperatorID
	// Unassigned selects conversations nobody is assigned to (AssigneeID
	// is then ignored).
	Unassigned bool
	// DepartmentID selects one department (within Restrict's).
	DepartmentID switchboard.DepartmentID
	// Unread selects conversations that read as unread.
	Unread bool
	// Label selects conversations carrying that label.
	Label string
	// Contact selects conversations whose contact's name, e-mail or phone
	// contains it (case-insensitive; the search box's "conversations and
	// contacts" part).
	Contact string
	// Limit is clamped to 1..200 (0 means 50).
	Limit  int
	Cursor string
}

// ConversationUpdate is a change to a conversation; nil fields stay.
type ConversationUpdate struct {
	Status       *switchboard.ConversationStatus
	AssigneeID   *switchboard.OperatorID
	DepartmentID *switchboard.DepartmentID
	Labels       *[]string
	Unread       *bool
}

// Empty reports whether u changes nothing.
func (u ConversationUpdate) Empty() bool {
	return u.Status == nil && u.AssigneeID == nil && u.DepartmentID == nil && u.Labels == nil && u.Unread == nil
}

// ConversationPage is one page; Next is empty on the last page.
type ConversationPage struct {
	Items []switchboard.Conversation
	Next  string
}

// MessageQuery pages a conversation's messages.
type MessageQuery struct {
	// Limit is clamped to 1..500 (0 means 100).
	Limit  int
	Cursor string
}

// MessagePage is one page; Next is empty on the last page.
type MessagePage struct {
	Items []switchboard.Message
	Next  string
}

// DeliveryTarget is where the outbound handler sends a conversation's
// replies.
type DeliveryTarget struct {
	WorkspaceID    switchboard.WorkspaceID
	ConversationID switchboard.ConversationID
	ChannelID      switchboard.ChannelID
	ChannelType    string
	Recipient      switchboard.ExternalID
	OptedOut       bool
	ThreadRef      string
	// CustomerLastAt is when the customer last wrote into the
	// conversation (nil when never).
	CustomerLastAt *time.Time
}

// StatusUpdate is a delivery outcome for UpdateMessageStatus.
type StatusUpdate struct {
	Status     switchboard.DeliveryStatus
	Reason     string
	ExternalID switchboard.ExternalID
}

// Token is an API token. Hash is the hex SHA-256 of the secret; the secret is
// shown once, at creation, and never stored.
type Token struct {
	ID          string
	WorkspaceID switchboard.WorkspaceID
	Name        string
	Role        switchboard.Role
	Hash        string
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// Session is an operator's browser session. Hash is the hex SHA-256 of the
// cookie's secret; CSRF is the token the console echoes in a header.
type Session struct {
	Hash        string
	OperatorID  switchboard.OperatorID
	WorkspaceID switchboard.WorkspaceID
	CSRF        string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// ThreadLink ties a conversation to a thread in a mirror such as a Slack
// channel.
type ThreadLink struct {
	WorkspaceID    switchboard.WorkspaceID
	Mirror         string
	ThreadRef      string
	ConversationID switchboard.ConversationID
	CreatedAt      time.Time
}

// Media is stored media content.
type Media struct {
	ID          string
	WorkspaceID switchboard.WorkspaceID
	ContentType string
	Body        []byte
	// UploaderID is the operator who uploaded it (empty for media fetched
	// from a provider); Filename is the name it was uploaded under.
	UploaderID switchboard.OperatorID
	Filename   string
	CreatedAt  time.Time
}
