package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBadInputChangesNothing sends malformed, unauthorised, oversized and
// over-long requests: each gets a clear 4xx naming the problem, and the
// inbox is exactly as before.
func TestBadInputChangesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `limits:
  max_body_bytes: 2048
channels:
  - id: web
    type: webchat
    max_text_length: 100
`)
	token := createToken(t, cfg, "admin")
	hub := startHub(t, cfg)

	var sess struct{ Token string }
	call(t, "POST", hub.URL+"/widget/v1/sessions", "", map[string]string{"channel": "web"}, &sess)
	if code := call(t, "POST", hub.URL+"/widget/v1/messages", sess.Token, map[string]string{"text": "first"}, nil); code != http.StatusCreated {
		t.Fatalf("setup message: %d", code)
	}
	var convs list[conversationJSON]
	eventually(t, 5*time.Second, "the conversation", func() bool {
		call(t, "GET", hub.URL+"/api/v1/conversations", token, nil, &convs)
		return len(convs.Items) == 1
	})
	convURL := hub.URL + "/api/v1/conversations/" + convs.Items[0].ID + "/messages"

	big := `{"text":"` + strings.Repeat("x", 3000) + `"}`
	tests := []struct {
		name        string
		method, url string
		bearer      string
		contentType string
		body        string
		wantStatus  int
		wantCode    string
		wantInMsg   string
	}{
		{"malformed session JSON", "POST", "/widget/v1/sessions", "", "", `{"channel":`, 400, "invalid_json", "malformed JSON"},
		{"unknown channel", "POST", "/widget/v1/sessions", "", "", `{"channel":"nope"}`, 404, "unknown_channel", "nope"},
		{"unknown field", "POST", "/widget/v1/sessions", "", "", `{"channel":"web","colour":"red"}`, 400, "invalid_json", "colour"},
		{"missing visitor token", "POST", "/widget/v1/messages", "", "", `{"text":"hi"}`, 401, "unauthorized", "visitor token"},
		{"forged visitor token", "POST", "/widget/v1/messages", "eyJjIjoid2ViIiwidiI6InZfeCIsImlhdCI6MX0.AAAA", "", `{"text":"hi"}`, 401, "unauthorized", "invalid"},
		{"oversized body", "POST", "/widget/v1/messages", "visitor", "", big, 413, "body_too_large", "2048"},
		{"text over the channel's limit", "POST", "/widget/v1/messages", "visitor", "", `{"text":"` + strings.Repeat("é", 101) + `"}`, 422, "invalid_text", "limit of 100"},
		{"empty text", "POST", "/widget/v1/messages", "visitor", "", `{"text":"   "}`, 400, "invalid_text", "empty"},
		{"deep JSON", "POST", "/widget/v1/messages", "visitor", "", `{"text":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`, 400, "invalid_json", "text"},
		{"wrong content type", "POST", "/widget/v1/messages", "visitor", "text/plain", `{"text":"hi"}`, 415, "unsupported_media_type", "application/json"},
		{"invalid UTF-8", "POST", "/widget/v1/messages", "visitor", "", "{\"text\":\"\xff\xfe\"}", 400, "invalid_encoding", "UTF-8"},
		{"API without token", "GET", "/api/v1/conversations", "", "", "", 401, "unauthorized", "Bearer"},
		{"API with a wrong token", "GET", "/api/v1/conversations", "sbt_wrong", "", "", 401, "unauthorized", "invalid"},
		{"bad limit", "GET", "/api/v1/conversations?limit=abc", "api", "", "", 400, "invalid_limit", "limit"},
		{"bad cursor", "GET", "/api/v1/conversations?cursor=garbage!!", "api", "", "", 400, "invalid_cursor", "cursor"},
		{"bad status filter", "GET", "/api/v1/conversations?status=closed", "api", "", "", 400, "invalid_status", "closed"},
		{"malformed reply", "POST", "CONV", "api", "", `{"text":`, 400, "invalid_json", ""},
		{"reply without text", "POST", "CONV", "api", "", `{}`, 400, "invalid_text", "missing"},
		{"reply over the channel's limit", "POST", "CONV", "api", "", `{"text":"` + strings.Repeat("a", 101) + `"}`, 422, "invalid_text", "limit of 100"},
		{"reply to an unknown conversation", "POST", "/api/v1/conversations/cv_nope/messages", "api", "", `{"text":"hi"}`, 404, "not_found", "conversation"},
		{"webhook of an unknown channel", "POST", "/webhooks/nope", "", "", `{}`, 404, "unknown_channel", "nope"},
		{"unknown API path", "GET", "/api/v1/nothing", "api", "", "", 404, "not_found", "/api/v1/nothing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := hub.URL + tc.url
			if tc.url == "CONV" {
				url = convURL
			}
			var body *bytes.Reader
			if tc.body != "" {
				body = bytes.NewReader([]byte(tc.body))
			}
			var req *http.Request
			if body != nil {
				req, _ = http.NewRequest(tc.method, url, body)
			} else {
				req, _ = http.NewRequest(tc.method, url, nil)
			}
			if tc.body != "" {
				ct := tc.contentType
				if ct == "" {
					ct = "application/json"
				}
				req.Header.Set("Content-Type", ct)
			}
			switch tc.bearer {
			case "":
			case "visitor":
				req.Header.Set("Authorization", "Bearer "+sess.Token)
			case "api":
				req.Header.Set("Authorization", "Bearer "+token)
			default:
				req.Header.Set("Authorization", "Bearer "+tc.bearer)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e apiErr
			decodeBody(t, resp, &e)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (%+v)", resp.StatusCode, tc.wantStatus, e)
			}
			if e.Error.Message == "" {
				t.Fatalf("no error message in the answer")
			}
			if tc.wantCode != "" && e.Error.Code != tc.wantCode {
				t.Errorf("code = %q, want %q (%s)", e.Error.Code, tc.wantCode, e.Error.Message)
			}
			if !strings.Contains(e.Error.Message, tc.wantInMsg) {
				t.Errorf("message %q does not name %q", e.Error.Message, tc.wantInMsg)
			}
		})
	}

	// Nothing changed: one conversation, one message.
	call(t, "GET", hub.URL+"/api/v1/conversations", token, nil, &convs)
	var msgs list[messageJSON]
	call(t, "GET", convURL, token, nil, &msgs)
	if len(convs.Items) != 1 || len(msgs.Items) != 1 || msgs.Items[0].Text != "first" {
		t.Fatalf("bad input changed the inbox: %d conversations, messages %+v", len(convs.Items), msgs.Items)
	}
}

// TestBadConfigFailsBeforeListening checks that a bad config stops the hub
// at start with the field named, before anything listens.
func TestBadConfigFailsBeforeListening(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "listne: :8080\n", "listne"},
		{"bad store driver", "store:\n  driver: mysql\n", "store.driver"},
		{"postgres without dsn", "store:\n  driver: postgres\n", "store.dsn"},
		{"bad pubsub driver", "pubsub:\n  driver: kafka\n", "pubsub.driver"},
		{"bad public url", "public_url: ftp://x\n", "public_url"},
		{"unknown channel type", "channels:\n  - id: x\n    type: pigeon\n", "channels[0].type"},
		{"bad channel id", "channels:\n  - id: Web Chat\n    type: webchat\n", "channels[0].id"},
		{"duplicate channel id", "channels:\n  - id: web\n    type: webchat\n  - id: web\n    type: webchat\n", "channels[1].id"},
		{"unknown channel key", "channels:\n  - id: web\n    type: webchat\n    colour: red\n", "colour"},
		{"bad channel value", "channels:\n  - id: web\n    type: webchat\n    max_text_length: -5\n", "max_text_length"},
		{"tiny body limit", "limits:\n  max_body_bytes: 10\n", "limits.max_body_bytes"},
		{"negative upload limit", "media:\n  max_upload_bytes: -1\n", "media.max_upload_bytes"},
		{"bad trusted proxy", "limits:\n  trusted_proxies: [10.0.0.0/8, not-an-ip]\n", "limits.trusted_proxies[1]"},
		{"negative login per account", "limits:\n  login_per_account_per_minute: -1\n", "limits.login_per_account_per_minute"},
		{"bad metrics listen", "metrics:\n  listen: nine-thousand\n", "metrics.listen"},
		{"bad upload type", "media:\n  allowed_types: [png]\n", "media.allowed_types[0]"},
		{"short secret key", "secret_key: abcd\n", "secret_key"},
		{"bad log level", "log:\n  level: loud\n", "log.level"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := dir + "/bad.yaml"
			writeFile(t, path, "listen: 127.0.0.1:0\ndata_dir: "+dir+"/data\n"+tc.yaml)
			listened := false
			err := cmdServe(context.Background(), []string{"--config", path}, &logBuffer{}, func(string) { listened = true })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to name %q", err, tc.want)
			}
			if listened {
				t.Fatal("the hub listened despite the bad config")
			}
		})
	}
}
