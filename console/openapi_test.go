package console_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIDocumentsEveryRoute keeps the OpenAPI document honest: it is
// valid JSON, OpenAPI 3, and names every /api/v1 and /widget/v1 route the
// server answers.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	routes := []string{
		"POST /api/v1/auth/login", "POST /api/v1/auth/logout", "GET /api/v1/me", "GET /api/v1/conversations",
		"GET /api/v1/conversations/{id}", "PATCH /api/v1/conversations/{id}", "POST /api/v1/conversations/{id}/read",
		"POST /api/v1/conversations/{id}/typing", "GET /api/v1/conversations/{id}/messages",
		"POST /api/v1/conversations/{id}/messages", "POST /api/v1/messages/{id}/retry", "GET /api/v1/search",
		"GET /api/v1/channels", "POST /api/v1/channels", "GET /api/v1/channels/{id}", "PATCH /api/v1/channels/{id}",
		"DELETE /api/v1/channels/{id}", "GET /api/v1/departments", "GET /api/v1/stream", "GET /api/v1/media/{id}",
		"POST /widget/v1/sessions", "POST /widget/v1/messages", "GET /widget/v1/messages", "GET /widget/v1/stream",
		"POST /api/v1/conversations/{id}/unread", "GET /api/v1/conversations/{id}/transcript", "POST /api/v1/messages/{id}/retract",
		"DELETE /api/v1/messages/{id}", "PUT /api/v1/me/presence", "POST /widget/v1/typing",
		"GET /api/v1/templates", "POST /api/v1/templates", "GET /api/v1/templates/{id}", "PATCH /api/v1/templates/{id}",
		"DELETE /api/v1/templates/{id}", "POST /api/v1/media", "GET /api/v1/operators", "POST /api/v1/operators",
		"PATCH /api/v1/operators/{id}", "GET /api/v1/tokens", "POST /api/v1/tokens", "DELETE /api/v1/tokens/{id}",
		"GET /api/v1/me/settings", "PUT /api/v1/me/settings", "GET /api/v1/channel-types",
	}
	param := regexp.MustCompile(`\{[a-z]+\}`)
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		found := false
		for p, ops := range doc.Paths {
			if param.ReplaceAllString(p, "{}") == param.ReplaceAllString(path, "{}") {
				_, found = ops[strings.ToLower(method)]
			}
		}
		if !found {
			t.Errorf("%s is not in the OpenAPI document", route)
		}
	}
}
