package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/telegram/fake"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		wantErr string
	}{
		{"ok with defaults", `{"bot_token":"` + testToken + `","secret_token":"s3cret"}`, ""},
		{"no keys", `{}`, "bot_token is required"},
		{"no secret", `{"bot_token":"` + testToken + `"}`, "secret_token is required"},
		{"malformed token", `{"bot_token":"not a token","secret_token":"s"}`, "bot_token must look like"},
		{"secret with bad characters", `{"bot_token":"` + testToken + `","secret_token":"has space!"}`, "secret_token must be"},
		{"bad base URL", `{"bot_token":"` + testToken + `","secret_token":"s","api_base_url":"ftp://x"}`, "api_base_url"},
		{"negative timeout", `{"bot_token":"` + testToken + `","secret_token":"s","send_timeout":"-1s"}`, "send_timeout"},
		{"unknown key", `{"bot_token":"` + testToken + `","secret_token":"s","chat":"1"}`, "chat"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(json.RawMessage(tc.config))
			if tc.wantErr == "" {
				if err != nil || cfg.APIBaseURL != DefaultAPIBaseURL || time.Duration(cfg.SendTimeout) != DefaultSendTimeout {
					t.Fatalf("cfg = %+v, err = %v", cfg, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "has space!") {
				t.Errorf("the error quotes the secret: %v", err)
			}
		})
	}
}

func TestSendErrorsClassified(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	tests := []struct {
		name      string
		fault     fake.Fault
		block     bool
		permanent bool
		is        error
		retry     time.Duration
	}{
		{name: "429 retry_after in the envelope", fault: fake.Fault{Status: 429, Body: string(fake.ErrorBody(429, "Too Many Requests: retry after 12", 12))}, retry: 12 * time.Second},
		{name: "401 token revoked", fault: fake.Fault{Status: 401}, permanent: true, is: connectors.ErrCredentials},
		{name: "404 unknown token", fault: fake.Fault{Status: 404}, permanent: true, is: connectors.ErrCredentials},
		{name: "403 bot blocked", block: true, permanent: true, is: connectors.ErrOptedOut},
		{name: "400 chat not found", fault: fake.Fault{Status: 400}, permanent: true},
		{name: "502 bad gateway", fault: fake.Fault{Status: 502, Body: "<html>bad gateway</html>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fk.Reset()
			if tc.block {
				fk.Block(kenID)
			} else {
				fk.FailNext(1, tc.fault)
			}
			_, err := c.Send(context.Background(), connectors.OutboundMessage{Recipient: kenChat, Parts: switchboard.TextParts("hi")})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if connectors.IsPermanent(err) != tc.permanent {
				t.Errorf("permanent = %v, want %v: %v", connectors.IsPermanent(err), tc.permanent, err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
			if got, _ := connectors.RetryAfter(err); got != tc.retry {
				t.Errorf("RetryAfter = %v, want %v", got, tc.retry)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("the error reveals the token: %v", err)
			}
		})
	}
}

func TestTransportErrorHidesToken(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	raw, _ := json.Marshal(map[string]any{"bot_token": testToken, "secret_token": testSecret, "api_base_url": url})
	c, err := New(raw, connectors.Deps{ChannelID: "tg"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Send(context.Background(), connectors.OutboundMessage{Recipient: kenChat, Parts: switchboard.TextParts("hi")})
	if err == nil || connectors.IsPermanent(err) || strings.Contains(err.Error(), testToken) {
		t.Fatalf("err = %v, want a retryable error without the token", err)
	}
}

type statusRecorder struct {
	mu  sync.Mutex
	got []switchboard.ChannelStatus
}

func (r *statusRecorder) ReportStatus(_ context.Context, st switchboard.ChannelStatus) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, st)
}

func (r *statusRecorder) last() switchboard.ChannelStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.got) == 0 {
		return switchboard.ChannelStatus{}
	}
	return r.got[len(r.got)-1]
}

func TestRunRegistersWebhookAfterFailures(t *testing.T) {
	fk := newFake(t)
	h := harness(fk)
	env := h.NewEnv(t)
	status := &statusRecorder{}
	env.Deps.Status = status
	c := newConnector(t, fk, env.Deps)
	c.backoff = time.Millisecond
	fk.FailNext(1, fake.Fault{Status: 502})
	fk.FailNext(1, fake.Fault{Status: 401})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(fk.Webhooks()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("setWebhook never succeeded")
		}
		time.Sleep(5 * time.Millisecond)
	}
	hook := fk.Webhooks()[0]
	if hook.URL != env.Deps.WebhookURL || hook.SecretToken != testSecret || strings.Join(hook.AllowedUpdates, ",") != "message,callback_query,message_reaction" {
		t.Errorf("webhook = %+v", hook)
	}
	if n := len(fk.CallsTo("setWebhook")); n != 3 {
		t.Errorf("setWebhook called %d times, want 3 (two failures, then success)", n)
	}
	for deadline := time.Now().Add(5 * time.Second); status.last().State != switchboard.ChannelOK; {
		if time.Now().After(deadline) {
			t.Fatalf("status = %+v, want ok after the webhook was registered", status.got)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var states []switchboard.ChannelState
	for _, st := range status.got {
		states = append(states, st.State)
		if strings.Contains(st.Reason, testToken) {
			t.Errorf("a status reason reveals the token: %q", st.Reason)
		}
	}
	if len(states) != 3 || states[0] != switchboard.ChannelDisconnected || states[1] != switchboard.ChannelCredentialsBroken {
		t.Errorf("states = %v, want disconnected (502), credentials_broken (401), ok", states)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v after cancel", err)
	}
}

func TestFakeDeliversToRegisteredWebhook(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	srv := httptest.NewServer(http.HandlerFunc(c.HandleWebhook))
	defer srv.Close()
	c.deps.WebhookURL = srv.URL + "/webhooks/tg"
	if err := c.SetWebhook(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, err := fk.Deliver(context.Background(), msg(fake.NextUpdateID(), 31, func(m *models.Message) { m.Text = "hello" }))
	if err != nil || code != http.StatusOK {
		t.Fatalf("deliver: %d %v", code, err)
	}
	if got := env.Sink.Stored(); len(got) != 1 || got[0].Parts[0].Text != "hello" {
		t.Fatalf("stored = %+v", got)
	}
}

func TestRetractTypingAndCheck(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	ctx := context.Background()
	res, err := c.Send(ctx, connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{
		{Kind: switchboard.PartText, Text: "one"}, {Kind: switchboard.PartText, Text: "two"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	chat, ids, err := parseSentID(string(res.ExternalID))
	if err != nil || chat != kenID || len(ids) != 2 {
		t.Fatalf("ExternalID = %q", res.ExternalID)
	}
	if err := c.Retract(ctx, "tg", kenChat, res.ExternalID); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if fk.Sent(kenID, id) {
			t.Errorf("message %d not deleted", id)
		}
	}
	// Retracting again: the messages are gone, which is what was asked.
	if err := c.Retract(ctx, "tg", kenChat, res.ExternalID); err != nil {
		t.Errorf("second retract: %v", err)
	}
	if err := c.Retract(ctx, "tg", kenChat, "not-an-id"); !connectors.IsPermanent(err) {
		t.Errorf("retract of a foreign id: %v", err)
	}

	if err := c.SendTyping(ctx, kenChat); err != nil {
		t.Fatal(err)
	}
	if calls := fk.CallsTo("sendChatAction"); len(calls) != 1 || calls[0].Params["action"] != "typing" {
		t.Errorf("sendChatAction calls = %+v", calls)
	}

	if err := c.CheckCredentials(ctx); err != nil {
		t.Errorf("check with the right token: %v", err)
	}
	bad := fake.New(t, "999:other-token")
	raw, _ := json.Marshal(map[string]any{"bot_token": testToken, "secret_token": testSecret, "api_base_url": bad.URL})
	wrong, _ := New(raw, env.Deps)
	if err := wrong.CheckCredentials(ctx); !errors.Is(err, connectors.ErrCredentials) || strings.Contains(err.Error(), testToken) {
		t.Errorf("check with a refused token: %v", err)
	}
}

func TestLongPayloadRoundTrip(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	payload := "action=reschedule&order=42&slot=" + strings.Repeat("9", 90)
	if _, err := c.Send(context.Background(), connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{
		{Kind: switchboard.PartButtons, Text: "Pick a slot", Buttons: []switchboard.Button{{Label: "Tomorrow 9:00", Payload: payload}}},
	}}); err != nil {
		t.Fatal(err)
	}
	call := fk.CallsTo("sendMessage")[0]
	data := call.Params["reply_markup"].(map[string]any)["inline_keyboard"].([]any)[0].([]any)[0].(map[string]any)["callback_data"].(string)
	if len(data) > maxCallbackData {
		t.Fatalf("callback_data is %d bytes", len(data))
	}
	req := fake.WebhookRequest(env.Deps.WebhookURL, testSecret, fake.Body(fake.CallbackQuery(77, ken, "cbq-77", 1, eventAt, data, nil)))
	rec := httptest.NewRecorder()
	c.HandleWebhook(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("webhook: %d %s", rec.Code, rec.Body)
	}
	if got := env.Sink.Stored(); len(got) != 1 || got[0].Parts[0].Text != payload {
		t.Fatalf("stored = %+v, want the full payload", got)
	}
	if calls := fk.CallsTo("answerCallbackQuery"); len(calls) != 1 || calls[0].Params["callback_query_id"] != "cbq-77" {
		t.Errorf("answerCallbackQuery calls = %+v", calls)
	}
}

func TestSimulateTextIsAccepted(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	req, err := c.SimulateText(context.Background(), env.Deps.WebhookURL, "4242", "simulated hello")
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	c.HandleWebhook(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("webhook: %d %s", rec.Code, rec.Body)
	}
	got := env.Sink.Stored()
	if len(got) != 1 || got[0].Sender != "4242" || got[0].Parts[0].Text != "simulated hello" {
		t.Fatalf("stored = %+v", got)
	}
	if err := connectortest.ValidateInbound(got[0]); err != nil {
		t.Error(err)
	}
	if _, err := c.SimulateText(context.Background(), env.Deps.WebhookURL, "not-a-chat", "x"); err == nil {
		t.Error("a non-numeric sender was accepted")
	}
}

func TestMarkdownToV2(t *testing.T) {
	tests := []struct{ in, want, visible string }{
		{"plain. text!", `plain\. text\!`, "plain. text!"},
		{"**bold** and *it* and _it2_", `*bold* and _it_ and _it2_`, "bold and it and it2"},
		{"~~gone~~ 1+1=2", `~gone~ 1\+1\=2`, "gone 1+1=2"},
		{"`a_b*c` and ```go\nx := `y`\n```", "`a_b*c` and ```go\nx := \\`y\\`\n```", "a_b*c and x := `y`\n"},
		{"[docs (v2)](https://example.com/a_(b))", `[docs \(v2\)](https://example.com/a_(b)\)`, "docs (v2))"},
		{"unmatched *star and _under", `unmatched \*star and \_under`, "unmatched *star and _under"},
		{"*a**b*", `_a\*\*b_`, "a**b"},
		{"_a_*b*", "_a_\r_b_", "ab"},
		{"*_a_*", "_\r_a_\r_", "a"},
		{`escaped \*not bold\*`, `escaped \*not bold\*`, "escaped *not bold*"},
		{"a [link](javascript:alert(1))", `a \[link\]\(javascript:alert\(1\)\)`, "a [link](javascript:alert(1))"},
	}
	for _, tc := range tests {
		got := MarkdownToV2(tc.in)
		if got != tc.want {
			t.Errorf("MarkdownToV2(%q) = %q, want %q", tc.in, got, tc.want)
		}
		visible, err := fake.ParseMarkdownV2(got)
		if err != nil {
			t.Errorf("Telegram would refuse %q: %v", got, err)
		} else if visible != tc.visible {
			t.Errorf("Telegram would show %q for %q, want %q", visible, got, tc.visible)
		}
	}
}

func TestSplitTextCountsAsTelegram(t *testing.T) {
	emoji := strings.Repeat("👍", 3000) // 6,000 UTF-16 units
	parts := splitText(emoji, maxTextLength)
	if len(parts) != 2 || units(parts[0]) != 4096 || strings.Join(parts, "") != emoji {
		t.Fatalf("split into %d parts, first %d units", len(parts), units(parts[0]))
	}
	words := strings.Repeat("word ", 1000)
	parts = splitText(words, maxTextLength)
	if !strings.HasSuffix(parts[0], " ") || strings.Join(parts, "") != words {
		t.Errorf("did not cut after a space: %q…", parts[0][len(parts[0])-10:])
	}
	if got := splitText("  \n", 10); got != nil {
		t.Errorf("blank text split into %q", got)
	}
}

func TestUnreadableUpdateIsAcknowledged(t *testing.T) {
	fk := newFake(t)
	env := harness(fk).NewEnv(t)
	c := env.Conn.(*Connector)
	for body, want := range map[string]int{
		`{"update_id":5,"message_reaction":{"chat":{"id":1,"type":"private"},"message_id":1,"date":1,"new_reaction":[{"type":"future"}]}}`: http.StatusOK,
		`{"message":{}}`: http.StatusBadRequest,
		`not json`:       http.StatusBadRequest,
	} {
		rec := httptest.NewRecorder()
		c.HandleWebhook(rec, fake.WebhookRequest(env.Deps.WebhookURL, testSecret, []byte(body)))
		if rec.Code != want {
			t.Errorf("%s: status %d, want %d", body, rec.Code, want)
		}
	}
	if n := env.Sink.Calls(); n != 0 {
		t.Errorf("Sink called %d times", n)
	}
}
