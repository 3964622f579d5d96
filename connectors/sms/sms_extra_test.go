package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/sms/fake"
)

func serve(c *Connector, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	c.HandleWebhook(rec, req)
	return rec
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	base := `"account_sid":"AC1","auth_token":"t"`
	tests := []struct {
		name, config, wantErr string
	}{
		{"from", `{` + base + `,"from":"+1555"}`, ""},
		{"messaging service", `{` + base + `,"messaging_service_sid":"MG1"}`, ""},
		{"neither", `{` + base + `}`, "exactly one of from and messaging_service_sid is required, neither is set"},
		{"both", `{` + base + `,"from":"+1","messaging_service_sid":"MG1"}`, "both are set"},
		{"no account", `{"auth_token":"t","from":"+1"}`, "account_sid is required"},
		{"bad account", `{"account_sid":"XX1","auth_token":"t","from":"+1"}`, "account_sid must start with AC"},
		{"no token", `{"account_sid":"AC1","from":"+1"}`, "auth_token is required"},
		{"bad service", `{` + base + `,"messaging_service_sid":"PN1"}`, "messaging_service_sid must start with MG"},
		{"bad api url", `{` + base + `,"from":"+1","api_base_url":"twilio"}`, "api_base_url must be"},
		{"bad callback", `{` + base + `,"from":"+1","status_callback":"/relative"}`, "status_callback must be"},
		{"unknown key", `{` + base + `,"from":"+1","form":"+1"}`, `unknown field "form"`},
		{"bad timeout", `{` + base + `,"from":"+1","send_timeout":"later"}`, "send_timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := ParseConfig(json.RawMessage(tt.config), "https://hub.example/webhooks/ch1")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if cfg.StatusCallback != "https://hub.example/webhooks/ch1?kind=status" || cfg.APIBaseURL != DefaultAPIBaseURL {
					t.Errorf("defaults not applied: %+v", cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestOptedOutRecipient(t *testing.T) {
	fk := newFake(t)
	fk.Unsubscribe(customer)
	env := harness(fk).NewEnv(t)
	_, err := env.Conn.Send(context.Background(), connectors.OutboundMessage{Recipient: customer, Parts: switchboard.TextParts("hi")})
	if !errors.Is(err, connectors.ErrOptedOut) || !connectors.IsPermanent(err) {
		t.Errorf("err = %v, want permanent wrapping ErrOptedOut", err)
	}
}

func TestStatusCallbacksSentThenDelivered(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	res, err := c.Send(context.Background(), connectors.OutboundMessage{Recipient: customer, Parts: switchboard.TextParts("hi")})
	if err != nil {
		t.Fatal(err)
	}
	sid := string(res.ExternalID)
	for _, status := range []string{"sent", "delivered", "delivered"} {
		req := fk.StatusCallbackRequest(sid, status, "")
		// The console mounts the webhook at the public URL's path; the
		// request arrives with the internal host.
		req.Host = "10.0.0.7:8080"
		if rec := serve(c, req); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/xml; charset=utf-8" || !strings.Contains(rec.Body.String(), "<Response/>") {
			t.Fatalf("%s: answer %d %q %q", status, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
	var got []switchboard.DeliveryStatus
	for _, in := range env.Sink.Stored() {
		if in.ExternalID != res.ExternalID || in.Kind != switchboard.InboundStatus {
			t.Errorf("unexpected event %+v", in)
		}
		got = append(got, in.Status)
	}
	if fmt.Sprint(got) != "[sent delivered]" {
		t.Errorf("stored statuses %v, want [sent delivered]", got)
	}
}

func TestSignatureIsOverPublicURL(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	form := fake.InboundForm(testAccount, "SM1", customer, hubNumber, "hi")
	internal := "http://10.0.0.7:8080/webhooks/" + string(env.Deps.ChannelID)
	if rec := serve(c, fake.SignedWebhook(internal, testToken, form)); rec.Code != http.StatusUnauthorized {
		t.Errorf("signature over the internal URL: status %d, want 401", rec.Code)
	}
	req := fake.SignedWebhook(env.Deps.WebhookURL, testToken, form)
	req.URL, _ = url.Parse(internal)
	if rec := serve(c, req); rec.Code != http.StatusOK {
		t.Errorf("signature over the public URL: status %d, want 200", rec.Code)
	}
	// A query string Twilio did not sign is refused.
	req = fake.SignedWebhook(env.Deps.WebhookURL, testToken, form)
	req.URL.RawQuery = "kind=status"
	if rec := serve(c, req); rec.Code != http.StatusUnauthorized {
		t.Errorf("unsigned query: status %d, want 401", rec.Code)
	}
}

func TestMessagingServiceSend(t *testing.T) {
	fk := newFake(t)
	h := harness(fk)
	h.New = func(t *testing.T, deps connectors.Deps) connectors.Connector {
		c, err := New(testConfig(fk, map[string]any{"from": "", "messaging_service_sid": "MG0123", "status_callback": "https://cb.example/status"}), deps)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	env := h.NewEnv(t)
	if _, err := env.Conn.Send(context.Background(), connectors.OutboundMessage{Recipient: customer, Parts: switchboard.TextParts("hi")}); err != nil {
		t.Fatal(err)
	}
	f := fk.Messages()[0].Form
	if f.Get("MessagingServiceSid") != "MG0123" || f.Has("From") || f.Get("StatusCallback") != "https://cb.example/status" {
		t.Errorf("form %v", f)
	}
}

func TestCheckCredentials(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	if err := env.Conn.(*Connector).CheckCredentials(context.Background()); err != nil {
		t.Fatalf("valid credentials: %v", err)
	}
	bad, err := New(testConfig(fk, map[string]any{"auth_token": "wrong-token"}), env.Deps)
	if err != nil {
		t.Fatal(err)
	}
	err = bad.CheckCredentials(context.Background())
	if !connectors.IsPermanent(err) || strings.Contains(err.Error(), "wrong-token") || !strings.Contains(err.Error(), "20003") {
		t.Errorf("wrong token: err = %v, want permanent naming 20003 without the token", err)
	}
}

func TestSimulateTextRoundTrip(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	req, err := c.SimulateText(context.Background(), env.Deps.WebhookURL, customer, "simulated")
	if err != nil {
		t.Fatal(err)
	}
	if rec := serve(c, req); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	got := env.Sink.Stored()
	if len(got) != 1 || got[0].Sender != customer || switchboard.PartsText(got[0].Parts) != "simulated" || !strings.HasPrefix(string(got[0].ExternalID), "SM") {
		t.Errorf("stored %+v", got)
	}
}

func TestMediaAuthOnlyToTwilio(t *testing.T) {
	fk := newFake(t)
	var gotAuth bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, gotAuth = r.BasicAuth()
		w.Header().Set("Content-Type", "image/gif")
		_, _ = w.Write([]byte("GIF89a"))
	}))
	defer other.Close()
	env := harness(fk).NewEnv(t)
	body, ct, err := env.Conn.(*Connector).FetchMedia(context.Background(), other.URL+"/x.gif")
	if err != nil || string(body) != "GIF89a" || ct != "image/gif" {
		t.Fatalf("FetchMedia = %q %q %v", body, ct, err)
	}
	if gotAuth {
		t.Error("credentials sent to a host other than the Twilio API")
	}
}

func TestSplitBody(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("あいう ", 500) // 2000 runes
	parts := splitBody(long, maxBodyLength)
	if len(parts) != 2 || strings.Join(parts, "") != long {
		t.Fatalf("split into %d parts, or lost text", len(parts))
	}
	for _, p := range parts {
		if n := utf8.RuneCountInString(p); n > maxBodyLength || !utf8.ValidString(p) {
			t.Errorf("piece of %d runes (valid %v)", n, utf8.ValidString(p))
		}
	}
	if got := splitBody("abcdefgh", 3); fmt.Sprint(got) != "[abc def gh]" {
		t.Errorf("hard cut: %q", got)
	}
}

func TestSendRendersUnsupportedAsPermanent(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	for _, parts := range [][]switchboard.Part{
		{{Kind: switchboard.PartSticker, Sticker: &switchboard.Sticker{StickerID: "1"}}},
		{{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "m1"}}},
		{{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: "x"}}},
	} {
		if _, err := env.Conn.Send(context.Background(), connectors.OutboundMessage{Recipient: customer, Parts: parts}); !connectors.IsPermanent(err) {
			t.Errorf("%s: err = %v, want permanent", parts[0].Kind, err)
		}
	}
	if n := len(fk.Messages()); n != 0 {
		t.Errorf("%d messages reached Twilio", n)
	}
}

// FuzzWebhook signs arbitrary form bodies (and query kinds) so the form
// normaliser runs behind a valid signature. It must never panic, must
// answer 200 or 400, and must hand the Sink only well-formed events.
func FuzzWebhook(f *testing.F) {
	fk := newFake(f)
	for _, seed := range fuzzSeeds(fk.URL) {
		f.Add(seed.body, seed.status)
	}
	h := harness(fk)
	f.Fuzz(func(t *testing.T, body []byte, status bool) {
		env := h.NewEnv(t)
		c := env.Conn.(*Connector)
		form, err := url.ParseQuery(string(body))
		if err != nil {
			t.Skip("not a form: Twilio signs parsed parameters")
		}
		u := env.Deps.WebhookURL
		if status {
			u += "?kind=status"
		}
		req := httptest.NewRequest(http.MethodPost, u, strings.NewReader(string(body)))
		req.Header.Set(SignatureHeader, fake.Sign(testToken, u, form))
		rec := serve(c, req)
		connectortest.CheckFuzzedWebhook(t, rec.Code, rec.Body.String(), env.Sink)
	})
}

type fuzzSeed struct {
	body   []byte
	status bool
}

func fuzzSeeds(fakeURL string) []fuzzSeed {
	var seeds []fuzzSeed
	for _, form := range []url.Values{
		fake.InboundForm(testAccount, "SM1", customer, hubNumber, "hello"),
		fake.InboundForm(testAccount, "SM2", customer, hubNumber, "STOP"),
		fake.InboundForm(testAccount, "SM3", customer, hubNumber, "", fake.InboundMedia{URL: fakeURL + "/nothing", ContentType: "image/png"}),
		fake.StatusForm(testAccount, "SM4", hubNumber, customer, "failed", "30007"),
	} {
		seeds = append(seeds, fuzzSeed{[]byte(form.Encode()), false}, fuzzSeed{[]byte(form.Encode()), true})
	}
	return append(seeds,
		fuzzSeed{[]byte("NumMedia=99999999999999999999&MessageSid=SM&From=%2B1"), false},
		fuzzSeed{[]byte("NumMedia=-3&MediaUrl0=::&From=x&MessageSid=y"), false},
		fuzzSeed{[]byte("MessageSid=SM5&MessageStatus=read&To=%2B1"), true},
	)
}

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzWebhook with -update.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate the fuzz seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzWebhook")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range fuzzSeeds("http://127.0.0.1:9") {
		data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\nbool(%v)\n", s.body, s.status)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
