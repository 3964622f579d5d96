package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
)

// TestLoginLimitedPerAccount: attempts on one account from many addresses
// are limited too, and the answer is the same for an unknown account.
func TestLoginLimitedPerAccount(t *testing.T) {
	f := newFixtureWith(t, console.Config{TrustForwardedFor: true, LoginPerAccount: console.RateLimit{PerMinute: 4}})
	f.operator("ana@example.com", switchboard.RoleOperator)
	for _, email := range []string{"ana@example.com", "nobody@example.com"} {
		var last int
		for i := 0; i < 8; i++ {
			ip := "203.0.113." + string(rune('1'+i))
			last, _ = f.do(nil, request{method: "POST", path: "/api/v1/auth/login", headers: map[string]string{"X-Forwarded-For": ip},
				body: `{"email":"` + strings.ToUpper(email) + `","password":"wrong password"}`})
			if last == http.StatusTooManyRequests {
				break
			}
			if last != http.StatusUnauthorized {
				t.Fatalf("%s attempt %d: %d, want 401", email, i, last)
			}
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("%s: 8 attempts from 8 addresses never limited", email)
		}
	}
}

// TestMalformedVisitorToken: a token the hub did not make is 401 on
// every visitor route, not 400.
func TestMalformedVisitorToken(t *testing.T) {
	f := newFixture(t)
	for _, rt := range []struct{ method, path, body string }{
		{"GET", "/widget/v1/messages", ""},
		{"POST", "/widget/v1/messages", `{"text":"hi"}`},
		{"POST", "/widget/v1/typing", `{"text":"hi"}`},
	} {
		for _, token := range []string{"garbage", "a.b", "%%%.sig"} {
			if code, out := f.do(nil, request{method: rt.method, path: rt.path, body: rt.body, bearer: token}); code != http.StatusUnauthorized {
				t.Errorf("%s %s with %q: %d %v, want 401", rt.method, rt.path, token, code, out)
			}
		}
	}
}

// TestWidgetNeverEchoesRefusedOrigin: CORS headers name an origin only
// where the chat may be embedded.
func TestWidgetNeverEchoesRefusedOrigin(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/channels/web", bearer: admin,
		body: `{"config":{"allowed_origins":["https://shop.example"]}}`}); code != http.StatusOK {
		t.Fatalf("restrict origins: %d %v", code, out)
	}
	send := func(method, origin string) *http.Response {
		req, _ := http.NewRequest(method, f.srv.URL+"/widget/v1/sessions", strings.NewReader(`{"channel":"web"}`))
		req.Header.Set("Origin", origin)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := send("POST", "https://shop.example"); resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("allowed origin: %d, ACAO %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	for _, method := range []string{"POST", "OPTIONS"} {
		resp := send(method, "https://evil.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("%s from a refused origin echoed %q (status %d)", method, got, resp.StatusCode)
		}
		if method == "POST" && resp.StatusCode != http.StatusForbidden {
			t.Fatalf("POST from a refused origin: %d, want 403", resp.StatusCode)
		}
	}
}

// TestChangingAPIBaseURLNeedsSecrets: an admin cannot point a stored token
// at another host without sending the secrets again.
func TestChangingAPIBaseURLNeedsSecrets(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	if code, out := f.do(nil, request{method: "POST", path: "/api/v1/channels", bearer: admin,
		body: `{"id":"line","type":"line","config":{"channel_secret":"s3cret-value","channel_access_token":"t0ken-value"}}`}); code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, out)
	}
	code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/channels/line", bearer: admin, body: `{"config":{"api_base_url":"https://attacker.example"}}`})
	if code != http.StatusBadRequest || errCode(out) != "secrets_required" || !strings.Contains(errMessage(out), "channel_access_token") || !strings.Contains(errMessage(out), "channel_secret") {
		t.Fatalf("new host without secrets: %d %v", code, out)
	}
	_, got := f.do(nil, request{method: "GET", path: "/api/v1/channels/line", bearer: admin})
	if cfg, _ := got["config"].(map[string]any); cfg["api_base_url"] != nil {
		t.Fatalf("the refused change was stored: %v", got)
	}
	// With the secrets it goes through; renaming alone needs none.
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/channels/line", bearer: admin,
		body: `{"config":{"api_base_url":"https://api.line.example","channel_secret":"s3cret-value","channel_access_token":"t0ken-value"}}`}); code != http.StatusOK {
		t.Fatalf("new host with secrets: %d %v", code, out)
	}
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/channels/line", bearer: admin, body: `{"name":"LINE shop"}`}); code != http.StatusOK {
		t.Fatalf("rename: %d %v", code, out)
	}
}

// TestMetricsToken: with a metrics token, /metrics needs it.
func TestMetricsToken(t *testing.T) {
	f := newFixtureWith(t, console.Config{MetricsToken: "m-secret"})
	if code, _ := f.do(nil, request{method: "GET", path: "/metrics"}); code != http.StatusUnauthorized {
		t.Fatalf("without token: %d, want 401", code)
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/metrics", bearer: "wrong"}); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d, want 401", code)
	}
	resp, err := http.DefaultClient.Do(func() *http.Request {
		r, _ := http.NewRequest("GET", f.srv.URL+"/metrics", nil)
		r.Header.Set("Authorization", "Bearer m-secret")
		return r
	}())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("with token: %d", resp.StatusCode)
	}
	off := newFixtureWith(t, console.Config{MetricsOff: true})
	if code, _ := off.do(nil, request{method: "GET", path: "/metrics"}); code == http.StatusOK {
		t.Fatal("/metrics still served on the main listener with metrics.listen set")
	}
}
