package fake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func call(t *testing.T, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp, body
}

func TestWireFormat(t *testing.T) {
	t.Parallel()
	s := New(Options{Channels: []string{"C1"}})
	defer s.Close()
	form := func(method string, v url.Values, bearer string) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, s.APIURL()+method, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		return req
	}
	token := s.Options().BotToken

	tests := []struct {
		name   string
		req    *http.Request
		status int
		ok     bool
		errStr string
	}{
		{"token in form", form("auth.test", url.Values{"token": {token}}, ""), 200, true, ""},
		{"bearer header", form("auth.test", nil, token), 200, true, ""},
		{"wrong token", form("auth.test", nil, "xoxb-wrong"), 200, false, "invalid_auth"},
		{"no token", form("auth.test", nil, ""), 200, false, "not_authed"},
		{"unknown channel", form("chat.postMessage", url.Values{"channel": {"C2"}, "text": {"x"}}, token), 200, false, "channel_not_found"},
		{"no text", form("chat.postMessage", url.Values{"channel": {"C1"}}, token), 200, false, "no_text"},
		{"unknown method", form("chat.scheduleMessage", nil, token), 200, false, "unknown_method"},
	}
	for _, tt := range tests {
		resp, body := call(t, tt.req)
		if resp.StatusCode != tt.status || body["ok"] != tt.ok || (tt.errStr != "" && body["error"] != tt.errStr) {
			t.Errorf("%s: %d %v", tt.name, resp.StatusCode, body)
		}
	}

	// JSON body, as the SDK sends some methods.
	req, _ := http.NewRequest(http.MethodPost, s.APIURL()+"chat.postMessage", strings.NewReader(`{"channel":"C1","text":"json","thread_ts":"1.2"}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+token)
	if _, body := call(t, req); body["ok"] != true || body["ts"] == "" {
		t.Errorf("json post: %v", body)
	}
	posts := s.Posts()
	if len(posts) != 1 || posts[0].Text != "json" || posts[0].ThreadTS != "1.2" || posts[0].Params.Get("token") != "" {
		t.Errorf("posts = %+v", posts)
	}

	s.RateLimitNext("chat.postMessage", 3*time.Second)
	resp, _ := call(t, form("chat.postMessage", url.Values{"channel": {"C1"}, "text": {"x"}}, token))
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("rate limit: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	_, body := call(t, form("chat.postMessage", url.Values{"channel": {"C1"}, "text": {"y"}}, token))
	if body["ok"] != true {
		t.Errorf("after the rate limit: %v", body)
	}
	if got := s.Calls("chat.postMessage"); got != 5 {
		t.Errorf("calls = %d, want 5", got)
	}
}

func TestSign(t *testing.T) {
	t.Parallel()
	// The example of Slack's "Verifying requests from Slack" guide.
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	ts, sig := Sign("8f742231b10e8888abcd99yyyzzz85a5", time.Unix(1531420618, 0), body)
	if ts != "1531420618" || sig != "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" {
		t.Errorf("Sign = %s %s", ts, sig)
	}
}
