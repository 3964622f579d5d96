package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/line/fake"
)

// harness is the conformance harness without cases, for NewEnv.
func harness(fk *fake.Server) connectortest.Harness {
	return connectortest.Harness{
		Now:     testNow,
		Secrets: []string{testSecret, testToken},
		Reset:   fk.Reset,
		New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
			return newConnector(t, fk, deps)
		},
	}
}

func serve(c *Connector, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	c.HandleWebhook(rec, req)
	return rec
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		config  string
		wantErr string
	}{
		{"valid minimal", `{"channel_secret":"s","channel_access_token":"t"}`, ""},
		{"missing secret", `{"channel_access_token":"t"}`, "channel_secret is required"},
		{"missing token", `{"channel_secret":"s"}`, "channel_access_token is required"},
		{"unknown key", `{"channel_secret":"s","channel_access_token":"t","chanel_secret":"x"}`, `unknown field "chanel_secret"`},
		{"bad api url", `{"channel_secret":"s","channel_access_token":"t","api_base_url":"api.line.me"}`, "api_base_url must be an absolute http(s) URL"},
		{"bad data url", `{"channel_secret":"s","channel_access_token":"t","data_api_base_url":"ftp://x"}`, "data_api_base_url must be"},
		{"bad timeout", `{"channel_secret":"s","channel_access_token":"t","send_timeout":"soon"}`, "send_timeout"},
		{"negative timeout", `{"channel_secret":"s","channel_access_token":"t","send_timeout":"-1s"}`, "send_timeout must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := ParseConfig(json.RawMessage(tt.config))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if cfg.APIBaseURL != DefaultAPIBaseURL || cfg.DataAPIBaseURL != DefaultDataAPIBaseURL || time.Duration(cfg.SendTimeout) != DefaultSendTimeout {
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

func TestResendAfterCrashIsDeduplicatedByRetryKey(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	msg := connectors.OutboundMessage{MessageID: "msg_crash", Recipient: switchboard.ExternalID(userKen), Parts: switchboard.TextParts("once")}
	first, err := env.Conn.Send(context.Background(), msg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := env.Conn.Send(context.Background(), msg)
	if err != nil {
		t.Fatalf("resend: %v", err)
	}
	pushes := fk.RequestsTo("/v2/bot/message/push")
	if len(pushes) != 2 || pushes[1].Status != http.StatusConflict {
		t.Fatalf("want a 200 then a 409 push, got %+v", pushes)
	}
	if k0, k1 := pushes[0].Header.Get("X-Line-Retry-Key"), pushes[1].Header.Get("X-Line-Retry-Key"); k0 == "" || k0 != k1 {
		t.Errorf("retry keys %q and %q, want equal and set", k0, k1)
	}
	if first.ExternalID == "" || again.ExternalID != first.ExternalID {
		t.Errorf("external ids %q then %q, want the same", first.ExternalID, again.ExternalID)
	}
}

func TestRetryKey(t *testing.T) {
	t.Parallel()
	uuidV5 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b, c := retryKey("msg_1", 0), retryKey("msg_1", 0), retryKey("msg_1", 1)
	if !uuidV5.MatchString(a) {
		t.Errorf("retryKey = %q, not a version 5 UUID", a)
	}
	if a != b || a == c || a == retryKey("msg_2", 0) {
		t.Errorf("keys not deterministic per (message, chunk): %s %s %s", a, b, c)
	}
	if retryKey("", 0) != "" {
		t.Error("no message id must give no key")
	}
}

func TestWebhookRejects(t *testing.T) {
	fk := newFake(t)
	body := fake.Body(fake.MessageEvent(meta("EV", userKen, ""), &webhook.TextMessageContent{Id: "m", Text: "x"}))
	huge := append([]byte(`{"destination":"x","events":[],"pad":"`), bytes.Repeat([]byte("a"), MaxWebhookBody)...)
	huge = append(huge, `"}`...)
	tests := []struct {
		name string
		req  func(url string) *http.Request
		want int
	}{
		{"GET", func(url string) *http.Request { return httptest.NewRequest(http.MethodGet, url, nil) }, http.StatusMethodNotAllowed},
		{"too large", func(url string) *http.Request { return fake.SignedWebhook(url, testSecret, huge) }, http.StatusRequestEntityTooLarge},
		{"wrong secret", func(url string) *http.Request { return fake.SignedWebhook(url, "other-secret", body) }, http.StatusUnauthorized},
		{"signed but not JSON", func(url string) *http.Request { return fake.SignedWebhook(url, testSecret, []byte("not json")) }, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := harness(fk).NewEnv(t)
			rec := serve(env.Conn.(*Connector), tt.req(env.Deps.WebhookURL))
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d", rec.Code, tt.want)
			}
			if env.Sink.Calls() != 0 {
				t.Error("Sink called")
			}
			// What handling a webhook could ask LINE for: the sender's
			// profile, a message's content. Counted by path and the rest
			// logged: a bare count of every request failed once in a full
			// -race run (2 requests of unknown path; not reproduced in 38
			// runs since), which a stray request from a parallel test on a
			// reused port would explain.
			for _, r := range fk.Requests() {
				if strings.HasPrefix(r.Path, "/v2/bot/profile/") || strings.HasSuffix(r.Path, "/content") {
					t.Errorf("a rejected webhook asked LINE for %s %s", r.Method, r.Path)
				} else {
					t.Logf("ignored request not made by webhook handling: %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

func TestProfileFetchedOncePerUser(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	for i := range 3 {
		ev := fake.MessageEvent(meta(fmt.Sprintf("EV-%d", i), userKen, ""), &webhook.TextMessageContent{Id: fmt.Sprint(i), Text: "hi"})
		if rec := serve(c, fake.SignedWebhook(env.Deps.WebhookURL, testSecret, fake.Body(ev))); rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
	}
	if n := len(fk.RequestsTo("/v2/bot/profile/" + userKen)); n != 1 {
		t.Errorf("profile fetched %d times, want once", n)
	}
	for _, in := range env.Sink.Stored() {
		if in.Profile != kenProf {
			t.Errorf("profile = %+v", in.Profile)
		}
	}
}

func TestProfileFailureDoesNotFailWebhook(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	fk.FailNext(1, fake.Fault{Status: http.StatusInternalServerError})
	ev := fake.MessageEvent(meta("EV-1", userKen, ""), &webhook.TextMessageContent{Id: "1", Text: "hi"})
	rec := serve(env.Conn.(*Connector), fake.SignedWebhook(env.Deps.WebhookURL, testSecret, fake.Body(ev)))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	stored := env.Sink.Stored()
	if len(stored) != 1 || stored[0].Profile != (switchboard.Profile{}) {
		t.Errorf("stored %+v, want one event with an empty profile", stored)
	}
}

func TestTransientContentFailureAsksForRedelivery(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	fk.FailNext(1, fake.Fault{Status: http.StatusServiceUnavailable})
	ev := fake.MessageEvent(meta("EV-1", userKen, ""), &webhook.ImageMessageContent{Id: "m-image", ContentProvider: &webhook.ContentProvider{Type: "line"}})
	req := func() *http.Request { return fake.SignedWebhook(env.Deps.WebhookURL, testSecret, fake.Body(ev)) }
	if rec := serve(env.Conn.(*Connector), req()); rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	if env.Sink.Calls() != 0 {
		t.Fatal("Sink called although content could not be fetched")
	}
	if rec := serve(env.Conn.(*Connector), req()); rec.Code != http.StatusOK {
		t.Fatalf("redelivery: status %d", rec.Code)
	}
	if got := env.Sink.Stored(); len(got) != 1 || got[0].Parts[0].Attachment.MediaID != connectortest.MediaID(imageBody) {
		t.Errorf("stored %+v", got)
	}
}

func TestSendErrors(t *testing.T) {
	fk := newFake(t)
	ken := switchboard.ExternalID(userKen)
	many := make([]switchboard.Button, 14)
	for i := range many {
		many[i] = switchboard.Button{Label: fmt.Sprint(i), Payload: fmt.Sprint(i)}
	}
	tests := []struct {
		name string
		msg  connectors.OutboundMessage
	}{
		{"no recipient", connectors.OutboundMessage{Parts: switchboard.TextParts("x")}},
		{"image without URL", connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "m"}}}}},
		{"template without raw", connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: "t"}}}}},
		{"template raw not an object", connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: "t", Raw: []byte("[1]")}}}}},
		{"too many buttons", connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartButtons, Text: "pick", Buttons: many}}}},
		{"nothing to send", connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartText, Text: "  "}}}},
		{"invalid reply token and no recipient", connectors.OutboundMessage{ReplyToken: "unknown", Parts: switchboard.TextParts("x")}},
		{"LINE refuses the content", connectors.OutboundMessage{Recipient: ken, Parts: []switchboard.Part{{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{URL: "http://insecure.example/a.jpg"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := harness(fk).NewEnv(t)
			_, err := env.Conn.Send(context.Background(), tt.msg)
			if !connectors.IsPermanent(err) {
				t.Errorf("err = %v, want permanent", err)
			}
		})
	}
}

func TestCheckCredentials(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	if err := env.Conn.(*Connector).CheckCredentials(context.Background()); err != nil {
		t.Fatalf("valid token: %v", err)
	}
	bad, err := New(json.RawMessage(`{"channel_secret":"s","channel_access_token":"wrong","api_base_url":"`+fk.URL+`"}`), env.Deps)
	if err != nil {
		t.Fatal(err)
	}
	err = bad.CheckCredentials(context.Background())
	if !connectors.IsPermanent(err) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong token: err = %v, want permanent without the token", err)
	}
}

func TestBroadcastChunks(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	recipients := make([]switchboard.ExternalID, 1201)
	for i := range recipients {
		recipients[i] = switchboard.ExternalID(fmt.Sprintf("U%032x", i))
	}
	if err := env.Conn.(*Connector).Broadcast(context.Background(), recipients, switchboard.TextParts("Sale!")); err != nil {
		t.Fatal(err)
	}
	reqs := fk.RequestsTo("/v2/bot/message/multicast")
	var sizes []int
	for _, r := range reqs {
		m := r.Decoded.(*messaging_api.MulticastRequest)
		sizes = append(sizes, len(m.To))
		if r.Header.Get("X-Line-Retry-Key") == "" || r.Status != http.StatusOK {
			t.Errorf("multicast without retry key or refused: %d", r.Status)
		}
	}
	if fmt.Sprint(sizes) != "[500 500 201]" {
		t.Errorf("chunk sizes %v, want [500 500 201]", sizes)
	}
}

func TestSendTyping(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	if err := env.Conn.(*Connector).SendTyping(context.Background(), switchboard.ExternalID(userKen)); err != nil {
		t.Fatal(err)
	}
	reqs := fk.RequestsTo("/v2/bot/chat/loading/start")
	if len(reqs) != 1 {
		t.Fatalf("%d loading requests", len(reqs))
	}
	if got := reqs[0].Decoded.(*messaging_api.ShowLoadingAnimationRequest); got.ChatId != userKen || got.LoadingSeconds != 20 {
		t.Errorf("loading request %+v", got)
	}
}

func TestFetchMedia(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	body, ct, err := c.FetchMedia(context.Background(), "m-file")
	if err != nil || !bytes.Equal(body, fileBody) || ct != "application/pdf" {
		t.Errorf("FetchMedia = %q, %q, %v", body, ct, err)
	}
	if _, _, err := c.FetchMedia(context.Background(), "gone"); !connectors.IsPermanent(err) {
		t.Errorf("missing content: err = %v, want permanent", err)
	}
}

func TestSimulateTextRoundTrip(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	req, err := c.SimulateText(context.Background(), env.Deps.WebhookURL, switchboard.ExternalID(userKen), "simulated hello")
	if err != nil {
		t.Fatal(err)
	}
	if rec := serve(c, req); rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	got := env.Sink.Stored()
	if len(got) != 1 || got[0].Sender != switchboard.ExternalID(userKen) || switchboard.PartsText(got[0].Parts) != "simulated hello" || got[0].ReplyToken == "" {
		t.Fatalf("stored %+v", got)
	}
	// The simulated reply token is unknown to LINE: the reply falls back to push.
	res, err := c.Send(context.Background(), connectors.OutboundMessage{MessageID: "m1", Recipient: got[0].Sender, ReplyToken: got[0].ReplyToken, Parts: switchboard.TextParts("hi")})
	if err != nil || res.ExternalID == "" {
		t.Fatalf("Send = %+v, %v", res, err)
	}
}

func TestSplitText(t *testing.T) {
	t.Parallel()
	emoji := "😀" // two UTF-16 code units
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"short", "hello", 10, []string{"hello"}},
		{"exact", "abcde", 5, []string{"abcde"}},
		{"break at space", "hello world again", 12, []string{"hello world ", "again"}},
		{"break at newline", "abcd\nefgh", 6, []string{"abcd\n", "efgh"}},
		{"hard cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"surrogates count twice", strings.Repeat(emoji, 3), 4, []string{emoji + emoji, emoji}},
		{"multibyte runes stay whole", "ああああ", 3, []string{"あああ", "あ"}},
	}
	for _, tt := range tests {
		got := splitText(tt.in, tt.max)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: splitText = %q, want %q", tt.name, got, tt.want)
		}
		for _, piece := range got {
			if fake.TextLength(piece) > tt.max {
				t.Errorf("%s: piece %q longer than %d", tt.name, piece, tt.max)
			}
		}
	}
}

func TestErrorsCarryLINEMessage(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	fk.FailNext(1, fake.Fault{Status: http.StatusBadRequest, Body: `{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}`})
	_, err := env.Conn.Send(context.Background(), connectors.OutboundMessage{Recipient: "U1", Parts: switchboard.TextParts("x")})
	var perm *connectors.PermanentError
	if !errors.As(err, &perm) || !strings.Contains(err.Error(), "messages[0].text: May not be empty") {
		t.Errorf("err = %v, want permanent naming LINE's detail", err)
	}
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
	for i, body := range fuzzSeeds() {
		data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", body)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
