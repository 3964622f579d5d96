package fake_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard/connectors/slack/fake"
)

// TestUsersMethods: users.info and users.lookupByEmail answer Slack's
// documented shapes and errors and check the token.
func TestUsersMethods(t *testing.T) {
	s := fake.New(fake.Options{})
	defer s.Close()
	s.AddUser(fake.User{ID: "U1", Name: "nora", Email: "nora@example.com"})
	tests := []struct {
		method, token string
		params        url.Values
		wantOK        bool
		wantErr       string
	}{
		{"users.info", s.Options().BotToken, url.Values{"user": {"U1"}}, true, ""},
		{"users.info", s.Options().BotToken, url.Values{"user": {"U9"}}, false, "user_not_found"},
		{"users.info", "xoxb-wrong", url.Values{"user": {"U1"}}, false, "invalid_auth"},
		{"users.info", "", url.Values{"user": {"U1"}}, false, "not_authed"},
		{"users.lookupByEmail", s.Options().BotToken, url.Values{"email": {"NORA@example.com"}}, true, ""},
		{"users.lookupByEmail", s.Options().BotToken, url.Values{"email": {"zed@example.com"}}, false, "users_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.params.Encode()+" "+tt.wantErr, func(t *testing.T) {
			req, _ := http.NewRequest("POST", s.APIURL()+tt.method, strings.NewReader(tt.params.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out struct {
				OK    bool   `json:"ok"`
				Error string `json:"error"`
				User  struct {
					ID               string `json:"id"`
					IsEmailConfirmed bool   `json:"is_email_confirmed"`
					Profile          struct {
						Email string `json:"email"`
					} `json:"profile"`
				} `json:"user"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			if out.OK != tt.wantOK || out.Error != tt.wantErr {
				t.Fatalf("ok=%v error=%q, want %v %q", out.OK, out.Error, tt.wantOK, tt.wantErr)
			}
			if tt.wantOK && (out.User.ID != "U1" || out.User.Profile.Email != "nora@example.com" || !out.User.IsEmailConfirmed) {
				t.Fatalf("user = %+v", out.User)
			}
		})
	}
}
