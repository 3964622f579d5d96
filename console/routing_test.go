package console_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// eventually polls cond until it holds or 10 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// activities are a conversation's activity entries, oldest first.
func activities(t testing.TB, f *fixture, conv switchboard.ConversationID) []switchboard.Activity {
	t.Helper()
	var out []switchboard.Activity
	for _, m := range allMessages(t, f, conv) {
		if m.Direction == switchboard.DirectionActivity && m.Activity != nil {
			out = append(out, *m.Activity)
		}
	}
	return out
}

// online logs an operator in and sets their presence online through the
// API (which pulls their queues); it returns the browser and CSRF token.
func (f *fixture) online(email string) (*http.Client, string) {
	f.t.Helper()
	c, csrf := f.session(email)
	if code, out := f.do(c, request{method: "PUT", path: "/api/v1/me/presence", body: `{"presence":"online"}`, headers: map[string]string{"X-CSRF-Token": csrf}}); code != http.StatusOK {
		f.t.Fatalf("presence: %d %v", code, out)
	}
	return c, csrf
}

// routingDepartment creates a department through the API as admin.
func (f *fixture) routingDepartment(admin, body string) string {
	f.t.Helper()
	code, out := f.do(nil, request{method: "POST", path: "/api/v1/departments", bearer: admin, body: body})
	if code != http.StatusCreated {
		f.t.Fatalf("create department: %d %v", code, out)
	}
	return out["id"].(string)
}

func TestDepartmentsAPI(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	ana := f.operator("ana@example.com", switchboard.RoleOperator)
	bad := []struct {
		name, body, code string
	}{
		{"no name", `{"name":" "}`, "invalid_name"},
		{"mode", `{"name":"S","assignment":"random"}`, "invalid_assignment"},
		{"max chats", `{"name":"S","max_chats":-1}`, "invalid_max_chats"},
		{"zone", `{"name":"S","hours":{"time_zone":"Mars/Olympus","weekly":{}}}`, "invalid_hours"},
		{"range", `{"name":"S","hours":{"time_zone":"Asia/Tokyo","weekly":{"mon":[{"from":"18:00","to":"09:00"}]}}}`, "invalid_hours"},
		{"offline", `{"name":"S","offline":{"mode":"silent"}}`, "invalid_offline"},
		{"notify", `{"name":"S","notify":{"transfer":["pigeon"]}}`, "invalid_notify"},
		{"member", `{"name":"S","member_ids":["op_nobody"]}`, "invalid_member_ids"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.do(nil, request{method: "POST", path: "/api/v1/departments", bearer: admin, body: tc.body})
			if code != http.StatusBadRequest || errCode(out) != tc.code {
				t.Fatalf("%d %v, want 400 %s", code, out, tc.code)
			}
		})
	}
	if code, _ := f.do(nil, request{method: "POST", path: "/api/v1/departments", bearer: f.token(f.ws, switchboard.RoleSupervisor), body: `{"name":"S"}`}); code != http.StatusForbidden {
		t.Fatalf("supervisor create: %d", code)
	}
	id := f.routingDepartment(admin, `{"name":"Sales","assignment":"least_busy","max_chats":2,"member_ids":["`+string(ana.ID)+`"],
		"hours":{"time_zone":"Asia/Tokyo","weekly":{"mon":[{"from":"09:00","to":"18:00"}]},"holidays":["2026-12-31"]}}`)
	code, out := f.do(nil, request{method: "GET", path: "/api/v1/departments/" + id, bearer: admin})
	if code != http.StatusOK || out["assignment"] != "least_busy" || out["max_chats"] != 2.0 || out["default_wait_seconds"] != 120.0 ||
		fmt.Sprint(out["member_ids"]) != "["+string(ana.ID)+"]" {
		t.Fatalf("get: %d %v", code, out)
	}
	code, out = f.do(nil, request{method: "PATCH", path: "/api/v1/departments/" + id, bearer: admin, body: `{"max_chats":4,"hours":null,"member_ids":[]}`})
	if code != http.StatusOK || out["max_chats"] != 4.0 || out["hours"] != nil || out["assignment"] != "least_busy" || out["member_ids"] != nil {
		t.Fatalf("patch: %d %v", code, out)
	}
	if _, err := f.store.DefaultDepartment(context.Background(), f.ws); err != nil {
		t.Fatal(err)
	}
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/departments", bearer: admin})
	items := list["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("list = %v", items)
	}
	for _, it := range items {
		d := it.(map[string]any)
		if d["assignment"] == nil {
			t.Fatalf("listed department without settings: %v", d)
		}
		if d["default"] == true {
			if code, out := f.do(nil, request{method: "DELETE", path: "/api/v1/departments/" + d["id"].(string), bearer: admin}); code != http.StatusConflict {
				t.Fatalf("delete default: %d %v", code, out)
			}
		}
	}
	if code, _ := f.do(nil, request{method: "DELETE", path: "/api/v1/departments/" + id, bearer: admin}); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/departments/" + id, bearer: admin}); code != http.StatusNotFound {
		t.Fatalf("deleted department: %d", code)
	}
}

func TestRoutingRulesAPI(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	billing := f.routingDepartment(admin, `{"name":"Billing"}`)
	var ids []string
	for _, body := range []string{
		`{"name":"Japanese billing","match":{"keywords":["料金","請求"]},"action":{"department_id":"` + billing + `","priority":5}}`,
		`{"name":"Checkout","match":{"page_url":"https://shop.example.com/checkout/*"},"action":{"department_id":"` + billing + `","labels":["checkout"]}}`,
	} {
		code, out := f.do(nil, request{method: "POST", path: "/api/v1/routing-rules", bearer: admin, body: body})
		if code != http.StatusCreated {
			t.Fatalf("create rule: %d %v", code, out)
		}
		ids = append(ids, out["id"].(string))
	}
	for _, tc := range []struct{ body, code string }{
		{`{"name":"x","action":{"department_id":"dep_nope"}}`, "invalid_action"},
		{`{"name":"","action":{"priority":1}}`, "invalid_name"},
		{`{"name":"x","action":{}}`, "invalid_action"},
	} {
		if code, out := f.do(nil, request{method: "POST", path: "/api/v1/routing-rules", bearer: admin, body: tc.body}); code != http.StatusBadRequest || errCode(out) != tc.code {
			t.Fatalf("bad rule %s: %d %v", tc.body, code, out)
		}
	}
	for _, order := range [][]string{{ids[0]}, {ids[0], ids[0]}, {ids[1], ids[0], "rule_x"}} {
		if code, out := f.do(nil, request{method: "PUT", path: "/api/v1/routing-rules/order", bearer: admin, body: mustJSON(t, map[string]any{"ids": order})}); code != http.StatusBadRequest || errCode(out) != "invalid_ids" {
			t.Fatalf("order %v: %d %v", order, code, out)
		}
	}
	code, out := f.do(nil, request{method: "PUT", path: "/api/v1/routing-rules/order", bearer: admin, body: mustJSON(t, map[string]any{"ids": []string{ids[1], ids[0]}})})
	if code != http.StatusOK || out["items"].([]any)[0].(map[string]any)["id"] != ids[1] {
		t.Fatalf("order: %d %v", code, out)
	}
	tests := []struct {
		name, body string
		rule       any
	}{
		{"japanese keyword", `{"text":"来月の料金を教えてください"}`, ids[0]},
		{"page glob first", `{"text":"料金","page_url":"https://shop.example.com/checkout/step2"}`, ids[1]},
		{"nothing", `{"text":"hello"}`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.do(nil, request{method: "POST", path: "/api/v1/routing-rules/test", bearer: admin, body: tc.body})
			if code != http.StatusOK || out["rule_id"] != tc.rule || out["department_id"] == "" {
				t.Fatalf("%d %v, want rule %v", code, out, tc.rule)
			}
		})
	}
	code, out = f.do(nil, request{method: "PATCH", path: "/api/v1/routing-rules/" + ids[0], bearer: admin, body: `{"name":"JA billing"}`})
	if code != http.StatusOK || out["name"] != "JA billing" || out["action"].(map[string]any)["priority"] != 5.0 {
		t.Fatalf("patch: %d %v", code, out)
	}
	if code, _ := f.do(nil, request{method: "DELETE", path: "/api/v1/routing-rules/" + ids[0], bearer: f.token(f.ws, switchboard.RoleOperator)}); code != http.StatusForbidden {
		t.Fatalf("operator delete: %d", code)
	}
	if code, _ := f.do(nil, request{method: "DELETE", path: "/api/v1/routing-rules/" + ids[0], bearer: admin}); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}
}

// TestJapaneseKeywordRoutedEndToEnd: a visitor's Japanese message matches
// a rule, lands in its department with its priority and labels, goes to
// the online member, and the history records both steps; the visitor's
// widget never sees those entries.
func TestJapaneseKeywordRoutedEndToEnd(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	ana := f.operator("ana@example.com", switchboard.RoleOperator)
	billing := f.routingDepartment(admin, `{"name":"Billing","member_ids":["`+string(ana.ID)+`"]}`)
	code, out := f.do(nil, request{method: "POST", path: "/api/v1/routing-rules", bearer: admin,
		body: `{"name":"料金の質問","match":{"keywords":["料金"]},"action":{"department_id":"` + billing + `","priority":7,"labels":["billing"]}}`})
	if code != http.StatusCreated {
		t.Fatalf("rule: %d %v", code, out)
	}
	ruleID := out["id"].(string)
	f.online("ana@example.com")

	v := f.visitor()
	widget := f.dialStream("/widget/v1/stream?token="+v.token, nil, "")
	conv := v.says("プランの料金について教えてください")
	if string(conv.DepartmentID) != billing || conv.Priority != 7 || !slices.Contains(conv.Labels, "billing") {
		t.Fatalf("routed to %s priority %d labels %v", conv.DepartmentID, conv.Priority, conv.Labels)
	}
	eventually(t, "assignment to ana", func() bool {
		c, _ := f.store.GetConversation(context.Background(), f.ws, conv.ID)
		return c.AssigneeID == ana.ID && c.QueuedAt == nil
	})
	acts := activities(t, f, conv.ID)
	if len(acts) != 2 || acts[0].Kind != switchboard.ActivityRouted || acts[0].RuleID != ruleID || acts[0].DepartmentName != "Billing" ||
		acts[1].Kind != switchboard.ActivityAssigned || acts[1].OperatorID != ana.ID {
		t.Fatalf("activities = %+v", acts)
	}
	// The operator's API lists the entries; the visitor's does not.
	_, page := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", bearer: admin})
	var directions []string
	for _, m := range page["items"].([]any) {
		directions = append(directions, m.(map[string]any)["direction"].(string))
	}
	if !slices.Equal(directions, []string{"in", "activity", "activity"}) {
		t.Fatalf("operator's history directions = %v", directions)
	}
	f.sentReply(admin, conv.ID, "ご案内します")
	for _, fr := range widget.until("the reply", func(m map[string]any) bool {
		msg, _ := m["message"].(map[string]any)
		return msg != nil && msg["text"] == "ご案内します"
	}) {
		if msg, _ := fr["message"].(map[string]any); msg != nil && msg["direction"] == "activity" {
			t.Fatalf("the widget stream showed an activity entry: %v", fr)
		}
	}
	_, hist := f.do(nil, request{method: "GET", path: "/widget/v1/messages", bearer: v.token})
	for _, m := range hist["items"].([]any) {
		if m.(map[string]any)["direction"] == "activity" {
			t.Fatalf("the widget history shows an activity entry: %v", m)
		}
	}
}

// TestRoundRobinQueueAndFinishPullsNext: with a limit of one chat each,
// two online members get one conversation each in turn, the third waits
// in the queue (the queues view counts it), and resolving one pulls it.
func TestRoundRobinQueueAndFinishPullsNext(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	ana := f.operator("ana@example.com", switchboard.RoleOperator)
	bob := f.operator("bob@example.com", switchboard.RoleOperator)
	sales := f.routingDepartment(admin, `{"name":"Sales","max_chats":1,"member_ids":["`+string(ana.ID)+`","`+string(bob.ID)+`"]}`)
	f.do(nil, request{method: "POST", path: "/api/v1/routing-rules", bearer: admin, body: `{"name":"all","action":{"department_id":"` + sales + `"}}`})
	anaClient, anaCSRF := f.online("ana@example.com")
	f.online("bob@example.com")

	var convs []switchboard.Conversation
	for i := range 3 {
		c := f.customerWrites(fmt.Sprintf("visitor-%d", i), "hello")
		if i < 2 {
			eventually(t, "assignment", func() bool {
				c, _ = f.store.GetConversation(context.Background(), f.ws, c.ID)
				return c.AssigneeID != ""
			})
		}
		convs = append(convs, c)
	}
	if convs[0].AssigneeID == convs[1].AssigneeID {
		t.Fatalf("both conversations went to %s", convs[0].AssigneeID)
	}
	waiting, _ := f.store.GetConversation(context.Background(), f.ws, convs[2].ID)
	if waiting.AssigneeID != "" || waiting.QueuedAt == nil {
		t.Fatalf("third conversation: assignee %q queued %v", waiting.AssigneeID, waiting.QueuedAt)
	}
	_, queues := f.do(nil, request{method: "GET", path: "/api/v1/queues", bearer: admin})
	var salesQueue map[string]any
	for _, q := range queues["items"].([]any) {
		if q.(map[string]any)["department_id"] == sales {
			salesQueue = q.(map[string]any)
		}
	}
	if salesQueue == nil || salesQueue["waiting"] != 1.0 || salesQueue["open"] != true || len(salesQueue["online"].([]any)) != 2 || salesQueue["estimated_wait_seconds"].(float64) <= 0 {
		t.Fatalf("queues = %v", queues)
	}
	anasConv := convs[0]
	if anasConv.AssigneeID != ana.ID {
		anasConv = convs[1]
	}
	code, out := f.do(anaClient, request{method: "PATCH", path: "/api/v1/conversations/" + string(anasConv.ID), body: `{"status":"resolved"}`, headers: map[string]string{"X-CSRF-Token": anaCSRF}})
	if code != http.StatusOK {
		t.Fatalf("resolve: %d %v", code, out)
	}
	eventually(t, "the queued conversation pulled by ana", func() bool {
		c, _ := f.store.GetConversation(context.Background(), f.ws, convs[2].ID)
		return c.AssigneeID == ana.ID && c.QueuedAt == nil
	})
	acts := activities(t, f, anasConv.ID)
	if last := acts[len(acts)-1]; last.Kind != switchboard.ActivityResolved || last.ActorID != ana.ID || last.ActorName == "" {
		t.Fatalf("resolution entry = %+v", last)
	}
}

// TestTransferAndClaim: a transfer names who moved the conversation,
// where and why in its history (never in the visitor's), and of two
// operators claiming one waiting conversation exactly one wins.
func TestTransferAndClaim(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	sup := f.operator("sue@example.com", switchboard.RoleSupervisor)
	manual := f.routingDepartment(admin, `{"name":"Escalations","assignment":"manual"}`)
	ana := f.operator("ana@example.com", switchboard.RoleOperator, switchboard.DepartmentID(manual))
	bob := f.operator("bob@example.com", switchboard.RoleOperator, switchboard.DepartmentID(manual))
	v := f.visitor()
	conv := v.says("I need a manager")
	from := conv.DepartmentID

	sueClient, sueCSRF := f.session("sue@example.com")
	for _, tc := range []struct{ body, code string }{
		{`{"reason":"x"}`, "invalid_target"},
		{`{"department_id":"` + manual + `","operator_id":"` + string(ana.ID) + `"}`, "invalid_target"},
		{`{"department_id":"dep_nope"}`, "invalid_department_id"},
		{`{"operator_id":"op_nope"}`, "invalid_operator_id"},
	} {
		if code, out := f.do(sueClient, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/transfer", body: tc.body, headers: map[string]string{"X-CSRF-Token": sueCSRF}}); code != http.StatusBadRequest || errCode(out) != tc.code {
			t.Fatalf("transfer %s: %d %v", tc.body, code, out)
		}
	}
	code, out := f.do(sueClient, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/transfer",
		body: `{"department_id":"` + manual + `","reason":"asks for a manager"}`, headers: map[string]string{"X-CSRF-Token": sueCSRF}})
	if code != http.StatusOK || out["department_id"] != manual || out["queued_at"] == nil {
		t.Fatalf("transfer: %d %v", code, out)
	}
	acts := activities(t, f, conv.ID)
	if len(acts) != 1 || acts[0].Kind != switchboard.ActivityTransferred || acts[0].ActorID != sup.ID || acts[0].ActorName == "" ||
		acts[0].DepartmentName != "Escalations" || acts[0].FromDepartmentID != from || acts[0].Reason != "asks for a manager" {
		t.Fatalf("transfer entry = %+v", acts)
	}
	code, doc := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID) + "/transcript?format=json", bearer: admin})
	lines, _ := doc["messages"].([]any)
	if code != http.StatusOK || len(lines) != 2 || lines[1].(map[string]any)["text"] != "Transferred to Escalations by sue@example.com: asks for a manager" {
		t.Fatalf("transcript: %d %v", code, doc)
	}
	_, hist := f.do(nil, request{method: "GET", path: "/widget/v1/messages", bearer: v.token})
	if n := len(hist["items"].([]any)); n != 1 {
		t.Fatalf("the visitor sees %d messages, want only their own", n)
	}

	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, email := range []string{"ana@example.com", "bob@example.com"} {
		c, csrf := f.session(email)
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = f.do(c, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/claim", headers: map[string]string{"X-CSRF-Token": csrf}})
		}()
	}
	wg.Wait()
	slices.Sort(codes)
	if codes[0] != http.StatusOK || codes[1] != http.StatusConflict {
		t.Fatalf("claim codes = %v, want one 200 and one 409", codes)
	}
	got, _ := f.store.GetConversation(context.Background(), f.ws, conv.ID)
	if (got.AssigneeID != ana.ID && got.AssigneeID != bob.ID) || got.QueuedAt != nil {
		t.Fatalf("after claims: assignee %q queued %v", got.AssigneeID, got.QueuedAt)
	}
	var claims int
	for _, a := range activities(t, f, conv.ID) {
		if a.Kind == switchboard.ActivityClaimed {
			claims++
		}
	}
	if claims != 1 {
		t.Fatalf("%d claimed entries", claims)
	}
	// Transfer to an operator: assigned directly, with an entry.
	code, out = f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/transfer", bearer: admin,
		body: `{"operator_id":"` + string(sup.ID) + `","reason":"escalated"}`})
	if code != http.StatusOK || out["assignee_id"] != string(sup.ID) {
		t.Fatalf("transfer to operator: %d %v", code, out)
	}
	if _, err := f.store.ListMessages(context.Background(), f.ws, conv.ID, store.MessageQuery{}); err != nil {
		t.Fatal(err)
	}
}

// TestClosedDepartmentQueuesUntilOpen: outside its hours a department
// with offline mode "queue" keeps conversations waiting (with a place and
// a wait in the API) even with a member online; once it opens, the sweep
// hands them out in queue order.
func TestClosedDepartmentQueuesUntilOpen(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	ana := f.operator("ana@example.com", switchboard.RoleOperator)
	// No weekly ranges: closed every day.
	night := f.routingDepartment(admin, `{"name":"Night","default_wait_seconds":60,"offline":{"mode":"queue"},"member_ids":["`+string(ana.ID)+`"],
		"hours":{"time_zone":"Asia/Tokyo","weekly":{}}}`)
	f.do(nil, request{method: "POST", path: "/api/v1/routing-rules", bearer: admin, body: `{"name":"all","action":{"department_id":"` + night + `"}}`})
	f.online("ana@example.com")
	first := f.customerWrites("early", "hello")
	second := f.customerWrites("late", "hello")
	for i, c := range []switchboard.Conversation{first, second} {
		code, out := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(c.ID), bearer: admin})
		if code != http.StatusOK || out["assignee_id"] != nil || out["queue_position"] != float64(i+1) || out["wait_seconds"] != float64(60*(i+1)) {
			t.Fatalf("conversation %d while closed: %d %v", i, code, out)
		}
	}
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/departments/" + night, bearer: admin, body: `{"hours":null}`}); code != http.StatusOK {
		t.Fatalf("open: %d %v", code, out)
	}
	if err := f.rt.Hub.SweepQueues(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []switchboard.Conversation{first, second} {
		got, _ := f.store.GetConversation(context.Background(), f.ws, c.ID)
		if got.AssigneeID != ana.ID || got.QueuedAt != nil {
			t.Fatalf("after opening: assignee %q queued %v", got.AssigneeID, got.QueuedAt)
		}
	}
}

// TestOperatorOwnLimit: an operator's own max_chats overrides the
// department's, and raising it lets them take what waits.
func TestOperatorOwnLimit(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	ana := f.operator("ana@example.com", switchboard.RoleOperator)
	sales := f.routingDepartment(admin, `{"name":"Sales","max_chats":5,"member_ids":["`+string(ana.ID)+`"]}`)
	f.do(nil, request{method: "POST", path: "/api/v1/routing-rules", bearer: admin, body: `{"name":"all","action":{"department_id":"` + sales + `"}}`})
	for _, tc := range []string{`{"max_chats":-1}`, `{"max_chats":"2"}`, `{"max_chats":1.5}`} {
		if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/operators/" + string(ana.ID), bearer: admin, body: tc}); code != http.StatusBadRequest || errCode(out) != "invalid_max_chats" {
			t.Fatalf("%s: %d %v", tc, code, out)
		}
	}
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/operators/" + string(ana.ID), bearer: admin, body: `{"max_chats":1}`}); code != http.StatusOK || out["max_chats"] != 1.0 {
		t.Fatalf("set limit: %d %v", code, out)
	}
	f.online("ana@example.com")
	first := f.customerWrites("v1", "hello")
	second := f.customerWrites("v2", "hello")
	eventually(t, "the first assigned", func() bool {
		c, _ := f.store.GetConversation(context.Background(), f.ws, first.ID)
		return c.AssigneeID == ana.ID
	})
	if c, _ := f.store.GetConversation(context.Background(), f.ws, second.ID); c.AssigneeID != "" {
		t.Fatalf("second conversation assigned over ana's own limit of 1")
	}
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/operators/" + string(ana.ID), bearer: admin, body: `{"max_chats":null}`}); code != http.StatusOK || out["max_chats"] != nil {
		t.Fatalf("clear limit: %d %v", code, out)
	}
	eventually(t, "the second assigned once the limit is the department's", func() bool {
		c, _ := f.store.GetConversation(context.Background(), f.ws, second.ID)
		return c.AssigneeID == ana.ID
	})
}

// TestReturningCustomerWaitsAgain: a customer writing into a resolved
// conversation nobody holds is back in the queue, and an operator coming
// online takes it.
func TestReturningCustomerWaitsAgain(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	ana := f.operator("ana@example.com", switchboard.RoleOperator)
	sales := f.routingDepartment(admin, `{"name":"Sales","member_ids":["`+string(ana.ID)+`"]}`)
	f.do(nil, request{method: "POST", path: "/api/v1/routing-rules", bearer: admin, body: `{"name":"all","action":{"department_id":"` + sales + `"}}`})
	conv := f.customerWrites("returning", "hello")
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/conversations/" + string(conv.ID), bearer: admin, body: `{"status":"resolved"}`}); code != http.StatusOK || out["queued_at"] != nil {
		t.Fatalf("resolve: %d %v", code, out)
	}
	f.customerWrites("returning", "one more question")
	eventually(t, "the reopened conversation queued", func() bool {
		c, _ := f.store.GetConversation(context.Background(), f.ws, conv.ID)
		return c.Status == switchboard.ConversationOpen && c.QueuedAt != nil
	})
	f.online("ana@example.com")
	eventually(t, "ana takes it", func() bool {
		c, _ := f.store.GetConversation(context.Background(), f.ws, conv.ID)
		return c.AssigneeID == ana.ID && c.QueuedAt == nil
	})
}
