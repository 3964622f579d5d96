package whatsapp

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/whatsapp/fake"

	_ "github.com/mattn/go-sqlite3" // the hub database of device mode
)

func env(t *testing.T, fk *fake.Server) (*connectortest.Env, *Connector) {
	t.Helper()
	e := harness(fk).NewEnv(t)
	return e, e.Conn.(*Connector)
}

func serveHTTP(c *Connector, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	c.HandleWebhook(rec, req)
	return rec
}

func TestHandshake(t *testing.T) {
	fk := newFake(t)
	e, c := env(t, fk)
	for _, tt := range []struct {
		name, token string
		status      int
	}{{"right verify token", testVerifyToken, 200}, {"wrong verify token", "guess", 403}, {"no token", "", 403}} {
		t.Run(tt.name, func(t *testing.T) {
			rec := serveHTTP(c, fake.Handshake(e.Deps.WebhookURL, tt.token, "1158201444"))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 200 && rec.Body.String() != "1158201444" {
				t.Errorf("challenge %q", rec.Body.String())
			}
		})
	}
	if e.Sink.Calls() != 0 {
		t.Error("a handshake reached the Sink")
	}
}

// TestBatchIsOneAccept: every entry of a POST goes to the hub in one
// Accept (one group commit), then 200.
func TestBatchIsOneAccept(t *testing.T) {
	fk := newFake(t)
	e, c := env(t, fk)
	body := fake.Body(testWABA,
		fake.Change{PhoneNumberID: testPhoneID, Customers: []fake.Customer{sheena}, Messages: []fake.Msg{fake.Text(sheena, "wamid.1", eventAt, "a")}},
		fake.Change{PhoneNumberID: testPhoneID, Customers: []fake.Customer{kenji}, Messages: []fake.Msg{fake.Text(kenji, "wamid.2", eventAt, "b")}},
		fake.Change{PhoneNumberID: testPhoneID, Statuses: []fake.Msg{fake.StatusOf(sheena, "wamid.OUT", "delivered", eventAt), fake.StatusOf(sheena, "wamid.OUT", "read", eventAt)}},
	)
	if rec := serveHTTP(c, fake.SignedWebhook(e.Deps.WebhookURL, testSecret, body)); rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if e.Sink.Calls() != 1 || len(e.Sink.Received()) != 4 {
		t.Fatalf("Accept called %d times with %d events, want once with 4", e.Sink.Calls(), len(e.Sink.Received()))
	}
	got := e.Sink.Received()
	if got[2].ExternalID != "wamid.OUT" || got[2].Status != switchboard.StatusDelivered || got[3].ExternalID != "wamid.OUT" || got[3].Status != switchboard.StatusRead {
		t.Errorf("statuses = %+v %+v, want the sent message's wamid with each status", got[2], got[3])
	}
}

func TestRefusedAndFailingHub(t *testing.T) {
	fk := newFake(t)
	body := fake.Body(testWABA, fake.Change{PhoneNumberID: testPhoneID, Customers: []fake.Customer{sheena}, Messages: []fake.Msg{fake.Text(sheena, "wamid.1", eventAt, "a")}})
	for _, tt := range []struct {
		name   string
		err    error
		status int
	}{{"refused for good", connectors.Permanent("over the limit", connectors.ErrRefused), 400}, {"store down", errors.New("down"), 500}} {
		t.Run(tt.name, func(t *testing.T) {
			e, c := env(t, fk)
			e.Sink.FailWith(tt.err)
			if rec := serveHTTP(c, fake.SignedWebhook(e.Deps.WebhookURL, testSecret, body)); rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
		})
	}
	t.Run("not JSON", func(t *testing.T) {
		e, c := env(t, fk)
		if rec := serveHTTP(c, fake.SignedWebhook(e.Deps.WebhookURL, testSecret, []byte("<xml/>"))); rec.Code != 400 {
			t.Fatalf("status %d", rec.Code)
		}
	})
	t.Run("media lookup fails for now", func(t *testing.T) {
		e, c := env(t, fk)
		fk.FailNext(1, fake.Fault{Status: 500})
		img := fake.Body(testWABA, fake.Change{PhoneNumberID: testPhoneID, Customers: []fake.Customer{sheena},
			Messages: []fake.Msg{fake.Message(sheena, "wamid.I", eventAt, "image", map[string]string{"id": "media-image"})}})
		if rec := serveHTTP(c, fake.SignedWebhook(e.Deps.WebhookURL, testSecret, img)); rec.Code != 500 {
			t.Fatalf("status %d, want 500 so Meta redelivers", rec.Code)
		}
		if e.Sink.Calls() != 0 {
			t.Error("events reached the Sink")
		}
	})
}

// TestWindow: outside the 24-hour window only templates go out; nothing
// reaches WhatsApp for a refused message.
func TestWindow(t *testing.T) {
	fk := newFake(t)
	_, c := env(t, fk)
	ctx := context.Background()
	tmpl := []switchboard.Part{{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: "hello_world", Language: "en_US"}}}
	tests := []struct {
		name     string
		last     time.Time
		parts    []switchboard.Part
		closed   bool
		requests int
	}{
		{"inside the window", testNow.Add(-23 * time.Hour), switchboard.TextParts("hi"), false, 1},
		{"unknown last message", time.Time{}, switchboard.TextParts("hi"), false, 1},
		{"window closed: free form refused", testNow.Add(-25 * time.Hour), switchboard.TextParts("late"), true, 0},
		{"window closed: template with text refused", testNow.Add(-25 * time.Hour), append(switchboard.TextParts("x"), tmpl...), true, 0},
		{"window closed: template goes out", testNow.Add(-25 * time.Hour), tmpl, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fk.Reset()
			_, err := c.Send(ctx, connectors.OutboundMessage{Recipient: "16505551234", CustomerLastAt: tt.last, Parts: tt.parts})
			if tt.closed {
				if !errors.Is(err, connectors.ErrWindowClosed) || !connectors.IsPermanent(err) || !strings.Contains(err.Error(), "template") {
					t.Fatalf("err = %v, want a permanent window-closed error naming templates", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if n := len(fk.Requests()); n != tt.requests {
				t.Errorf("%d requests reached WhatsApp, want %d", n, tt.requests)
			}
		})
	}
	t.Run("WhatsApp says 131047", func(t *testing.T) {
		fk.Reset()
		fk.CloseWindow("16505551234")
		_, err := c.Send(ctx, connectors.OutboundMessage{Recipient: "16505551234", Parts: switchboard.TextParts("hi")})
		if !errors.Is(err, connectors.ErrWindowClosed) || !connectors.IsPermanent(err) {
			t.Fatalf("err = %v", err)
		}
	})
}

// connectorWith builds the test connector with one config key changed.
func connectorWith(t *testing.T, fk *fake.Server, key, value string) *Connector {
	t.Helper()
	cfg := map[string]any{}
	_ = json.Unmarshal(testConfig(fk), &cfg)
	cfg[key] = value
	raw, _ := json.Marshal(cfg)
	c, err := New(raw, harness(fk).NewEnv(t).Deps)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestProviderErrors(t *testing.T) {
	fk := newFake(t)
	ctx := context.Background()
	msg := connectors.OutboundMessage{Recipient: "16505551234", Parts: switchboard.TextParts("hi")}
	t.Run("wrong token marks credentials", func(t *testing.T) {
		c := connectorWith(t, fk, "access_token", "revoked")
		if _, err := c.Send(ctx, msg); !errors.Is(err, connectors.ErrCredentials) || !connectors.IsPermanent(err) {
			t.Errorf("send: %v", err)
		}
		if err := c.CheckCredentials(ctx); !errors.Is(err, connectors.ErrCredentials) {
			t.Errorf("check: %v", err)
		}
	})
	t.Run("undeliverable", func(t *testing.T) {
		_, c := env(t, fk)
		fk.Undeliverable("16505551234")
		_, err := c.Send(ctx, msg)
		if !connectors.IsPermanent(err) || !strings.Contains(err.Error(), "131026") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("wrong version", func(t *testing.T) {
		c := connectorWith(t, fk, "api_version", "v19.0")
		if _, err := c.Send(ctx, msg); !connectors.IsPermanent(err) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("check credentials", func(t *testing.T) {
		_, c := env(t, fk)
		pn, err := c.phoneNumber(ctx)
		if err != nil || pn.ID != testPhoneID || pn.VerifiedName == "" {
			t.Fatalf("phone number = %+v, %v", pn, err)
		}
	})
}

func TestRefusedParts(t *testing.T) {
	fk := newFake(t)
	_, c := env(t, fk)
	tests := map[string][]switchboard.Part{
		"sticker":                 {{Kind: switchboard.PartSticker, Sticker: &switchboard.Sticker{StickerID: "1"}}},
		"media without URL":       {{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "m"}}},
		"template without lang":   {{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: "hello_world"}}},
		"raw template not object": {{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Raw: []byte(`[1]`)}}},
		"duplicate button ids":    {{Kind: switchboard.PartButtons, Buttons: []switchboard.Button{{Label: "a", Payload: "x"}, {Label: "b", Payload: "x"}}}},
		"empty":                   {{Kind: switchboard.PartText, Text: "  "}},
	}
	for name, parts := range tests {
		t.Run(name, func(t *testing.T) {
			fk.Reset()
			if _, err := c.Send(context.Background(), connectors.OutboundMessage{Recipient: "16505551234", Parts: parts}); !connectors.IsPermanent(err) {
				t.Fatalf("err = %v, want permanent", err)
			}
			if n := len(fk.Requests()); n != 0 {
				t.Errorf("%d requests reached WhatsApp", n)
			}
		})
	}
	t.Run("unknown template refused by WhatsApp", func(t *testing.T) {
		_, err := c.Send(context.Background(), connectors.OutboundMessage{Recipient: "16505551234", Parts: []switchboard.Part{{Kind: switchboard.PartTemplate,
			Template: &switchboard.Template{Name: "nope", Language: "en_US"}}}})
		if !connectors.IsPermanent(err) || !strings.Contains(err.Error(), "132001") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("eleven buttons become numbered options", func(t *testing.T) {
		fk.Reset()
		var bs []switchboard.Button
		for i := 1; i <= 11; i++ {
			bs = append(bs, switchboard.Button{Label: fmt.Sprintf("Option %d", i)})
		}
		if _, err := c.Send(context.Background(), connectors.OutboundMessage{Recipient: "16505551234", Parts: []switchboard.Part{{Kind: switchboard.PartButtons, Text: "Pick", Buttons: bs}}}); err != nil {
			t.Fatal(err)
		}
		sends := fk.Sends()
		if len(sends) != 1 || sends[0].JSON["type"] != "text" || !strings.Contains(string(sends[0].Body), "11) Option 11") {
			t.Fatalf("sent %+v", sends)
		}
	})
}

func TestMarkRead(t *testing.T) {
	fk := newFake(t)
	_, c := env(t, fk)
	if err := c.MarkRead(context.Background(), "16505551234", "wamid.IN1"); err != nil {
		t.Fatal(err)
	}
	reqs := fk.Requests()
	if len(reqs) != 1 || reqs[0].JSON["status"] != "read" || reqs[0].JSON["message_id"] != "wamid.IN1" || reqs[0].Status != 200 {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestListTemplatesPages(t *testing.T) {
	fk := fake.New(t, fake.Options{Token: testToken, AppSecret: testSecret, PhoneNumberID: testPhoneID, BusinessAccountID: testWABA, TemplatePageSize: 4})
	for i := 0; i < 9; i++ {
		fk.AddTemplate(fake.Template{Name: fmt.Sprintf("t%d", i), Language: "en_US", Category: "MARKETING", Body: "Hi {{1}}, {{2}} and {{1}} again"})
	}
	fk.AddTemplate(fake.Template{Name: "named", Language: "ja", Status: "PENDING", Header: "Order", Body: "こんにちは {{customer_name}}", Footer: "Shop", Buttons: []string{"Yes", "No"}})
	_, c := env(t, fk)
	ts, err := c.ListTemplates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 10 {
		t.Fatalf("%d templates, want 10 over three pages", len(ts))
	}
	if got := ts[0]; got.Name != "t0" || got.Status != "APPROVED" || got.Category != "MARKETING" || strings.Join(got.Params, ",") != "1,2" || got.ChannelID != "ch_conformance" {
		t.Errorf("first = %+v", got)
	}
	want := switchboard.ProviderTemplate{ChannelID: "ch_conformance", Name: "named", Language: "ja", Status: "PENDING", Header: "Order",
		Body: "こんにちは {{customer_name}}", Footer: "Shop", Params: []string{"customer_name"}, Buttons: []string{"Yes", "No"}}
	if got, _ := json.Marshal(ts[9]); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("last = %s", got)
	}
	pages := 0
	for _, r := range fk.Requests() {
		if strings.HasSuffix(r.Path, "/message_templates") {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("%d pages fetched, want 3", pages)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestConfigAndModes(t *testing.T) {
	good := map[string]any{"app_secret": "s", "verify_token": "v", "access_token": "a", "phone_number_id": "123"}
	with := func(k string, v any) json.RawMessage {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return b
	}
	tests := []struct {
		name, want string
		raw        json.RawMessage
	}{
		{"device mode is the linked device's", "whatsapp device", with("mode", "device")},
		{"device name in cloud mode", "device_name is for mode device", with("device_name", "Chrome (Linux)")},
		{"device mode with a bad device name", "device_name", json.RawMessage(`{"mode":"device","device_name":"my phone"}`)},
		{"unknown mode", "mode must be", with("mode", "desktop")},
		{"missing token", "access_token is required", with("access_token", nil)},
		{"phone number instead of id", "phone_number_id", with("phone_number_id", "+1 555 0100")},
		{"versioned base URL", "api_base_url", with("api_base_url", "https://graph.facebook.com/v26.0")},
		{"bad version", "api_version", with("api_version", "26")},
		{"unknown key", "app_id", with("app_id", "1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := connectors.Build(Type, tt.raw, connectors.Deps{ChannelID: "wa"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
	c, err := connectors.Build(Type, with("mode", "cloud"), connectors.Deps{ChannelID: "wa"})
	if err != nil {
		t.Fatal(err)
	}
	devDeps := connectors.Deps{ChannelID: "wa", Sink: connectortest.NewSink(), Media: connectortest.NewMediaStore()}
	if _, err := connectors.Build(Type, json.RawMessage(`{"mode":"device"}`), devDeps); err == nil || !strings.Contains(err.Error(), "SQL database") {
		t.Errorf("device mode without the hub's database: %v", err)
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	devDeps.Database = &connectors.Database{DB: db, Dialect: "sqlite3"}
	dev, err := connectors.Build(Type, json.RawMessage(`{"mode":"device","device_name":"Chrome (Linux)"}`), devDeps)
	if err != nil {
		t.Fatalf("device mode: %v", err)
	}
	if _, ok := dev.(connectors.Runner); !ok || dev.Type() != Type {
		t.Errorf("device mode built a %T of type %q, want the linked-device runner", dev, dev.Type())
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := c.(*Connector).cfg; got.APIVersion != "v26.0" || got.APIBaseURL != "https://graph.facebook.com" {
		t.Errorf("defaults = %+v", got)
	}
	caps := c.Capabilities()
	if caps.ReplyWindowSeconds != 86400 || !caps.Templates || !caps.Reactions || caps.MaxTextLength != 4096 {
		t.Errorf("capabilities = %+v", caps)
	}
}

func TestSimulate(t *testing.T) {
	fk := newFake(t)
	e, c := env(t, fk)
	for _, from := range []switchboard.ExternalID{"+16505551234", "JP.13491208655302741918"} {
		req, err := c.SimulateText(context.Background(), e.Deps.WebhookURL, from, "hello from the simulator")
		if err != nil {
			t.Fatal(err)
		}
		if rec := serveHTTP(c, req); rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
	}
	got := e.Sink.Stored()
	if len(got) != 2 || got[0].Sender != "16505551234" || got[1].Sender != "JP.13491208655302741918" || got[0].Parts[0].Text != "hello from the simulator" {
		t.Fatalf("stored %+v", got)
	}
}

// TestMediaURLNotLogged: media URLs (credentials until they expire) stay
// out of logs even when the download fails; the message is kept with a
// placeholder.
func TestMediaURLNotLogged(t *testing.T) {
	fk := newFake(t)
	var logs bytes.Buffer
	sink := connectortest.NewSink()
	deps := connectors.Deps{ChannelID: "wa", Sink: sink, Media: connectortest.NewMediaStore(), WebhookURL: "https://hub.example.test/webhooks/wa",
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Now: func() time.Time { return testNow }}
	c := newConnector(t, fk, deps)
	fk.FailDownloads(http.StatusNotFound)
	body := fake.Body(testWABA, fake.Change{PhoneNumberID: testPhoneID, Customers: []fake.Customer{sheena},
		Messages: []fake.Msg{fake.Message(sheena, "wamid.M", eventAt, "image", map[string]string{"id": "media-image"})}})
	if rec := serveHTTP(c, fake.SignedWebhook(deps.WebhookURL, testSecret, body)); rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if got := sink.Stored(); len(got) != 1 || got[0].Parts[0].Text != "[image unavailable]" {
		t.Fatalf("stored %+v", got)
	}
	if !strings.Contains(logs.String(), "placeholder") {
		t.Fatalf("the failure was not logged: %s", logs.String())
	}
	for _, leak := range []string{"whatsapp_business/attachments", "hash=", testToken} {
		if strings.Contains(logs.String(), leak) {
			t.Errorf("logs contain %q:\n%s", leak, logs.String())
		}
	}
}

// TestTemplateHeaderParameters: a template whose text header has a
// placeholder lists it as a header parameter; a part gives it as
// "header.1" and it goes out as the header component, before the body's;
// without it Graph (the fake) refuses the send with 132000.
func TestTemplateHeaderParameters(t *testing.T) {
	fk := fake.New(t, fake.Options{Token: testToken, AppSecret: testSecret, PhoneNumberID: testPhoneID, BusinessAccountID: testWABA})
	fk.AddTemplate(fake.Template{Name: "order_ready", Language: "en_US", Category: "UTILITY", Header: "Order {{1}}", Body: "Hi {{1}}, it is ready for pick-up."})
	_, c := env(t, fk)
	ts, err := c.ListTemplates(context.Background())
	if err != nil || len(ts) != 1 || strings.Join(ts[0].HeaderParams, ",") != "1" || strings.Join(ts[0].Params, ",") != "1" {
		t.Fatalf("templates %+v, %v", ts, err)
	}
	part := func(vars map[string]string) []switchboard.Part {
		return []switchboard.Part{{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: "order_ready", Language: "en_US", Variables: vars}}}
	}
	if _, err := c.Send(context.Background(), connectors.OutboundMessage{MessageID: "msg_h0", Recipient: "16505551234", Parts: part(map[string]string{"1": "Ken"})}); err == nil || !connectors.IsPermanent(err) || !strings.Contains(err.Error(), "132000") {
		t.Fatalf("without the header's parameter: %v", err)
	}
	if _, err := c.Send(context.Background(), connectors.OutboundMessage{MessageID: "msg_h1", Recipient: "16505551234", Parts: part(map[string]string{"1": "Ken", "header.1": "A-1042"})}); err != nil {
		t.Fatal(err)
	}
	sends := fk.Sends()
	got, _ := json.Marshal(sends[len(sends)-1].JSON["template"])
	want := `{"components":[{"parameters":[{"text":"A-1042","type":"text"}],"type":"header"},{"parameters":[{"text":"Ken","type":"text"}],"type":"body"}],"language":{"code":"en_US"},"name":"order_ready"}`
	if string(got) != want {
		t.Errorf("template sent %s\nwant %s", got, want)
	}
}
