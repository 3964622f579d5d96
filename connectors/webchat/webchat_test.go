package webchat_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/webchat"
)

var secret = bytes.Repeat([]byte("s"), 32)

func build(t *testing.T, cfg string, deps connectors.Deps) *webchat.Connector {
	t.Helper()
	deps.HubSecret = secret
	c, err := webchat.New(json.RawMessage(cfg), deps)
	if err != nil {
		t.Fatal(err)
	}
	return c.(*webchat.Connector)
}

// deliver is what the console does with a visitor's POST or frame.
func deliver(visitor, text, clientID string) func(*testing.T, connectors.Connector, connectors.Deps) error {
	return func(t *testing.T, c connectors.Connector, deps connectors.Deps) error {
		in, err := c.(*webchat.Connector).VisitorMessage(switchboard.ExternalID(visitor), text, clientID, switchboard.Profile{Name: "Vera"})
		if err != nil {
			return err
		}
		return deps.Sink.Accept(context.Background(), []switchboard.Inbound{in})
	}
}

func TestConformance(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	connectortest.Run(t, connectortest.Harness{
		Type: webchat.Type,
		Now:  now,
		New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
			return build(t, `{"max_text_length": 200}`, deps)
		},
		Inbound: []connectortest.InboundCase{
			{
				Name:    "visitor text",
				Deliver: deliver("v_1", "こんにちは", "c1"),
				Want: []switchboard.Inbound{{Kind: switchboard.InboundMessage, ExternalID: "v_1:c1", Sender: "v_1",
					Profile: switchboard.Profile{Name: "Vera"}, Parts: switchboard.TextParts("こんにちは"), At: now}},
			},
		},
		Outbound: []connectortest.OutboundCase{{
			Name:    "reply is confirmed for the widget to read",
			Message: connectors.OutboundMessage{MessageID: "msg_1", Recipient: "v_1", Parts: switchboard.TextParts("hello")},
			Check: func(t *testing.T, res connectors.SendResult) {
				if res.Status != switchboard.StatusSent || res.ExternalID != "msg_1" {
					t.Errorf("result = %+v", res)
				}
			},
		}},
	})
}

func TestSessions(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := now
	deps := connectors.Deps{ChannelID: "web", Now: func() time.Time { return clock }}
	c := build(t, `{"session_ttl_hours": 1}`, deps)
	token, visitor := c.IssueSession()
	if got, err := c.Visitor(token); err != nil || got != visitor {
		t.Fatalf("own token: %v %v", got, err)
	}
	other := build(t, `{}`, connectors.Deps{ChannelID: "web2", Now: deps.Now})
	payload, sig, _ := strings.Cut(token, ".")
	tests := []struct {
		name  string
		token string
		check *webchat.Connector
	}{
		{"garbage", "not-a-token", c},
		{"forged signature", payload + ".AAAA", c},
		{"changed payload", "e30" + payload[3:] + "." + sig, c},
		{"another channel's connector", token, other},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.check.Visitor(tc.token); err != webchat.ErrBadSession {
				t.Fatalf("err = %v", err)
			}
		})
	}
	clock = now.Add(2 * time.Hour)
	if _, err := c.Visitor(token); err != webchat.ErrBadSession {
		t.Fatalf("expired token accepted: %v", err)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	tests := []struct{ cfg, want string }{
		{`{"max_text_length": 0.5}`, "max_text_length"},
		{`{"max_text_length": -1}`, "max_text_length"},
		{`{"allowed_origins": ["example.com"]}`, "allowed_origins[0]"},
		{`{"colour": "red"}`, "colour"},
	}
	for _, tc := range tests {
		_, err := webchat.New(json.RawMessage(tc.cfg), connectors.Deps{HubSecret: secret})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to name %s", tc.cfg, err, tc.want)
		}
	}
}

func TestOriginAllowed(t *testing.T) {
	c := build(t, `{"allowed_origins": ["https://shop.example.com"]}`, connectors.Deps{ChannelID: "web"})
	if !c.OriginAllowed("https://shop.example.com") || c.OriginAllowed("https://evil.example.net") {
		t.Fatal("origin check wrong")
	}
}

func TestLookConfig(t *testing.T) {
	bad := map[string]string{
		`{"color":"blue"}`:            "color",
		`{"position":"top"}`:          "position",
		`{"language":"fr"}`:           "language",
		`{"identity_secret":"short"}`: "identity_secret",
		`{"colour":"#ffffff"}`:        "colour",
	}
	for cfg, field := range bad {
		_, err := webchat.New(json.RawMessage(cfg), connectors.Deps{HubSecret: secret})
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: error %v does not name %s", cfg, err, field)
		}
	}
	c := build(t, `{}`, connectors.Deps{})
	if got := c.Config(); got.Color != webchat.DefaultColor || got.Position != "right" || got.Language != "" {
		t.Errorf("defaults: %+v", got)
	}
}

func TestVerifyIdentity(t *testing.T) {
	open := build(t, `{}`, connectors.Deps{})
	if ok, err := open.VerifyIdentity("u1", "", "whatever"); ok || err != nil {
		t.Errorf("no identity_secret: verified %v, err %v; want an unverified claim", ok, err)
	}
	c := build(t, `{"identity_secret":"0123456789abcdef-site"}`, connectors.Deps{})
	sign := func(s string) string {
		m := hmac.New(sha256.New, []byte("0123456789abcdef-site"))
		m.Write([]byte(s))
		return hex.EncodeToString(m.Sum(nil))
	}
	cases := []struct {
		ext, email, sig string
		ok              bool
	}{
		{"u1", "", sign("u1"), true},
		{"", "a@example.com", sign("a@example.com"), true},
		{"u1", "a@example.com", sign("u1"), true},
		{"u1", "", strings.ToUpper(sign("u1")), true},
		{"u2", "", sign("u1"), false},
		{"u1", "a@example.com", sign("a@example.com"), false},
		{"u1", "", "", false},
		{"u1", "", "zz", false},
		{"", "", sign(""), false},
	}
	for _, tc := range cases {
		ok, err := c.VerifyIdentity(tc.ext, tc.email, tc.sig)
		if ok != tc.ok || (err == nil) != tc.ok {
			t.Errorf("VerifyIdentity(%q, %q, %.8s…) = %v, %v; want verified %v", tc.ext, tc.email, tc.sig, ok, err, tc.ok)
		}
	}
}
