package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
)

func ids(out map[string]any) []string {
	var got []string
	items, _ := out["items"].([]any)
	for _, it := range items {
		got = append(got, it.(map[string]any)["id"].(string))
	}
	return got
}

// TestConversationPatchAndFilters: PATCH sets assignee, department and
// labels (validated, naming the field, changing nothing on bad input),
// each change is heard on the stream, and the list filters by them.
func TestConversationPatchAndFilters(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	one := f.customerWrites("v1", "first")
	two := f.customerWrites("v2", "second")
	general := one.DepartmentID
	sales := f.department("dep_sales", "Sales")
	gil := f.operator("gil@example.com", switchboard.RoleOperator, general)
	sam := f.operator("sam@example.com", switchboard.RoleOperator, sales)
	stream := f.dialStream("/api/v1/stream", nil, admin)
	path := "/api/v1/conversations/" + string(one.ID)

	bad := []struct {
		name, body, code, field string
	}{
		{"nothing", `{}`, "invalid_request", "nothing to change"},
		{"status", `{"status":"closed"}`, "invalid_status", "status"},
		{"unknown department", `{"department_id":"dep_nope"}`, "invalid_department_id", "department_id"},
		{"empty department", `{"department_id":""}`, "invalid_department_id", "department_id"},
		{"unknown assignee", `{"assignee_id":"op_nope"}`, "invalid_assignee_id", "assignee_id"},
		{"assignee outside the department", `{"assignee_id":"` + string(sam.ID) + `"}`, "invalid_assignee_id", "assignee_id"},
		{"assignee outside the new department", `{"assignee_id":"` + string(gil.ID) + `","department_id":"dep_sales"}`, "invalid_assignee_id", "assignee_id"},
		{"empty label", `{"labels":["ok"," "]}`, "invalid_labels", "labels[1]"},
		{"long label", `{"labels":["` + strings.Repeat("x", 65) + `"]}`, "invalid_labels", "labels[0]"},
		{"too many labels", `{"labels":[` + strings.TrimSuffix(strings.Repeat(`"l",`, 21), ",") + `]}`, "invalid_labels", "labels"},
		{"unknown field", `{"assignee":"x"}`, "invalid_json", "assignee"},
	}
	for _, tc := range bad {
		t.Run("bad "+tc.name, func(t *testing.T) {
			code, out := f.do(nil, request{method: "PATCH", path: path, bearer: admin, body: tc.body})
			if code != http.StatusBadRequest || errCode(out) != tc.code || !strings.Contains(errMessage(out), tc.field) {
				t.Fatalf("%d %v, want 400 %s naming %s", code, out, tc.code, tc.field)
			}
		})
	}
	if c := f.routed(one.ID); c.AssigneeID != "" || c.DepartmentID != general || len(c.Labels) != 0 || c.Status != switchboard.ConversationOpen {
		t.Fatalf("bad requests changed the conversation: %+v", c)
	}

	code, out := f.do(nil, request{method: "PATCH", path: path, bearer: admin, body: `{"assignee_id":"` + string(gil.ID) + `","labels":["vip","billing","vip"]}`})
	if code != http.StatusOK || out["assignee_id"] != string(gil.ID) || mustJSON(t, out["labels"]) != `["billing","vip"]` {
		t.Fatalf("patch: %d %v", code, out)
	}
	ev := stream.until("update", frameIs("conversation.updated", one.ID))
	if conv := ev[len(ev)-1]["conversation"].(map[string]any); conv["assignee_id"] != string(gil.ID) {
		t.Fatalf("event conversation = %v", conv)
	}
	// Moving to Sales with an assignee of Sales; General hears it leave.
	code, out = f.do(nil, request{method: "PATCH", path: "/api/v1/conversations/" + string(two.ID), bearer: admin, body: `{"department_id":"dep_sales","assignee_id":"` + string(sam.ID) + `"}`})
	if code != http.StatusOK || out["department_id"] != string(sales) {
		t.Fatalf("move: %d %v", code, out)
	}
	stream.until("move", frameIs("conversation.updated", two.ID))
	// Unassign.
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/conversations/" + string(two.ID), bearer: admin, body: `{"assignee_id":""}`}); code != http.StatusOK || out["assignee_id"] != nil {
		t.Fatalf("unassign: %d %v", code, out)
	}

	gilBrowser, _ := f.session("gil@example.com")
	filters := []struct {
		query  string
		client *http.Client
		want   []string
	}{
		{"label=vip", nil, []string{string(one.ID)}},
		{"label=none", nil, nil},
		{"assignee=" + string(gil.ID), nil, []string{string(one.ID)}},
		{"assignee=none", nil, []string{string(two.ID)}},
		{"assignee=me", gilBrowser, []string{string(one.ID)}},
		{"department=dep_sales", nil, []string{string(two.ID)}},
		{"department=dep_sales", gilBrowser, nil},
		{"unread=true", nil, []string{string(two.ID), string(one.ID)}},
		{"unread=true&limit=1", nil, []string{string(two.ID)}},
		{"channel=web&status=open", nil, []string{string(two.ID), string(one.ID)}},
	}
	for _, tc := range filters {
		t.Run(tc.query, func(t *testing.T) {
			bearer := admin
			if tc.client != nil {
				bearer = ""
			}
			code, out := f.do(tc.client, request{method: "GET", path: "/api/v1/conversations?" + tc.query, bearer: bearer})
			if code != http.StatusOK || mustJSON(t, ids(out)) != mustJSON(t, tc.want) {
				t.Fatalf("%d %v, want %v", code, ids(out), tc.want)
			}
		})
	}
	for _, q := range []string{"assignee=me", "unread=maybe", "status=gone", "limit=0"} {
		if code, out := f.do(nil, request{method: "GET", path: "/api/v1/conversations?" + q, bearer: admin}); code != http.StatusBadRequest {
			t.Fatalf("%s: %d %v, want 400", q, code, out)
		}
	}
	// Keyset paging goes on with filters.
	_, page := f.do(nil, request{method: "GET", path: "/api/v1/conversations?unread=true&limit=1", bearer: admin})
	_, rest := f.do(nil, request{method: "GET", path: "/api/v1/conversations?unread=true&limit=1&cursor=" + page["next"].(string), bearer: admin})
	if got := ids(rest); len(got) != 1 || got[0] != string(one.ID) {
		t.Fatalf("second page = %v", got)
	}
}

// TestUnreadUntilRead: mark unread makes a conversation read unread until
// it is read again; both are heard on the stream.
func TestUnreadUntilRead(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	conv := f.customerWrites("v1", "hello")
	stream := f.dialStream("/api/v1/stream", nil, admin)
	path := "/api/v1/conversations/" + string(conv.ID)
	unread := func() bool {
		t.Helper()
		code, out := f.do(nil, request{method: "GET", path: path, bearer: admin})
		if code != http.StatusOK {
			t.Fatalf("get: %d", code)
		}
		return out["unread"].(bool)
	}
	if !unread() {
		t.Fatal("a new customer message does not read unread")
	}
	for _, step := range []struct {
		action string
		want   bool
	}{{"read", false}, {"unread", true}, {"unread", true}, {"read", false}} {
		if code, _ := f.do(nil, request{method: "POST", path: path + "/" + step.action, bearer: admin}); code != http.StatusNoContent {
			t.Fatalf("%s: %d", step.action, code)
		}
		if got := unread(); got != step.want {
			t.Fatalf("after %s: unread %v", step.action, got)
		}
		seen := stream.until(step.action, frameIs("conversation.updated", conv.ID))
		if c := seen[len(seen)-1]["conversation"].(map[string]any); c["unread"] != step.want {
			t.Fatalf("event after %s: %v", step.action, c)
		}
	}
	if code, _ := f.do(nil, request{method: "POST", path: "/api/v1/conversations/cv_nope/unread", bearer: admin}); code != http.StatusNotFound {
		t.Fatalf("unknown conversation: %d", code)
	}
}
