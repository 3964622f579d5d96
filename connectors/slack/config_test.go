package slack

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard/connectors"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	valid := `"bot_token":"xoxb-1","signing_secret":"s","channel":"C123"`
	tests := []struct {
		name    string
		raw     string
		wantErr []string // each must appear in the error
		check   func(t *testing.T, c Config)
	}{
		{name: "defaults", raw: `{` + valid + `}`, check: func(t *testing.T, c Config) {
			if c.APIBaseURL != "https://slack.com/api/" || c.NotePrefix != "//" || c.AppToken != "" || c.FallbackOperator != "" {
				t.Errorf("defaults = %+v", c)
			}
		}},
		{name: "all keys", raw: `{` + valid + `,"app_token":"xapp-1","api_base_url":"http://127.0.0.1:9/api","note_prefix":"!n","fallback_operator":"op_1"}`, check: func(t *testing.T, c Config) {
			if c.APIBaseURL != "http://127.0.0.1:9/api/" || c.NotePrefix != "!n" || c.FallbackOperator != "op_1" || c.AppToken != "xapp-1" {
				t.Errorf("config = %+v", c)
			}
		}},
		{name: "empty", raw: `{}`, wantErr: []string{"bot_token", "signing_secret", "channel"}},
		{name: "unknown key", raw: `{` + valid + `,"chanel":"C1"}`, wantErr: []string{"chanel"}},
		{name: "channel name", raw: `{"bot_token":"xoxb-1","signing_secret":"s","channel":"#support"}`, wantErr: []string{"channel:", "channel id"}},
		{name: "bot token as app token", raw: `{` + valid + `,"app_token":"xoxb-1"}`, wantErr: []string{"app_token"}},
		{name: "relative api url", raw: `{` + valid + `,"api_base_url":"slack.local/api"}`, wantErr: []string{"api_base_url"}},
		{name: "blank note prefix", raw: `{` + valid + `,"note_prefix":"  "}`, wantErr: []string{"note_prefix"}},
		{name: "wrong type", raw: `{` + valid + `,"fallback_operator":1}`, wantErr: []string{"fallback_operator"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseConfig(json.RawMessage(tt.raw))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("ParseConfig: %v", err)
				}
				tt.check(t, c)
				return
			}
			if err == nil {
				t.Fatal("ParseConfig succeeded, want an error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "xoxb-1") {
				t.Errorf("error %q leaks a token", err)
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	t.Parallel()
	r, ok := connectors.Lookup("slack")
	if !ok {
		t.Fatal("slack is not registered")
	}
	for _, s := range []string{"bot_token", "signing_secret", "app_token"} {
		if !slices.Contains(r.Secrets, s) {
			t.Errorf("secret %q not declared: %v", s, r.Secrets)
		}
	}
	if _, err := connectors.Build("slack", json.RawMessage(`{"bot_token":"xoxb-1","signing_secret":"s","channel":"C1"}`), connectors.Deps{}); err == nil || !strings.Contains(err.Error(), "Hub") {
		t.Errorf("Build without a hub = %v, want an error naming Hub", err)
	}
}
