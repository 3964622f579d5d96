package whatsapp

import (
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/whatsapp/fake"
)

// TestSender: the customer is keyed by the business-scoped user id when
// WhatsApp gives one, by the phone number otherwise; the profile keeps
// the phone.
func TestSender(t *testing.T) {
	contact := func(name, waID, userID string) Contact {
		c := Contact{WaID: waID, UserID: userID}
		c.Profile.Name = name
		return c
	}
	tests := []struct {
		name     string
		msg      Message
		contacts []Contact
		want     switchboard.ExternalID
		profile  switchboard.Profile
	}{
		{"phone only", Message{From: "16505551234"}, []Contact{contact("Sheena", "16505551234", "")}, "16505551234", switchboard.Profile{Name: "Sheena", Phone: "+16505551234"}},
		{"user id in the contact", Message{From: "16505551234"}, []Contact{contact("Sheena", "16505551234", "US.1")}, "US.1", switchboard.Profile{Name: "Sheena", Phone: "+16505551234"}},
		{"user id on the message", Message{From: "16505551234", FromUserID: "US.1"}, []Contact{contact("Sheena", "", "US.1")}, "US.1", switchboard.Profile{Name: "Sheena", Phone: "+16505551234"}},
		{"username user without phone", Message{FromUserID: "US.2"}, []Contact{contact("Yuki", "", "US.2")}, "US.2", switchboard.Profile{Name: "Yuki"}},
		{"contact of another sender", Message{From: "15550000000"}, []Contact{contact("Other", "16505551234", "US.9")}, "15550000000", switchboard.Profile{Phone: "+15550000000"}},
		{"several contacts", Message{From: "2222222"}, []Contact{contact("One", "1111111", ""), contact("Two", "2222222", "")}, "2222222", switchboard.Profile{Name: "Two", Phone: "+2222222"}},
		{"nothing", Message{}, nil, "", switchboard.Profile{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := sender(tt.msg, tt.contacts)
			if got != tt.want || p != tt.profile {
				t.Errorf("sender = %q %+v, want %q %+v", got, p, tt.want, tt.profile)
			}
		})
	}
}

func TestEventTime(t *testing.T) {
	c := &Connector{now: func() time.Time { return testNow }}
	for in, want := range map[string]time.Time{
		"1748779197":  time.Unix(1748779197, 0).UTC(),
		"":            testNow,
		"abc":         testNow,
		"-5":          testNow,
		"99999999999": testNow, // far future
		"100":         testNow, // 1970
	} {
		if got := c.eventTime(in); !got.Equal(want) {
			t.Errorf("eventTime(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestPlaceholdersAndParameters(t *testing.T) {
	if got := placeholders("Hi {{1}}, {{ name }} and {{1}}, {{2}}"); len(got) != 3 || got[0] != "1" || got[1] != "name" || got[2] != "2" {
		t.Errorf("placeholders = %v", got)
	}
	params := bodyParameters(map[string]string{"10": "j", "2": "b", "1": "a", "name": "n"})
	var order []string
	for _, p := range params {
		order = append(order, p["text"]+p["parameter_name"])
	}
	if len(order) != 4 || order[0] != "a" || order[1] != "b" || order[2] != "j" || order[3] != "nname" {
		t.Errorf("parameters in order %v", order)
	}
}

// TestIgnored: value-level errors, unknown statuses and other fields are
// answered 200 and store nothing.
func TestIgnored(t *testing.T) {
	fk := newFake(t)
	e, c := env(t, fk)
	body := fake.Body(testWABA, fake.Change{PhoneNumberID: testPhoneID,
		Errors:   []map[string]any{{"code": 131000, "title": "Something went wrong"}},
		Statuses: []fake.Msg{fake.StatusOf(sheena, "wamid.O", "played", eventAt), fake.StatusOf(sheena, "", "read", eventAt)}})
	other := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_status_update","value":{"event":"APPROVED"}}]}]}`)
	for _, b := range [][]byte{body, other} {
		if rec := serveHTTP(c, fake.SignedWebhook(e.Deps.WebhookURL, testSecret, b)); rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
	}
	if n := e.Sink.Calls(); n != 0 {
		t.Errorf("Accept called %d times", n)
	}
}
