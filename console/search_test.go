package console_test

import (
	"net/http"
	"testing"

	"github.com/switchboardhq/switchboard"
)

// TestSearchFindsConversationsByContact: the one search box answers
// messages and, beside them, conversations whose contact's name or e-mail
// matches, only in departments the caller may see; the list takes the
// same match as ?q=.
func TestSearchFindsConversationsByContact(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	code, out := f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: v.token,
		body: `{"text":"注文について","name":"山田 花子","email":"hanako@example.jp"}`})
	if code != http.StatusCreated {
		t.Fatalf("visitor post: %d %v", code, out)
	}
	conv := f.routed(switchboard.ConversationID(out["conversation_id"].(string)))
	f.customerWrites("someone-else", "hello")

	ids := func(v any) []string {
		var out []string
		for _, it := range v.([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		return out
	}
	for _, q := range []string{"山田", "HANAKO", "example.jp"} {
		_, found := f.do(nil, request{method: "GET", path: "/api/v1/search?q=" + q, bearer: admin})
		if got := ids(found["conversations"]); len(got) != 1 || got[0] != string(conv.ID) {
			t.Fatalf("search %q: conversations %v, want [%s]", q, got, conv.ID)
		}
	}
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/conversations?q=hanako", bearer: admin})
	if got := ids(list["items"]); len(got) != 1 || got[0] != string(conv.ID) {
		t.Fatalf("list ?q=hanako: %v", got)
	}
	// An operator of another department finds nothing of it.
	other := f.department("dep_other", "Other")
	f.operator("ola@example.com", switchboard.RoleOperator, other)
	browser, _ := f.session("ola@example.com")
	_, found := f.do(browser, request{method: "GET", path: "/api/v1/search?q=hanako"})
	if got := found["conversations"].([]any); len(got) != 0 {
		t.Fatalf("operator of another department found %v", got)
	}
}
