package console_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/switchboardhq/switchboard/console"
)

// TestWebAppServing checks what a browser gets for the console app: index.html
// (never cached, strict CSP) at / and at deep links, hashed assets cached for
// a year, and API, widget and webhook paths never answered with the app.
func TestWebAppServing(t *testing.T) {
	files := fstest.MapFS{
		"index.html":             {Data: []byte(`<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>`)},
		"assets/index-abc123.js": {Data: []byte(`console.log("app")`)},
		"favicon.svg":            {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
	}
	f := newFixtureWith(t, console.Config{WebFiles: files})
	tests := []struct {
		path, wantCache, wantBody, wantCT string
		status                            int
		csp                               bool
	}{
		{"/", "no-cache", `<div id="root">`, "text/html", 200, true},
		{"/index.html", "no-cache", `<div id="root">`, "text/html", 200, true},
		{"/conversations/conv_123", "no-cache", `<div id="root">`, "text/html", 200, true},
		{"/settings/tokens", "no-cache", `<div id="root">`, "text/html", 200, true},
		{"/assets/index-abc123.js", "public, max-age=31536000, immutable", `console.log`, "text/javascript", 200, false},
		{"/assets/missing-000.js", "", `"not_found"`, "application/json", 404, false},
		{"/api/v1/nope", "", `"not_found"`, "application/json", 404, false},
		{"/widget/v1/nope", "", `"not_found"`, "application/json", 404, false},
		{"/webhooks/", "", `"not_found"`, "application/json", 404, false},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res, err := http.Get(f.srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%s)", res.StatusCode, tc.status, body)
			}
			if !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("body %q lacks %q", body, tc.wantBody)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.wantCT) {
				t.Errorf("Content-Type %q, want %s", ct, tc.wantCT)
			}
			if tc.wantCache != "" && res.Header.Get("Cache-Control") != tc.wantCache {
				t.Errorf("Cache-Control %q, want %q", res.Header.Get("Cache-Control"), tc.wantCache)
			}
			csp := res.Header.Get("Content-Security-Policy")
			if tc.csp && (!strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "frame-ancestors 'none'")) {
				t.Errorf("CSP %q is not strict", csp)
			}
		})
	}
	res, err := http.Post(f.srv.URL+"/conversations/x", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST to a page: %d, want 405", res.StatusCode)
	}
}

// TestWebAppNotBuilt: a binary built without `npm run build` says how to
// build the app instead of failing obscurely.
func TestWebAppNotBuilt(t *testing.T) {
	f := newFixtureWith(t, console.Config{WebFiles: fstest.MapFS{}})
	res, err := http.Get(f.srv.URL + "/conversations/abc")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(body), "make build") {
		t.Fatalf("status %d body %q: want the not-built notice naming make build", res.StatusCode, body)
	}
}
