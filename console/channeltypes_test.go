package console_test

import (
	"testing"

	_ "github.com/switchboardhq/switchboard/connectors/instagram"
	_ "github.com/switchboardhq/switchboard/connectors/line"
	_ "github.com/switchboardhq/switchboard/connectors/messenger"
	_ "github.com/switchboardhq/switchboard/connectors/slack"
	_ "github.com/switchboardhq/switchboard/connectors/sms"
	_ "github.com/switchboardhq/switchboard/connectors/telegram"
	_ "github.com/switchboardhq/switchboard/connectors/whatsapp"

	"github.com/switchboardhq/switchboard"
)

// TestChannelTypesDescribeEveryConnector: each built-in type answers its
// name and fields, secrets flagged, the required keys marked.
func TestChannelTypesDescribeEveryConnector(t *testing.T) {
	f := newFixture(t)
	_, out := f.do(nil, request{method: "GET", path: "/api/v1/channel-types", bearer: f.token(f.ws, switchboard.RoleAdmin)})
	byType := map[string]map[string]map[string]any{}
	names := map[string]string{}
	for _, it := range items(out) {
		m := it.(map[string]any)
		fields := map[string]map[string]any{}
		for _, fl := range m["fields"].([]any) {
			fm := fl.(map[string]any)
			fields[fm["key"].(string)] = fm
		}
		byType[m["type"].(string)] = fields
		names[m["type"].(string)] = m["name"].(string)
	}
	tests := []struct {
		typ, name       string
		secret, require []string
	}{
		{"line", "LINE", []string{"channel_secret", "channel_access_token"}, []string{"channel_secret", "channel_access_token"}},
		{"sms", "SMS (Twilio)", []string{"auth_token"}, []string{"account_sid", "auth_token"}},
		{"slack", "Slack mirror", []string{"bot_token", "signing_secret", "app_token"}, []string{"bot_token", "signing_secret", "channel"}},
		{"webchat", "Site chat", nil, nil},
		{"messenger", "Facebook Messenger", []string{"app_secret", "verify_token", "page_access_token"}, []string{"app_secret", "verify_token", "page_access_token", "page_id"}},
		{"instagram", "Instagram", []string{"app_secret", "verify_token", "page_access_token"}, []string{"app_secret", "verify_token", "page_access_token", "page_id", "instagram_account_id"}},
		{"whatsapp", "WhatsApp", []string{"app_secret", "verify_token", "access_token"}, nil},
		{"telegram", "Telegram", []string{"bot_token", "secret_token"}, []string{"bot_token", "secret_token"}},
	}
	// Messenger and Instagram share one config struct: Messenger's form
	// does not offer Instagram's account id.
	if _, ok := byType["messenger"]["instagram_account_id"]; ok {
		t.Error("messenger lists instagram_account_id")
	}
	for _, tc := range tests {
		fields, ok := byType[tc.typ]
		if !ok || names[tc.typ] != tc.name || len(fields) == 0 {
			t.Errorf("%s: missing or unnamed (%q, %d fields)", tc.typ, names[tc.typ], len(fields))
			continue
		}
		for _, k := range tc.secret {
			if fields[k]["secret"] != true {
				t.Errorf("%s.%s not marked secret: %v", tc.typ, k, fields[k])
			}
		}
		for _, k := range tc.require {
			if fields[k]["required"] != true || fields[k]["help"] == "" {
				t.Errorf("%s.%s not required or without help: %v", tc.typ, k, fields[k])
			}
		}
		for k, fl := range fields {
			if fl["label"] == "" || fl["kind"] == "" {
				t.Errorf("%s.%s: no label or kind", tc.typ, k)
			}
		}
	}
}
