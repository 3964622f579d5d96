package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// waitTicketJSON polls GET /api/v1/tickets/{ref} until ok holds.
func (f *fixture) waitTicketJSON(bearer, ref, what string, ok func(map[string]any) bool) map[string]any {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, out := f.do(nil, request{method: "GET", path: "/api/v1/tickets/" + ref, bearer: bearer})
		if code == http.StatusOK && ok(out) {
			return out
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("ticket %s never %s: %d %v", ref, what, code, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTicketsAPI(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	supervisor := f.token(f.ws, switchboard.RoleSupervisor)

	// Fields: admins write, everyone reads.
	if code, out := f.do(nil, request{method: "PUT", path: "/api/v1/ticket-fields/order_id", bearer: admin, body: `{"label":"Order","type":"text","required":true,"position":1}`}); code != 200 || out["key"] != "order_id" {
		t.Fatalf("put field: %d %v", code, out)
	}
	if code, out := f.do(nil, request{method: "PUT", path: "/api/v1/ticket-fields/plan", bearer: admin, body: `{"label":"Plan","type":"select","options":["free","pro"],"position":2}`}); code != 200 {
		t.Fatalf("put select field: %d %v", code, out)
	}

	code, created := f.do(nil, request{method: "POST", path: "/api/v1/tickets", bearer: admin,
		body: `{"text":"返金してください\n注文 1234 が壊れていました","contact":{"email":"mei@example.jp","name":"Mei"},"priority":"high","fields":{"plan":"pro"}}`})
	if code != http.StatusCreated || created["number"] != float64(1) || created["subject"] != "返金してください" || created["status"] != "open" ||
		created["priority"] != "high" || created["source"] != "api" || created["breached"] != false {
		t.Fatalf("create: %d %v", code, created)
	}
	conv1 := created["conversation_id"].(string)
	if c, _ := created["conversation"].(map[string]any); c == nil || !strings.HasPrefix(c["channel"].(string), "portal-") {
		t.Fatalf("conversation of the new ticket: %v", created["conversation"])
	}
	if fields, _ := created["fields"].(map[string]any); fields["plan"] != "pro" {
		t.Fatalf("fields: %v", created["fields"])
	}

	// A conversation turned into a ticket.
	conv := f.customerWrites("v-ticket", "Where is my parcel?")
	code, made := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/ticket", bearer: supervisor, body: `{}`})
	if code != http.StatusCreated || made["number"] != float64(2) || made["subject"] != "Where is my parcel?" || made["source"] != "console" {
		t.Fatalf("convert: %d %v", code, made)
	}

	tests := []struct {
		name, method, path, bearer, body string
		wantCode                         int
		wantErr                          string
		wantMsg                          string
	}{
		{"supervisor cannot write fields", "PUT", "/api/v1/ticket-fields/x", supervisor, `{"label":"X","type":"text"}`, 403, "forbidden", ""},
		{"supervisor cannot delete fields", "DELETE", "/api/v1/ticket-fields/plan", supervisor, "", 403, "forbidden", ""},
		{"field key", "PUT", "/api/v1/ticket-fields/Bad-Key", admin, `{"label":"X","type":"text"}`, 400, "invalid_key", ""},
		{"field type", "PUT", "/api/v1/ticket-fields/x", admin, `{"label":"X","type":"colour"}`, 400, "invalid_type", ""},
		{"select needs options", "PUT", "/api/v1/ticket-fields/x", admin, `{"label":"X","type":"select"}`, 400, "invalid_options", ""},
		{"no contact", "POST", "/api/v1/tickets", admin, `{"text":"hi"}`, 400, "invalid_contact", ""},
		{"bad e-mail", "POST", "/api/v1/tickets", admin, `{"text":"hi","contact":{"email":"mei@@x"}}`, 400, "invalid_contact_email", ""},
		{"no text", "POST", "/api/v1/tickets", admin, `{"contact":{"email":"a@example.com"}}`, 400, "invalid_text", ""},
		{"bad priority", "POST", "/api/v1/tickets", admin, `{"text":"hi","contact":{"email":"a@example.com"},"priority":"asap"}`, 400, "invalid_priority", ""},
		{"unknown field", "POST", "/api/v1/tickets", admin, `{"text":"hi","contact":{"email":"a@example.com"},"fields":{"colour":"red"}}`, 400, "invalid_fields_colour", "fields.colour"},
		{"not an option", "PATCH", "/api/v1/tickets/1", admin, `{"fields":{"plan":"gold"}}`, 400, "invalid_fields_plan", "fields.plan: must be one of free, pro"},
		{"wrong type", "PATCH", "/api/v1/tickets/1", admin, `{"fields":{"order_id":12}}`, 400, "invalid_fields_order_id", "fields.order_id: must be text"},
		{"required before resolved", "PATCH", "/api/v1/tickets/1", admin, `{"status":"resolved"}`, 400, "invalid_fields_order_id", "fields.order_id"},
		{"bad status", "PATCH", "/api/v1/tickets/1", admin, `{"status":"closed"}`, 400, "invalid_status", ""},
		{"convert twice", "POST", "/api/v1/conversations/" + string(conv.ID) + "/ticket", admin, `{}`, 409, "already_ticket", ""},
		{"merge into itself", "POST", "/api/v1/tickets/1/merge", admin, `{"into":"#1"}`, 409, "same_ticket", ""},
		{"merge needs into", "POST", "/api/v1/tickets/1/merge", admin, `{}`, 400, "invalid_into", ""},
		{"unknown ticket", "GET", "/api/v1/tickets/999", admin, "", 404, "not_found", ""},
		{"unknown merge target", "POST", "/api/v1/tickets/1/merge", admin, `{"into":"777"}`, 404, "not_found", "into"},
		{"list status", "GET", "/api/v1/tickets?status=closed", admin, "", 400, "invalid_status", ""},
		{"list breached", "GET", "/api/v1/tickets?breached=yes", admin, "", 400, "invalid_breached", ""},
		{"by number", "GET", "/api/v1/tickets/1", supervisor, "", 200, "", ""},
		{"by #number", "GET", "/api/v1/tickets/%231", supervisor, "", 200, "", ""},
		{"by conversation id", "GET", "/api/v1/tickets/" + conv1, supervisor, "", 200, "", ""},
		{"fields listed", "GET", "/api/v1/ticket-fields", supervisor, "", 200, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.do(nil, request{method: tc.method, path: tc.path, bearer: tc.bearer, body: tc.body})
			if code != tc.wantCode || (tc.wantErr != "" && errCode(out) != tc.wantErr) || !strings.Contains(errMessage(out), tc.wantMsg) {
				t.Fatalf("%s %s = %d %v, want %d %s %q", tc.method, tc.path, code, out, tc.wantCode, tc.wantErr, tc.wantMsg)
			}
		})
	}
	// Refused requests changed nothing.
	if _, got := f.do(nil, request{method: "GET", path: "/api/v1/tickets/1", bearer: admin}); got["status"] != "open" || got["fields"].(map[string]any)["plan"] != "pro" {
		t.Fatalf("ticket changed by refused requests: %v", got)
	}
	if _, list := f.do(nil, request{method: "GET", path: "/api/v1/tickets", bearer: admin}); len(list["items"].([]any)) != 2 {
		t.Fatalf("list: %v", list)
	}

	// Priority and fields, then resolved once the required field is set.
	code, got := f.do(nil, request{method: "PATCH", path: "/api/v1/tickets/%231", bearer: admin, body: `{"priority":"urgent","fields":{"order_id":"A-1234","plan":null}}`})
	if code != 200 || got["priority"] != "urgent" || got["fields"].(map[string]any)["order_id"] != "A-1234" || got["fields"].(map[string]any)["plan"] != nil {
		t.Fatalf("patch: %d %v", code, got)
	}
	code, got = f.do(nil, request{method: "PATCH", path: "/api/v1/tickets/1", bearer: admin, body: `{"status":"resolved"}`})
	if code != 200 || got["status"] != "resolved" || got["resolved_at"] == nil || got["conversation"].(map[string]any)["status"] != "resolved" {
		t.Fatalf("resolve: %d %v", code, got)
	}

	// Merge #2 into #1; link and unlink.
	code, got = f.do(nil, request{method: "POST", path: "/api/v1/tickets/2/merge", bearer: admin, body: `{"into":"#1"}`})
	if code != 200 || got["number"] != float64(1) {
		t.Fatalf("merge: %d %v", code, got)
	}
	if _, src := f.do(nil, request{method: "GET", path: "/api/v1/tickets/2", bearer: admin}); src["merged_into"] != conv1 || src["status"] != "resolved" {
		t.Fatalf("merged source: %v", src)
	}
	_, third := f.do(nil, request{method: "POST", path: "/api/v1/tickets", bearer: admin, body: `{"text":"related","contact":{"phone":"+819012345678"}}`})
	code, got = f.do(nil, request{method: "POST", path: "/api/v1/tickets/1/links", bearer: admin, body: `{"ticket":"3"}`})
	if links, _ := got["links"].([]any); code != 200 || len(links) != 1 || links[0] != third["conversation_id"] {
		t.Fatalf("link: %d %v", code, got)
	}
	code, got = f.do(nil, request{method: "DELETE", path: "/api/v1/tickets/1/links/3", bearer: admin})
	if links, _ := got["links"].([]any); code != 200 || len(links) != 0 {
		t.Fatalf("unlink: %d %v", code, got)
	}

	// History: created, the customer's message, priority, status, merge.
	code, hist := f.do(nil, request{method: "GET", path: "/api/v1/tickets/1/history", bearer: admin})
	kinds := map[string]bool{}
	for _, it := range hist["items"].([]any) {
		kinds[it.(map[string]any)["kind"].(string)] = true
	}
	for _, k := range []string{"created", "message", "priority", "status", "merged", "linked", "unlinked", "updated"} {
		if code != 200 || !kinds[k] {
			t.Fatalf("history lacks %s: %d %v", k, code, hist)
		}
	}
	// Activity lines carry the activity itself, not only its text.
	activities := func() map[string][]map[string]any {
		_, hist := f.do(nil, request{method: "GET", path: "/api/v1/tickets/1/history", bearer: admin})
		out := map[string][]map[string]any{}
		for _, it := range hist["items"].([]any) {
			if a, ok := it.(map[string]any)["activity"].(map[string]any); ok {
				out[a["kind"].(string)] = append(out[a["kind"].(string)], a)
			} else if k := it.(map[string]any)["kind"]; k != "created" && k != "message" && k != "note" && k != "breached" {
				t.Fatalf("%s line without its activity: %v", k, it)
			}
		}
		return out
	}
	acts := activities()
	if p := acts["priority_changed"]; len(p) != 1 || p[0]["reason"] != "urgent" || p[0]["actor_name"] == "" || p[0]["actor_id"] == "" {
		t.Fatalf("priority activity: %v", p)
	}
	if u := acts["ticket_updated"]; len(u) != 1 || u[0]["reason"] != "order_id, plan" {
		t.Fatalf("fields activity: %v", u)
	}
	if l := acts["ticket_linked"]; len(l) != 1 || l[0]["reason"] != "#3" {
		t.Fatalf("link activity: %v", l)
	}
	// A new subject is recorded; sending the same values again records nothing.
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/tickets/1", bearer: admin, body: `{"subject":"Parcel damaged","fields":{"order_id":"A-1234"}}`}); code != 200 {
		t.Fatalf("subject: %d %v", code, out)
	}
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/tickets/1", bearer: admin, body: `{"subject":"Parcel damaged","fields":{"order_id":"A-1234"},"priority":"urgent"}`}); code != 200 {
		t.Fatalf("same again: %d %v", code, out)
	}
	acts = activities()
	if u := acts["ticket_updated"]; len(u) != 2 || u[1]["reason"] != "subject" || len(acts["priority_changed"]) != 1 {
		t.Fatalf("after the subject change: %v", acts)
	}
}

// TestTicketsDepartmentIsolation: an operator outside a ticket's
// department, and another workspace, get 404 on every ticket route and
// never see it listed.
func TestTicketsDepartmentIsolation(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	mine := f.customerWrites("va", "hello from A")
	deptA := mine.DepartmentID
	f.department("dep_b", "B")
	f.operator("ana@example.com", switchboard.RoleOperator, deptA)
	browser, csrf := f.session("ana@example.com")
	if code, out := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(mine.ID) + "/ticket", bearer: admin, body: `{}`}); code != 201 {
		t.Fatalf("ticket A: %d %v", code, out)
	}
	code, theirs := f.do(nil, request{method: "POST", path: "/api/v1/tickets", bearer: admin, body: `{"text":"in B","contact":{"email":"b@example.com"},"department_id":"dep_b"}`})
	if code != 201 {
		t.Fatalf("ticket B: %d %v", code, theirs)
	}
	b := theirs["conversation_id"].(string)
	routes := []struct{ method, path, body string }{
		{"GET", "/api/v1/tickets/2", ""},
		{"GET", "/api/v1/tickets/" + b, ""},
		{"PATCH", "/api/v1/tickets/2", `{"priority":"low"}`},
		{"GET", "/api/v1/tickets/2/history", ""},
		{"POST", "/api/v1/tickets/2/merge", `{"into":"1"}`},
		{"POST", "/api/v1/tickets/1/merge", `{"into":"2"}`},
		{"POST", "/api/v1/tickets/1/links", `{"ticket":"2"}`},
		{"DELETE", "/api/v1/tickets/1/links/2", ""},
		{"POST", "/api/v1/conversations/" + b + "/ticket", `{}`},
	}
	other := switchboard.WorkspaceID("ws_other_tickets")
	if err := f.store.CreateWorkspace(context.Background(), switchboard.Workspace{ID: other, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	otherAdmin := f.token(other, switchboard.RoleAdmin)
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			if code, out := f.do(browser, request{method: rt.method, path: rt.path, body: rt.body, headers: map[string]string{"X-CSRF-Token": csrf}}); code != http.StatusNotFound {
				t.Fatalf("operator of A: %d %v, want 404", code, out)
			}
			if code, out := f.do(nil, request{method: rt.method, path: rt.path, body: rt.body, bearer: otherAdmin}); code != http.StatusNotFound {
				t.Fatalf("other workspace: %d %v, want 404", code, out)
			}
		})
	}
	if code, out := f.do(browser, request{method: "POST", path: "/api/v1/tickets", body: `{"text":"x","contact":{"email":"c@example.com"},"department_id":"dep_b"}`, headers: map[string]string{"X-CSRF-Token": csrf}}); code != 400 || errCode(out) != "invalid_department_id" {
		t.Fatalf("operator opening a ticket in B: %d %v", code, out)
	}
	_, list := f.do(browser, request{method: "GET", path: "/api/v1/tickets"})
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["number"] != float64(1) {
		t.Fatalf("operator of A lists %v", list)
	}
	if got, _ := f.store.GetTicket(context.Background(), f.ws, switchboard.ConversationID(b)); got.Priority != switchboard.PriorityNormal || len(got.Links) != 0 || got.MergedInto != "" {
		t.Fatalf("refused requests changed ticket B: %+v", got)
	}
}

// TestTicketStatusFollowsReplies: an operator's reply makes the ticket
// waiting (via console for a session, api for a token, in the history);
// the customer writing again opens it; a breach shows in answers and the
// breached filter.
func TestTicketStatusFollowsReplies(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	conv := f.customerWrites("v-follow", "My order has not arrived")
	f.operator("ana@example.com", switchboard.RoleOperator, conv.DepartmentID)
	browser, csrf := f.session("ana@example.com")
	stream := f.dialStream("/api/v1/stream", browser, "")
	if code, out := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/ticket", bearer: admin, body: `{"priority":"high"}`}); code != 201 {
		t.Fatalf("convert: %d %v", code, out)
	}
	stream.until("ticket.updated (created)", func(m map[string]any) bool {
		tk, _ := m["ticket"].(map[string]any)
		return m["type"] == "ticket.updated" && m["reason"] == "created" && tk["number"] == float64(1) && tk["priority"] == "high"
	})
	code, out := f.do(browser, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", body: `{"text":"Looking into it"}`, headers: map[string]string{"X-CSRF-Token": csrf}})
	if code != http.StatusAccepted || out["via"] != "console" {
		t.Fatalf("session reply: %d %v", code, out)
	}
	f.waitTicketJSON(admin, "1", "waiting", func(t map[string]any) bool { return t["status"] == "waiting" && t["first_replied_at"] != nil })
	f.customerWrites("v-follow", "Any news?")
	f.waitTicketJSON(admin, "1", "open again", func(t map[string]any) bool { return t["status"] == "open" })
	if m := f.sentReply(admin, conv.ID, "It ships today"); m.Via != "api" {
		t.Fatalf("token reply via %q", m.Via)
	}
	_, hist := f.do(nil, request{method: "GET", path: "/api/v1/tickets/1/history", bearer: admin})
	var vias []string
	for _, it := range hist["items"].([]any) {
		e := it.(map[string]any)
		if e["kind"] == "message" && e["direction"] == "out" {
			via, _ := e["via"].(string)
			name, _ := e["actor_name"].(string)
			vias = append(vias, via+":"+name)
		}
	}
	if strings.Join(vias, ",") != "console:ana@example.com,api:" {
		t.Fatalf("history vias %v: %v", vias, hist)
	}

	// A target passed: the sweeper records it, answers say breached.
	past := time.Now().UTC().Add(-time.Minute)
	if _, err := f.store.UpdateTicket(context.Background(), f.ws, conv.ID, store.TicketUpdate{ResolutionDueAt: &past}, func(switchboard.Ticket) []store.OutboxEntry { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := f.rt.Hub.SweepTicketBreaches(context.Background()); err != nil {
		t.Fatal(err)
	}
	stream.until("ticket.breached", func(m map[string]any) bool {
		tk, _ := m["ticket"].(map[string]any)
		return m["type"] == "ticket.breached" && m["reason"] == "resolution" && tk["resolution_breached_at"] != nil
	})
	got := f.waitTicketJSON(admin, "1", "breached", func(t map[string]any) bool { return t["breached"] == true && t["resolution_breached_at"] != nil })
	if got["first_reply_breached_at"] != nil {
		t.Fatalf("first reply was in time: %v", got)
	}
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/tickets?breached=true", bearer: admin})
	if items := list["items"].([]any); len(items) != 1 {
		t.Fatalf("breached list: %v", list)
	}
	if _, badge := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID), bearer: admin}); badge["ticket"] == nil {
		t.Fatalf("conversation without its ticket badge: %v", badge)
	}
}

// TestWidgetOfflineFormMakesTicket: a message left through the widget's
// offline form becomes a ticket (source widget, subject from the text)
// whose number the answer carries; the form sent again keeps that ticket.
func TestWidgetOfflineFormMakesTicket(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	f.configureDefault(func(d *switchboard.Department) {
		d.Hours = &switchboard.BusinessHours{TimeZone: "Asia/Tokyo", Weekly: map[string][]switchboard.TimeRange{}}
		d.Offline = switchboard.OfflineSettings{Mode: switchboard.OfflineForm}
		d.SLA = switchboard.SLA{FirstReplyMinutes: 60}
	})
	v := f.visitor()
	code, out := f.do(nil, request{method: "POST", path: "/widget/v1/offline", bearer: v.token, body: `{"name":"Mei","email":"mei@example.jp","text":"明日電話をください\n午前中が助かります"}`})
	if code != http.StatusCreated || out["ticket_number"] != float64(1) {
		t.Fatalf("offline: %d %v", code, out)
	}
	_, tk := f.do(nil, request{method: "GET", path: "/api/v1/tickets/1", bearer: admin})
	if tk["source"] != "widget" || tk["subject"] != "明日電話をください" || tk["conversation_id"] != out["conversation_id"] || tk["first_reply_due_at"] == nil {
		t.Fatalf("offline ticket: %v", tk)
	}
	code, again := f.do(nil, request{method: "POST", path: "/widget/v1/offline", bearer: v.token, body: `{"name":"Mei","email":"mei@example.jp","text":"もう一度"}`})
	if code != http.StatusCreated || again["ticket_number"] != float64(1) {
		t.Fatalf("offline again: %d %v", code, again)
	}
	if _, list := f.do(nil, request{method: "GET", path: "/api/v1/tickets", bearer: admin}); len(list["items"].([]any)) != 1 {
		t.Fatalf("tickets: %v", list)
	}
}

// TestPortalChannelTakesNoWebhooks: the workspace's portal channel made
// for API tickets answers webhook calls with 404 and a clear message.
func TestPortalChannelTakesNoWebhooks(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	_, tk := f.do(nil, request{method: "POST", path: "/api/v1/tickets", bearer: admin, body: `{"text":"hello","contact":{"email":"a@example.com"}}`})
	ch := tk["conversation"].(map[string]any)["channel"].(string)
	code, out := f.do(nil, request{method: "POST", path: "/webhooks/" + ch, body: `{}`})
	if code != http.StatusNotFound || errCode(out) != "no_webhook" || !strings.Contains(errMessage(out), "portal") {
		t.Fatalf("webhook: %d %v", code, out)
	}
}
