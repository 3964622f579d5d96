package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	_ "github.com/switchboardhq/switchboard/connectors/line"
)

// TestChannelsAtRunTime: an admin adds, changes, pauses and removes
// channels through the API; the hub runs them without a restart; secrets
// never come back; bad configs are refused with the field named and change
// nothing; operators may look but not touch.
func TestChannelsAtRunTime(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	operator := f.token(f.ws, switchboard.RoleSupervisor)

	code, ch := f.do(nil, request{method: "POST", path: "/api/v1/channels", bearer: admin,
		body: `{"id":"shop","type":"webchat","name":"Shop chat","config":{"max_text_length":300,"title":"Shop"}}`})
	if code != http.StatusCreated || ch["webhook_url"] == "" || ch["running"] != true {
		t.Fatalf("create: %d %v", code, ch)
	}
	// The new channel works at once: a visitor can start a session.
	if code, _ := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"shop"}`}); code != http.StatusCreated {
		t.Fatalf("widget on the new channel: %d", code)
	}

	// A LINE channel: its secrets are sealed and never shown.
	code, line := f.do(nil, request{method: "POST", path: "/api/v1/channels", bearer: admin,
		body: `{"id":"line","type":"line","config":{"channel_secret":"s3cret-value","channel_access_token":"t0ken-value"}}`})
	if code != http.StatusCreated {
		t.Fatalf("create LINE: %d %v", code, line)
	}
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/channels", bearer: operator})
	raw := mustJSON(t, list)
	if strings.Contains(raw, "s3cret-value") || strings.Contains(raw, "t0ken-value") {
		t.Fatalf("the channel list shows secrets: %s", raw)
	}
	if !strings.Contains(raw, `"shop"`) || !strings.Contains(raw, `"line"`) {
		t.Fatalf("list = %s", raw)
	}

	tests := []struct {
		name, method, path, bearer, body string
		want                             int
		inMsg                            string
	}{
		{"unknown type", "POST", "/api/v1/channels", admin, `{"id":"x","type":"pigeon"}`, 400, "pigeon"},
		{"bad id", "POST", "/api/v1/channels", admin, `{"id":"Shop Chat","type":"webchat"}`, 400, "id"},
		{"taken id", "POST", "/api/v1/channels", admin, `{"id":"shop","type":"webchat"}`, 409, "shop"},
		{"bad config", "POST", "/api/v1/channels", admin, `{"id":"line2","type":"line","config":{"channel_secret":"s"}}`, 400, "channel_access_token"},
		{"bad change", "PATCH", "/api/v1/channels/shop", admin, `{"config":{"max_text_length":-1}}`, 400, "max_text_length"},
		{"operators may not add", "POST", "/api/v1/channels", operator, `{"id":"y","type":"webchat"}`, 403, "admins"},
		{"operators may not remove", "DELETE", "/api/v1/channels/shop", operator, ``, 403, "admins"},
		{"unknown channel", "PATCH", "/api/v1/channels/nope", admin, `{"paused":true}`, 404, "channel"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.do(nil, request{method: tc.method, path: tc.path, bearer: tc.bearer, body: tc.body})
			msg, _ := out["error"].(map[string]any)["message"].(string)
			if code != tc.want || !strings.Contains(msg, tc.inMsg) {
				t.Fatalf("%d %q, want %d naming %q", code, msg, tc.want, tc.inMsg)
			}
		})
	}
	if _, got := f.do(nil, request{method: "GET", path: "/api/v1/channels/shop", bearer: admin}); mustJSON(t, got["config"]) != `{"max_text_length":300,"title":"Shop"}` {
		t.Fatalf("a refused change changed the channel: %v", got["config"])
	}

	// A change keeps the secrets it does not name.
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/channels/line", bearer: admin, body: `{"name":"LINE Official"}`}); code != http.StatusOK || out["name"] != "LINE Official" {
		t.Fatalf("rename: %d %v", code, out)
	}

	// Pausing stops the widget; removing makes the channel unknown.
	if code, _ := f.do(nil, request{method: "PATCH", path: "/api/v1/channels/shop", bearer: admin, body: `{"paused":true}`}); code != http.StatusOK {
		t.Fatalf("pause: %d", code)
	}
	if code, _ := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"shop"}`}); code != http.StatusServiceUnavailable {
		t.Fatalf("widget on a paused channel: %d", code)
	}
	if code, _ := f.do(nil, request{method: "DELETE", path: "/api/v1/channels/shop", bearer: admin}); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}
	if code, _ := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"shop"}`}); code != http.StatusNotFound {
		t.Fatalf("widget on a removed channel: %d", code)
	}
}
