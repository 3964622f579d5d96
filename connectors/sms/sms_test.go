package sms

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/sms/fake"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

const (
	testAccount = "AC" + "0123456789abcdef0123456789abcdef"
	testToken   = "twilio-test-auth-token"
	hubNumber   = "+15005550006"
	customer    = "+819012345678"
)

var (
	testNow   = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	photoBody = []byte("\x89PNG fake photo")
	clipBody  = []byte("fake 3gp clip")
)

func newFake(t testing.TB) *fake.Server {
	return fake.New(t, testAccount, testToken)
}

func testConfig(fk *fake.Server, extra map[string]any) json.RawMessage {
	cfg := map[string]any{
		"account_sid": testAccount, "auth_token": testToken, "from": hubNumber,
		"api_base_url": fk.URL, "send_timeout": "5s",
	}
	for k, v := range extra {
		cfg[k] = v
	}
	b, _ := json.Marshal(cfg)
	return b
}

func harness(fk *fake.Server) connectortest.Harness {
	return connectortest.Harness{
		Type:    Type,
		Now:     testNow,
		Secrets: []string{testToken},
		Reset:   fk.Reset,
		New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
			c, err := New(testConfig(fk, nil), deps)
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
	}
}

// inbound builds a case posting form to the webhook URL (plus query).
func inbound(name, query string, form url.Values, want ...switchboard.Inbound) connectortest.InboundCase {
	return connectortest.InboundCase{
		Name: name,
		Request: func(t *testing.T, deps connectors.Deps) *http.Request {
			u := deps.WebhookURL
			if query != "" {
				u += "?" + query
			}
			return fake.SignedWebhook(u, testToken, form)
		},
		Want: want,
	}
}

func msgIn(sid string, parts ...switchboard.Part) switchboard.Inbound {
	return switchboard.Inbound{Kind: switchboard.InboundMessage, ExternalID: switchboard.ExternalID(sid), Sender: customer,
		Profile: switchboard.Profile{Phone: customer}, Parts: parts, At: testNow}
}

func optIn(kind switchboard.InboundKind, id string) switchboard.Inbound {
	return switchboard.Inbound{Kind: kind, ExternalID: switchboard.ExternalID(id), Sender: customer,
		Profile: switchboard.Profile{Phone: customer}, At: testNow}
}

func receipt(sid string, status switchboard.DeliveryStatus, reason string) switchboard.Inbound {
	return switchboard.Inbound{Kind: switchboard.InboundStatus, ExternalID: switchboard.ExternalID(sid), Sender: customer,
		At: testNow, Status: status, StatusReason: reason}
}

func inboundCases(fk *fake.Server) []connectortest.InboundCase {
	const mms = "MM" + "11111111111111111111111111111111"
	photo := fk.AddMedia(fk.MediaPath(mms, "ME1"), fake.Media{ContentType: "image/png", Body: photoBody})
	clip := fk.AddMedia(fk.MediaPath(mms, "ME2"), fake.Media{ContentType: "video/3gpp", Body: clipBody})
	gone := fk.URL + fk.MediaPath(mms, "ME404")
	const sidText, sidStop, sidStart, sidOut = "SM" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "SM" + "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "SM" + "cccccccccccccccccccccccccccccccc", "SM" + "dddddddddddddddddddddddddddddddd"
	return []connectortest.InboundCase{
		inbound("text", "", fake.InboundForm(testAccount, sidText, customer, hubNumber, "Hello from my phone 📱"),
			msgIn(sidText, switchboard.TextParts("Hello from my phone 📱")...)),
		inbound("MMS with two media", "", fake.InboundForm(testAccount, mms, customer, hubNumber, "look",
			fake.InboundMedia{URL: photo, ContentType: "image/png"}, fake.InboundMedia{URL: clip, ContentType: "video/3gpp"}),
			msgIn(mms, switchboard.Part{Kind: switchboard.PartText, Text: "look"},
				switchboard.Part{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: connectortest.MediaID(photoBody), ContentType: "image/png", Size: int64(len(photoBody))}},
				switchboard.Part{Kind: switchboard.PartVideo, Attachment: &switchboard.Attachment{MediaID: connectortest.MediaID(clipBody), ContentType: "video/3gpp", Size: int64(len(clipBody))}})),
		inbound("MMS media unavailable keeps its URL", "", fake.InboundForm(testAccount, mms, customer, hubNumber, "",
			fake.InboundMedia{URL: gone, ContentType: "image/jpeg"}),
			msgIn(mms, switchboard.Part{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{URL: gone, ContentType: "image/jpeg"}})),
		inbound("STOP opts out", "", fake.InboundForm(testAccount, sidStop, customer, hubNumber, " stop "),
			msgIn(sidStop, switchboard.TextParts(" stop ")...), optIn(switchboard.InboundUnfollow, sidStop+":optout")),
		inbound("START opts in", "", fake.InboundForm(testAccount, sidStart, customer, hubNumber, "START"),
			msgIn(sidStart, switchboard.TextParts("START")...), optIn(switchboard.InboundFollow, sidStart+":optin")),
		inbound("status delivered", "kind=status", fake.StatusForm(testAccount, sidOut, hubNumber, customer, "delivered", ""),
			receipt(sidOut, switchboard.StatusDelivered, "")),
		inbound("status undelivered with error code", "kind=status", fake.StatusForm(testAccount, sidOut, hubNumber, customer, "undelivered", "30003"),
			receipt(sidOut, switchboard.StatusFailed, "Twilio error 30003: unreachable destination handset")),
		inbound("status unknown ignored", "kind=status", fake.StatusForm(testAccount, sidOut, hubNumber, customer, "teleported", "")),
	}
}

func TestConformance(t *testing.T) {
	fk := newFake(t)
	h := harness(fk)
	h.SignatureHeader = SignatureHeader
	h.Inbound = inboundCases(fk)
	h.Outbound = []connectortest.OutboundCase{
		{Name: "text", Message: connectors.OutboundMessage{Recipient: customer, Parts: switchboard.TextParts("Your order shipped.")},
			Check: checkWire(fk, "text", 1)},
		{Name: "long text split at 1600", Message: connectors.OutboundMessage{Recipient: customer, Parts: switchboard.TextParts(strings.Repeat("ab ", 700))},
			Check: checkWire(fk, "long_text", 2)},
		{Name: "MMS image with caption", Message: connectors.OutboundMessage{Recipient: customer, Parts: []switchboard.Part{
			{Kind: switchboard.PartImage, Text: "Here is the label", Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/label.png"}},
			{Kind: switchboard.PartFile, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/invoice.pdf"}},
		}}, Check: checkWire(fk, "mms", 1)},
		{Name: "location as text", Message: connectors.OutboundMessage{Recipient: customer, Parts: []switchboard.Part{
			{Kind: switchboard.PartLocation, Location: &switchboard.Location{Title: "Shop", Address: "1-1 Ginza", Latitude: 35.67, Longitude: 139.76}},
		}}, Check: checkWire(fk, "location", 1)},
	}
	h.InjectFault = func(f connectortest.Fault) { fk.FailNext(1, fake.Fault(f)) }
	h.FaultMessage = connectors.OutboundMessage{Recipient: customer, Parts: switchboard.TextParts("hello")}
	h.Faults = append(connectortest.StandardFaults(), connectortest.FaultCase{
		Name:  "21610 unsubscribed recipient",
		Fault: connectortest.Fault{Status: 400, Body: `{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}`},
		Want:  connectortest.Permanent,
	})
	connectortest.Run(t, h)
}

// checkWire checks the form posts that reached the fake and compares them
// with testdata/outbound/<name>.json.
func checkWire(fk *fake.Server, name string, n int) func(*testing.T, connectors.SendResult) {
	return func(t *testing.T, res connectors.SendResult) {
		posts := fk.Messages()
		if len(posts) != n {
			t.Fatalf("fake received %d messages, want %d", len(posts), n)
		}
		if res.ExternalID != switchboard.ExternalID(posts[0].Sid) {
			t.Errorf("ExternalID = %q, want the first MessageSid %q", res.ExternalID, posts[0].Sid)
		}
		var wire []any
		for _, p := range posts {
			if p.Status != http.StatusCreated {
				t.Errorf("fake answered %d: %s", p.Status, p.Body)
			}
			if u, pw, ok := basicAuth(p.Header); !ok || u != testAccount || pw != testToken {
				t.Error("request without the account's basic auth")
			}
			keys := make([]string, 0, len(p.Form))
			for k := range p.Form {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			form := map[string]any{}
			for _, k := range keys {
				form[k] = p.Form[k]
			}
			wire = append(wire, map[string]any{"method": p.Method, "path": strings.Replace(p.Path, testAccount, "{AccountSid}", 1),
				"content_type": p.Header.Get("Content-Type"), "form": form})
		}
		golden(t, filepath.Join("testdata", "outbound", name+".json"), wire)
	}
}

func basicAuth(h http.Header) (string, string, bool) {
	r := &http.Request{Header: h}
	return r.BasicAuth()
}

func golden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("wire body differs from %s:\n got: %s\nwant: %s", path, got, want)
	}
}
