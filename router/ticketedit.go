package router

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// maxFieldText is the longest value of a text field.
const maxFieldText = 2000

// ValidateTicketFields checks values against the workspace's ticket
// fields and returns the values a ticket holds after the change: current
// (nil for a new ticket) with values set, a null value removing its key.
// Unknown keys, values of the wrong type, select values that are not an
// option and malformed dates are a *ValidationError naming the field
// ("fields.<key>"). Numbers are float64, dates "2006-01-02" strings.
func (h *Hub) ValidateTicketFields(ctx context.Context, ws switchboard.WorkspaceID, current, values map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range current {
		out[k] = v
	}
	if len(values) == 0 {
		return out, nil
	}
	defs, err := h.store.ListTicketFields(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("ticket fields: %w", err)
	}
	byKey := map[string]switchboard.TicketField{}
	keys := make([]string, 0, len(defs))
	for _, d := range defs {
		byKey[d.Key] = d
		keys = append(keys, d.Key)
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := values[k]
		def, ok := byKey[k]
		if !ok {
			known := "the workspace has no ticket fields"
			if len(keys) > 0 {
				known = "known fields: " + strings.Join(keys, ", ")
			}
			return nil, &ValidationError{Field: "fields." + k, Message: "no such ticket field (" + known + ")"}
		}
		if v == nil {
			delete(out, k)
			continue
		}
		val, msg := fieldValue(def, v)
		if msg != "" {
			return nil, &ValidationError{Field: "fields." + k, Message: msg}
		}
		out[k] = val
	}
	return out, nil
}

// fieldValue converts v for field def; msg says what is wrong with it.
func fieldValue(def switchboard.TicketField, v any) (any, string) {
	switch def.Type {
	case switchboard.TicketFieldText:
		s, ok := v.(string)
		if !ok {
			return nil, "must be text"
		}
		if utf8.RuneCountInString(s) > maxFieldText {
			return nil, fmt.Sprintf("longer than %d characters", maxFieldText)
		}
		return strings.TrimSpace(s), ""
	case switchboard.TicketFieldNumber:
		var f float64
		switch n := v.(type) {
		case float64:
			f = n
		case int:
			f = float64(n)
		case int64:
			f = float64(n)
		default:
			return nil, "must be a number"
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "must be a finite number"
		}
		return f, ""
	case switchboard.TicketFieldSelect:
		s, ok := v.(string)
		if !ok || !slices.Contains(def.Options, s) {
			return nil, fmt.Sprintf("must be one of %s", strings.Join(def.Options, ", "))
		}
		return s, ""
	case switchboard.TicketFieldCheckbox:
		b, ok := v.(bool)
		if !ok {
			return nil, "must be true or false"
		}
		return b, ""
	case switchboard.TicketFieldDate:
		s, ok := v.(string)
		if !ok {
			return nil, `must be a date "2006-01-02"`
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, fmt.Sprintf(`%q is not a date "2006-01-02"`, s)
		}
		return s, ""
	}
	return nil, fmt.Sprintf("the field has an unknown type %q", def.Type)
}

// requiredFieldsSet is a *ValidationError naming the first required field
// of the workspace the ticket has no value for (a checkbox counts as set
// once it holds true or false; text must not be empty).
func (h *Hub) requiredFieldsSet(ctx context.Context, t switchboard.Ticket) error {
	defs, err := h.store.ListTicketFields(ctx, t.WorkspaceID)
	if err != nil {
		return fmt.Errorf("ticket fields: %w", err)
	}
	for _, d := range defs {
		if !d.Required {
			continue
		}
		v, ok := t.Fields[d.Key]
		if s, isText := v.(string); !ok || v == nil || (isText && strings.TrimSpace(s) == "") {
			return &ValidationError{Field: "fields." + d.Key, Message: fmt.Sprintf("required before the ticket is resolved: set %q", d.Label)}
		}
	}
	return nil
}

type skipFieldsKey struct{}

// resolvable is requiredFieldsSet for a conversation u resolves that is a
// ticket, unless ctx says the caller checked or need not (a merge, the
// customer closing their own ticket).
func (h *Hub) resolvable(ctx context.Context, conv switchboard.Conversation, u store.ConversationUpdate) error {
	if u.Status == nil || *u.Status != switchboard.ConversationResolved || conv.Status == switchboard.ConversationResolved || ctx.Value(skipFieldsKey{}) != nil {
		return nil
	}
	t, ok, err := h.ticketOf(ctx, conv.WorkspaceID, conv.ID)
	if err != nil || !ok || t.MergedInto != "" {
		return err
	}
	return h.requiredFieldsSet(ctx, t)
}

// fieldsChecked returns ctx telling UpdateConversation that the ticket's
// required fields need no check.
func fieldsChecked(ctx context.Context) context.Context {
	return context.WithValue(ctx, skipFieldsKey{}, true)
}

// TicketEdit is an operator's change to a ticket; nil fields stay.
type TicketEdit struct {
	Subject  *string
	Priority *switchboard.TicketPriority
	Status   *switchboard.TicketStatus
	// Fields are set (null removes one); others keep their values.
	Fields map[string]any
}

// EditTicket applies an operator's change: subject, priority (with a
// "priority_changed" entry in the history), custom field values
// (validated, see ValidateTicketFields) and status (see SetTicketStatus;
// applied last, so fields set in the same change count as set). Nothing
// is changed when any part is invalid. The actor is the one of ctx.
func (h *Hub) EditTicket(ctx context.Context, t switchboard.Ticket, e TicketEdit) (switchboard.Ticket, error) {
	var u store.TicketUpdate
	if e.Subject != nil {
		s, err := ticketSubject(*e.Subject, "")
		if err != nil {
			return t, err
		}
		if s != t.Subject {
			u.Subject = &s
		}
	}
	if e.Priority != nil {
		p := *e.Priority
		if !p.Valid() {
			return t, &ValidationError{Field: "priority", Message: fmt.Sprintf("%q is not one of low, normal, high, urgent", p)}
		}
		if p != t.Priority {
			u.Priority = &p
		}
	}
	if e.Fields != nil {
		f, err := h.ValidateTicketFields(ctx, t.WorkspaceID, t.Fields, e.Fields)
		if err != nil {
			return t, err
		}
		u.Fields = &f
	}
	if e.Status != nil {
		if !e.Status.Valid() {
			return t, &ValidationError{Field: "status", Message: fmt.Sprintf("%q is not one of open, waiting, resolved", *e.Status)}
		}
		if *e.Status == switchboard.TicketResolved && *e.Status != t.Status {
			check := t
			if u.Fields != nil {
				check.Fields = *u.Fields
			}
			if err := h.requiredFieldsSet(ctx, check); err != nil {
				return t, err
			}
		}
	}
	out := t
	if u.Subject != nil || u.Priority != nil || u.Fields != nil {
		var err error
		if out, err = h.updateTicket(ctx, t, u, "edited"); err != nil {
			return t, err
		}
		changed := editedParts(t, u)
		if u.Priority != nil || len(changed) > 0 {
			if conv, err := h.store.GetConversation(ctx, t.WorkspaceID, t.ConversationID); err == nil {
				if u.Priority != nil {
					h.ticketActivity(ctx, conv, switchboard.Activity{Kind: switchboard.ActivityPriorityChanged, Reason: string(*u.Priority)})
				}
				if len(changed) > 0 {
					h.ticketActivity(ctx, conv, switchboard.Activity{Kind: switchboard.ActivityTicketUpdated, Reason: strings.Join(changed, ", ")})
				}
			}
		}
	}
	if e.Status != nil {
		return h.SetTicketStatus(ctx, out, *e.Status, actorOf(ctx).ID)
	}
	return out, nil
}

// MergeTicket merges the duplicate src into dst: src is resolved (its
// conversation too; its required fields are not asked for), MergedInto
// set, and both histories get a "ticket_merged" entry ("#11 → #12"). It
// returns dst. A *ConflictError when they are the same ticket, or either
// was merged already.
func (h *Hub) MergeTicket(ctx context.Context, src, dst switchboard.Ticket) (switchboard.Ticket, error) {
	switch {
	case src.ConversationID == dst.ConversationID:
		return dst, &ConflictError{Code: "same_ticket", Message: "a ticket cannot be merged into itself"}
	case src.MergedInto != "":
		return dst, &ConflictError{Code: "already_merged", Message: fmt.Sprintf("ticket %s was merged already", ticketTag(src))}
	case dst.MergedInto != "":
		return dst, &ConflictError{Code: "merged_target", Message: fmt.Sprintf("ticket %s was merged into another; merge into that one", ticketTag(dst))}
	}
	srcConv, err := h.store.GetConversation(ctx, src.WorkspaceID, src.ConversationID)
	if err != nil {
		return dst, err
	}
	dstConv, err := h.store.GetConversation(ctx, dst.WorkspaceID, dst.ConversationID)
	if err != nil {
		return dst, err
	}
	now := h.now()
	resolved := switchboard.TicketResolved
	if _, err := h.updateTicket(ctx, src, store.TicketUpdate{MergedInto: &dst.ConversationID, Status: &resolved, ResolvedAt: &now}, "merged"); err != nil {
		return dst, err
	}
	if srcConv.Status != switchboard.ConversationResolved {
		st := switchboard.ConversationResolved
		if _, err := h.UpdateConversation(fieldsChecked(ctx), srcConv, store.ConversationUpdate{Status: &st}); err != nil {
			return dst, err
		}
	}
	note := ticketTag(src) + " → " + ticketTag(dst)
	h.ticketActivity(ctx, srcConv, switchboard.Activity{Kind: switchboard.ActivityTicketMerged, Reason: note})
	h.ticketActivity(ctx, dstConv, switchboard.Activity{Kind: switchboard.ActivityTicketMerged, Reason: note})
	return h.store.GetTicket(ctx, dst.WorkspaceID, dst.ConversationID)
}

// LinkTicket relates a and b (both ways; again is no error) with a
// "ticket_linked" entry in both histories, and returns a.
func (h *Hub) LinkTicket(ctx context.Context, a, b switchboard.Ticket) (switchboard.Ticket, error) {
	if a.ConversationID == b.ConversationID {
		return a, &ConflictError{Code: "same_ticket", Message: "a ticket cannot be linked to itself"}
	}
	if slices.Contains(a.Links, b.ConversationID) {
		return a, nil
	}
	if err := h.store.LinkTickets(ctx, a.WorkspaceID, a.ConversationID, b.ConversationID); err != nil {
		return a, fmt.Errorf("link tickets: %w", err)
	}
	h.linkActivity(ctx, a, b, switchboard.ActivityTicketLinked)
	if _, err := h.updateTicket(ctx, b, store.TicketUpdate{}, "linked"); err != nil {
		h.log.WarnContext(ctx, "linked ticket not announced", "ticket", b.ConversationID, "err", err)
	}
	return h.announceTicket(ctx, a, "linked")
}

// UnlinkTicket removes the relation of a and b (absent is no error) with
// a "ticket_unlinked" entry in both histories, and returns a.
func (h *Hub) UnlinkTicket(ctx context.Context, a, b switchboard.Ticket) (switchboard.Ticket, error) {
	if !slices.Contains(a.Links, b.ConversationID) {
		return a, nil
	}
	if err := h.store.UnlinkTickets(ctx, a.WorkspaceID, a.ConversationID, b.ConversationID); err != nil {
		return a, fmt.Errorf("unlink tickets: %w", err)
	}
	h.linkActivity(ctx, a, b, switchboard.ActivityTicketUnlinked)
	if _, err := h.updateTicket(ctx, b, store.TicketUpdate{}, "unlinked"); err != nil {
		h.log.WarnContext(ctx, "linked ticket not announced", "ticket", b.ConversationID, "err", err)
	}
	return h.announceTicket(ctx, a, "unlinked")
}

func (h *Hub) linkActivity(ctx context.Context, a, b switchboard.Ticket, kind switchboard.ActivityKind) {
	for _, pair := range [][2]switchboard.Ticket{{a, b}, {b, a}} {
		if conv, err := h.store.GetConversation(ctx, pair[0].WorkspaceID, pair[0].ConversationID); err == nil {
			h.ticketActivity(ctx, conv, switchboard.Activity{Kind: kind, Reason: ticketTag(pair[1])})
		}
	}
}

// announceTicket reads the ticket back and announces it as changed
// (ticket.updated), for changes the store writes without an outbox
// (links); both tickets' departments hear it through their own events.
func (h *Hub) announceTicket(ctx context.Context, t switchboard.Ticket, reason string) (switchboard.Ticket, error) {
	out, err := h.updateTicket(ctx, t, store.TicketUpdate{}, reason)
	if err != nil {
		return t, err
	}
	return h.store.GetTicket(ctx, out.WorkspaceID, out.ConversationID)
}

// editedParts names what u changes of t besides its priority: "subject"
// and the keys of the custom fields whose values differ, in key order.
func editedParts(t switchboard.Ticket, u store.TicketUpdate) []string {
	var out []string
	if u.Subject != nil && *u.Subject != t.Subject {
		out = append(out, "subject")
	}
	if u.Fields != nil {
		var keys []string
		for k, v := range *u.Fields {
			if old, ok := t.Fields[k]; !ok || !sameValue(old, v) {
				keys = append(keys, k)
			}
		}
		for k := range t.Fields {
			if _, ok := (*u.Fields)[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		out = append(out, keys...)
	}
	return out
}

// sameValue reports whether two field values are the same once written as
// JSON (a stored 3 and an edited 3.0 are one number).
func sameValue(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}
