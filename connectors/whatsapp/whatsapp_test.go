package whatsapp

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/whatsapp/fake"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

const (
	testSecret      = "wa-test-app-secret"
	testToken       = "wa-test-access-token"
	testVerifyToken = "wa-test-verify-token"
	testPhoneID     = "106540352242922"
	testWABA        = "102290129340398"
)

var (
	testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	eventAt = testNow.Add(-3 * time.Second)
	sheena  = fake.Customer{Name: "Sheena Nelson", Phone: "16505551234"}
	// kenji has a business-scoped user id beside his phone number; yuki
	// only a user id (a username user whose number WhatsApp does not give).
	kenji = fake.Customer{Name: "Kenji", Phone: "819012345678", UserID: "JP.13491208655302741918"}
	yuki  = fake.Customer{Name: "Yuki", UserID: "JP.99991208655302741000"}

	imageBody = []byte("\xff\xd8\xff\xe0 fake jpeg")
	audioBody = []byte("OggS fake opus")
	videoBody = []byte("fake mp4")
	docBody   = []byte("%PDF-1.7 fake")
	stickBody = []byte("RIFF fake webp")
)

// newFake starts a Cloud API fake with media and templates.
func newFake(t testing.TB) *fake.Server {
	fk := fake.New(t, fake.Options{Token: testToken, AppSecret: testSecret, PhoneNumberID: testPhoneID, BusinessAccountID: testWABA})
	fk.AddMedia("media-image", fake.Media{ContentType: "image/jpeg", Body: imageBody})
	fk.AddMedia("media-audio", fake.Media{ContentType: "audio/ogg", Body: audioBody})
	fk.AddMedia("media-video", fake.Media{ContentType: "video/mp4", Body: videoBody})
	fk.AddMedia("media-doc", fake.Media{ContentType: "application/pdf", Body: docBody})
	fk.AddMedia("media-sticker", fake.Media{ContentType: "image/webp", Body: stickBody})
	fk.AddTemplate(fake.Template{Name: "order_update", Language: "en_US", Category: "UTILITY", Body: "Hi {{1}}, your order {{2}} has shipped."})
	fk.AddTemplate(fake.Template{Name: "hello_world", Language: "en_US", Category: "UTILITY", Header: "Hello World", Body: "Welcome and congratulations!!", Footer: "WhatsApp Business Platform sample message"})
	return fk
}

func testConfig(fk *fake.Server) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"app_secret": testSecret, "verify_token": testVerifyToken, "access_token": testToken,
		"phone_number_id": testPhoneID, "business_account_id": testWABA, "api_base_url": fk.URL, "send_timeout": "5s",
	})
	return b
}

func newConnector(t testing.TB, fk *fake.Server, deps connectors.Deps) *Connector {
	t.Helper()
	c, err := New(testConfig(fk), deps)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// webhookCase builds an inbound case from one or more changes.
func webhookCase(name string, want []switchboard.Inbound, changes ...fake.Change) connectortest.InboundCase {
	return connectortest.InboundCase{
		Name: name,
		Request: func(t *testing.T, deps connectors.Deps) *http.Request {
			for i := range changes {
				if changes[i].PhoneNumberID == "" {
					changes[i].PhoneNumberID = testPhoneID
				}
			}
			return fake.SignedWebhook(deps.WebhookURL, testSecret, fake.Body(testWABA, changes...))
		},
		Want: want,
	}
}

func from(c fake.Customer, msgs ...fake.Msg) fake.Change {
	return fake.Change{Customers: []fake.Customer{c}, Messages: msgs}
}

// message is the expected hub event of a message from sheena.
func message(id string, parts ...switchboard.Part) switchboard.Inbound {
	return switchboard.Inbound{Kind: switchboard.InboundMessage, ExternalID: switchboard.ExternalID(id),
		Sender: "16505551234", Profile: switchboard.Profile{Name: "Sheena Nelson", Phone: "+16505551234"}, Parts: parts, At: eventAt}
}

func media(kind switchboard.PartKind, body []byte, contentType, caption string, fill func(*switchboard.Part)) switchboard.Part {
	p := switchboard.Part{Kind: kind, Text: caption, Attachment: &switchboard.Attachment{MediaID: connectortest.MediaID(body), ContentType: contentType, Size: int64(len(body))}}
	if fill != nil {
		fill(&p)
	}
	return p
}

func text(s string) switchboard.Part { return switchboard.Part{Kind: switchboard.PartText, Text: s} }

func inboundCases() []connectortest.InboundCase {
	msg := func(id, kind string, obj any) fake.Msg { return fake.Message(sheena, id, eventAt, kind, obj) }
	sent := switchboard.Inbound{Kind: switchboard.InboundStatus, ExternalID: "wamid.OUT1", Sender: "16505551234", Status: switchboard.StatusSent, At: eventAt}
	failed := switchboard.Inbound{Kind: switchboard.InboundStatus, ExternalID: "wamid.OUT2", Sender: "16505551234", Status: switchboard.StatusFailed, At: eventAt,
		StatusReason: "Message undeliverable (131026): Message Undeliverable."}
	return []connectortest.InboundCase{
		webhookCase("text", []switchboard.Inbound{message("wamid.TEXT", text("Does it come in another colour?"))},
			from(sheena, fake.Text(sheena, "wamid.TEXT", eventAt, "Does it come in another colour?"))),
		webhookCase("text from a user with a business-scoped id", []switchboard.Inbound{{Kind: switchboard.InboundMessage, ExternalID: "wamid.BSUID",
			Sender: "JP.13491208655302741918", Profile: switchboard.Profile{Name: "Kenji", Phone: "+819012345678"}, Parts: []switchboard.Part{text("こんにちは")}, At: eventAt}},
			from(kenji, fake.Text(kenji, "wamid.BSUID", eventAt, "こんにちは"))),
		webhookCase("text from a username user without phone", []switchboard.Inbound{{Kind: switchboard.InboundMessage, ExternalID: "wamid.USERNAME",
			Sender: "JP.99991208655302741000", Profile: switchboard.Profile{Name: "Yuki"}, Parts: []switchboard.Part{text("hi")}, At: eventAt}},
			from(yuki, fake.Text(yuki, "wamid.USERNAME", eventAt, "hi"))),
		webhookCase("image with caption", []switchboard.Inbound{message("wamid.IMAGE", media(switchboard.PartImage, imageBody, "image/jpeg", "the scratch", nil))},
			from(sheena, msg("wamid.IMAGE", "image", map[string]string{"id": "media-image", "mime_type": "image/jpeg", "sha256": "abc", "caption": "the scratch"}))),
		webhookCase("voice note", []switchboard.Inbound{message("wamid.AUDIO", media(switchboard.PartAudio, audioBody, "audio/ogg", "", nil))},
			from(sheena, msg("wamid.AUDIO", "audio", map[string]any{"id": "media-audio", "mime_type": "audio/ogg; codecs=opus", "voice": true}))),
		webhookCase("video", []switchboard.Inbound{message("wamid.VIDEO", media(switchboard.PartVideo, videoBody, "video/mp4", "", nil))},
			from(sheena, msg("wamid.VIDEO", "video", map[string]string{"id": "media-video", "mime_type": "video/mp4"}))),
		webhookCase("document", []switchboard.Inbound{message("wamid.DOC", media(switchboard.PartFile, docBody, "application/pdf", "invoice", func(p *switchboard.Part) { p.Attachment.Filename = "invoice.pdf" }))},
			from(sheena, msg("wamid.DOC", "document", map[string]string{"id": "media-doc", "mime_type": "application/pdf", "filename": "invoice.pdf", "caption": "invoice"}))),
		webhookCase("sticker", []switchboard.Inbound{message("wamid.STICKER", media(switchboard.PartSticker, stickBody, "image/webp", "", func(p *switchboard.Part) { p.Sticker = &switchboard.Sticker{StickerID: "media-sticker"} }))},
			from(sheena, msg("wamid.STICKER", "sticker", map[string]any{"id": "media-sticker", "mime_type": "image/webp", "animated": false}))),
		webhookCase("media gone becomes placeholder", []switchboard.Inbound{message("wamid.GONE", text("[image unavailable]\nold photo"))},
			from(sheena, msg("wamid.GONE", "image", map[string]string{"id": "media-expired", "caption": "old photo"}))),
		webhookCase("location", []switchboard.Inbound{message("wamid.LOC", switchboard.Part{Kind: switchboard.PartLocation, Location: &switchboard.Location{Title: "Philz Coffee", Address: "101 Forest Ave, Palo Alto", Latitude: 37.44216, Longitude: -122.16137}})},
			from(sheena, msg("wamid.LOC", "location", map[string]any{"latitude": 37.44216, "longitude": -122.16137, "name": "Philz Coffee", "address": "101 Forest Ave, Palo Alto"}))),
		webhookCase("shared contacts", []switchboard.Inbound{message("wamid.CONTACTS", text("Contact Barbara Johnson: +1 650-555-1234, bjohnson@example.com, Lucky Shrub\nContact Tom: +81 90-0000-0000"))},
			from(sheena, msg("wamid.CONTACTS", "contacts", []map[string]any{
				{"name": map[string]string{"formatted_name": "Barbara Johnson", "first_name": "Barbara"}, "phones": []map[string]string{{"phone": "+1 650-555-1234", "type": "WORK", "wa_id": "16505551234"}},
					"emails": []map[string]string{{"email": "bjohnson@example.com"}}, "org": map[string]string{"company": "Lucky Shrub"}},
				{"name": map[string]string{"first_name": "Tom"}, "phones": []map[string]string{{"phone": "+81 90-0000-0000"}}},
			}))),
		webhookCase("reply button", []switchboard.Inbound{message("wamid.BTN", text("track"))},
			from(sheena, msg("wamid.BTN", "interactive", map[string]any{"type": "button_reply", "button_reply": map[string]string{"id": "track", "title": "Track order"}}))),
		webhookCase("list reply", []switchboard.Inbound{message("wamid.LIST", text("csat:tok123:4"))},
			from(sheena, msg("wamid.LIST", "interactive", map[string]any{"type": "list_reply", "list_reply": map[string]string{"id": "csat:tok123:4", "title": "★★★★☆ 4", "description": ""}}))),
		webhookCase("template quick reply", []switchboard.Inbound{message("wamid.QR", text("STOP_PROMOS"))},
			from(sheena, msg("wamid.QR", "button", map[string]string{"payload": "STOP_PROMOS", "text": "Stop promotions"}))),
		webhookCase("reaction", []switchboard.Inbound{message("wamid.REACT", switchboard.Part{Kind: switchboard.PartReaction, Text: "👍", Reaction: &switchboard.Reaction{Emoji: "👍", To: "wamid.OUT1"}})},
			from(sheena, msg("wamid.REACT", "reaction", map[string]string{"message_id": "wamid.OUT1", "emoji": "👍"}))),
		webhookCase("unsupported message", []switchboard.Inbound{message("wamid.UNSUP", text("[unsupported WhatsApp message: Message type unknown (131051): Message type is not currently supported.]"))},
			from(sheena, fake.Msg{"from": sheena.Phone, "id": "wamid.UNSUP", "timestamp": "1748779197", "type": "unsupported",
				"errors": []map[string]any{{"code": 131051, "title": "Message type unknown", "message": "Message type unknown", "error_data": map[string]string{"details": "Message type is not currently supported."}}}})),
		webhookCase("statuses", []switchboard.Inbound{sent, failed},
			fake.Change{Statuses: []fake.Msg{
				fake.StatusOf(sheena, "wamid.OUT1", "sent", eventAt),
				fake.StatusOf(sheena, "wamid.OUT2", "failed", eventAt, map[string]any{"code": 131026, "title": "Message undeliverable", "message": "Message undeliverable", "error_data": map[string]string{"details": "Message Undeliverable."}}),
			}}),
		webhookCase("a batch of entries", []switchboard.Inbound{message("wamid.B1", text("one")), message("wamid.B2", text("two")), sent},
			from(sheena, fake.Text(sheena, "wamid.B1", eventAt, "one")),
			fake.Change{Customers: []fake.Customer{sheena}, Messages: []fake.Msg{fake.Text(sheena, "wamid.B2", eventAt, "two")}, Statuses: []fake.Msg{fake.StatusOf(sheena, "wamid.OUT1", "sent", eventAt)}}),
		webhookCase("another phone number ignored", nil, fake.Change{PhoneNumberID: "999", Customers: []fake.Customer{sheena}, Messages: []fake.Msg{fake.Text(sheena, "wamid.X", eventAt, "x")}}),
		webhookCase("system notice ignored", nil, from(sheena, msg("wamid.SYS", "system", map[string]string{"body": "User changed number", "type": "user_changed_number"}))),
	}
}

func harness(fk *fake.Server) connectortest.Harness {
	graphFault := func(name string, status, code int, want connectortest.Class, after time.Duration) connectortest.FaultCase {
		return connectortest.FaultCase{Name: name, Fault: connectortest.Fault{Status: status, Body: string(fake.ErrorBody(code, "x", "y"))}, Want: want, WantRetryAfter: after}
	}
	return connectortest.Harness{
		Type:    Type,
		Now:     testNow,
		Secrets: []string{testSecret, testToken, testVerifyToken},
		New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
			return newConnector(t, fk, deps)
		},
		Reset:           fk.Reset,
		SignatureHeader: "X-Hub-Signature-256",
		Inbound:         inboundCases(),
		InjectFault:     func(f connectortest.Fault) { fk.FailNext(1, fake.Fault(f)) },
		FaultMessage:    connectors.OutboundMessage{Recipient: "16505551234", Parts: switchboard.TextParts("hello")},
		Faults: append(connectortest.StandardFaults(),
			graphFault("130429 throughput", 400, 130429, connectortest.Retryable, 30*time.Second),
			graphFault("80007 account rate limit", 400, 80007, connectortest.Retryable, 30*time.Second),
			graphFault("4 app rate limit", 400, 4, connectortest.Retryable, 30*time.Second),
			graphFault("613 api rate limit", 400, 613, connectortest.Retryable, 30*time.Second),
			graphFault("131056 pair rate limit", 400, 131056, connectortest.Retryable, 6*time.Second),
			graphFault("131048 spam limit", 400, 131048, connectortest.Permanent, 0),
			graphFault("131026 undeliverable", 400, 131026, connectortest.Permanent, 0),
			graphFault("190 token", 401, 190, connectortest.Permanent, 0),
			graphFault("131047 window", 400, 131047, connectortest.Permanent, 0),
		),
	}
}

func TestConformance(t *testing.T) {
	fk := newFake(t)
	h := harness(fk)
	to := switchboard.ExternalID("16505551234")
	link := func(kind switchboard.PartKind, url, caption string) switchboard.Part {
		return switchboard.Part{Kind: kind, Text: caption, Attachment: &switchboard.Attachment{URL: url, Filename: "invoice.pdf"}}
	}
	reply := func(labels ...string) []switchboard.Button {
		var bs []switchboard.Button
		for _, l := range labels {
			bs = append(bs, switchboard.Button{Label: l, Payload: strings.ToLower(strings.ReplaceAll(l, " ", "_"))})
		}
		return bs
	}
	h.Outbound = []connectortest.OutboundCase{
		{Name: "text", Message: connectors.OutboundMessage{Recipient: to, Parts: switchboard.TextParts("Thanks for writing! See https://example.com")}, Check: checkWire(fk, "text", 1)},
		{Name: "text to a business-scoped user id", Message: connectors.OutboundMessage{Recipient: "JP.13491208655302741918", Parts: switchboard.TextParts("hi")}, Check: checkWire(fk, "text_bsuid", 1)},
		{Name: "long text split", Message: connectors.OutboundMessage{Recipient: to, Parts: switchboard.TextParts(strings.Repeat("あ", 4096) + strings.Repeat("b", 10))}, Check: checkWire(fk, "long_text", 2)},
		{Name: "image with caption", Message: connectors.OutboundMessage{Recipient: to, Parts: []switchboard.Part{link(switchboard.PartImage, "https://hub.example.test/media/m1", "our map")}}, Check: checkWire(fk, "image", 1)},
		{Name: "audio then its caption", Message: connectors.OutboundMessage{Recipient: to, Parts: []switchboard.Part{link(switchboard.PartAudio, "https://hub.example.test/media/a1", "listen")}}, Check: checkWire(fk, "audio", 2)},
		{Name: "video and document", Message: connectors.OutboundMessage{Recipient: to, Parts: []switchboard.Part{
			link(switchboard.PartVideo, "https://hub.example.test/media/v1", ""), link(switchboard.PartFile, "https://hub.example.test/media/f1", "your invoice")}}, Check: checkWire(fk, "video_document", 2)},
		{Name: "location", Message: connectors.OutboundMessage{Recipient: to, Parts: []switchboard.Part{{Kind: switchboard.PartLocation, Location: &switchboard.Location{Title: "Shop", Address: "1-1 Ginza", Latitude: 35.67, Longitude: 139.76}}}}, Check: checkWire(fk, "location", 1)},
		{Name: "reply buttons", Message: connectors.OutboundMessage{Recipient: to, Parts: []switchboard.Part{{Kind: switchboard.PartButtons, Text: "Was this helpful?", Buttons: reply("Yes", "No", "Talk to a person please")}}}, Check: checkWire(fk, "buttons", 1)},
		{Name: "list for more buttons", Message: connectors.OutboundMessage{Recipient: to, Parts: []switchboard.Part{{Kind: switchboard.PartButtons, Text: "Pick a topic", Buttons: reply("Orders", "Returns", "Shipping", "Payments", "Something else entirely different")}}}, Check: checkWire(fk, "list", 1)},
		{Name: "link button", Message: connectors.OutboundMessage{Recipient: to, Parts: []switchboard.Part{{Kind: switchboard.PartButtons, Text: "Track it here", Buttons: []switchboard.Button{{Label: "Track", URL: "https://example.com/track/42"}}}}}, Check: checkWire(fk, "cta_url", 1)},
		{Name: "template with parameters", Message: connectors.OutboundMessage{Recipient: to, CustomerLastAt: testNow.Add(-48 * time.Hour), Parts: []switchboard.Part{{Kind: switchboard.PartTemplate,
			Template: &switchboard.Template{Name: "order_update", Language: "en_US", Variables: map[string]string{"2": "#42", "1": "Sheena"}}}}}, Check: checkWire(fk, "template", 1)},
		{Name: "template without parameters", Message: connectors.OutboundMessage{Recipient: to, Parts: []switchboard.Part{{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: "hello_world", Language: "en_US"}}}}, Check: checkWire(fk, "template_plain", 1)},
		{Name: "rating card as a list", Message: connectors.OutboundMessage{Recipient: to, Parts: []switchboard.Part{{Kind: switchboard.PartCSAT, Text: "How did we do?", CSAT: &switchboard.CSATCard{Token: "tok123", URL: "https://hub.example.test/csat/tok123"}}}}, Check: checkWire(fk, "csat", 1)},
	}
	connectortest.Run(t, h)
}

// checkWire checks that n requests reached the fake, each accepted, that
// the result names the first message, and that the bodies match
// testdata/outbound/<name>.json.
func checkWire(fk *fake.Server, name string, n int) func(*testing.T, connectors.SendResult) {
	return func(t *testing.T, res connectors.SendResult) {
		reqs := fk.Requests()
		if len(reqs) != n {
			t.Fatalf("fake received %d requests, want %d: %+v", len(reqs), n, reqs)
		}
		var wire []any
		for _, r := range reqs {
			if r.Status != http.StatusOK {
				t.Errorf("%s answered %d: %s", r.Path, r.Status, r.Body)
			}
			wire = append(wire, map[string]any{"method": r.Method, "path": r.Path, "body": r.JSON})
		}
		if res.ExternalID == "" || string(res.ExternalID) != reqs[0].WAMID {
			t.Errorf("SendResult.ExternalID = %q, want the first message's %q", res.ExternalID, reqs[0].WAMID)
		}
		golden(t, filepath.Join("testdata", "outbound", name+".json"), wire)
	}
}

// golden compares v, as indented JSON, with a file; -update rewrites it.
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
		t.Errorf("wire body differs from %s (run go test -update after checking):\n got: %s\nwant: %s", path, got, want)
	}
}
