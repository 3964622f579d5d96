package console_test

import (
	"bytes"
	"net/http"
	"testing"

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
