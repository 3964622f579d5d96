package router

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router/hours"
	"github.com/switchboardhq/switchboard/router/rules"
	"github.com/switchboardhq/switchboard/store"
)

// Routing (issue 14): a new conversation goes where the first matching
// rule sends it (else the default department), then to an online member of
// that department under their limit, else into its queue. Every change of
// where a conversation is or who holds it is one store transaction that
// also writes an activity entry and the events announcing it; the store
// serialises those transactions per workspace, so several hubs never
// assign one conversation twice.

// Actor is who asks for a change (an operator); the zero Actor is the hub.
type Actor struct {
	ID   switchboard.OperatorID
	Name string
}

type actorKey struct{}

// WithActor returns ctx carrying who asks for the changes made with it
// (activity entries name them).
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

func actorOf(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// maxPulls bounds how many queued conversations one freed operator or
// opened department takes in one go.
const maxPulls = 50

// routingEvents announces a routing change: the conversation (to the old
// department too when it moved), each activity entry, and the queues that
// changed.
func routingEvents(res store.RoutingResult, at switchboard.Conversation) []store.OutboxEntry {
	c, before := res.Conversation, res.Before
	ev := switchboard.Event{
		Type: switchboard.EventConversationUpdated, WorkspaceID: c.WorkspaceID, ConversationID: c.ID,
		DepartmentID: c.DepartmentID, Conversation: &c, At: at.LastActivityAt,
	}
	entries := []store.OutboxEntry{eventEntry(ev)}
	if before.DepartmentID != "" && before.DepartmentID != c.DepartmentID {
		ev.DepartmentID = before.DepartmentID
		entries = append(entries, eventEntry(ev))
	}
	for _, m := range res.Activities {
		entries = append(entries, eventEntry(switchboard.Event{
			ID:   switchboard.EventID("ev_act_" + string(m.ID)),
			Type: switchboard.EventMessageCreated, WorkspaceID: c.WorkspaceID, ConversationID: c.ID,
			DepartmentID: c.DepartmentID, Message: &m, Conversation: &c, At: m.CreatedAt,
		}))
	}
	queues := map[switchboard.DepartmentID]bool{}
	if before.QueuedAt != nil {
		queues[before.DepartmentID] = true
	}
	if c.QueuedAt != nil {
		queues[c.DepartmentID] = true
	}
	for d := range queues {
		if d == "" {
			continue
		}
		entries = append(entries, eventEntry(switchboard.Event{
			Type: switchboard.EventQueueUpdated, WorkspaceID: c.WorkspaceID, ConversationID: c.ID, DepartmentID: d, At: at.LastActivityAt,
		}))
	}
	return entries
}

// change applies c to a conversation with the events announcing it.
func (h *Hub) change(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, c store.RoutingChange) (store.RoutingResult, error) {
	if c.At.IsZero() {
		c.At = h.now()
	}
	stamp := switchboard.Conversation{LastActivityAt: c.At}
	res, err := h.store.ChangeRouting(ctx, ws, id, c, func(r store.RoutingResult) []store.OutboxEntry { return routingEvents(r, stamp) })
	if err != nil {
		return res, err
	}
	h.relay.Kick()
	return res, nil
}

// activity builds an activity entry of conv made by the actor of ctx.
func (h *Hub) activity(ctx context.Context, conv switchboard.Conversation, a switchboard.Activity) switchboard.Message {
	actor := actorOf(ctx)
	a.ActorID, a.ActorName = actor.ID, actor.Name
	return store.ActivityEntry(switchboard.MessageID(switchboard.NewID("msg")), conv, a, h.now())
}

// routingInput is what rules see of a new conversation and its first
// message.
func routingInput(conv switchboard.Conversation, first switchboard.Message) switchboard.RoutingInput {
	in := switchboard.RoutingInput{Channel: conv.ChannelID, ChannelType: conv.ChannelType, Text: first.Text()}
	if k := conv.Contact; k != nil {
		in.Language, in.Attributes, in.Labels = k.Language, k.Attributes, k.Labels
		if k.Context != nil {
			in.PageURL = k.Context.PageURL
		}
	}
	if conv.Context != nil && conv.Context.PageURL != "" {
		in.PageURL = conv.Context.PageURL
	}
	return in
}

// route sends a conversation that has no department yet where the
// workspace's rules say (else the default department), writing a "routed"
// entry, then assigns it or leaves it in the department's queue. A
// conversation routed already (a redelivered notice) is returned as it is.
func (h *Hub) route(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, first switchboard.Message) (switchboard.Conversation, error) {
	conv, err := h.store.GetConversation(ctx, ws, id)
	if err != nil || conv.DepartmentID != "" {
		return conv, err
	}
	list, err := h.store.ListRoutingRules(ctx, ws)
	if err != nil {
		return conv, err
	}
	rule, matched := rules.First(list, routingInput(conv, first))
	var dept switchboard.Department
	if matched && rule.Action.DepartmentID != "" {
		dept, err = h.store.GetDepartment(ctx, ws, rule.Action.DepartmentID)
		if errors.Is(err, store.ErrNotFound) {
			h.log.Warn("routing rule names a department that is gone; using the default", "rule", rule.ID, "department", rule.Action.DepartmentID)
			err = nil
		}
		if err != nil {
			return conv, err
		}
	}
	if dept.ID == "" {
		def, err := h.store.DefaultDepartment(ctx, ws)
		if err != nil {
			return conv, err
		}
		if dept, err = h.store.GetDepartment(ctx, ws, def.ID); err != nil {
			return conv, err
		}
	}
	// Only a rule's decision is recorded: the default department needs no
	// entry in every conversation's history.
	c := store.RoutingChange{DepartmentID: &dept.ID, At: h.now()}
	if matched {
		c.Priority, c.Labels = &rule.Action.Priority, rule.Action.Labels
		c.Activities = []switchboard.Message{store.ActivityEntry(switchboard.MessageID(switchboard.NewID("msg")), conv, switchboard.Activity{
			Kind: switchboard.ActivityRouted, DepartmentID: dept.ID, DepartmentName: dept.Name, RuleID: rule.ID, Reason: rule.Name,
		}, c.At)}
	}
	if matched && rule.Action.AssigneeID != "" {
		if op, err := h.store.GetOperator(ctx, ws, rule.Action.AssigneeID); err == nil && !op.Disabled {
			c.AssigneeID = &op.ID
			c.Activities = append(c.Activities, store.ActivityEntry(switchboard.MessageID(switchboard.NewID("msg")), conv, switchboard.Activity{
				Kind: switchboard.ActivityAssigned, OperatorID: op.ID, OperatorName: op.Name, DepartmentID: dept.ID, DepartmentName: dept.Name,
				RuleID: rule.ID, Reason: rule.Name,
			}, c.At))
		}
	}
	open, err := h.isOpen(ctx, dept, c.At)
	if err != nil {
		return conv, err
	}
	c.Queue = c.AssigneeID == nil && (open || dept.Offline.Mode == switchboard.OfflineQueue)
	res, err := h.change(ctx, ws, id, c)
	if err != nil {
		return conv, err
	}
	out := res.Conversation
	if c.AssigneeID == nil && out.QueuedAt != nil {
		// The queue is served in order: older or more urgent
		// conversations waiting there (the department just opened, say)
		// go first, then this one if someone can still take it.
		if _, err := h.pull(ctx, dept); err != nil {
			return out, err
		}
		if out, err = h.store.GetConversation(ctx, ws, id); err != nil {
			return out, err
		}
	}
	if err := h.autoText(ctx, out, dept, open); err != nil {
		h.log.Warn("automatic answer not sent", "conversation", id, "err", err)
	}
	return out, nil
}

// isOpen reports whether dept takes chats at t: inside its hours, and,
// when it is closed while nobody is online (Offline.WhenNobodyOnline),
// with a member online.
func (h *Hub) isOpen(ctx context.Context, dept switchboard.Department, t time.Time) (bool, error) {
	if !hours.Open(dept.Hours, t) {
		return false, nil
	}
	if !dept.Offline.WhenNobodyOnline {
		return true, nil
	}
	online, err := h.onlineMembers(ctx, dept)
	return len(online) > 0, err
}

// requeue puts an open conversation nobody holds that is not waiting
// yet into its department's queue (when the department takes chats or
// queues while closed) and serves the queue. Anything else is returned
// as it is.
func (h *Hub) requeue(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error) {
	conv, err := h.store.GetConversation(ctx, ws, id)
	if err != nil || conv.AssigneeID != "" || conv.QueuedAt != nil || conv.Status != switchboard.ConversationOpen || conv.DepartmentID == "" {
		return conv, err
	}
	dept, err := h.store.GetDepartment(ctx, ws, conv.DepartmentID)
	if err != nil {
		return conv, err
	}
	at := h.now()
	open, err := h.isOpen(ctx, dept, at)
	if err != nil || (!open && dept.Offline.Mode != switchboard.OfflineQueue) {
		return conv, err
	}
	res, err := h.change(ctx, ws, id, store.RoutingChange{Queue: true, At: at})
	if err != nil {
		return conv, err
	}
	if _, err := h.pull(ctx, dept); err != nil {
		return res.Conversation, err
	}
	return h.store.GetConversation(ctx, ws, id)
}

// onlineMembers are the department's members whose presence is online.
func (h *Hub) onlineMembers(ctx context.Context, dept switchboard.Department) ([]switchboard.OperatorID, error) {
	presence, err := h.store.OperatorPresence(ctx, dept.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var out []switchboard.OperatorID
	for _, op := range dept.MemberIDs {
		if presence[op] == switchboard.PresenceOnline {
			out = append(out, op)
		}
	}
	return out, nil
}

// assign hands conversation id (empty: the head of the queue) of dept to
// an online member under their limit, when the department assigns by
// itself and is open. Assigned is false when it stays waiting.
func (h *Hub) assign(ctx context.Context, dept switchboard.Department, id switchboard.ConversationID) (store.RoutingResult, error) {
	at := h.now()
	if dept.Assignment == switchboard.AssignManual || !hours.Open(dept.Hours, at) {
		return store.RoutingResult{}, nil
	}
	if dept.MemberIDs == nil {
		var err error
		if dept, err = h.store.GetDepartment(ctx, dept.WorkspaceID, dept.ID); err != nil {
			return store.RoutingResult{}, err
		}
	}
	online, err := h.onlineMembers(ctx, dept)
	if err != nil || len(online) == 0 {
		return store.RoutingResult{}, err
	}
	stamp := switchboard.Conversation{LastActivityAt: at}
	res, err := h.store.Assign(ctx, store.AssignRequest{
		WorkspaceID: dept.WorkspaceID, DepartmentID: dept.ID, ConversationID: id, Mode: dept.Assignment, Online: online,
		ActivityID: switchboard.MessageID(switchboard.NewID("msg")), At: at,
	}, func(r store.RoutingResult) []store.OutboxEntry { return routingEvents(r, stamp) })
	if err != nil {
		return res, fmt.Errorf("assign: %w", err)
	}
	if res.Assigned {
		h.relay.Kick()
	}
	return res, nil
}

// PullQueue assigns waiting conversations of the department to its online
// members until nobody can take more (or the queue is empty); it returns
// how many it assigned. Freed operators and opening hours call it.
func (h *Hub) PullQueue(ctx context.Context, ws switchboard.WorkspaceID, dept switchboard.DepartmentID) (int, error) {
	d, err := h.store.GetDepartment(ctx, ws, dept)
	if err != nil {
		return 0, err
	}
	return h.pull(ctx, d)
}

// pull assigns the head of dept's queue while someone can take it.
func (h *Hub) pull(ctx context.Context, dept switchboard.Department) (int, error) {
	n := 0
	for n < maxPulls {
		res, err := h.assign(ctx, dept, "")
		if err != nil || !res.Assigned {
			return n, err
		}
		n++
	}
	return n, nil
}

// SweepQueues pulls every department's queue that has conversations
// waiting: a department that opened (business hours) or members who
// freed up without the hub noticing get their queue served. Several
// instances may sweep at once: assignment is one locked transaction.
func (h *Hub) SweepQueues(ctx context.Context) error {
	workspaces, err := h.store.ListWorkspaces(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, ws := range workspaces {
		depts, err := h.store.ListDepartments(ctx, ws.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, d := range depts {
			if st, err := h.store.QueueStats(ctx, ws.ID, d.ID); err != nil || st.Waiting == 0 {
				continue
			}
			if _, err := h.PullQueue(ctx, ws.ID, d.ID); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// sweepQueues runs SweepQueues every interval until ctx is done.
func (h *Hub) sweepQueues(ctx context.Context, interval time.Duration) {
	repeat(ctx, interval, h.log, "queue sweep failed", h.SweepQueues)
}

// OperatorFreed pulls the queues of the operator's departments: called
// when they come online or finish a conversation.
func (h *Hub) OperatorFreed(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) error {
	o, err := h.store.GetOperator(ctx, ws, op)
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range o.DepartmentIDs {
		if _, err := h.PullQueue(ctx, ws, d); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Transfer moves a conversation to another department (it waits there or
// goes to one of its online members) or to an operator, with the reason,
// in one transaction that writes the "transferred" entry; the caller
// checked access and that the target exists. Exactly one of toDept and
// toOperator is set.
func (h *Hub) Transfer(ctx context.Context, conv switchboard.Conversation, toDept switchboard.DepartmentID, toOperator switchboard.OperatorID, reason string) (switchboard.Conversation, error) {
	act := switchboard.Activity{Kind: switchboard.ActivityTransferred, FromDepartmentID: conv.DepartmentID, Reason: reason}
	c := store.RoutingChange{}
	var dept switchboard.Department
	var err error
	if toOperator != "" {
		op, err := h.store.GetOperator(ctx, conv.WorkspaceID, toOperator)
		if err != nil {
			return conv, err
		}
		c.AssigneeID, act.OperatorID, act.OperatorName = &op.ID, op.ID, op.Name
		if toDept == "" && !slices.Contains(op.DepartmentIDs, conv.DepartmentID) && len(op.DepartmentIDs) > 0 {
			toDept = op.DepartmentIDs[0]
		}
	}
	if toDept == "" {
		toDept = conv.DepartmentID
	}
	if dept, err = h.store.GetDepartment(ctx, conv.WorkspaceID, toDept); err != nil {
		return conv, err
	}
	act.DepartmentID, act.DepartmentName = dept.ID, dept.Name
	c.DepartmentID = &dept.ID
	if toOperator == "" {
		none := switchboard.OperatorID("")
		c.AssigneeID, c.Queue = &none, true
	}
	before := conv.AssigneeID
	c.Activities = []switchboard.Message{h.activity(ctx, conv, act)}
	res, err := h.change(ctx, conv.WorkspaceID, conv.ID, c)
	if err != nil {
		return conv, fmt.Errorf("transfer: %w", err)
	}
	out := res.Conversation
	if toOperator == "" {
		if got, err := h.assign(ctx, dept, conv.ID); err != nil {
			h.log.Warn("transfer: assignment failed; the conversation waits", "conversation", conv.ID, "err", err)
		} else if got.Assigned {
			out = got.Conversation
		}
	}
	if before != "" && before != out.AssigneeID {
		h.freed(ctx, conv.WorkspaceID, before)
	}
	return out, nil
}

// Claim makes the actor of ctx the assignee of a conversation nobody
// holds; store.ErrConflict when someone got it first.
func (h *Hub) Claim(ctx context.Context, conv switchboard.Conversation) (switchboard.Conversation, error) {
	actor := actorOf(ctx)
	if actor.ID == "" {
		return conv, &ValidationError{Field: "operator", Message: "only an operator can claim a conversation"}
	}
	res, err := h.change(ctx, conv.WorkspaceID, conv.ID, store.RoutingChange{
		AssigneeID: &actor.ID, IfUnassigned: true,
		Activities: []switchboard.Message{h.activity(ctx, conv, switchboard.Activity{
			Kind: switchboard.ActivityClaimed, OperatorID: actor.ID, OperatorName: actor.Name, DepartmentID: conv.DepartmentID,
		})},
	})
	if err != nil {
		return conv, fmt.Errorf("claim: %w", err)
	}
	return res.Conversation, nil
}

// freed pulls the queues of an operator who holds one conversation less.
func (h *Hub) freed(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) {
	if err := h.OperatorFreed(ctx, ws, op); err != nil {
		h.log.Warn("pulling the queue for a freed operator", "operator", op, "err", err)
	}
}

// routingUpdate is the part of an operator's conversation update that
// changes who holds it or where it is, as a routing change with its
// activity entries; ok is false when u changes none of that.
func (h *Hub) routingUpdate(ctx context.Context, conv switchboard.Conversation, u store.ConversationUpdate) (store.RoutingChange, bool, error) {
	var c store.RoutingChange
	var acts []switchboard.Activity
	if u.DepartmentID != nil && *u.DepartmentID != conv.DepartmentID {
		d, err := h.store.GetDepartment(ctx, conv.WorkspaceID, *u.DepartmentID)
		if err != nil {
			return c, false, err
		}
		c.DepartmentID, c.Queue = u.DepartmentID, true
		acts = append(acts, switchboard.Activity{Kind: switchboard.ActivityTransferred, FromDepartmentID: conv.DepartmentID, DepartmentID: d.ID, DepartmentName: d.Name})
	}
	if u.AssigneeID != nil && *u.AssigneeID != conv.AssigneeID {
		c.AssigneeID = u.AssigneeID
		if *u.AssigneeID == "" {
			c.Queue = true
			acts = append(acts, switchboard.Activity{Kind: switchboard.ActivityUnassigned, OperatorID: conv.AssigneeID})
		} else {
			name := ""
			if op, err := h.store.GetOperator(ctx, conv.WorkspaceID, *u.AssigneeID); err == nil {
				name = op.Name
			}
			acts = append(acts, switchboard.Activity{Kind: switchboard.ActivityAssigned, OperatorID: *u.AssigneeID, OperatorName: name})
		}
	}
	if u.Status != nil && *u.Status != conv.Status {
		c.Status = u.Status
		switch {
		case *u.Status == switchboard.ConversationResolved:
			acts = append(acts, switchboard.Activity{Kind: switchboard.ActivityResolved})
		case conv.Status == switchboard.ConversationResolved:
			c.Queue = true
			acts = append(acts, switchboard.Activity{Kind: switchboard.ActivityReopened})
		}
	}
	if c.DepartmentID == nil && c.AssigneeID == nil && c.Status == nil {
		return c, false, nil
	}
	c.At = h.now()
	for _, a := range acts {
		c.Activities = append(c.Activities, h.activity(ctx, conv, a))
	}
	return c, true, nil
}

// QueuePlace is where a waiting conversation stands: its 1-based place in
// its department's queue and the estimated wait (from the department's
// recent times to first reply and its online members; before any history,
// the department's default wait). Position 0: it is not waiting.
func (h *Hub) QueuePlace(ctx context.Context, conv switchboard.Conversation) (position int, wait time.Duration, err error) {
	if conv.QueuedAt == nil || conv.AssigneeID != "" || conv.Status != switchboard.ConversationOpen {
		return 0, 0, nil
	}
	queue, err := h.store.Queue(ctx, conv.WorkspaceID, conv.DepartmentID, 500)
	if err != nil {
		return 0, 0, err
	}
	position = slices.IndexFunc(queue, func(c switchboard.Conversation) bool { return c.ID == conv.ID }) + 1
	if position == 0 {
		return 0, 0, nil
	}
	dept, err := h.store.GetDepartment(ctx, conv.WorkspaceID, conv.DepartmentID)
	if err != nil {
		return position, 0, err
	}
	stats, err := h.store.QueueStats(ctx, conv.WorkspaceID, conv.DepartmentID)
	if err != nil {
		return position, 0, err
	}
	online, err := h.onlineMembers(ctx, dept)
	if err != nil {
		return position, 0, err
	}
	return position, store.EstimateWait(stats.RecentFirstReplies, position, len(online), store.WaitFallback(dept.DepartmentSettings)), nil
}
