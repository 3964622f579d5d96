package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard"
)

// ErrInvalid is returned for a request the store refuses because of its
// content (a rule order that does not name every rule exactly once).
var ErrInvalid = errors.New("invalid request")

// RoutingStore is the part of the contract routing needs (issue 14):
// departments with settings and members, routing rules, operators' chat
// limits, the queue and assignment. Assignment and every change of who
// holds a conversation write the conversation, its activity entry and the
// outbox entries in ONE transaction; on PostgreSQL those transactions take
// a per-workspace lock, so several hubs never assign one conversation
// twice nor push an operator over their limit.
type RoutingStore interface {
	// GetDepartment returns a department with its settings and MemberIDs.
	GetDepartment(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.DepartmentID) (switchboard.Department, error)
	// UpdateDepartment replaces name and settings and, when MemberIDs is
	// not nil, the members (an operator not in the workspace is
	// ErrNotFound). ErrConflict when the name is taken.
	UpdateDepartment(ctx context.Context, d switchboard.Department) error
	// DeleteDepartment removes a department. The default one cannot be
	// deleted, nor one that still has conversations that are not resolved
	// (ErrConflict): move them first. Rules sending conversations to it are
	// left in place (they fall back to the default department).
	DeleteDepartment(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.DepartmentID) error

	// ListRoutingRules lists a workspace's rules by position (then id).
	ListRoutingRules(ctx context.Context, ws switchboard.WorkspaceID) ([]switchboard.RoutingRule, error)
	GetRoutingRule(ctx context.Context, ws switchboard.WorkspaceID, id string) (switchboard.RoutingRule, error)
	// CreateRoutingRule stores a rule at the end of the order (Position is
	// set to one past the last) and returns it as stored.
	CreateRoutingRule(ctx context.Context, r switchboard.RoutingRule) (switchboard.RoutingRule, error)
	// UpdateRoutingRule replaces name, match and action (not the position).
	UpdateRoutingRule(ctx context.Context, r switchboard.RoutingRule) (switchboard.RoutingRule, error)
	DeleteRoutingRule(ctx context.Context, ws switchboard.WorkspaceID, id string) error
	// ReorderRoutingRules gives the rules positions 0.. in the order of
	// ids, which must name every rule of the workspace exactly once
	// (ErrInvalid otherwise).
	ReorderRoutingRules(ctx context.Context, ws switchboard.WorkspaceID, ids []string) error

	// SetOperatorMaxChats sets (nil: clears) an operator's own limit.
	SetOperatorMaxChats(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID, max *int) error
	// OpenChats counts the open conversations assigned to each operator of
	// the workspace (operators with none are absent).
	OpenChats(ctx context.Context, ws switchboard.WorkspaceID) (map[switchboard.OperatorID]int, error)

	// ChangeRouting applies c to a conversation in ONE transaction (see
	// RoutingChange) and writes the activity entries and the entries
	// outboxFor returns. ErrNotFound when the conversation is not in the
	// workspace; ErrConflict when c.IfUnassigned is set and someone holds
	// it (or it is resolved).
	ChangeRouting(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, c RoutingChange, outboxFor func(RoutingResult) []OutboxEntry) (RoutingResult, error)
	// Assign hands a waiting conversation of a department to one of
	// a.Online (members of the department, not disabled, under their
	// limit), in ONE transaction: see AssignRequest. Assigned is false
	// (and nothing written) when nobody can take it or nothing waits.
	Assign(ctx context.Context, a AssignRequest, outboxFor func(RoutingResult) []OutboxEntry) (RoutingResult, error)

	// Queue lists a department's waiting conversations (open, unassigned,
	// queued_at set) by priority (higher first), then queued_at, then id;
	// at most limit, Contact filled.
	Queue(ctx context.Context, ws switchboard.WorkspaceID, dept switchboard.DepartmentID, limit int) ([]switchboard.Conversation, error)
	// QueueStats summarises a department's queue and its recent replies.
	QueueStats(ctx context.Context, ws switchboard.WorkspaceID, dept switchboard.DepartmentID) (QueueStats, error)
}

// RoutingChange is a change of where a conversation is and who holds it;
// nil fields stay.
type RoutingChange struct {
	DepartmentID *switchboard.DepartmentID
	AssigneeID   *switchboard.OperatorID
	Status       *switchboard.ConversationStatus
	Priority     *int
	// Labels are added to the conversation's (sorted, unique).
	Labels []string
	// Queue sets queued_at to At (when the conversation ends up open and
	// unassigned; cleared otherwise); without it queued_at is cleared
	// whenever the conversation gets an assignee or stops being open.
	Queue bool
	// IfUnassigned makes the change fail with ErrConflict when the
	// conversation has an assignee or is resolved (a claim).
	IfUnassigned bool
	// Activities are written as activity entries (ids given, created at
	// At, in order).
	Activities []switchboard.Message
	At         time.Time
}

// AssignRequest asks Assign to hand a conversation to someone.
type AssignRequest struct {
	WorkspaceID  switchboard.WorkspaceID
	DepartmentID switchboard.DepartmentID
	// ConversationID is the conversation to assign; empty takes the head
	// of the department's queue.
	ConversationID switchboard.ConversationID
	Mode           switchboard.AssignmentMode
	// Online are the operators who may take it (the caller knows
	// presence); the store keeps those who are members of the department,
	// not disabled and under their limit.
	Online []switchboard.OperatorID
	// ActivityID is the id of the "assigned" entry; Actor, when set, is who
	// asked (empty: the hub).
	ActivityID switchboard.MessageID
	At         time.Time
}

// RoutingResult is what ChangeRouting and Assign did.
type RoutingResult struct {
	Assigned     bool
	Conversation switchboard.Conversation
	// Before is the conversation as it was.
	Before     switchboard.Conversation
	Activities []switchboard.Message
}

// QueueStats is a department's queue and reply figures.
type QueueStats struct {
	Waiting      int
	OldestQueued *time.Time
	// RecentFirstReplies are the times to the first operator's reply
	// (automatic answers have no author and do not count) of the
	// department's latest conversations that were answered (newest first,
	// at most 20).
	RecentFirstReplies []time.Duration
}

// EstimateWait is how long the n-th waiting conversation (1-based) should
// expect to wait: the mean of the recent times to first reply, times the
// place in the queue divided by the operators taking chats (at least
// one); without history, fallback.
func EstimateWait(recent []time.Duration, position, online int, fallback time.Duration) time.Duration {
	if position <= 0 {
		return 0
	}
	mean := fallback
	if len(recent) > 0 {
		var sum time.Duration
		for _, d := range recent {
			sum += d
		}
		mean = sum / time.Duration(len(recent))
	}
	return mean * time.Duration(position) / time.Duration(max(online, 1))
}

// Candidate is an operator Assign may pick, with their load.
type Candidate struct {
	ID    switchboard.OperatorID
	Chats int
	Limit int
}

// ChatLimit is an operator's limit: their own when set (0 meaning no
// limit), else the department's, else switchboard.DefaultMaxChats.
func ChatLimit(own *int, department int) int {
	if own != nil {
		if *own <= 0 {
			return int(^uint(0) >> 1)
		}
		return *own
	}
	if department > 0 {
		return department
	}
	return switchboard.DefaultMaxChats
}

// PickAssignee chooses among candidates (sorted by id) those under their
// limit: round robin takes the first after last (wrapping), least busy the
// one with the fewest chats (ties: the first after last, so ties rotate).
// ok is false when nobody is under their limit.
func PickAssignee(mode switchboard.AssignmentMode, candidates []Candidate, last switchboard.OperatorID) (switchboard.OperatorID, bool) {
	cs := slices.Clone(candidates)
	slices.SortFunc(cs, func(a, b Candidate) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	// Rotate so that the first after last comes first.
	start := 0
	for i, c := range cs {
		if c.ID > last {
			start = i
			break
		}
		start = i + 1
	}
	cs = append(cs[start:], cs[:start]...)
	best := -1
	for i, c := range cs {
		if c.Chats >= c.Limit {
			continue
		}
		if mode != switchboard.AssignLeastBusy {
			return c.ID, true
		}
		if best < 0 || c.Chats < cs[best].Chats {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return cs[best].ID, true
}

// ActivityEntry is an activity message of conv recording a.
func ActivityEntry(id switchboard.MessageID, conv switchboard.Conversation, a switchboard.Activity, at time.Time) switchboard.Message {
	return switchboard.Message{
		ID: id, WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, ChannelID: conv.ChannelID,
		Direction: switchboard.DirectionActivity, Parts: []switchboard.Part{}, AuthorID: a.ActorID,
		Status: switchboard.StatusDelivered, CreatedAt: at, Activity: &a,
	}
}

// ApplyRouting returns conv as c changes it (the engines write the
// result): department, assignee, status, priority, labels added, and the
// queue time (see RoutingChange.Queue).
func ApplyRouting(conv switchboard.Conversation, c RoutingChange) switchboard.Conversation {
	if c.DepartmentID != nil {
		conv.DepartmentID = *c.DepartmentID
	}
	if c.AssigneeID != nil {
		conv.AssigneeID = *c.AssigneeID
	}
	if c.Status != nil {
		conv.Status = *c.Status
	}
	if c.Priority != nil {
		conv.Priority = *c.Priority
	}
	if len(c.Labels) > 0 {
		labels := append(slices.Clone(conv.Labels), c.Labels...)
		slices.Sort(labels)
		conv.Labels = slices.Compact(labels)
	}
	waiting := conv.Status == switchboard.ConversationOpen && conv.AssigneeID == ""
	switch {
	case !waiting:
		conv.QueuedAt = nil
	case c.Queue && conv.QueuedAt == nil:
		at := c.At.UTC()
		conv.QueuedAt = &at
	}
	return conv
}

// ValidateOrder checks that ids name every one of have exactly once.
func ValidateOrder(have, ids []string) bool {
	if len(have) != len(ids) {
		return false
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		seen[id] = true
	}
	for _, id := range have {
		if !seen[id] {
			return false
		}
	}
	return len(seen) == len(have)
}

// DefaultDepartmentSettings are a department's settings before anyone
// changed them: round robin, DefaultMaxChats, always open, offline form,
// DefaultWaitSeconds, the default notification policy.
func DefaultDepartmentSettings() switchboard.DepartmentSettings {
	return switchboard.DepartmentSettings{
		Assignment:         switchboard.AssignRoundRobin,
		MaxChats:           switchboard.DefaultMaxChats,
		Offline:            switchboard.OfflineSettings{Mode: switchboard.OfflineForm},
		DefaultWaitSeconds: switchboard.DefaultWaitSeconds,
		Notify:             switchboard.DefaultNotifyPolicy(),
	}
}

// DecodeDepartmentSettings reads a settings column ("" or null: the
// defaults).
func DecodeDepartmentSettings(v string) (switchboard.DepartmentSettings, error) {
	set := DefaultDepartmentSettings()
	if v == "" || v == "null" {
		return set, nil
	}
	err := DecodeJSON(v, &set)
	return set, err
}

// WaitFallback is the wait told before a department has history: its
// DefaultWaitSeconds, else switchboard.DefaultWaitSeconds.
func WaitFallback(set switchboard.DepartmentSettings) time.Duration {
	if set.DefaultWaitSeconds > 0 {
		return time.Duration(set.DefaultWaitSeconds) * time.Second
	}
	return switchboard.DefaultWaitSeconds * time.Second
}

// RoutingTx is what an engine gives the shared routing logic (AssignIn,
// ChangeRoutingIn) inside one of its write transactions.
type RoutingTx interface {
	// Lock serialises the workspace's routing transactions across
	// processes (PostgreSQL: an advisory transaction lock; SQLite has one
	// writer and need not).
	Lock(ctx context.Context, ws switchboard.WorkspaceID) error
	// Department returns a department (settings filled) and the member
	// assigned last in it.
	Department(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.DepartmentID) (switchboard.Department, switchboard.OperatorID, error)
	// NextWaiting is the conversation Assign takes: a.ConversationID when
	// it is open, unassigned and in the department, else (when
	// a.ConversationID is empty) the head of the department's queue; ""
	// when there is none.
	NextWaiting(ctx context.Context, a AssignRequest) (switchboard.ConversationID, error)
	// Candidates are a.Online who are enabled members of the department,
	// with their open chats and limits (ChatLimit with deptMax).
	Candidates(ctx context.Context, a AssignRequest, deptMax int) ([]Candidate, error)
	// Conversation reads a conversation of the workspace, Contact filled.
	Conversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error)
	OperatorName(ctx context.Context, id switchboard.OperatorID) (string, error)
	// Write stores after (as ApplyRouting made it from a change adding
	// labels) and inserts the activity entries, returning them as stored.
	Write(ctx context.Context, after switchboard.Conversation, labels []string, activities []switchboard.Message) ([]switchboard.Message, error)
	SetLastAssignee(ctx context.Context, dept switchboard.DepartmentID, op switchboard.OperatorID) error
	Outbox(ctx context.Context, entries []OutboxEntry) error
}

// ChangeRoutingIn is ChangeRouting inside an engine's transaction.
func ChangeRoutingIn(ctx context.Context, tx RoutingTx, ws switchboard.WorkspaceID, id switchboard.ConversationID, c RoutingChange, outboxFor func(RoutingResult) []OutboxEntry) (RoutingResult, error) {
	if err := tx.Lock(ctx, ws); err != nil {
		return RoutingResult{}, err
	}
	before, err := tx.Conversation(ctx, ws, id)
	if err != nil {
		return RoutingResult{}, err
	}
	if c.IfUnassigned && (before.AssigneeID != "" || before.Status == switchboard.ConversationResolved) {
		return RoutingResult{}, fmt.Errorf("conversation %s is taken: %w", id, ErrConflict)
	}
	return writeRouting(ctx, tx, before, c, outboxFor)
}

// writeRouting applies c to before, writes it and its activity entries
// and the outbox entries.
func writeRouting(ctx context.Context, tx RoutingTx, before switchboard.Conversation, c RoutingChange, outboxFor func(RoutingResult) []OutboxEntry) (RoutingResult, error) {
	after := ApplyRouting(before, c)
	acts := make([]switchboard.Message, len(c.Activities))
	for i, m := range c.Activities {
		m.WorkspaceID, m.ConversationID, m.ChannelID = after.WorkspaceID, after.ID, after.ChannelID
		m.Direction, m.Status = switchboard.DirectionActivity, switchboard.StatusDelivered
		if m.CreatedAt.IsZero() {
			m.CreatedAt = time.Now().UTC()
		}
		if m.Parts == nil {
			m.Parts = []switchboard.Part{}
		}
		acts[i] = m
	}
	stored, err := tx.Write(ctx, after, c.Labels, acts)
	if err != nil {
		return RoutingResult{}, err
	}
	res := RoutingResult{Before: before, Conversation: after, Activities: stored,
		Assigned: after.AssigneeID != "" && after.AssigneeID != before.AssigneeID}
	if outboxFor != nil {
		err = tx.Outbox(ctx, outboxFor(res))
	}
	return res, err
}

// AssignIn is Assign inside an engine's transaction.
func AssignIn(ctx context.Context, tx RoutingTx, a AssignRequest, outboxFor func(RoutingResult) []OutboxEntry) (RoutingResult, error) {
	if err := tx.Lock(ctx, a.WorkspaceID); err != nil {
		return RoutingResult{}, err
	}
	dept, last, err := tx.Department(ctx, a.WorkspaceID, a.DepartmentID)
	if err != nil {
		return RoutingResult{}, err
	}
	id, err := tx.NextWaiting(ctx, a)
	if err != nil || id == "" {
		return RoutingResult{}, err
	}
	cands, err := tx.Candidates(ctx, a, dept.MaxChats)
	if err != nil {
		return RoutingResult{}, err
	}
	op, ok := PickAssignee(a.Mode, cands, last)
	if !ok {
		return RoutingResult{}, nil
	}
	before, err := tx.Conversation(ctx, a.WorkspaceID, id)
	if err != nil {
		return RoutingResult{}, err
	}
	name, err := tx.OperatorName(ctx, op)
	if err != nil {
		return RoutingResult{}, err
	}
	entry := ActivityEntry(a.ActivityID, before, switchboard.Activity{
		Kind: switchboard.ActivityAssigned, OperatorID: op, OperatorName: name, DepartmentID: dept.ID, DepartmentName: dept.Name,
	}, a.At)
	if err := tx.SetLastAssignee(ctx, dept.ID, op); err != nil {
		return RoutingResult{}, err
	}
	return writeRouting(ctx, tx, before, RoutingChange{AssigneeID: &op, Activities: []switchboard.Message{entry}, At: a.At}, outboxFor)
}
