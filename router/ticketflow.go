package router

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// A ticket's status follows its conversation: the event hook "tickets"
// (Router.OnEvent, one instance per event, again after a failure) hears
// committed events and moves the ticket. A customer's message makes it
// open (a resolved ticket is reopened: ResolvedAt cleared); an operator's
// reply (direction out with an author: not a note, an activity entry or
// an automatic answer) makes it waiting and sets FirstRepliedAt once; the
// conversation resolved resolves it. Each change writes ticket.updated
// through the outbox. Redelivered and late events change nothing: a
// change only applies when the ticket is not already there and the event
// is newer than what moved it last.

// HandleTicketEvent moves the ticket of ev's conversation as ev says
// (see above). It is idempotent; conversations that are no tickets cost
// one read.
func (h *Hub) HandleTicketEvent(ctx context.Context, ev switchboard.Event) error {
	switch ev.Type {
	case switchboard.EventMessageCreated:
		if ev.Message == nil {
			return nil
		}
		return h.ticketMessage(ctx, *ev.Message)
	case switchboard.EventConversationUpdated:
		if ev.Conversation == nil {
			return nil
		}
		return h.ticketConversation(ctx, *ev.Conversation, ev.At)
	}
	return nil
}

// ticketOf returns the ticket of a conversation; ok is false when it is
// none.
func (h *Hub) ticketOf(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Ticket, bool, error) {
	t, err := h.store.GetTicket(ctx, ws, conv)
	if errors.Is(err, store.ErrNotFound) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("ticket of %s: %w", conv, err)
	}
	return t, true, nil
}

func (h *Hub) ticketMessage(ctx context.Context, m switchboard.Message) error {
	customer := m.Direction == switchboard.DirectionIn
	reply := m.Direction == switchboard.DirectionOut && m.AuthorID != ""
	if !customer && !reply {
		return nil
	}
	t, ok, err := h.ticketOf(ctx, m.WorkspaceID, m.ConversationID)
	if err != nil || !ok || t.MergedInto != "" {
		return err
	}
	if customer {
		if t.Status == switchboard.TicketOpen && t.ResolvedAt == nil {
			return nil
		}
		// A message older than the team's last reply or the resolution
		// (a late redelivery) does not reopen the ticket.
		if t.ResolvedAt != nil && t.ResolvedAt.After(m.CreatedAt) {
			return nil
		}
		if last, err := h.store.LastOutgoing(ctx, m.WorkspaceID, m.ConversationID); err == nil && last.AuthorID != "" && last.CreatedAt.After(m.CreatedAt) {
			return nil
		}
		open := switchboard.TicketOpen
		_, err := h.updateTicket(ctx, t, store.TicketUpdate{Status: &open, ClearResolved: true}, "customer_message")
		return err
	}
	var u store.TicketUpdate
	if t.FirstRepliedAt == nil {
		at := m.CreatedAt
		u.FirstRepliedAt = &at
	}
	// A reply older than the ticket's last change (a customer wrote since,
	// or it is a redelivery) leaves the status alone.
	if t.Status == switchboard.TicketOpen && !m.CreatedAt.Before(t.UpdatedAt) {
		waiting := switchboard.TicketWaiting
		u.Status = &waiting
	}
	if u.FirstRepliedAt == nil && u.Status == nil {
		return nil
	}
	_, err = h.updateTicket(ctx, t, u, "operator_reply")
	return err
}

func (h *Hub) ticketConversation(ctx context.Context, conv switchboard.Conversation, at time.Time) error {
	t, ok, err := h.ticketOf(ctx, conv.WorkspaceID, conv.ID)
	if err != nil || !ok {
		return err
	}
	if at.Before(t.UpdatedAt) {
		return nil // an older change; the ticket moved since
	}
	switch {
	case conv.Status == switchboard.ConversationResolved && t.Status != switchboard.TicketResolved:
		resolved := switchboard.TicketResolved
		when := at
		if when.IsZero() {
			when = h.now()
		}
		_, err = h.updateTicket(ctx, t, store.TicketUpdate{Status: &resolved, ResolvedAt: &when}, "resolved")
	case conv.Status == switchboard.ConversationOpen && t.Status == switchboard.TicketResolved && t.MergedInto == "":
		open := switchboard.TicketOpen
		_, err = h.updateTicket(ctx, t, store.TicketUpdate{Status: &open, ClearResolved: true}, "reopened")
	}
	return err
}

// breachBatch is the most breaches one claim takes.
const breachBatch = 100

// SweepTicketBreaches records the SLA targets tickets missed by now and
// announces each as ticket.breached (Reason "first_reply" or
// "resolution"), through the outbox in the claiming transaction. Several
// instances may sweep at once: the store claims each breach once.
func (h *Hub) SweepTicketBreaches(ctx context.Context) error {
	for ctx.Err() == nil {
		now := h.now()
		got, err := h.store.ClaimTicketBreaches(ctx, now, breachBatch, func(b store.TicketBreach) []store.OutboxEntry {
			t := b.Ticket
			ev := switchboard.Event{
				ID:   switchboard.EventID("ev_breach_" + string(t.ConversationID) + "_" + b.Kind),
				Type: switchboard.EventTicketBreached, WorkspaceID: t.WorkspaceID, ConversationID: t.ConversationID,
				Ticket: &t, Reason: b.Kind, At: now,
			}
			if t.Conversation != nil {
				c := *t.Conversation
				ev.DepartmentID, ev.Conversation = c.DepartmentID, &c
			}
			return []store.OutboxEntry{eventEntry(ev)}
		})
		if err != nil {
			return fmt.Errorf("claim ticket breaches: %w", err)
		}
		if len(got) > 0 {
			h.relay.Kick()
			h.log.InfoContext(ctx, "ticket SLA breaches recorded", "count", len(got))
		}
		if len(got) < breachBatch {
			return nil
		}
	}
	return ctx.Err()
}

// sweepTicketBreaches runs SweepTicketBreaches every interval until ctx
// is done.
func (h *Hub) sweepTicketBreaches(ctx context.Context, interval time.Duration) {
	repeat(ctx, interval, h.log, "ticket breach sweep failed", h.SweepTicketBreaches)
}
