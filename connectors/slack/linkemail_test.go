package slack

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/slack/fake"
)

// linkingHub is hubFake that can also link accounts by e-mail, as the
// router's Hub does.
type linkingHub struct {
	*hubFake
	byEmail map[string]switchboard.OperatorID
	linked  map[string]switchboard.OperatorID
}

func (h *linkingHub) LinkAccountByEmail(ctx context.Context, ws switchboard.WorkspaceID, provider, user, email string) (switchboard.OperatorID, error) {
	op, ok := h.byEmail[strings.ToLower(email)]
	if !ok || ws != testWorkspace || provider != Type {
		return "", connectors.ErrNotFound
	}
	h.linked[user] = op
	h.linkOperator(user, op)
	return op, nil
}

// TestUnlinkedUserLinkedByVerifiedEmail: a Slack user with no link who
// replies in a thread is linked to the operator with the same confirmed
// e-mail (users.info) and the reply goes out; without a confirmed match the
// reply is refused with the usual notice.
func TestUnlinkedUserLinkedByVerifiedEmail(t *testing.T) {
	tests := []struct {
		name     string
		user     fake.User
		wantLink bool
	}{
		{"confirmed e-mail of an operator", fake.User{ID: "UNEW", Name: "nora", Email: "Nora@Example.com"}, true},
		{"unconfirmed e-mail", fake.User{ID: "UNEW", Name: "nora", Email: "nora@example.com", EmailUnconfirmed: true}, false},
		{"e-mail of nobody", fake.User{ID: "UNEW", Name: "zed", Email: "zed@example.com"}, false},
		{"no e-mail scope", fake.User{ID: "UNEW", Name: "nora"}, false},
		{"unknown to Slack", fake.User{ID: "UOTHER", Name: "x", Email: "nora@example.com"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, nil)
			hub := &linkingHub{hubFake: e.hub, byEmail: map[string]switchboard.OperatorID{"nora@example.com": "op_nora"}, linked: map[string]switchboard.OperatorID{}}
			e.conn.deps.Hub = hub
			e.api.AddUser(tt.user)
			ts := e.openThread()
			rec := e.deliver(fake.MessageEvent(fake.ThreadMessage{Channel: testSlackChan, User: "UNEW", ThreadTS: ts, Text: "on it"}), time.Now(), 0)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d %s", rec.Code, rec.Body)
			}
			e.conn.Wait()
			replies := e.hub.replyRequests()
			if e.api.Calls("users.info") != 1 {
				t.Errorf("users.info calls = %d, want 1", e.api.Calls("users.info"))
			}
			if !tt.wantLink {
				if len(replies) != 0 || len(hub.linked) != 0 {
					t.Fatalf("replies %+v, links %v: want none", replies, hub.linked)
				}
				return
			}
			if len(replies) != 1 || replies[0].AuthorID != "op_nora" || hub.linked["UNEW"] != "op_nora" {
				t.Fatalf("replies %+v, links %v: want one by op_nora", replies, hub.linked)
			}
			// The next reply uses the stored link: no second lookup.
			rec = e.deliver(fake.MessageEvent(fake.ThreadMessage{Channel: testSlackChan, User: "UNEW", ThreadTS: ts, Text: "done"}), time.Now(), 0)
			e.conn.Wait()
			if rec.Code != http.StatusOK || e.api.Calls("users.info") != 1 || len(e.hub.replyRequests()) != 2 {
				t.Fatalf("second reply: %d, users.info %d, replies %d", rec.Code, e.api.Calls("users.info"), len(e.hub.replyRequests()))
			}
		})
	}
}
