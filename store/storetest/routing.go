package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// routingTests are the contract tests of routing (issue 14); Run
// registers them.
var routingTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"RoutingDepartments", testRoutingDepartments},
	{"RoutingRules", testRoutingRules},
	{"AssignUnderLimits", testAssignUnderLimits},
	{"QueueOrder", testQueueOrder},
	{"ChangeRoutingClaim", testChangeRoutingClaim},
	{"AssignConcurrent", testAssignConcurrent},
	{"QueueStats", testQueueStats},
}

// routingFixture is a workspace with a department and operators in it.
type routingFixture struct {
	*fx
	dept switchboard.DepartmentID
	ops  []switchboard.OperatorID
}

func newRoutingFixture(t *testing.T, s store.Store, set switchboard.DepartmentSettings, ops int) *routingFixture {
	t.Helper()
	ctx := context.Background()
	f := &routingFixture{fx: setup(t, s), dept: switchboard.DepartmentID(switchboard.NewID("dep"))}
	for i := range ops {
		id := switchboard.OperatorID(fmt.Sprintf("op_%c_%s", 'a'+i, switchboard.NewID("")))
		must(t, s.CreateOperator(ctx, switchboard.Operator{ID: id, WorkspaceID: f.ws, Email: string(id) + "@example.com",
			Name: fmt.Sprintf("Op %c", 'A'+i), Role: switchboard.RoleOperator}, "h"), "CreateOperator")
		f.ops = append(f.ops, id)
	}
	must(t, s.CreateDepartment(ctx, switchboard.Department{ID: f.dept, WorkspaceID: f.ws, Name: "Sales", MemberIDs: f.ops,
		DepartmentSettings: set, CreatedAt: t0}), "CreateDepartment")
	return f
}

// waiting accepts a new conversation in the fixture's department and puts
// it in the queue with priority, queued at at.
func (f *routingFixture) waiting(t *testing.T, priority int, at time.Time) switchboard.ConversationID {
	t.Helper()
	it := f.msg(switchboard.NewID("ext"), switchboard.NewID("u"), "hello", at)
	it.DepartmentID = f.dept
	res := accept(t, f.s, it)[0]
	_, err := f.s.ChangeRouting(context.Background(), f.ws, res.ConversationID, store.RoutingChange{Priority: &priority, Queue: true, At: at}, nil)
	must(t, err, "ChangeRouting queue")
	return res.ConversationID
}

func (f *routingFixture) assign(t *testing.T, mode switchboard.AssignmentMode, online []switchboard.OperatorID) store.RoutingResult {
	t.Helper()
	res, err := f.s.Assign(context.Background(), store.AssignRequest{WorkspaceID: f.ws, DepartmentID: f.dept, Mode: mode, Online: online,
		ActivityID: switchboard.MessageID(switchboard.NewID("msg")), At: t0.Add(time.Hour)}, nil)
	must(t, err, "Assign")
	return res
}

func testRoutingDepartments(t *testing.T, s store.Store) {
	ctx := context.Background()
	set := store.DefaultDepartmentSettings()
	set.Assignment, set.MaxChats = switchboard.AssignLeastBusy, 3
	set.Hours = &switchboard.BusinessHours{TimeZone: "Asia/Tokyo", Weekly: map[string][]switchboard.TimeRange{"mon": {{From: "09:00", To: "18:00"}}}}
	f := newRoutingFixture(t, s, set, 2)
	d, err := s.GetDepartment(ctx, f.ws, f.dept)
	must(t, err, "GetDepartment")
	if d.Assignment != switchboard.AssignLeastBusy || d.MaxChats != 3 || d.Hours == nil || d.Hours.TimeZone != "Asia/Tokyo" {
		t.Fatalf("settings = %+v", d.DepartmentSettings)
	}
	if !slices.Equal(d.MemberIDs, f.ops) {
		t.Fatalf("members = %v, want %v", d.MemberIDs, f.ops)
	}
	d.Name, d.MaxChats, d.MemberIDs = "Sales JP", 4, f.ops[:1]
	must(t, s.UpdateDepartment(ctx, d), "UpdateDepartment")
	d, err = s.GetDepartment(ctx, f.ws, f.dept)
	must(t, err, "GetDepartment")
	if d.Name != "Sales JP" || d.MaxChats != 4 || len(d.MemberIDs) != 1 {
		t.Fatalf("after update: %+v", d)
	}
	list, err := s.ListDepartments(ctx, f.ws)
	must(t, err, "ListDepartments")
	if len(list) != 1 || list[0].MaxChats != 4 {
		t.Fatalf("list = %+v", list)
	}
	if _, err := s.GetDepartment(ctx, newWorkspace(t, s, "Other"), f.dept); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other workspace: %v", err)
	}
	def, err := s.DefaultDepartment(ctx, f.ws)
	must(t, err, "DefaultDepartment")
	if def.Assignment != switchboard.AssignRoundRobin || def.DefaultWaitSeconds != switchboard.DefaultWaitSeconds {
		t.Fatalf("default settings = %+v", def.DepartmentSettings)
	}
	if err := s.DeleteDepartment(ctx, f.ws, def.ID); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("delete default: %v", err)
	}
	conv := f.waiting(t, 0, t0)
	if err := s.DeleteDepartment(ctx, f.ws, f.dept); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("delete with open conversation: %v", err)
	}
	resolved := switchboard.ConversationResolved
	_, err = s.ChangeRouting(ctx, f.ws, conv, store.RoutingChange{Status: &resolved}, nil)
	must(t, err, "resolve")
	must(t, s.DeleteDepartment(ctx, f.ws, f.dept), "DeleteDepartment")
	if _, err := s.GetDepartment(ctx, f.ws, f.dept); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted department: %v", err)
	}
}

func testRoutingRules(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := setup(t, s)
	var ids []string
	for i, name := range []string{"ja", "vip", "pricing"} {
		r, err := s.CreateRoutingRule(ctx, switchboard.RoutingRule{ID: switchboard.NewID("rule"), WorkspaceID: f.ws, Name: name,
			Match: switchboard.RuleMatch{Keywords: []string{"料金", name}}, Action: switchboard.RuleAction{Priority: i}, CreatedAt: t0})
		must(t, err, "CreateRoutingRule")
		if r.Position != i {
			t.Fatalf("rule %s position %d, want %d", name, r.Position, i)
		}
		ids = append(ids, r.ID)
	}
	r, err := s.GetRoutingRule(ctx, f.ws, ids[1])
	must(t, err, "GetRoutingRule")
	if r.Name != "vip" || !slices.Equal(r.Match.Keywords, []string{"料金", "vip"}) {
		t.Fatalf("rule = %+v", r)
	}
	r.Name, r.Action.Labels = "VIP", []string{"vip"}
	r, err = s.UpdateRoutingRule(ctx, r)
	must(t, err, "UpdateRoutingRule")
	if r.Name != "VIP" || !slices.Equal(r.Action.Labels, []string{"vip"}) || r.Position != 1 {
		t.Fatalf("updated = %+v", r)
	}
	for _, bad := range [][]string{{ids[0], ids[1]}, {ids[0], ids[1], ids[1]}, {ids[0], ids[1], "rule_nope"}} {
		if err := s.ReorderRoutingRules(ctx, f.ws, bad); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("reorder %v: %v", bad, err)
		}
	}
	must(t, s.ReorderRoutingRules(ctx, f.ws, []string{ids[2], ids[0], ids[1]}), "ReorderRoutingRules")
	list, err := s.ListRoutingRules(ctx, f.ws)
	must(t, err, "ListRoutingRules")
	var got []string
	for _, r := range list {
		got = append(got, r.ID)
	}
	if !slices.Equal(got, []string{ids[2], ids[0], ids[1]}) {
		t.Fatalf("order = %v", got)
	}
	must(t, s.DeleteRoutingRule(ctx, f.ws, ids[0]), "DeleteRoutingRule")
	if err := s.DeleteRoutingRule(ctx, f.ws, ids[0]); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete again: %v", err)
	}
	if list, _ := s.ListRoutingRules(ctx, newWorkspace(t, s, "Other")); len(list) != 0 {
		t.Fatalf("other workspace sees %d rules", len(list))
	}
}

func testAssignUnderLimits(t *testing.T, s store.Store) {
	one := 1
	tests := []struct {
		name     string
		mode     switchboard.AssignmentMode
		maxChats int
		own      map[int]*int // operator index → own limit
		busy     []int        // operators holding one chat already, by index
		online   []int
		want     []int // who gets each of the waiting conversations (-1: nobody)
	}{
		{name: "round robin turns", mode: switchboard.AssignRoundRobin, maxChats: 5, online: []int{0, 1, 2}, want: []int{0, 1, 2, 0}},
		{name: "round robin skips full", mode: switchboard.AssignRoundRobin, maxChats: 1, busy: []int{1}, online: []int{0, 1, 2}, want: []int{0, 2, -1}},
		{name: "round robin only online", mode: switchboard.AssignRoundRobin, maxChats: 5, online: []int{2}, want: []int{2, 2}},
		{name: "least busy", mode: switchboard.AssignLeastBusy, maxChats: 5, busy: []int{0, 0, 1}, online: []int{0, 1, 2}, want: []int{2, 1, 2}},
		{name: "own limit wins", mode: switchboard.AssignLeastBusy, maxChats: 5, own: map[int]*int{2: &one}, busy: []int{0}, online: []int{0, 2}, want: []int{2, 0, 0}},
		{name: "nobody online", mode: switchboard.AssignRoundRobin, maxChats: 5, want: []int{-1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			set := store.DefaultDepartmentSettings()
			set.Assignment, set.MaxChats = tc.mode, tc.maxChats
			f := newRoutingFixture(t, s, set, 3)
			for i, limit := range tc.own {
				must(t, s.SetOperatorMaxChats(ctx, f.ws, f.ops[i], limit), "SetOperatorMaxChats")
			}
			for _, i := range tc.busy {
				conv := f.waiting(t, 0, t0)
				op := f.ops[i]
				_, err := s.ChangeRouting(ctx, f.ws, conv, store.RoutingChange{AssigneeID: &op}, nil)
				must(t, err, "busy")
			}
			var online []switchboard.OperatorID
			for _, i := range tc.online {
				online = append(online, f.ops[i])
			}
			for n, want := range tc.want {
				f.waiting(t, 0, t0.Add(time.Duration(n+1)*time.Minute))
				res := f.assign(t, tc.mode, online)
				if want < 0 {
					if res.Assigned {
						t.Fatalf("conversation %d assigned to %s, want nobody", n, res.Conversation.AssigneeID)
					}
					continue
				}
				if !res.Assigned || res.Conversation.AssigneeID != f.ops[want] {
					t.Fatalf("conversation %d assigned %v to %q, want %s", n, res.Assigned, res.Conversation.AssigneeID, f.ops[want])
				}
				if res.Conversation.QueuedAt != nil {
					t.Fatalf("assigned conversation still queued")
				}
				if len(res.Activities) != 1 || res.Activities[0].Activity.Kind != switchboard.ActivityAssigned || res.Activities[0].Activity.OperatorID != f.ops[want] {
					t.Fatalf("activities = %+v", res.Activities)
				}
			}
		})
	}
}

func testQueueOrder(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newRoutingFixture(t, s, store.DefaultDepartmentSettings(), 1)
	late := f.waiting(t, 0, t0.Add(3*time.Minute))
	early := f.waiting(t, 0, t0.Add(1*time.Minute))
	urgent := f.waiting(t, 10, t0.Add(5*time.Minute))
	q, err := s.Queue(ctx, f.ws, f.dept, 10)
	must(t, err, "Queue")
	var got []switchboard.ConversationID
	for _, c := range q {
		got = append(got, c.ID)
	}
	if want := []switchboard.ConversationID{urgent, early, late}; !slices.Equal(got, want) {
		t.Fatalf("queue = %v, want %v", got, want)
	}
	if q[0].Priority != 10 || q[0].QueuedAt == nil || !q[0].QueuedAt.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("head = priority %d queued %v", q[0].Priority, q[0].QueuedAt)
	}
	res := f.assign(t, switchboard.AssignRoundRobin, f.ops)
	if res.Conversation.ID != urgent {
		t.Fatalf("assigned %s first, want the urgent one", res.Conversation.ID)
	}
}

func testChangeRoutingClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newRoutingFixture(t, s, store.DefaultDepartmentSettings(), 2)
	conv := f.waiting(t, 0, t0)
	claim := func(op switchboard.OperatorID) (store.RoutingResult, error) {
		entry := store.ActivityEntry(switchboard.MessageID(switchboard.NewID("msg")), switchboard.Conversation{}, switchboard.Activity{
			Kind: switchboard.ActivityClaimed, ActorID: op, OperatorID: op,
		}, t0.Add(time.Minute))
		return s.ChangeRouting(ctx, f.ws, conv, store.RoutingChange{AssigneeID: &op, IfUnassigned: true, Labels: []string{"claimed"},
			Activities: []switchboard.Message{entry}, At: t0.Add(time.Minute)}, func(r store.RoutingResult) []store.OutboxEntry {
			return []store.OutboxEntry{{Topic: "events", Key: string(r.Activities[0].ID), Payload: []byte(`{}`)}}
		})
	}
	before := pending(t, s)
	res, err := claim(f.ops[0])
	must(t, err, "claim")
	if res.Conversation.AssigneeID != f.ops[0] || res.Conversation.QueuedAt != nil || !slices.Equal(res.Conversation.Labels, []string{"claimed"}) {
		t.Fatalf("claimed = %+v", res.Conversation)
	}
	if pending(t, s) != before+1 {
		t.Fatalf("outbox entry not written")
	}
	if _, err := claim(f.ops[1]); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second claim: %v", err)
	}
	page, err := s.ListMessages(ctx, f.ws, conv, store.MessageQuery{})
	must(t, err, "ListMessages")
	var acts []switchboard.Message
	for _, m := range page.Items {
		if m.Direction == switchboard.DirectionActivity {
			acts = append(acts, m)
		}
	}
	if len(acts) != 1 || acts[0].Activity == nil || acts[0].Activity.Kind != switchboard.ActivityClaimed || acts[0].Activity.OperatorID != f.ops[0] {
		t.Fatalf("activity entries = %+v", acts)
	}
	got, err := s.GetConversation(ctx, f.ws, conv)
	must(t, err, "GetConversation")
	if got.LastMessage != "hello" {
		t.Fatalf("an activity entry changed the last message: %q", got.LastMessage)
	}
}

// testAssignConcurrent assigns from many goroutines at once: every
// conversation goes to one operator once, nobody over their limit.
func testAssignConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	set := store.DefaultDepartmentSettings()
	set.MaxChats = 3
	f := newRoutingFixture(t, s, set, 4)
	const convs = 20
	for i := range convs {
		f.waiting(t, 0, t0.Add(time.Duration(i)*time.Second))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	assigned := map[switchboard.ConversationID]int{}
	for range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.Assign(ctx, store.AssignRequest{WorkspaceID: f.ws, DepartmentID: f.dept, Mode: switchboard.AssignLeastBusy,
				Online: f.ops, ActivityID: switchboard.MessageID(switchboard.NewID("msg")), At: t0.Add(time.Hour)}, nil)
			if err != nil {
				t.Error(err)
				return
			}
			if res.Assigned {
				mu.Lock()
				assigned[res.Conversation.ID]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(assigned) != 12 {
		t.Fatalf("%d conversations assigned, want 12 (4 operators × 3)", len(assigned))
	}
	for id, n := range assigned {
		if n != 1 {
			t.Fatalf("conversation %s assigned %d times", id, n)
		}
	}
	loads, err := s.OpenChats(ctx, f.ws)
	must(t, err, "OpenChats")
	for _, op := range f.ops {
		if loads[op] != 3 {
			t.Fatalf("loads = %v", loads)
		}
	}
	if st, _ := s.QueueStats(ctx, f.ws, f.dept); st.Waiting != convs-12 {
		t.Fatalf("waiting = %d, want %d", st.Waiting, convs-12)
	}
}

func testQueueStats(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newRoutingFixture(t, s, store.DefaultDepartmentSettings(), 1)
	st, err := s.QueueStats(ctx, f.ws, f.dept)
	must(t, err, "QueueStats")
	if st.Waiting != 0 || st.OldestQueued != nil || len(st.RecentFirstReplies) != 0 {
		t.Fatalf("empty stats = %+v", st)
	}
	answered := f.waiting(t, 0, t0)
	must(t, s.CreateMessage(ctx, switchboard.Message{ID: switchboard.MessageID(switchboard.NewID("msg")), WorkspaceID: f.ws, AuthorID: f.ops[0],
		ConversationID: answered, Direction: switchboard.DirectionOut, Parts: switchboard.TextParts("hi"), CreatedAt: t0.Add(90 * time.Second)}, nil), "CreateMessage")
	// An automatic answer (no author) is no operator's reply.
	auto := f.waiting(t, 0, t0.Add(time.Minute))
	must(t, s.CreateMessage(ctx, switchboard.Message{ID: switchboard.MessageID(switchboard.NewID("msg")), WorkspaceID: f.ws,
		ConversationID: auto, Direction: switchboard.DirectionOut, Parts: switchboard.TextParts("you are number 2"), CreatedAt: t0.Add(61 * time.Second)}, nil), "CreateMessage")
	st, err = s.QueueStats(ctx, f.ws, f.dept)
	must(t, err, "QueueStats")
	if st.Waiting != 2 || st.OldestQueued == nil || !st.OldestQueued.Equal(t0) {
		t.Fatalf("stats = %+v", st)
	}
	if len(st.RecentFirstReplies) != 1 || st.RecentFirstReplies[0] != 90*time.Second {
		t.Fatalf("first replies = %v", st.RecentFirstReplies)
	}
}
