package router

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// ErrProvider wraps an error of a provider call made for an operator's
// request (the console answers 502).
var ErrProvider = errors.New("the channel's provider refused the request")

// ConflictError is a request the hub refuses because of the record's
// state, not the input: the console answers 409 with Code.
type ConflictError struct {
	Code    string
	Message string
}

func (e *ConflictError) Error() string { return e.Message }

// UpdateConversation applies an operator's change to conv (status,
// assignment, department, labels, read state) and announces it as
// conversation.updated through the outbox, in the same transaction: every
// instance's streams hear it, after a crash too. When the department
// changes, the old department hears it as well (its operators drop the
// conversation). The caller has checked access and validated u.
//
// Resolving a ticket's conversation needs the ticket's required fields
// set (a *ValidationError naming the first missing one).
//
// A change of status, assignee or department is a routing change (see
// Hub.change): it writes activity entries naming the actor of ctx
// (WithActor), puts an unassigned open conversation in its department's
// queue (assigning it when someone can take it), and a resolved or
// reassigned conversation frees its former assignee, whose departments'
// queues are pulled.
//
// Reading a conversation with unread customer messages (Unread false)
// also sends the provider a read receipt where the channel takes one.
func (h *Hub) UpdateConversation(ctx context.Context, conv switchboard.Conversation, u store.ConversationUpdate) (switchboard.Conversation, error) {
	updated, err := h.updateConversationRouted(ctx, conv, u)
	if err == nil && u.Unread != nil && !*u.Unread && conv.UnreadCount > 0 {
		h.sendReadReceipt(conv)
	}
	return updated, err
}

func (h *Hub) updateConversationRouted(ctx context.Context, conv switchboard.Conversation, u store.ConversationUpdate) (switchboard.Conversation, error) {
	if err := h.resolvable(ctx, conv, u); err != nil {
		return switchboard.Conversation{}, err
	}
	c, ok, err := h.routingUpdate(ctx, conv, u)
	if err != nil {
		return switchboard.Conversation{}, fmt.Errorf("update conversation: %w", err)
	}
	if !ok {
		return h.updateConversation(ctx, conv, u)
	}
	res, err := h.change(ctx, conv.WorkspaceID, conv.ID, c)
	if err != nil {
		return switchboard.Conversation{}, fmt.Errorf("update conversation: %w", err)
	}
	updated := res.Conversation
	if rest := (store.ConversationUpdate{Labels: u.Labels, Unread: u.Unread}); !rest.Empty() {
		if updated, err = h.updateConversation(ctx, updated, rest); err != nil {
			return updated, err
		}
	}
	if updated.QueuedAt != nil {
		if d, err := h.store.GetDepartment(ctx, updated.WorkspaceID, updated.DepartmentID); err == nil {
			if got, err := h.assign(ctx, d, updated.ID); err == nil && got.Assigned {
				updated = got.Conversation
			}
		}
	}
	if conv.AssigneeID != "" && (updated.AssigneeID != conv.AssigneeID || updated.Status != switchboard.ConversationOpen) {
		h.freed(ctx, conv.WorkspaceID, conv.AssigneeID)
	}
	return updated, nil
}

// updateConversation writes u (labels, read state, or a change made
// before routing existed) with its conversation.updated events.
func (h *Hub) updateConversation(ctx context.Context, conv switchboard.Conversation, u store.ConversationUpdate) (switchboard.Conversation, error) {
	at := h.now()
	updated, err := h.store.UpdateConversation(ctx, conv.WorkspaceID, conv.ID, u, func(c switchboard.Conversation) []store.OutboxEntry {
		ev := switchboard.Event{
			Type: switchboard.EventConversationUpdated, WorkspaceID: c.WorkspaceID, ConversationID: c.ID,
			DepartmentID: c.DepartmentID, Conversation: &c, At: at,
		}
		entries := []store.OutboxEntry{eventEntry(ev)}
		if c.DepartmentID != conv.DepartmentID {
			ev.DepartmentID = conv.DepartmentID
			entries = append(entries, eventEntry(ev))
		}
		return entries
	})
	if err != nil {
		return switchboard.Conversation{}, fmt.Errorf("update conversation: %w", err)
	}
	h.relay.Kick()
	return updated, nil
}

// messageUpdated builds the outbox entry announcing a changed message.
func (h *Hub) messageUpdated(conv switchboard.Conversation) func(switchboard.Message) []store.OutboxEntry {
	at := h.now()
	return func(m switchboard.Message) []store.OutboxEntry {
		return []store.OutboxEntry{eventEntry(switchboard.Event{
			Type: switchboard.EventMessageUpdated, WorkspaceID: m.WorkspaceID, ConversationID: m.ConversationID,
			DepartmentID: conv.DepartmentID, Message: &m, Conversation: &conv, At: at,
		})}
	}
}

// Retract takes back a sent reply at the provider, through the channel
// connector's Retracter, then records retracted_at and announces
// message.updated (the visitor's widget drops the message). It answers a
// ConflictError "retract_unsupported" when the channel cannot (naming its
// type) and "not_sent" when the provider has nothing yet (pending, failed,
// a note, a customer's message). Retracting again returns the message.
func (h *Hub) Retract(ctx context.Context, conv switchboard.Conversation, id switchboard.MessageID) (switchboard.Message, error) {
	msg, err := h.store.GetMessage(ctx, conv.WorkspaceID, id)
	if err != nil {
		return msg, err
	}
	if msg.RetractedAt != nil {
		return msg, nil
	}
	if msg.DeletedAt != nil {
		return msg, &ConflictError{Code: "not_sent", Message: "the message was deleted from the hub; there is nothing to retract"}
	}
	if msg.Direction != switchboard.DirectionOut {
		return msg, &ConflictError{Code: "not_sent", Message: fmt.Sprintf("only replies sent to the customer can be retracted, not %s messages", directionName(msg.Direction))}
	}
	ch, ok := h.channels.Get(msg.ChannelID)
	if !ok {
		return msg, &ConflictError{Code: "retract_unsupported", Message: fmt.Sprintf("the channel %s is no longer configured", msg.ChannelID)}
	}
	rt, can := ch.Connector.(connectors.Retracter)
	if !can || !ch.Connector.Capabilities().Retract {
		return msg, &ConflictError{Code: "retract_unsupported", Message: fmt.Sprintf("%s channels cannot take back a sent message", ch.Type)}
	}
	if msg.Status == switchboard.StatusPending || msg.Status == switchboard.StatusFailed || msg.ExternalID == "" {
		return msg, &ConflictError{Code: "not_sent", Message: fmt.Sprintf("the message is %s: the channel has nothing to take back yet", msg.Status)}
	}
	target, err := h.store.DeliveryTarget(ctx, conv.ID)
	if err != nil {
		return msg, err
	}
	if err := rt.Retract(ctx, msg.ChannelID, target.Recipient, msg.ExternalID); err != nil {
		return msg, fmt.Errorf("%w: %w", ErrProvider, err)
	}
	updated, err := h.store.RetractMessage(ctx, conv.WorkspaceID, id, h.now(), h.messageUpdated(conv))
	if err != nil {
		return msg, fmt.Errorf("record retraction: %w", err)
	}
	h.relay.Kick()
	return updated, nil
}

func directionName(d switchboard.Direction) string {
	switch d {
	case switchboard.DirectionIn:
		return "customer"
	case switchboard.DirectionNote:
		return "note"
	}
	return string(d)
}

// DeleteMessage removes a message's content from the hub (parts, search
// index, media), keeps a marker naming who deleted it and announces
// message.updated. It does not retract at the provider. The caller has
// checked the role (admin or supervisor) and access to conv.
func (h *Hub) DeleteMessage(ctx context.Context, conv switchboard.Conversation, id switchboard.MessageID, by switchboard.OperatorID) (switchboard.Message, error) {
	msg, err := h.store.DeleteMessage(ctx, conv.WorkspaceID, id, by, h.now(), h.messageUpdated(conv))
	if err != nil {
		return msg, fmt.Errorf("delete message: %w", err)
	}
	h.relay.Kick()
	return msg, nil
}
