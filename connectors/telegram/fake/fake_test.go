package fake

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func post(t *testing.T, url string, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, env
}

// TestFakeRefusesAsTelegramDoes: the fake checks the token, the method and
// the parameters, and answers with the Bot API's error envelope.
func TestFakeRefusesAsTelegramDoes(t *testing.T) {
	const token = "42:fake-test-token"
	s := New(t, token)
	s.Block(7)
	tests := []struct {
		name, path, body string
		status           int
		description      string
	}{
		{"wrong token", "/bot42:other/sendMessage", `{"chat_id":1,"text":"hi"}`, 401, "Unauthorized"},
		{"unknown method", "/bot" + token + "/sendTelepathy", `{}`, 404, "Not Found"},
		{"unescaped reserved character", "/bot" + token + "/sendMessage", `{"chat_id":1,"text":"1.5","parse_mode":"MarkdownV2"}`, 400, "Character '.' is reserved"},
		{"unclosed bold", "/bot" + token + "/sendMessage", `{"chat_id":1,"text":"*bold","parse_mode":"MarkdownV2"}`, 400, "can't find end of bold entity"},
		{"empty text", "/bot" + token + "/sendMessage", `{"chat_id":1,"text":""}`, 400, "message text is empty"},
		{"callback data over 64 bytes", "/bot" + token + "/sendMessage", `{"chat_id":1,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("d", 65) + `"}]]}}`, 400, "BUTTON_DATA_INVALID"},
		{"blocked user", "/bot" + token + "/sendMessage", `{"chat_id":7,"text":"hi"}`, 403, "bot was blocked by the user"},
		{"delete unknown message", "/bot" + token + "/deleteMessage", `{"chat_id":1,"message_id":99}`, 400, "message to delete not found"},
		{"bad secret token", "/bot" + token + "/setWebhook", `{"url":"https://x.test/h","secret_token":"a b"}`, 400, "secret token contains unallowed characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, env := post(t, s.URL+tc.path, tc.body)
			if code != tc.status || env["ok"] != false || env["error_code"] != float64(tc.status) || !strings.Contains(env["description"].(string), tc.description) {
				t.Errorf("answer = %d %v, want %d with %q", code, env, tc.status, tc.description)
			}
		})
	}
	calls := s.Calls()
	if len(calls) != len(tests) || calls[1].Method != "sendTelepathy" || calls[1].Status != 404 {
		t.Errorf("calls = %+v", calls)
	}
	for _, c := range calls {
		if strings.Contains(c.Path, token) {
			t.Errorf("recorded path %q shows the token", c.Path)
		}
	}

	s.FailNext(1, Fault{Status: 429, RetryAfter: "3"})
	code, env := post(t, s.URL+"/bot"+token+"/sendMessage", `{"chat_id":1,"text":"hi"}`)
	if code != 429 || env["parameters"].(map[string]any)["retry_after"] != float64(3) {
		t.Errorf("429 answer = %d %v", code, env)
	}
	code, env = post(t, s.URL+"/bot"+token+"/sendMessage", `{"chat_id":1,"text":"hi \\(ok\\)","parse_mode":"MarkdownV2"}`)
	if code != 200 || env["ok"] != true || env["result"].(map[string]any)["message_id"] != float64(1) {
		t.Errorf("send answer = %d %v", code, env)
	}
}

func TestParseMarkdownV2(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{`*bold* _it_ __under__ ~s~ ||sp||`, "bold it under s sp", ""},
		{"`a\\`b` ```go\ncode\\\\```", "a`b code\\", ""},
		{`[link \(1\)](https://x.test/a\)b)`, "link (1)", ""},
		{">quote\n>more", "quote\nmore", ""},
		{"_a_\r_b_", "ab", ""},
		{"a-b", "", "Character '-' is reserved"},
		{"*a _b* c_", "", "closed before"},
		{"[text]", "", "not followed by (url)"},
		{`end \`, "", "escapes nothing"},
	}
	for _, tc := range tests {
		got, err := ParseMarkdownV2(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseMarkdownV2(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseMarkdownV2(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
