package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

var errTicketsTODO = errors.New("tickets: not implemented yet")

// CreateTicket: see store.TicketStore.
func (s *Store) CreateTicket(ctx context.Context, t switchboard.Ticket, outboxFor func(switchboard.Ticket) []store.OutboxEntry) (switchboard.Ticket, error) {
	return switchboard.Ticket{}, errTicketsTODO
}

// OpenTicket: see store.TicketStore.
func (s *Store) OpenTicket(ctx context.Context, req store.OpenTicketRequest, outboxFor func(switchboard.Ticket, switchboard.Message) []store.OutboxEntry) (switchboard.Ticket, error) {
	return switchboard.Ticket{}, errTicketsTODO
}

// GetTicket: see store.TicketStore.
func (s *Store) GetTicket(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Ticket, error) {
	return switchboard.Ticket{}, errTicketsTODO
}

// GetTicketByNumber: see store.TicketStore.
func (s *Store) GetTicketByNumber(ctx context.Context, ws switchboard.WorkspaceID, number int64) (switchboard.Ticket, error) {
	return switchboard.Ticket{}, errTicketsTODO
}

// ListTickets: see store.TicketStore.
func (s *Store) ListTickets(ctx context.Context, ws switchboard.WorkspaceID, q store.TicketQuery) (store.TicketPage, error) {
	return store.TicketPage{}, errTicketsTODO
}

// UpdateTicket: see store.TicketStore.
func (s *Store) UpdateTicket(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID, u store.TicketUpdate, outboxFor func(switchboard.Ticket) []store.OutboxEntry) (switchboard.Ticket, error) {
	return switchboard.Ticket{}, errTicketsTODO
}

// LinkTickets: see store.TicketStore.
func (s *Store) LinkTickets(ctx context.Context, ws switchboard.WorkspaceID, a, b switchboard.ConversationID) error {
	return errTicketsTODO
}

// UnlinkTickets: see store.TicketStore.
func (s *Store) UnlinkTickets(ctx context.Context, ws switchboard.WorkspaceID, a, b switchboard.ConversationID) error {
	return errTicketsTODO
}

// ClaimTicketBreaches: see store.TicketStore.
func (s *Store) ClaimTicketBreaches(ctx context.Context, now time.Time, limit int, outboxFor func(store.TicketBreach) []store.OutboxEntry) ([]store.TicketBreach, error) {
	return nil, errTicketsTODO
}

// PutTicketField: see store.TicketStore.
func (s *Store) PutTicketField(ctx context.Context, f switchboard.TicketField) error {
	return errTicketsTODO
}

// DeleteTicketField: see store.TicketStore.
func (s *Store) DeleteTicketField(ctx context.Context, ws switchboard.WorkspaceID, key string) error {
	return errTicketsTODO
}

// ListTicketFields: see store.TicketStore.
func (s *Store) ListTicketFields(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.TicketField, error) {
	return nil, errTicketsTODO
}

// AddCustomerMessage: see store.TicketStore.
func (s *Store) AddCustomerMessage(ctx context.Context, msg switchboard.Message, outbox []store.OutboxEntry) error {
	return errTicketsTODO
}

// ContactsByAddress: see store.TicketStore.
func (s *Store) ContactsByAddress(ctx context.Context, ws switchboard.WorkspaceID, email, phone string) ([]switchboard.ContactID, error) {
	return nil, errTicketsTODO
}

var _ = time.Time{}
