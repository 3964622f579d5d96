package console_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
)

// TestAbuseLimits: login attempts and widget traffic over their limits get
// 429 with Retry-After, and a throttled request changes nothing.
func TestAbuseLimits(t *testing.T) {
	f := newFixtureWith(t, console.Config{
		LoginPerIP:       console.RateLimit{PerMinute: 8},  // burst 2
		WidgetPerVisitor: console.RateLimit{PerMinute: 12}, // burst 3
		WidgetPerIP:      console.RateLimit{PerMinute: 40}, // burst 10
	})
	f.operator("ana@example.com", switchboard.RoleAdmin)

	t.Run("login", func(t *testing.T) {
		var codes []int
		for i := 0; i < 4; i++ {
			code, _ := f.do(nil, request{method: "POST", path: "/api/v1/auth/login", body: `{"email":"ana@example.com","password":"guess ` + strconv.Itoa(i) + `"}`})
			codes = append(codes, code)
		}
		if codes[0] != http.StatusUnauthorized || codes[1] != http.StatusUnauthorized || codes[3] != http.StatusTooManyRequests {
			t.Fatalf("codes = %v, want two 401s then 429", codes)
		}
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/auth/login", strings.NewReader(`{"email":"ana@example.com","password":"correct horse"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("even the right password is throttled once over the limit: got %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})

	t.Run("widget messages per visitor", func(t *testing.T) {
		_, sess := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"web"}`})
		token := sess["token"].(string)
		var codes []int
		for i := 0; i < 5; i++ {
			code, _ := f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: token, body: `{"text":"spam ` + strconv.Itoa(i) + `"}`})
			codes = append(codes, code)
		}
		if codes[0] != http.StatusCreated || codes[2] != http.StatusCreated || codes[4] != http.StatusTooManyRequests {
			t.Fatalf("codes = %v, want three 201s then 429", codes)
		}
		_, hist := f.do(nil, request{method: "GET", path: "/widget/v1/messages", bearer: token})
		if n := len(hist["items"].([]any)); n != 3 {
			t.Fatalf("%d messages stored, want the 3 accepted ones", n)
		}
		// Another visitor is not slowed by the first one's flood.
		_, other := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"web"}`})
		if code, _ := f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: other["token"].(string), body: `{"text":"hello"}`}); code != http.StatusCreated {
			t.Fatalf("second visitor: %d", code)
		}
	})

	t.Run("widget requests per address", func(t *testing.T) {
		limited := false
		for i := 0; i < 20 && !limited; i++ {
			code, _ := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"web"}`})
			limited = code == http.StatusTooManyRequests
		}
		if !limited {
			t.Fatal("20 sessions in a row from one address were never throttled")
		}
	})
}
