package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

var errTODO = errors.New("sqlite: customers not built yet")

func (s *Store) UpdateVisitorContext(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, visitor switchboard.ExternalID, newContact switchboard.ContactID, update func(switchboard.CustomerContext) switchboard.CustomerContext, outboxFor func(switchboard.Contact, *switchboard.Conversation) []store.OutboxEntry) (switchboard.Contact, *switchboard.Conversation, error) {
	return switchboard.Contact{}, nil, errTODO
}
func (s *Store) FindIdentityContact(ctx context.Context, channel switchboard.ChannelID, sender switchboard.ExternalID) (switchboard.Contact, error) {
	return switchboard.Contact{}, errTODO
}
func (s *Store) UpdateContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID, u store.ContactUpdate, outboxFor func(switchboard.Contact) []store.OutboxEntry) (switchboard.Contact, error) {
	return switchboard.Contact{}, errTODO
}
func (s *Store) SearchContacts(ctx context.Context, ws switchboard.WorkspaceID, q string, limit int) ([]switchboard.Contact, error) {
	return nil, errTODO
}
func (s *Store) VerifiedContacts(ctx context.Context, ws switchboard.WorkspaceID, email, phone string, except switchboard.ContactID) ([]switchboard.Contact, error) {
	return nil, errTODO
}
func (s *Store) MergeContacts(ctx context.Context, ws switchboard.WorkspaceID, into, from switchboard.ContactID, outboxFor func(switchboard.Contact) []store.OutboxEntry) (switchboard.Contact, error) {
	return switchboard.Contact{}, errTODO
}
func (s *Store) ContactConversations(ctx context.Context, ws switchboard.WorkspaceID, contact switchboard.ContactID, limit int) ([]switchboard.Conversation, error) {
	return nil, errTODO
}
func (s *Store) EraseContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID, scrub []string, at time.Time, outboxFor func(switchboard.Conversation) []store.OutboxEntry) (store.EraseResult, error) {
	return store.EraseResult{}, errTODO
}
func (s *Store) PurgeVisitorContext(ctx context.Context, ws switchboard.WorkspaceID, before time.Time) (int, error) {
	return 0, errTODO
}
func (s *Store) GetWorkspaceSettings(ctx context.Context, ws switchboard.WorkspaceID) (switchboard.WorkspaceSettings, error) {
	return switchboard.DefaultWorkspaceSettings(), nil
}
func (s *Store) PutWorkspaceSettings(ctx context.Context, ws switchboard.WorkspaceID, set switchboard.WorkspaceSettings) error {
	return errTODO
}
func (s *Store) ListWorkspaces(ctx context.Context) ([]switchboard.Workspace, error) {
	return nil, errTODO
}
func (s *Store) MarkMessagesRead(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, upTo switchboard.MessageID, outboxFor func(switchboard.Message) []store.OutboxEntry) ([]switchboard.Message, error) {
	return nil, errTODO
}
