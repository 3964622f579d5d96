package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	linefake "github.com/switchboardhq/switchboard/connectors/line/fake"
	slackfake "github.com/switchboardhq/switchboard/connectors/slack/fake"
	smsfake "github.com/switchboardhq/switchboard/connectors/sms/fake"
)

const (
	lineSecret   = "line-channel-secret-for-tests"
	lineToken    = "line-access-token-for-tests"
	slackSecret  = "slack-signing-secret-for-tests"
	slackChannel = "C0SUPPORT"
	twilioSID    = "AC00000000000000000000000000000001"
	twilioToken  = "twilio-auth-token-for-tests"
	hubNumber    = "+15550001111"
)

type channelsEnv struct {
	hub   *testHub
	token string
	line  *linefake.Server
	slack *slackfake.Server
	sms   *smsfake.Server
}

// newChannelsEnv runs a hub with LINE, SMS and Slack channels against the
// providers' fakes. The LINE channel secret comes from the environment, as
// a deployment would pass it.
func newChannelsEnv(t *testing.T) *channelsEnv {
	t.Helper()
	e := &channelsEnv{
		line:  linefake.New(t, lineToken),
		slack: slackfake.New(slackfake.Options{Channels: []string{slackChannel}}),
		sms:   smsfake.New(t, twilioSID, twilioToken),
	}
	t.Cleanup(e.slack.Close)
	t.Setenv("SWITCHBOARD_CHANNEL_LINE_CHANNEL_SECRET", lineSecret)
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
  - id: line
    type: line
    channel_access_token: %s
    api_base_url: %s
    data_api_base_url: %s
  - id: sms
    type: sms
    account_sid: %s
    auth_token: %s
    from: "%s"
    api_base_url: %s
  - id: slack
    type: slack
    bot_token: %s
    signing_secret: %s
    channel: %s
    api_base_url: %s
`, port, public, filepath.Join(dir, "data"), lineToken, e.line.URL, e.line.URL,
		twilioSID, twilioToken, hubNumber, e.sms.URL,
		e.slack.Options().BotToken, slackSecret, slackChannel, e.slack.APIURL()))
	e.token = createToken(t, cfgPath, "admin")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"operators", "add", "ana@example.com", "--name", "Ana", "--role", "operator", "--slack-user", "U0ANA", "--config", cfgPath}, strings.NewReader("a-long-password\n"), &out, &errOut); code != 0 {
		t.Fatalf("operators add: %s", errOut.String())
	}
	e.hub = startHub(t, cfgPath)
	return e
}

func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *channelsEnv) conversations(t *testing.T, channel string) []conversationJSON {
	var convs list[conversationJSON]
	call(t, "GET", e.hub.URL+"/api/v1/conversations?channel="+channel, e.token, nil, &convs)
	return convs.Items
}

func (e *channelsEnv) messages(t *testing.T, conv string) []messageJSON {
	var msgs list[messageJSON]
	call(t, "GET", e.hub.URL+"/api/v1/conversations/"+conv+"/messages", e.token, nil, &msgs)
	return msgs.Items
}

func (e *channelsEnv) slackPosts(thread string) []slackfake.Post {
	var out []slackfake.Post
	for _, p := range e.slack.Posts() {
		if p.Method == "chat.postMessage" && (thread == "" || p.ThreadTS == thread) {
			out = append(out, p)
		}
	}
	return out
}

// TestLINEToSlackAndBack: a LINE user's message appears in the inbox and in
// a Slack thread; the operator's reply in that thread reaches the LINE user
// (with the free reply token); a "//" note stays internal; redelivered,
// forged and stale webhooks change nothing.
func TestLINEToSlackAndBack(t *testing.T) {
	e := newChannelsEnv(t)
	e.line.AddProfile(messaging_api.UserProfileResponse{UserId: "U4af4980629", DisplayName: "Brown", Language: "ja"})
	e.line.AcceptReplyToken("reply-token-1")
	body := linefake.Body(linefake.MessageEvent(
		linefake.Meta{EventID: "01HZZZZZZZZZZZZZZZZZZZZZZ1", UserID: "U4af4980629", At: time.Now(), ReplyToken: "reply-token-1"},
		&webhook.TextMessageContent{Id: "468789577898262530", Text: "荷物はどこですか？", QuoteToken: "q1"},
	))
	lineURL := e.hub.URL + "/webhooks/line"

	// A forged signature is refused and stores nothing.
	forged := linefake.SignedWebhook(lineURL, "not-the-secret", body)
	if code, _ := send(t, forged); code != http.StatusUnauthorized {
		t.Fatalf("forged LINE webhook: %d", code)
	}
	if len(e.conversations(t, "line")) != 0 {
		t.Fatal("a forged webhook created a conversation")
	}

	// An event the hub refuses for good (over the channel's text limit) is
	// answered 400, not 500, so LINE does not redeliver it in vain.
	tooLong := linefake.Body(linefake.MessageEvent(
		linefake.Meta{EventID: "01HZZZZZZZZZZZZZZZZZZZZZZ0", UserID: "U4af4980629", At: time.Now()},
		&webhook.TextMessageContent{Id: "468789577898262529", Text: strings.Repeat("a", 5001), QuoteToken: "q0"},
	))
	if code, b := send(t, linefake.SignedWebhook(lineURL, lineSecret, tooLong)); code != http.StatusBadRequest || !strings.Contains(b, "limit") {
		t.Fatalf("refused LINE event: %d %s", code, b)
	}
	if len(e.conversations(t, "line")) != 0 {
		t.Fatal("a refused event created a conversation")
	}

	if code, b := send(t, linefake.SignedWebhook(lineURL, lineSecret, body)); code != http.StatusOK {
		t.Fatalf("LINE webhook: %d %s", code, b)
	}
	// LINE redelivers the same event: stored once.
	if code, _ := send(t, linefake.SignedWebhook(lineURL, lineSecret, body)); code != http.StatusOK {
		t.Fatalf("redelivery: %d", code)
	}

	var conv conversationJSON
	eventually(t, 5*time.Second, "the LINE conversation in the inbox", func() bool {
		convs := e.conversations(t, "line")
		if len(convs) == 1 {
			conv = convs[0]
		}
		return len(convs) == 1
	})
	if conv.Contact["name"] != "Brown" {
		t.Errorf("contact = %v, want the LINE profile's name", conv.Contact)
	}
	if msgs := e.messages(t, conv.ID); len(msgs) != 1 || msgs[0].Text != "荷物はどこですか？" {
		t.Fatalf("messages = %+v", msgs)
	}

	// The conversation opened a Slack thread: a root naming channel, contact
	// and console link, and the message inside it.
	var root slackfake.Post
	eventually(t, 5*time.Second, "the Slack thread", func() bool {
		posts := e.slackPosts("")
		for _, p := range posts {
			if p.ThreadTS == "" {
				root = p
			}
		}
		return root.TS != "" && len(e.slackPosts(root.TS)) == 1
	})
	if !strings.Contains(root.Text, "Brown") || !strings.Contains(root.Text+string(root.Blocks), conv.ID) {
		t.Errorf("thread root %q does not name the contact and link the conversation", root.Text)
	}
	if inThread := e.slackPosts(root.TS); !strings.Contains(inThread[0].Text, "荷物はどこですか？") {
		t.Errorf("thread message = %q", inThread[0].Text)
	}

	slackURL := e.hub.URL + "/webhooks/slack"
	reply := slackfake.MessageEvent(slackfake.ThreadMessage{EventID: "Ev01REPLY", Channel: slackChannel, User: "U0ANA", Text: "明日届きます &amp; thanks!", ThreadTS: root.TS})

	// A stale timestamp is refused.
	stale, _ := slackfake.NewEventsRequest(context.Background(), slackURL, slackSecret, reply, time.Now().Add(-6*time.Minute))
	if code, _ := send(t, stale); code != http.StatusUnauthorized {
		t.Fatalf("stale Slack event: %d", code)
	}
	fresh, _ := slackfake.NewEventsRequest(context.Background(), slackURL, slackSecret, reply, time.Now())
	if code, b := send(t, fresh); code != http.StatusOK {
		t.Fatalf("Slack event: %d %s", code, b)
	}
	// Slack retries it (as after a slow answer): one reply only.
	retry, _ := slackfake.NewEventsRequest(context.Background(), slackURL, slackSecret, reply, time.Now())
	slackfake.SetRetry(retry, 1, "http_timeout")
	if code, _ := send(t, retry); code != http.StatusOK {
		t.Fatalf("Slack retry: %d", code)
	}

	eventually(t, 5*time.Second, "the Slack reply to reach LINE", func() bool {
		return len(e.line.RequestsTo("/v2/bot/message/reply")) == 1
	})
	sent := e.line.RequestsTo("/v2/bot/message/reply")[0]
	replyReq, ok := sent.Decoded.(*messaging_api.ReplyMessageRequest)
	if !ok || replyReq.ReplyToken != "reply-token-1" || len(replyReq.Messages) != 1 {
		t.Fatalf("LINE reply = %s", sent.Body)
	}
	if text, ok := replyReq.Messages[0].(messaging_api.TextMessage); !ok || text.Text != "明日届きます & thanks!" {
		t.Fatalf("LINE reply body = %s", sent.Body)
	}
	var msgs []messageJSON
	eventually(t, 5*time.Second, "the reply to be marked sent", func() bool {
		msgs = e.messages(t, conv.ID)
		return len(msgs) == 2 && msgs[1].Status == "sent"
	})
	if msgs[1].Direction != "out" {
		t.Fatalf("reply = %+v", msgs[1])
	}

	// A note from the thread stays internal.
	note := slackfake.MessageEvent(slackfake.ThreadMessage{EventID: "Ev02NOTE", Channel: slackChannel, User: "U0ANA", Text: "// VIP, handle with care", ThreadTS: root.TS})
	req, _ := slackfake.NewEventsRequest(context.Background(), slackURL, slackSecret, note, time.Now())
	if code, _ := send(t, req); code != http.StatusOK {
		t.Fatalf("note: %d", code)
	}
	eventually(t, 5*time.Second, "the note", func() bool {
		msgs = e.messages(t, conv.ID)
		return len(msgs) == 3
	})
	if msgs[2].Direction != "note" || msgs[2].Text != "VIP, handle with care" {
		t.Fatalf("note = %+v", msgs[2])
	}

	// The operator starts typing: the LINE user sees the loading animation.
	var shown map[string]bool
	if code := call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/typing", e.token, nil, &shown); code != http.StatusOK || !shown["shown"] {
		t.Fatalf("typing: %d %v", code, shown)
	}
	if n := len(e.line.RequestsTo("/v2/bot/chat/loading/start")); n != 1 {
		t.Fatalf("LINE got %d loading animations", n)
	}

	// A console reply goes out by push (the reply token is used up) and is
	// mirrored into the thread.
	if code := call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": "Tracking: 1Z999"}, nil); code != http.StatusAccepted {
		t.Fatalf("console reply: %d", code)
	}
	eventually(t, 5*time.Second, "the console reply to be pushed", func() bool {
		return len(e.line.RequestsTo("/v2/bot/message/push")) == 1
	})
	push := e.line.RequestsTo("/v2/bot/message/push")[0]
	if !strings.Contains(string(push.Body), "U4af4980629") || push.Header.Get("X-Line-Retry-Key") == "" {
		t.Fatalf("push = %s %v", push.Body, push.Header)
	}
	eventually(t, 5*time.Second, "the console reply in the Slack thread", func() bool {
		for _, p := range e.slackPosts(root.TS) {
			if strings.Contains(p.Text, "Tracking: 1Z999") {
				return true
			}
		}
		return false
	})
	// Replies typed in Slack are not echoed back into the thread, and the
	// note never reached LINE.
	for _, p := range e.slackPosts(root.TS) {
		if strings.Contains(p.Text, "明日届きます") {
			t.Errorf("the Slack reply was echoed into its own thread: %q", p.Text)
		}
	}
	if n := len(e.line.RequestsTo("/v2/bot/message/reply")) + len(e.line.RequestsTo("/v2/bot/message/push")); n != 2 {
		t.Errorf("LINE got %d sends, want 2 (the note must not leave the hub)", n)
	}
}

// TestSMSRoundTrip: an SMS arrives, the operator answers from the API, the
// message reaches Twilio's fake with a status callback to the hub, and the
// delivery receipt marks it delivered. STOP opts the customer out.
func TestSMSRoundTrip(t *testing.T) {
	e := newChannelsEnv(t)
	smsURL := e.hub.URL + "/webhooks/sms"
	form := smsfake.InboundForm(twilioSID, smsfake.NewMessageSid(), "+15557654321", hubNumber, "Is the store open on Sunday?")
	if code, _ := send(t, smsfake.SignedWebhook(smsURL, "wrong-token", form)); code != http.StatusUnauthorized {
		t.Fatalf("forged Twilio webhook: %d", code)
	}
	if code, b := send(t, smsfake.SignedWebhook(smsURL, twilioToken, form)); code != http.StatusOK || !strings.Contains(b, "<Response") {
		t.Fatalf("Twilio webhook: %d %s", code, b)
	}
	var conv conversationJSON
	eventually(t, 5*time.Second, "the SMS conversation", func() bool {
		convs := e.conversations(t, "sms")
		if len(convs) == 1 {
			conv = convs[0]
		}
		return len(convs) == 1
	})
	if code := call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": "Yes, 10am to 4pm."}, nil); code != http.StatusAccepted {
		t.Fatalf("reply: %d", code)
	}
	eventually(t, 5*time.Second, "the SMS to reach Twilio", func() bool { return len(e.sms.Messages()) == 1 })
	out := e.sms.Messages()[0]
	if out.Form.Get("To") != "+15557654321" || out.Form.Get("Body") != "Yes, 10am to 4pm." || !strings.HasPrefix(out.Form.Get("StatusCallback"), e.hub.URL+"/webhooks/sms") {
		t.Fatalf("Twilio got %v", out.Form)
	}
	var msgs []messageJSON
	eventually(t, 5*time.Second, "status sent", func() bool {
		msgs = e.messages(t, conv.ID)
		return len(msgs) == 2 && msgs[1].Status == "sent"
	})
	if code, _ := send(t, e.sms.StatusCallbackRequest(out.Sid, "delivered", "")); code != http.StatusOK {
		t.Fatalf("status callback: %d", code)
	}
	eventually(t, 5*time.Second, "status delivered", func() bool {
		msgs = e.messages(t, conv.ID)
		return msgs[1].Status == "delivered"
	})

	// STOP: the customer opts out; a later reply fails visibly, unsent.
	stop := smsfake.InboundForm(twilioSID, smsfake.NewMessageSid(), "+15557654321", hubNumber, "STOP")
	if code, _ := send(t, smsfake.SignedWebhook(smsURL, twilioToken, stop)); code != http.StatusOK {
		t.Fatalf("STOP: %d", code)
	}
	var late messageJSON
	call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": "One more thing"}, &late)
	eventually(t, 5*time.Second, "the reply to an opted-out customer to fail", func() bool {
		for _, m := range e.messages(t, conv.ID) {
			if m.ID == late.ID {
				late = m
			}
		}
		return late.Status == "failed"
	})
	if !strings.Contains(late.FailureReason, "opted out") || len(e.sms.Messages()) != 1 {
		t.Fatalf("late reply = %+v, Twilio got %d messages", late, len(e.sms.Messages()))
	}
}

// TestChannelSecretsStaySecret: channel secrets are sealed in the database,
// never in API answers, never in logs.
func TestChannelSecretsStaySecret(t *testing.T) {
	e := newChannelsEnv(t)
	// Some traffic, so logs have something to say.
	body := linefake.Body(linefake.MessageEvent(linefake.Meta{EventID: "01HSECRET0000000000000001", UserID: "Usecret", At: time.Now()},
		&webhook.TextMessageContent{Id: "1", Text: "hi", QuoteToken: "q"}))
	send(t, linefake.SignedWebhook(e.hub.URL+"/webhooks/line", lineSecret, body))
	send(t, linefake.SignedWebhook(e.hub.URL+"/webhooks/line", "wrong", body))
	req, _ := http.NewRequest("GET", e.hub.URL+"/api/v1/channels", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	code, raw := send(t, req)
	if code != http.StatusOK || !strings.Contains(raw, "/webhooks/line") {
		t.Fatalf("channels: %d %s", code, raw)
	}
	e.hub.stop()

	var db []byte
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(e.hub.Config), "data", "switchboard.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		db = append(db, b...)
	}
	if len(db) == 0 {
		t.Fatal("no database files found")
	}
	for name, secret := range map[string]string{"LINE channel secret": lineSecret, "LINE token": lineToken, "Twilio token": twilioToken, "Slack signing secret": slackSecret, "Slack bot token": e.slack.Options().BotToken} {
		if bytes.Contains(db, []byte(secret)) {
			t.Errorf("the %s is stored in plain text", name)
		}
		if strings.Contains(raw, secret) {
			t.Errorf("the %s is in the channels API answer", name)
		}
		if strings.Contains(e.hub.Logs.String(), secret) {
			t.Errorf("the %s is in the logs", name)
		}
	}
}
