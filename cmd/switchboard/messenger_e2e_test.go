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

	"github.com/switchboardhq/switchboard/connectors/messenger"
	msgrfake "github.com/switchboardhq/switchboard/connectors/messenger/fake"
	mt "github.com/switchboardhq/switchboard/connectors/messenger/messengertest"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// metaEnv is a hub with a Messenger channel "fb" and an Instagram channel
// "ig", each against its Graph fake, and "fb-agent", a Messenger channel
// with the Human Agent permission.
type metaEnv struct {
	*channelsEnv // hub, token and the conversations helper
	fb, ig       *msgrfake.Server
	// agent serves channel "fb-agent", a Page with the Human Agent
	// permission (human_agent: true).
	agent *msgrfake.Server
}

// metaMessage is a message as the API answers it, with the fields the
// Meta channels fill.
type metaMessage struct {
	ID         string `json:"id"`
	Direction  string `json:"direction"`
	Text       string `json:"text"`
	Status     string `json:"status"`
	Via        string `json:"via"`
	ExternalID string `json:"external_id"`
}

func newMetaEnv(t *testing.T) *metaEnv {
	t.Helper()
	e := &metaEnv{channelsEnv: &channelsEnv{}}
	opts := msgrfake.Options{Token: mt.PageToken, PageID: mt.PageID, PageName: "Test Shop", InstagramAccountID: mt.InstagramID, Version: mt.Version}
	e.fb = msgrfake.New(t, opts)
	opts.HumanAgent = true
	e.agent = msgrfake.New(t, opts)
	opts.Instagram, opts.HumanAgent = true, false
	e.ig = msgrfake.New(t, opts)
	for _, fk := range []*msgrfake.Server{e.fb, e.ig, e.agent} {
		fk.AddProfile(mt.Customer, map[string]string{"first_name": "Ken", "last_name": "Tanaka", "name": "Ken Tanaka", "username": "ken.t", "profile_pic": "https://cdn.example.test/ken.jpg"})
	}
	dir := t.TempDir()
	port := freePort(t)
	cfgPath := filepath.Join(dir, "switchboard.yaml")
	channel := func(id, typ, base, extra string) string {
		return fmt.Sprintf(`  - id: %s
    type: %s
    app_secret: %s
    verify_token: %s
    page_access_token: %s
    page_id: "%s"
    api_version: %s
    api_base_url: %s
%s`, id, typ, mt.AppSecret, mt.VerifyToken, mt.PageToken, mt.PageID, mt.Version, base, extra)
	}
	writeFile(t, cfgPath, fmt.Sprintf(`listen: 127.0.0.1:%d
public_url: http://127.0.0.1:%d
data_dir: %s
log:
  level: warn
outbound:
  retries: 3
  retry_initial: 10ms
  retry_max: 50ms
  timeout: 2s
channels:
%s%s%s`, port, port, filepath.Join(dir, "data"),
		channel("fb", "messenger", e.fb.URL, ""),
		channel("fb-agent", "messenger", e.agent.URL, "    human_agent: true\n"),
		channel("ig", "instagram", e.ig.URL, fmt.Sprintf("    instagram_account_id: \"%s\"\n", mt.InstagramID))))
	e.token = createToken(t, cfgPath, "admin")
	e.hub = startHub(t, cfgPath)
	return e
}

func (e *metaEnv) webhook(t *testing.T, channel string, body []byte) int {
	t.Helper()
	code, err := msgrfake.PostWebhook(nil, e.hub.URL+"/webhooks/"+channel, mt.AppSecret, body)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func (e *metaEnv) messages(t *testing.T, conv string) []metaMessage {
	var msgs list[metaMessage]
	call(t, "GET", e.hub.URL+"/api/v1/conversations/"+conv+"/messages", e.token, nil, &msgs)
	return msgs.Items
}

// conversation waits for the channel's only conversation.
func (e *metaEnv) conversation(t *testing.T, channel string) conversationJSON {
	t.Helper()
	var conv conversationJSON
	eventually(t, 5*time.Second, "the "+channel+" conversation", func() bool {
		convs := e.conversations(t, channel)
		if len(convs) == 1 {
			conv = convs[0]
		}
		return len(convs) == 1
	})
	return conv
}

// reply answers as an operator through the API and waits for the fake to
// accept it and the hub to mark it sent.
func (e *metaEnv) reply(t *testing.T, fk *msgrfake.Server, conv, text string) (metaMessage, msgrfake.Send) {
	t.Helper()
	before := len(fk.Sends())
	var sent metaMessage
	if code := call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv+"/messages", e.token, map[string]string{"text": text}, &sent); code != http.StatusAccepted {
		t.Fatalf("reply: %d", code)
	}
	eventually(t, 5*time.Second, "the reply to reach Meta", func() bool { return len(fk.Sends()) > before })
	sent = e.waitStatus(t, conv, sent.ID, "sent")
	return sent, fk.Sends()[before]
}

// waitStatus waits until message id of conv has status, and returns it.
func (e *metaEnv) waitStatus(t *testing.T, conv, id, status string) metaMessage {
	t.Helper()
	var found metaMessage
	eventually(t, 5*time.Second, "message "+id+" to be "+status, func() bool {
		for _, m := range e.messages(t, conv) {
			if m.ID == id {
				found = m
			}
		}
		return found.Status == status
	})
	return found
}

func countDirection(msgs []metaMessage, direction string) int {
	n := 0
	for _, m := range msgs {
		if m.Direction == direction {
			n++
		}
	}
	return n
}

// TestMessengerRoundTrip: the subscription handshake answers only the
// right verify token; a Messenger customer's message lands in the inbox
// with the profile's name; the operator's reply reaches the Send API as a
// RESPONSE with the hub's metadata; its echo is not stored again; an echo
// from the Page inbox appears as an operator message with its source; a
// read watermark marks the reply read; a forged signature and a duplicated
// batch change nothing.
func TestMessengerRoundTrip(t *testing.T) {
	e := newMetaEnv(t)
	hook := e.hub.URL + "/webhooks/fb"

	for token, want := range map[string]int{mt.VerifyToken: http.StatusOK, "wrong-token": http.StatusForbidden} {
		code, body := send(t, mustRequest(t, "GET", hook+"?hub.mode=subscribe&hub.challenge=31415&hub.verify_token="+token, nil))
		if code != want || (want == http.StatusOK && body != "31415") {
			t.Fatalf("handshake with %q: %d %q, want %d", token, code, body, want)
		}
	}

	at := time.Now().Add(-time.Second)
	body := msgrfake.Body("page", mt.PageID, at, msgrfake.Text(mt.Customer, mt.PageID, "m_hello", "Where is my order?", at))
	if code, err := msgrfake.PostWebhook(nil, hook, "forged-secret", body); err != nil || code != http.StatusUnauthorized {
		t.Fatalf("forged signature: %d %v", code, err)
	}
	if n := len(e.conversations(t, "fb")); n != 0 {
		t.Fatalf("a forged webhook created %d conversations", n)
	}
	for i := 0; i < 2; i++ { // the second POST is Meta redelivering the batch
		if code := e.webhook(t, "fb", body); code != http.StatusOK {
			t.Fatalf("webhook %d: %d", i, code)
		}
	}
	conv := e.conversation(t, "fb")
	if name, _ := conv.Contact["name"].(string); name != "Ken Tanaka" {
		t.Errorf("contact = %v, want the profile's name", conv.Contact)
	}

	reply, out := e.reply(t, e.fb, conv.ID, "It ships tomorrow.")
	if out.Request.Recipient.ID != mt.Customer || out.Request.MessagingType != wire.TypeResponse || out.Request.Message.Text != "It ships tomorrow." ||
		out.Request.Message.Metadata != messenger.MetadataPrefix+reply.ID || out.Path != "/"+mt.Version+"/"+mt.PageID+"/messages" {
		t.Fatalf("Send API got %+v at %s", out.Request, out.Path)
	}

	// Meta echoes the hub's own reply, and a message an agent wrote in the
	// Page inbox; then the customer reads both.
	later := time.Now()
	echoes := msgrfake.Body("page", mt.PageID, later,
		msgrfake.EchoOf(out, mt.PageID, "1517776481860111", later),
		msgrfake.Echo(mt.Customer, mt.PageID, "m_inbox", "Also: tracking number 42.", "263902037430900", "", later))
	if code := e.webhook(t, "fb", echoes); code != http.StatusOK {
		t.Fatalf("echo webhook: %d", code)
	}
	var msgs []metaMessage
	eventually(t, 5*time.Second, "the inbox echo", func() bool {
		msgs = e.messages(t, conv.ID)
		return len(msgs) == 3
	})
	if countDirection(msgs, "in") != 1 || countDirection(msgs, "out") != 2 {
		t.Fatalf("messages = %+v, want one customer message and two outgoing", msgs)
	}
	inbox := msgs[2]
	if inbox.Text != "Also: tracking number 42." || inbox.Via != messenger.ViaPageInbox || inbox.Direction != "out" || inbox.ExternalID != "m_inbox" {
		t.Fatalf("inbox echo stored as %+v", inbox)
	}
	if now := e.conversation(t, "fb"); now.UnreadCount != conv.UnreadCount {
		t.Errorf("unread went from %d to %d with an echo: echoes are not the customer's", conv.UnreadCount, now.UnreadCount)
	}

	read := msgrfake.Body("page", mt.PageID, later, msgrfake.Read(mt.Customer, mt.PageID, time.Now(), time.Now()))
	if code := e.webhook(t, "fb", read); code != http.StatusOK {
		t.Fatalf("read webhook: %d", code)
	}
	e.waitStatus(t, conv.ID, reply.ID, "read")
	if code := e.webhook(t, "fb", read); code != http.StatusOK { // redelivered receipt
		t.Fatalf("read webhook again: %d", code)
	}
	if n := len(e.messages(t, conv.ID)); n != 3 {
		t.Fatalf("%d messages after the receipts, want 3", n)
	}
}

// customerWrote delivers a Messenger customer's message written ago and
// returns its conversation.
func (e *metaEnv) customerWrote(t *testing.T, channel string, ago time.Duration) conversationJSON {
	t.Helper()
	at := time.Now().Add(-ago)
	if code := e.webhook(t, channel, msgrfake.Body("page", mt.PageID, at, msgrfake.Text(mt.Customer, mt.PageID, "m_old", "Hello?", at))); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	return e.conversation(t, channel)
}

// TestMessengerWindowClosed: a customer who last wrote 25 hours ago cannot
// be answered freely (no Human Agent permission): the API refuses the reply
// with window_closed and nothing reaches Meta.
func TestMessengerWindowClosed(t *testing.T) {
	e := newMetaEnv(t)
	conv := e.customerWrote(t, "fb", 25*time.Hour)
	var refused apiErr
	if code := call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": "Sorry for the delay"}, &refused); code != http.StatusUnprocessableEntity || refused.Error.Code != "window_closed" {
		t.Fatalf("late reply: %d %+v, want 422 window_closed", code, refused)
	}
	for _, r := range e.fb.Requests() {
		if r.Method == http.MethodPost {
			t.Errorf("the refused reply reached Meta: %s %s", r.Path, r.Body)
		}
	}
}

// TestMessengerHumanAgent: with the Human Agent permission a reply 25
// hours after the customer's last message goes out tagged HUMAN_AGENT (the
// hub hands the connector the customer's last time).
func TestMessengerHumanAgent(t *testing.T) {
	e := newMetaEnv(t)
	conv := e.customerWrote(t, "fb-agent", 25*time.Hour)
	_, out := e.reply(t, e.agent, conv.ID, "Sorry for the delay, here is your answer.")
	if out.Request.MessagingType != wire.TypeMessageTag || out.Request.Tag != wire.TagHumanAgent {
		t.Fatalf("Send API got messaging_type %q tag %q, want MESSAGE_TAG HUMAN_AGENT", out.Request.MessagingType, out.Request.Tag)
	}
}

// TestInstagramRoundTrip: an Instagram customer's message lands in the
// inbox; the operator's reply reaches the Send API through the linked
// Page, in pieces of at most 1,000 bytes; the customer's seen receipt
// marks it read; a duplicated batch changes nothing.
func TestInstagramRoundTrip(t *testing.T) {
	e := newMetaEnv(t)
	at := time.Now().Add(-time.Second)
	body := msgrfake.Body("instagram", mt.InstagramID, at, msgrfake.Text(mt.Customer, mt.InstagramID, "aWdfZAG1faWQ", "この商品の在庫はありますか？", at))
	if code, err := msgrfake.PostWebhook(nil, e.hub.URL+"/webhooks/ig", "forged-secret", body); err != nil || code != http.StatusUnauthorized {
		t.Fatalf("forged signature: %d %v", code, err)
	}
	for i := 0; i < 2; i++ {
		if code := e.webhook(t, "ig", body); code != http.StatusOK {
			t.Fatalf("webhook %d: %d", i, code)
		}
	}
	conv := e.conversation(t, "ig")
	if msgs := e.messages(t, conv.ID); len(msgs) != 1 || msgs[0].Text != "この商品の在庫はありますか？" {
		t.Fatalf("messages = %+v", msgs)
	}

	text := strings.Repeat("在庫がございます。", 50) // 450 characters, 1,350 bytes
	reply, _ := e.reply(t, e.ig, conv.ID, text)
	eventually(t, 5*time.Second, "both pieces", func() bool { return len(e.ig.Sends()) == 2 })
	sends := e.ig.Sends()
	var joined bytes.Buffer
	for _, s := range sends {
		if len(s.Request.Message.Text) > 1000 || s.Request.Recipient.ID != mt.Customer || s.Path != "/"+mt.Version+"/"+mt.PageID+"/messages" {
			t.Fatalf("Send API got %+v at %s", s.Request, s.Path)
		}
		joined.WriteString(s.Request.Message.Text)
	}
	last := sends[len(sends)-1].MessageID
	if joined.String() != text || reply.ExternalID != last {
		t.Fatalf("pieces do not make the reply, or the reply's id %q is not the last piece's %q", reply.ExternalID, last)
	}

	seen := msgrfake.Body("instagram", mt.InstagramID, time.Now(), msgrfake.Seen(mt.Customer, mt.InstagramID, last, time.Now()))
	if code := e.webhook(t, "ig", seen); code != http.StatusOK {
		t.Fatalf("seen webhook: %d", code)
	}
	e.waitStatus(t, conv.ID, reply.ID, "read")
}

func mustRequest(t *testing.T, method, url string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestMetaCheckAndSimulate: `channels check` accepts both channels' page
// token against the fakes, and `simulate` posts a signed Messenger and
// Instagram message the hub stores.
func TestMetaCheckAndSimulate(t *testing.T) {
	e := newMetaEnv(t)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"channels", "check", "--config", e.hub.Config}, nil, &out, &errOut); code != 0 {
		t.Fatalf("channels check exited %d:\n%s%s", code, out.String(), errOut.String())
	}
	for _, id := range []string{"fb", "ig"} {
		out.Reset()
		errOut.Reset()
		if code := run(context.Background(), []string{"simulate", id, "--text", "simulated hello", "--url", e.hub.URL, "--config", e.hub.Config}, nil, &out, &errOut); code != 0 {
			t.Fatalf("simulate %s exited %d:\n%s%s", id, code, out.String(), errOut.String())
		}
		conv := e.conversation(t, id)
		if msgs := e.messages(t, conv.ID); len(msgs) != 1 || msgs[0].Text != "simulated hello" {
			t.Fatalf("%s messages = %+v", id, msgs)
		}
	}
}
