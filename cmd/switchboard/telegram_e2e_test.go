package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	tgfake "github.com/switchboardhq/switchboard/connectors/telegram/fake"
)

const (
	tgToken  = "7000001:AAe2e-telegram-bot-token"
	tgSecret = "e2e-telegram-webhook-secret"
)

// newTelegramHub runs a hub with one Telegram channel "tg" against the Bot
// API fake. The secret token comes from the environment, as a deployment
// would pass it.
func newTelegramHub(t *testing.T) (*testHub, *tgfake.Server, string, string) {
	t.Helper()
	fk := tgfake.New(t, tgToken)
	t.Setenv("SWITCHBOARD_CHANNEL_TG_SECRET_TOKEN", tgSecret)
	dir := t.TempDir()
	port := freePort(t)
	public := fmt.Sprintf("http://127.0.0.1:%d", port)
	cfgPath := filepath.Join(dir, "switchboard.yaml")
	writeFile(t, cfgPath, fmt.Sprintf(`listen: 127.0.0.1:%d
public_url: %s
data_dir: %s
log:
  level: warn
outbound:
  retries: 4
  retry_initial: 10ms
  retry_max: 50ms
  timeout: 500ms
channels:
  - id: tg
    type: telegram
    bot_token: %s
    api_base_url: %s
`, port, public, filepath.Join(dir, "data"), tgToken, fk.URL))
	token := createToken(t, cfgPath, "admin")
	return startHub(t, cfgPath), fk, token, cfgPath
}

// TestTelegramRoundTrip: the hub registers its webhook at start; a
// Telegram user's message lands in the inbox, the operator's reply reaches
// the Bot API as sendMessage; a wrong secret token and a redelivered
// update change nothing.
func TestTelegramRoundTrip(t *testing.T) {
	hub, fk, token, _ := newTelegramHub(t)
	eventually(t, 10*time.Second, "setWebhook at start", func() bool { return len(fk.Webhooks()) > 0 })
	hook := fk.Webhooks()[0]
	if hook.URL != hub.URL+"/webhooks/tg" || hook.SecretToken != tgSecret || !strings.Contains(strings.Join(hook.AllowedUpdates, ","), "callback_query") {
		t.Fatalf("setWebhook = %+v", hook)
	}

	user := tgfake.User(424242, "Mika", "Ito", "ja")
	upd := tgfake.PrivateMessage(tgfake.NextUpdateID(), user, 17, time.Now(), func(m *models.Message) { m.Text = "注文はいつ届きますか？" })

	// A wrong secret token is refused and stores nothing; so is none.
	for _, secret := range []string{"not-the-secret", ""} {
		if code, _ := send(t, tgfake.WebhookRequest(hook.URL, secret, tgfake.Body(upd))); code != http.StatusUnauthorized {
			t.Fatalf("webhook with secret %q: %d", secret, code)
		}
	}
	var convs list[conversationJSON]
	call(t, "GET", hub.URL+"/api/v1/conversations?channel=tg", token, nil, &convs)
	if len(convs.Items) != 0 {
		t.Fatal("a webhook with a wrong secret created a conversation")
	}

	// Telegram delivers the update, then delivers it again: stored once.
	for range 2 {
		if code, err := fk.Deliver(context.Background(), upd); err != nil || code != http.StatusOK {
			t.Fatalf("deliver: %d %v", code, err)
		}
	}
	var conv conversationJSON
	eventually(t, 5*time.Second, "the Telegram conversation in the inbox", func() bool {
		call(t, "GET", hub.URL+"/api/v1/conversations?channel=tg", token, nil, &convs)
		if len(convs.Items) == 1 {
			conv = convs.Items[0]
		}
		return len(convs.Items) == 1
	})
	if conv.Contact["name"] != "Mika Ito" {
		t.Errorf("contact = %v, want the Telegram user's name", conv.Contact)
	}
	var msgs list[messageJSON]
	call(t, "GET", hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", token, nil, &msgs)
	if len(msgs.Items) != 1 || msgs.Items[0].Text != "注文はいつ届きますか？" {
		t.Fatalf("messages = %+v", msgs.Items)
	}

	// The operator answers from the console: one sendMessage, MarkdownV2
	// escaped, to the user's chat.
	if code := call(t, "POST", hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", token, map[string]string{"text": "明日届きます (No. 1-2)."}, nil); code != http.StatusAccepted {
		t.Fatalf("reply: %d", code)
	}
	eventually(t, 5*time.Second, "the reply to reach Telegram", func() bool { return len(fk.CallsTo("sendMessage")) == 1 })
	sent := fk.CallsTo("sendMessage")[0]
	if sent.Status != http.StatusOK || sent.Params["chat_id"] != float64(424242) || sent.Params["text"] != `明日届きます \(No\. 1\-2\)\.` || sent.Params["parse_mode"] != "MarkdownV2" {
		t.Fatalf("sendMessage = %d %s", sent.Status, sent.Body)
	}
	eventually(t, 5*time.Second, "the reply marked sent", func() bool {
		call(t, "GET", hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", token, nil, &msgs)
		return len(msgs.Items) == 2 && msgs.Items[1].Status == "sent"
	})

	// A Telegram channel added at run time registers its webhook too.
	other := tgfake.New(t, "7000002:AAsecond-bot")
	add := map[string]any{"id": "tg2", "type": "telegram", "check": true, "config": map[string]string{
		"bot_token": "7000002:AAsecond-bot", "secret_token": "second-secret", "api_base_url": other.URL}}
	if code := call(t, "POST", hub.URL+"/api/v1/channels", token, add, nil); code != http.StatusCreated {
		t.Fatalf("add channel: %d", code)
	}
	eventually(t, 10*time.Second, "setWebhook for the added channel", func() bool { return len(other.Webhooks()) > 0 })
	if h := other.Webhooks()[0]; h.URL != hub.URL+"/webhooks/tg2" || h.SecretToken != "second-secret" {
		t.Fatalf("setWebhook of the added channel = %+v", h)
	}
	if strings.Contains(hub.Logs.String(), tgToken) || strings.Contains(hub.Logs.String(), tgSecret) {
		t.Error("a Telegram secret is in the hub's logs")
	}
}

// TestTelegramSimulateAndCheck: `switchboard simulate` and `channels
// check` work for a Telegram channel.
func TestTelegramSimulateAndCheck(t *testing.T) {
	hub, fk, token, cfgPath := newTelegramHub(t)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"simulate", "tg", "--text", "simulated hello", "--from", "777", "--url", hub.URL, "--config", cfgPath}, nil, &out, &errOut); code != 0 {
		t.Fatalf("simulate exited %d: %s %s", code, out.String(), errOut.String())
	}
	var convs list[conversationJSON]
	call(t, "GET", hub.URL+"/api/v1/conversations?channel=tg", token, nil, &convs)
	if len(convs.Items) != 1 || convs.Items[0].LastMessage != "simulated hello" {
		t.Fatalf("conversations = %+v", convs.Items)
	}

	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"channels", "check", "tg", "--config", cfgPath}, nil, &out, &errOut); code != 0 || strings.Contains(out.String(), "FAIL") {
		t.Fatalf("check exited %d:\n%s%s", code, out.String(), errOut.String())
	}
	if len(fk.CallsTo("getMe")) != 1 {
		t.Errorf("getMe calls = %d", len(fk.CallsTo("getMe")))
	}

	// A revoked token: the check fails, says why, and never prints it.
	revoked := tgfake.New(t, "7000001:a-different-token")
	dir := t.TempDir()
	bad := filepath.Join(dir, "c.yaml")
	writeFile(t, bad, fmt.Sprintf("data_dir: %s\nchannels:\n  - {id: tg, type: telegram, bot_token: %q, secret_token: s, api_base_url: %s}\n", dir, tgToken, revoked.URL))
	out.Reset()
	errOut.Reset()
	code := run(context.Background(), []string{"channels", "check", "--config", bad}, nil, &out, &errOut)
	if code != 1 || !strings.Contains(out.String(), "FAIL") || !strings.Contains(out.String(), "401") {
		t.Fatalf("check with a revoked token exited %d:\n%s", code, out.String())
	}
	if strings.Contains(out.String()+errOut.String(), tgToken) {
		t.Fatal("the check printed the bot token")
	}
}
