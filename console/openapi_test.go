package console_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard/console"
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
	// The routes the server registers, from its own mux: every /api/v1
	// and /widget/v1 route is documented and every documented operation is
	// served. The preflight catch-all and the JSON 404 catch-alls are not
	// operations.
	param := regexp.MustCompile(`\{[a-zA-Z_]+\}`)
	served := map[string]bool{}
	for _, pattern := range console.New(f.rt, console.Config{}).Routes() {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || method == "OPTIONS" {
			continue
		}
		served[method+" "+param.ReplaceAllString(path, "{}")] = true
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "post", "put", "patch", "delete":
				documented[strings.ToUpper(method)+" "+param.ReplaceAllString(path, "{}")] = true
			}
		}
	}
	if len(served) < 40 {
		t.Fatalf("only %d routes read from the mux: %v", len(served), served)
	}
	for route := range served {
		_, path, _ := strings.Cut(route, " ")
		public := strings.HasPrefix(path, "/api/v1/") || strings.HasPrefix(path, "/widget/v1/")
		if public && !documented[route] {
			t.Errorf("%s is served but not in the OpenAPI document", route)
		}
	}
	for route := range documented {
		if !served[route] {
			t.Errorf("%s is in the OpenAPI document but not served", route)
		}
	}
}
