package console_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestReadyz: ready with the store and the in-process broker up; 503
// "draining" once the instance shuts down, while /healthz still answers.
func TestReadyz(t *testing.T) {
	f := newFixture(t)
	get := func(path string) (int, map[string]string) {
		t.Helper()
		resp, err := http.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]string
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("%s: not JSON: %v", path, err)
		}
		return resp.StatusCode, body
	}
	if code, body := get("/readyz"); code != http.StatusOK || body["status"] != "ok" || body["store"] != "up" || body["broker"] != "up" {
		t.Fatalf("readyz = %d %v", code, body)
	}
	f.rt.StartDraining()
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || body["status"] != "draining" {
		t.Fatalf("readyz while draining = %d %v", code, body)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Fatalf("healthz while draining = %d", code)
	}
}
