package console_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
)

// FuzzWidgetMessage posts arbitrary bodies to the widget endpoint: the hub
// never panics and never answers 5xx; bad bodies get a 4xx.
func FuzzWidgetMessage(f *testing.F) {
	for _, seed := range []string{`{"text":"hi"}`, `{"text":""}`, `{"text":1}`, `{"text":"a","client_id":"x"}`,
		`[[[[[[[[[[]]]]]]]]]]`, `{"text":"\u0000"}`, "{\"text\":\"\xff\"}", `{"text":"hi"}{"text":"again"}`, ``, `null`} {
		f.Add([]byte(seed))
	}
	fx := newFixtureWith(f, console.Config{})
	_, sess := fx.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"web"}`})
	token, _ := sess["token"].(string)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _ := http.NewRequest("POST", fx.srv.URL+"/widget/v1/messages", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("body %q: status %d", body, resp.StatusCode)
		}
	})
}

// FuzzChannelLink posts arbitrary bodies to the phone-pairing endpoint:
// never a 5xx, and a number reaches the device only as + and 7 to 15
// digits.
func FuzzChannelLink(f *testing.F) {
	for _, seed := range []string{`{"phone":"+819012345678"}`, `{"phone":"+81 (90) 1234-5678"}`, `{"phone":"0901234"}`,
		`{"phone":"++81"}`, `{"phone":"８１９０"}`, `{"phone":1}`, `{}`, ``, `{"phone":"+1234567890123456"}`, "{\"phone\":\"\xff\"}"} {
		f.Add([]byte(seed))
	}
	fx := newFixtureWith(f, console.Config{})
	d := fx.addDevice()
	admin := fx.token(fx.ws, switchboard.RoleAdmin)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, _ := http.NewRequest("POST", fx.srv.URL+"/api/v1/channels/wa/link", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("body %q: status %d", body, resp.StatusCode)
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		for _, p := range d.phones {
			if len(p) < 8 || len(p) > 16 || p[0] != '+' || strings.Trim(p[1:], "0123456789") != "" {
				t.Fatalf("body %q: the device was asked for %q", body, p)
			}
		}
		d.phones = nil
	})
}
