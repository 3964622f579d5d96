package router

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// RecordVisit stores what a site-chat visitor's widget reports (the page
// they are on, their browser and place: update folds it into the stored
// context) on their contact, creating the contact on a first visit, and
// on their latest conversation of the channel. It announces the change
// through the outbox in the same transaction: conversation.updated (with
// contact and context) to the conversation's department when there is a
// conversation, contact.updated otherwise. update must not block.
func (h *Hub) RecordVisit(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, visitor switchboard.ExternalID, update func(switchboard.CustomerContext) switchboard.CustomerContext) (switchboard.Contact, *switchboard.Conversation, error) {
	at := h.now()
	contact, conv, err := h.store.UpdateVisitorContext(ctx, ws, channel, visitor, switchboard.ContactID(switchboard.NewID("ct")), update,
		func(c switchboard.Contact, conv *switchboard.Conversation) []store.OutboxEntry {
			if conv != nil {
				return []store.OutboxEntry{eventEntry(switchboard.Event{Type: switchboard.EventConversationUpdated, WorkspaceID: ws,
					ConversationID: conv.ID, DepartmentID: conv.DepartmentID, Conversation: conv, At: at})}
			}
			return []store.OutboxEntry{eventEntry(switchboard.Event{Type: switchboard.EventContactUpdated, WorkspaceID: ws, Contact: &c, At: at})}
		})
	if err != nil {
		return contact, nil, fmt.Errorf("record visit: %w", err)
	}
	h.relay.Kick()
	return contact, conv, nil
}

// contactUpdated announces a changed contact to each department that has
// one of its conversations (and, with no department, to those who see
// every department).
func contactUpdated(ws switchboard.WorkspaceID, depts []switchboard.DepartmentID, at func() switchboard.Event) func(switchboard.Contact) []store.OutboxEntry {
	return func(c switchboard.Contact) []store.OutboxEntry {
		if len(depts) == 0 {
			depts = []switchboard.DepartmentID{""}
		}
		out := make([]store.OutboxEntry, 0, len(depts))
		for _, d := range depts {
			ev := at()
			ev.Type, ev.WorkspaceID, ev.DepartmentID, ev.Contact = switchboard.EventContactUpdated, ws, d, &c
			out = append(out, eventEntry(ev))
		}
		return out
	}
}

// UpdateContact applies an operator's (or an identify call's) change to a
// contact and announces contact.updated to depts (the departments of its
// conversations) in the same transaction.
func (h *Hub) UpdateContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID, u store.ContactUpdate, depts []switchboard.DepartmentID) (switchboard.Contact, error) {
	at := h.now()
	c, err := h.store.UpdateContact(ctx, ws, id, u, contactUpdated(ws, depts, func() switchboard.Event { return switchboard.Event{At: at} }))
	if err != nil {
		return c, fmt.Errorf("update contact: %w", err)
	}
	h.relay.Kick()
	return c, nil
}

// MergeContacts makes from part of into (identities, conversations,
// profile gaps) and announces contact.updated to depts.
func (h *Hub) MergeContacts(ctx context.Context, ws switchboard.WorkspaceID, into, from switchboard.ContactID, depts []switchboard.DepartmentID) (switchboard.Contact, error) {
	at := h.now()
	c, err := h.store.MergeContacts(ctx, ws, into, from, contactUpdated(ws, depts, func() switchboard.Event { return switchboard.Event{At: at} }))
	if err != nil {
		return c, fmt.Errorf("merge contacts: %w", err)
	}
	h.relay.Kick()
	return c, nil
}

// EraseContact forgets a customer (see store.EraseContact; scrub names
// them) and announces each anonymised conversation.
func (h *Hub) EraseContact(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ContactID, scrub []string) (store.EraseResult, error) {
	at := h.now()
	res, err := h.store.EraseContact(ctx, ws, id, scrub, at, func(c switchboard.Conversation) []store.OutboxEntry {
		return []store.OutboxEntry{eventEntry(switchboard.Event{Type: switchboard.EventConversationUpdated, WorkspaceID: ws,
			ConversationID: c.ID, DepartmentID: c.DepartmentID, Conversation: &c, At: at})}
	})
	if err != nil {
		return res, fmt.Errorf("erase contact: %w", err)
	}
	h.relay.Kick()
	return res, nil
}

// MarkRead records that the customer saw the business's messages of conv
// up to upTo: their status becomes read and each change is announced as
// message.updated (the operators' delivery marks).
func (h *Hub) MarkRead(ctx context.Context, conv switchboard.Conversation, upTo switchboard.MessageID) ([]switchboard.Message, error) {
	msgs, err := h.store.MarkMessagesRead(ctx, conv.WorkspaceID, conv.ID, upTo, h.messageUpdated(conv))
	if err != nil {
		return nil, fmt.Errorf("mark read: %w", err)
	}
	if len(msgs) > 0 {
		h.relay.Kick()
	}
	return msgs, nil
}

// purgeVisitorData empties the visitor context that each workspace's
// retention period (WorkspaceSettings.VisitorRetentionDays) has run out
// for, and returns how many contacts it emptied. The relay's pruner calls
// it; it is idempotent, so every instance may.
func purgeVisitorData(ctx context.Context, st store.Store, now time.Time) (int, error) {
	wss, err := st.ListWorkspaces(ctx)
	if err != nil {
		return 0, fmt.Errorf("list workspaces: %w", err)
	}
	total := 0
	for _, ws := range wss {
		set, err := st.GetWorkspaceSettings(ctx, ws.ID)
		if err != nil {
			return total, fmt.Errorf("settings of %s: %w", ws.ID, err)
		}
		if set.VisitorRetentionDays <= 0 {
			continue
		}
		n, err := st.PurgeVisitorContext(ctx, ws.ID, now.Add(-time.Duration(set.VisitorRetentionDays)*24*time.Hour))
		if err != nil {
			return total, fmt.Errorf("purge visitor data of %s: %w", ws.ID, err)
		}
		total += n
	}
	return total, nil
}
