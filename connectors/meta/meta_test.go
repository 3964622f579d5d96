package meta

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

func TestValidSignature(t *testing.T) {
	body := []byte(`{"object":"page","entry":[]}`)
	good := Sign("s3cret", body)
	tests := []struct {
		name, secret, header string
		want                 bool
	}{
		{"good", "s3cret", good, true},
		{"wrong secret", "other", good, false},
		{"no prefix", "s3cret", strings.TrimPrefix(good, "sha256="), false},
		{"sha1 header", "s3cret", "sha1=" + strings.TrimPrefix(good, "sha256="), false},
		{"not hex", "s3cret", "sha256=zz", false},
		{"short", "s3cret", good[:20], false},
		{"empty header", "s3cret", "", false},
		{"empty secret", "", Sign("", body), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidSignature(tt.secret, tt.header, body); got != tt.want {
				t.Errorf("ValidSignature = %v, want %v", got, tt.want)
			}
		})
	}
	if ValidSignature("s3cret", good, append(body, ' ')) {
		t.Error("a changed body passed")
	}
}

func TestHandshake(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		status int
		body   string
	}{
		{"subscribe", "hub.mode=subscribe&hub.verify_token=vt-1&hub.challenge=1158201444", 200, "1158201444"},
		{"challenge unchanged", "hub.mode=subscribe&hub.verify_token=vt-1&hub.challenge=" + url.QueryEscape("a b&<c>"), 200, "a b&<c>"},
		{"wrong token", "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", 403, ""},
		{"no token", "hub.mode=subscribe&hub.challenge=1", 403, ""},
		{"wrong mode", "hub.mode=unsubscribe&hub.verify_token=vt-1&hub.challenge=1", 403, ""},
		{"nothing", "", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			_, ok := ReadWebhook(rec, httptest.NewRequest(http.MethodGet, "/webhooks/wa?"+tt.query, nil), "secret", "vt-1")
			if ok {
				t.Fatal("ReadWebhook returned a body for a GET")
			}
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 200 {
				if got := rec.Body.String(); got != tt.body {
					t.Errorf("body %q, want %q", got, tt.body)
				}
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
					t.Errorf("content type %q", ct)
				}
			}
		})
	}
}

func TestReadWebhookChecksSignatureFirst(t *testing.T) {
	body := `{"object":"whatsapp_business_account"}`
	for _, tt := range []struct {
		name   string
		sig    string
		status int
		ok     bool
	}{
		{"signed", Sign("app-secret", []byte(body)), 0, true},
		{"forged", Sign("guess", []byte(body)), 401, false},
		{"unsigned", "", 401, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/webhooks/wa", strings.NewReader(body))
			if tt.sig != "" {
				req.Header.Set(SignatureHeader, tt.sig)
			}
			rec := httptest.NewRecorder()
			got, ok := ReadWebhook(rec, req, "app-secret", "vt")
			if ok != tt.ok {
				t.Fatalf("ok = %v", ok)
			}
			if ok && string(got) != body {
				t.Errorf("body %q", got)
			}
			if !ok && rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
		})
	}
}

func TestClientDo(t *testing.T) {
	var gotPath, gotAuth, gotBody, gotCT string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotAuth, gotCT = r.URL.RequestURI(), r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"messages":[{"id":"wamid.X"}]}`))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL + "/", Version: "v26.0", Token: "tok", HTTP: srv.Client()}
	var out struct {
		Messages []struct{ ID string } `json:"messages"`
	}
	if err := c.Post(context.Background(), "/1234/messages", map[string]string{"to": "15551234567"}, &out); err != nil {
		t.Fatal(err)
	}
	if gotPath != "/v26.0/1234/messages" || gotAuth != "Bearer tok" || gotCT != "application/json" || gotBody != `{"to":"15551234567"}` {
		t.Errorf("request: %s %q %q %s", gotPath, gotAuth, gotCT, gotBody)
	}
	if len(out.Messages) != 1 || out.Messages[0].ID != "wamid.X" {
		t.Errorf("decoded %+v", out)
	}
	if err := c.Get(context.Background(), "/me", url.Values{"fields": {"name,id"}}, nil); err != nil {
		t.Fatal(err)
	}
	if gotPath != "/v26.0/me?fields=name%2Cid" || gotBody != "" {
		t.Errorf("GET: %s body %q", gotPath, gotBody)
	}
}

// graphError answers like Graph does for an error.
func graphError(status int, body string, header map[string]string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
}

func TestClassify(t *testing.T) {
	const tmpl = `{"error":{"message":"%s","type":"OAuthException","code":%s,"error_data":{"messaging_product":"whatsapp","details":"details here"},"fbtrace_id":"AbC"}}`
	body := func(msg, code string) string {
		return strings.Replace(strings.Replace(tmpl, "%s", msg, 1), "%s", code, 1)
	}
	tests := []struct {
		name       string
		status     int
		body       string
		header     map[string]string
		permanent  bool
		retryAfter time.Duration
		sentinel   error
	}{
		{"token expired", 401, body("Error validating access token", "190"), nil, true, 0, connectors.ErrCredentials},
		{"re-engagement", 400, body("Re-engagement message", "131047"), nil, true, 0, connectors.ErrWindowClosed},
		{"throughput", 400, body("Rate limit hit", "130429"), nil, false, throttleBackoff, nil},
		{"throughput with Retry-After", 429, body("Rate limit hit", "130429"), map[string]string{"Retry-After": "7"}, false, 7 * time.Second, nil},
		{"business limit", 400, body("Rate limit", "80007"), nil, false, throttleBackoff, nil},
		{"app limit", 400, body("Application request limit reached", "4"), nil, false, throttleBackoff, nil},
		{"api rate", 400, body("Calls to this api have exceeded the rate limit", "613"), nil, false, throttleBackoff, nil},
		{"pair rate", 400, body("Pair rate limit hit", "131056"), nil, false, PairPacing, nil},
		{"undeliverable", 400, body("Message undeliverable", "131026"), nil, true, 0, nil},
		{"spam limit", 400, body("Spam rate limit hit", "131048"), nil, true, 0, nil},
		{"bad param", 400, body("Invalid parameter", "100"), nil, true, 0, nil},
		{"server error", 500, body("An unknown error occurred", "1"), nil, false, 0, nil},
		{"not JSON 502", 502, "<html>bad gateway</html>", nil, false, 0, nil},
		{"not JSON 404", 404, "no such path", nil, true, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := graphError(tt.status, tt.body, tt.header)
			defer srv.Close()
			c := &Client{BaseURL: srv.URL, Version: "v26.0", Token: "tok", HTTP: srv.Client()}
			raw := c.Post(context.Background(), "/1/messages", map[string]string{}, nil)
			var ge *Error
			if !errors.As(raw, &ge) || ge.Status != tt.status {
				t.Fatalf("Do returned %v", raw)
			}
			err := Classify("WhatsApp send", raw)
			if connectors.IsPermanent(err) != tt.permanent {
				t.Fatalf("permanent = %v for %v", connectors.IsPermanent(err), err)
			}
			if got, _ := connectors.RetryAfter(err); got != tt.retryAfter {
				t.Errorf("retry after %v, want %v", got, tt.retryAfter)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("%v does not wrap %v", err, tt.sentinel)
			}
			if tt.sentinel == nil && (errors.Is(err, connectors.ErrCredentials) || errors.Is(err, connectors.ErrWindowClosed)) {
				t.Errorf("%v wraps a sentinel it should not", err)
			}
			if !strings.Contains(err.Error(), "WhatsApp send") {
				t.Errorf("reason %q does not name the call", err)
			}
		})
	}
}

func TestTransportErrorsAreRetryableAndRedacted(t *testing.T) {
	c := &Client{BaseURL: "http://127.0.0.1:1", Version: "v26.0", Token: "tok-secret", HTTP: &http.Client{Timeout: time.Second}}
	err := c.Get(context.Background(), "/x", url.Values{"access_token": {"tok-secret"}}, nil)
	if err == nil || connectors.IsPermanent(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
	if strings.Contains(err.Error(), "tok-secret") {
		t.Errorf("token in error: %v", err)
	}
}

func TestDownload(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"error":{"message":"Invalid OAuth access token","type":"OAuthException","code":190}}`))
			return
		}
		w.Header().Set("Content-Type", "image/jpeg; charset=binary")
		_, _ = w.Write([]byte("JPEGDATA"))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Version: "v26.0", Token: "tok", HTTP: srv.Client()}
	b, ct, err := c.Download(context.Background(), srv.URL+"/media/1", 1<<20)
	if err != nil || string(b) != "JPEGDATA" || ct != "image/jpeg" {
		t.Fatalf("Download = %q %q %v", b, ct, err)
	}
	if _, _, err := c.Download(context.Background(), srv.URL+"/media/1", 4); err == nil || !connectors.IsPermanent(err) {
		t.Errorf("oversized media: %v", err)
	}
	bad := &Client{BaseURL: srv.URL, Version: "v26.0", Token: "wrong", HTTP: srv.Client()}
	if _, _, err := bad.Download(context.Background(), srv.URL+"/media/1", 1<<20); !errors.Is(Classify("media", err), connectors.ErrCredentials) {
		t.Errorf("wrong token: %v", err)
	}
}

func TestConfigHelpers(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{{"", DefaultAPIVersion, true}, {"v21.0", "v21.0", true}, {"21.0", "", false}, {"v26", "", false}, {"v26.0/", "", false}} {
		got, err := APIVersion(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("APIVersion(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), "api_version") {
			t.Errorf("error %q does not name the key", err)
		}
	}
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{{"", DefaultBaseURL, true}, {"http://127.0.0.1:9/", "http://127.0.0.1:9", true}, {"https://graph.facebook.com/v26.0", "", false}, {"ftp://x", "", false}, {"graph.facebook.com", "", false}} {
		got, err := BaseURL(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("BaseURL(%q) = %q, %v", tt.in, got, err)
		}
	}
}
