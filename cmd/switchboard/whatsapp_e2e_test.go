package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	wafake "github.com/switchboardhq/switchboard/connectors/whatsapp/fake"
)

const (
	waSecret      = "wa-app-secret-for-tests"
	waToken       = "wa-access-token-for-tests"
	waVerifyToken = "wa-verify-token-for-tests"
	waPhoneID     = "106540352242922"
	waWABA        = "102290129340398"
)

type waEnv struct {
	hub   *testHub
	token string
	fk    *wafake.Server
	url   string
}

// newWhatsAppEnv runs a hub with a WhatsApp Cloud API channel against the
// fake. The app secret comes from the environment, as a deployment would
// pass it.
func newWhatsAppEnv(t *testing.T) *waEnv {
	t.Helper()
	e := &waEnv{fk: wafake.New(t, wafake.Options{Token: waToken, AppSecret: waSecret, PhoneNumberID: waPhoneID, BusinessAccountID: waWABA})}
	e.fk.AddTemplate(wafake.Template{Name: "follow_up", Language: "en_US", Category: "UTILITY", Body: "Hi {{1}}, we have an answer about {{2}}. Reply to continue."})
	t.Setenv("SWITCHBOARD_CHANNEL_WA_APP_SECRET", waSecret)
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
  retries: 3
  retry_initial: 10ms
  retry_max: 50ms
  timeout: 2s
channels:
  - id: wa
    type: whatsapp
    verify_token: %s
    access_token: %s
    phone_number_id: "%s"
    business_account_id: "%s"
    api_base_url: %s
`, port, public, filepath.Join(dir, "data"), waVerifyToken, waToken, waPhoneID, waWABA, e.fk.URL))
	e.token = createToken(t, cfgPath, "admin")
	e.hub = startHub(t, cfgPath)
	e.url = e.hub.URL + "/webhooks/wa"
	return e
}

func (e *waEnv) conversations(t *testing.T) []conversationJSON {
	var convs list[conversationJSON]
	call(t, "GET", e.hub.URL+"/api/v1/conversations?channel=wa", e.token, nil, &convs)
	return convs.Items
}

func (e *waEnv) conversation(t *testing.T, contactName string) conversationJSON {
	t.Helper()
	var conv conversationJSON
	eventually(t, 5*time.Second, "the WhatsApp conversation of "+contactName, func() bool {
		for _, c := range e.conversations(t) {
			if c.Contact["name"] == contactName {
				conv = c
				return true
			}
		}
		return false
	})
	return conv
}

func (e *waEnv) messages(t *testing.T, conv string) []messageJSON {
	var msgs list[messageJSON]
	call(t, "GET", e.hub.URL+"/api/v1/conversations/"+conv+"/messages", e.token, nil, &msgs)
	return msgs.Items
}

func (e *waEnv) message(t *testing.T, conv, id string) messageJSON {
	for _, m := range e.messages(t, conv) {
		if m.ID == id {
			return m
		}
	}
	return messageJSON{}
}

func (e *waEnv) notify(t *testing.T, changes ...wafake.Change) {
	t.Helper()
	code, err := e.fk.Notify(context.Background(), e.url, changes...)
	if err != nil || code != http.StatusOK {
		t.Fatalf("webhook: %d %v", code, err)
	}
}

// TestWhatsAppRoundTrip: Meta's handshake with the channel's verify token;
// a WhatsApp user's message lands in the inbox (a forged signature and a
// duplicated batch change nothing); the operator's reply reaches the
// Cloud API; receipts out of order and with delivered skipped end right.
func TestWhatsAppRoundTrip(t *testing.T) {
	e := newWhatsAppEnv(t)

	// The subscription handshake: the wrong verify token is refused.
	if code, _ := send(t, wafake.Handshake(e.url, "guess", "1158201444")); code != http.StatusForbidden {
		t.Fatalf("wrong verify token: %d", code)
	}
	if code, body := send(t, wafake.Handshake(e.url, waVerifyToken, "1158201444")); code != http.StatusOK || body != "1158201444" {
		t.Fatalf("handshake: %d %q", code, body)
	}

	sheena := wafake.Customer{Name: "Sheena Nelson", Phone: "16505551234", UserID: "US.13491208655302741918"}
	first := wafake.Change{PhoneNumberID: waPhoneID, Customers: []wafake.Customer{sheena},
		Messages: []wafake.Msg{wafake.Text(sheena, "wamid.IN1", time.Now().Add(-time.Minute), "Does it come in another colour?")}}
	forged := wafake.SignedWebhook(e.url, "not-the-secret", wafake.Body(waWABA, first))
	if code, _ := send(t, forged); code != http.StatusUnauthorized {
		t.Fatalf("forged signature: %d", code)
	}
	if len(e.conversations(t)) != 0 {
		t.Fatal("a forged webhook created a conversation")
	}
	e.notify(t, first)
	e.notify(t, first) // Meta redelivers the batch: stored once
	conv := e.conversation(t, "Sheena Nelson")
	if msgs := e.messages(t, conv.ID); len(msgs) != 1 || msgs[0].Text != "Does it come in another colour?" {
		t.Fatalf("messages = %+v", msgs)
	}
	if conv.Contact["phone"] != "+16505551234" {
		t.Errorf("contact = %v, want the phone kept in the profile", conv.Contact)
	}

	// The operator reads the conversation: WhatsApp hears it as a read
	// receipt naming the customer's message (the blue ticks).
	if code := call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/read", e.token, nil, nil); code/100 != 2 {
		t.Fatalf("read: %d", code)
	}
	eventually(t, 5*time.Second, "the read receipt to reach the Cloud API", func() bool {
		for _, r := range e.fk.Requests() {
			if r.Method == http.MethodPost && r.Path == "/v26.0/"+waPhoneID+"/messages" && r.JSON["status"] == "read" && r.JSON["message_id"] == "wamid.IN1" {
				return true
			}
		}
		return false
	})

	var reply messageJSON
	if code := call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": "Yes: blue and green."}, &reply); code != http.StatusAccepted {
		t.Fatalf("reply: %d", code)
	}
	eventually(t, 5*time.Second, "the reply to reach the Cloud API", func() bool { return len(e.fk.Sends()) == 1 })
	out := e.fk.Sends()[0]
	text, _ := out.JSON["text"].(map[string]any)
	if out.Path != "/v26.0/"+waPhoneID+"/messages" || out.JSON["recipient"] != sheena.UserID || out.JSON["type"] != "text" || text["body"] != "Yes: blue and green." {
		t.Fatalf("Cloud API got %s %s", out.Path, out.Body)
	}
	eventually(t, 5*time.Second, "the reply to be marked sent", func() bool { return e.message(t, conv.ID, reply.ID).Status == "sent" })

	// Receipts arrive out of order: read before sent and delivered; a
	// status never moves backwards.
	now := time.Now()
	e.notify(t, wafake.Change{PhoneNumberID: waPhoneID, Statuses: []wafake.Msg{wafake.StatusOf(sheena, out.WAMID, "read", now)}})
	e.notify(t, wafake.Change{PhoneNumberID: waPhoneID, Statuses: []wafake.Msg{
		wafake.StatusOf(sheena, out.WAMID, "sent", now.Add(-2*time.Second)), wafake.StatusOf(sheena, out.WAMID, "delivered", now.Add(-time.Second))}})
	eventually(t, 5*time.Second, "the reply to be read", func() bool { return e.message(t, conv.ID, reply.ID).Status == "read" })

	// A second reply: delivered is skipped (read comes straight after sent).
	var second messageJSON
	call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": "Shall I reserve one?"}, &second)
	eventually(t, 5*time.Second, "the second reply", func() bool { return len(e.fk.Sends()) == 2 })
	eventually(t, 5*time.Second, "the second reply to be marked sent", func() bool { return e.message(t, conv.ID, second.ID).Status == "sent" })
	wamid := e.fk.Sends()[1].WAMID
	e.notify(t, wafake.Change{PhoneNumberID: waPhoneID, Statuses: []wafake.Msg{wafake.StatusOf(sheena, wamid, "sent", now), wafake.StatusOf(sheena, wamid, "read", now)}})
	// The webhook answers after the commit: the late delivered receipt
	// comes after read was stored, and must not move it back.
	e.notify(t, wafake.Change{PhoneNumberID: waPhoneID, Statuses: []wafake.Msg{wafake.StatusOf(sheena, wamid, "delivered", now)}})
	if st := e.message(t, conv.ID, second.ID).Status; st != "read" {
		t.Errorf("second reply is %s after sent, read and a late delivered, want read", st)
	}

	// A failed receipt carries WhatsApp's reason.
	var third messageJSON
	call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": "Hello?"}, &third)
	eventually(t, 5*time.Second, "the third reply to be marked sent", func() bool { return e.message(t, conv.ID, third.ID).Status == "sent" })
	e.notify(t, wafake.Change{PhoneNumberID: waPhoneID, Statuses: []wafake.Msg{wafake.StatusOf(sheena, e.fk.Sends()[2].WAMID, "failed", now,
		map[string]any{"code": 131026, "title": "Message undeliverable"})}})
	eventually(t, 5*time.Second, "the third reply to fail", func() bool { return e.message(t, conv.ID, third.ID).Status == "failed" })
	if r := e.message(t, conv.ID, third.ID).FailureReason; !strings.Contains(r, "131026") {
		t.Errorf("failure reason %q does not carry WhatsApp's code", r)
	}

	// A revoked token (190) fails the reply and shows the channel's
	// credentials broken; the next successful send clears it.
	state := func() string {
		var ch struct {
			Status struct {
				State  string `json:"state"`
				Reason string `json:"reason"`
			} `json:"status"`
		}
		call(t, "GET", e.hub.URL+"/api/v1/channels/wa", e.token, nil, &ch)
		return ch.Status.State
	}
	e.fk.FailNextCode(1, http.StatusUnauthorized, 190)
	var fourth messageJSON
	call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": "Are you there?"}, &fourth)
	eventually(t, 5*time.Second, "the reply with a revoked token to fail", func() bool { return e.message(t, conv.ID, fourth.ID).Status == "failed" })
	eventually(t, 5*time.Second, "the channel's credentials broken", func() bool { return state() == "credentials_broken" })
	var fifth messageJSON
	call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": "Back again."}, &fifth)
	eventually(t, 5*time.Second, "the next reply to be sent", func() bool { return e.message(t, conv.ID, fifth.ID).Status == "sent" })
	eventually(t, 5*time.Second, "the channel ok again", func() bool { return state() == "ok" })
}

// TestWhatsAppWindow: a free-form reply to a customer who last wrote more
// than 24 hours ago is refused by the hub before storing (422
// window_closed, nothing reaches the Cloud API) and an approved template,
// synced from the business account, goes out instead.
func TestWhatsAppWindow(t *testing.T) {
	e := newWhatsAppEnv(t)
	ken := wafake.Customer{Name: "Ken", Phone: "819012345678"}
	e.notify(t, wafake.Change{PhoneNumberID: waPhoneID, Customers: []wafake.Customer{ken},
		Messages: []wafake.Msg{wafake.Text(ken, "wamid.OLD", time.Now().Add(-25*time.Hour), "Is my order ready?")}})
	conv := e.conversation(t, "Ken")

	// The conversation's answer says when the window closed.
	var full map[string]any
	call(t, "GET", e.hub.URL+"/api/v1/conversations/"+conv.ID, e.token, nil, &full)
	if exp, _ := full["window_expires_at"].(string); exp == "" {
		t.Fatalf("conversation has no window_expires_at: %v", full)
	} else if at, err := time.Parse(time.RFC3339, exp); err != nil || time.Until(at) > -time.Hour+time.Minute {
		t.Errorf("window_expires_at = %s, want about an hour ago", exp)
	}

	// The hub refuses the free-form reply before storing it.
	req, _ := http.NewRequest("POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", strings.NewReader(`{"text":"Sorry for the wait!"}`))
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	code, raw := send(t, req)
	if code != http.StatusUnprocessableEntity || !strings.Contains(raw, "window_closed") || !strings.Contains(raw, "template") {
		t.Fatalf("late reply: %d %s", code, raw)
	}
	if msgs := e.messages(t, conv.ID); len(msgs) != 1 {
		t.Fatalf("the refused reply was stored: %+v", msgs)
	}

	// The templates synced from the business account are offered.
	var tmpls struct {
		Items []struct {
			Name, Language, Status, Body string
			Params                       []string
		} `json:"items"`
	}
	if code := call(t, "POST", e.hub.URL+"/api/v1/channels/wa/templates/sync", e.token, nil, &tmpls); code != http.StatusOK {
		t.Fatalf("template sync: %d", code)
	}
	if len(tmpls.Items) != 1 || tmpls.Items[0].Name != "follow_up" || tmpls.Items[0].Status != "APPROVED" || strings.Join(tmpls.Items[0].Params, ",") != "1,2" {
		t.Fatalf("templates = %+v", tmpls.Items)
	}
	if n := len(e.fk.Sends()); n != 0 {
		t.Fatalf("%d free-form sends reached the Cloud API", n)
	}

	tmpl := map[string]any{"parts": []map[string]any{{"kind": "template", "template": map[string]any{
		"name": "follow_up", "language": "en_US", "variables": map[string]string{"1": "Ken", "2": "your order"}}}}}
	var sent messageJSON
	if code := call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, tmpl, &sent); code != http.StatusAccepted {
		t.Fatalf("template: %d", code)
	}
	eventually(t, 5*time.Second, "the template to reach the Cloud API", func() bool { return len(e.fk.Sends()) == 1 })
	out := e.fk.Sends()[0]
	if out.JSON["type"] != "template" || out.JSON["to"] != ken.Phone || !strings.Contains(string(out.Body), `"text":"your order"`) {
		t.Fatalf("Cloud API got %s", out.Body)
	}
	eventually(t, 5*time.Second, "the template to be sent", func() bool { return e.message(t, conv.ID, sent.ID).Status == "sent" })
}

// TestWhatsAppCLI: `channels check` asks the Cloud API for the phone
// number and names a refused token; `simulate` sends a signed webhook the
// running hub stores.
func TestWhatsAppCLI(t *testing.T) {
	e := newWhatsAppEnv(t)
	cfg := e.hub.Config
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"channels", "check", "--config", cfg}, nil, &out, &errOut); code != 0 || !strings.Contains(out.String(), "wa ") {
		t.Fatalf("check exited %d:\n%s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"simulate", "wa", "--text", "simulated hello", "--url", e.hub.URL, "--config", cfg}, nil, &out, &errOut); code != 0 {
		t.Fatalf("simulate exited %d: %s %s", code, out.String(), errOut.String())
	}
	conv := e.conversation(t, "Simulated 15550100001")
	if conv.LastMessage != "simulated hello" {
		t.Fatalf("conversation = %+v", conv)
	}

	bad := e.fk.Options
	bad.Token = "another-token"
	other := wafake.New(t, bad)
	path := filepath.Join(t.TempDir(), "c.yaml")
	writeFile(t, path, fmt.Sprintf(`data_dir: %s
channels:
  - {id: wa, type: whatsapp, app_secret: s, verify_token: v, access_token: revoked-token, phone_number_id: "%s", api_base_url: %s}
`, filepath.Dir(path), waPhoneID, other.URL))
	out.Reset()
	if code := run(context.Background(), []string{"channels", "check", "--config", path}, nil, &out, &errOut); code != 1 || !strings.Contains(out.String(), "FAIL") {
		t.Fatalf("check with a refused token exited %d:\n%s", code, out.String())
	}
	if strings.Contains(out.String(), "revoked-token") {
		t.Fatal("the check printed the token")
	}
}

// TestWhatsAppRating: resolving a WhatsApp conversation sends the rating
// question as a list of five ratings; the customer's pick (a list reply,
// redelivered once) is recorded once and does not reopen the
// conversation.
func TestWhatsAppRating(t *testing.T) {
	e := newWhatsAppEnv(t)
	ana := wafake.Customer{Name: "Ana", Phone: "34600111222"}
	e.notify(t, wafake.Change{PhoneNumberID: waPhoneID, Customers: []wafake.Customer{ana},
		Messages: []wafake.Msg{wafake.Text(ana, "wamid.HELLO", time.Now(), "¿Dónde está mi pedido?")}})
	conv := e.conversation(t, "Ana")
	if code := call(t, "PATCH", e.hub.URL+"/api/v1/conversations/"+conv.ID, e.token, map[string]any{"status": "resolved"}, nil); code != http.StatusOK {
		t.Fatalf("resolve: %d", code)
	}
	var ids []string
	eventually(t, 5*time.Second, "the rating list on WhatsApp", func() bool {
		for _, s := range e.fk.Sends() {
			var body struct {
				Interactive struct {
					Type   string `json:"type"`
					Action struct {
						Sections []struct {
							Rows []struct {
								ID string `json:"id"`
							} `json:"rows"`
						} `json:"sections"`
					} `json:"action"`
				} `json:"interactive"`
			}
			if json.Unmarshal(s.Body, &body) == nil && body.Interactive.Type == "list" && len(body.Interactive.Action.Sections) == 1 {
				ids = nil
				for _, r := range body.Interactive.Action.Sections[0].Rows {
					ids = append(ids, r.ID)
				}
			}
		}
		return len(ids) == 5
	})
	four := ids[1] // rows run from 5 down to 1
	if !strings.HasPrefix(four, "csat:") || !strings.HasSuffix(four, ":4") {
		t.Fatalf("rating rows %v", ids)
	}
	pick := wafake.Change{PhoneNumberID: waPhoneID, Customers: []wafake.Customer{ana}, Messages: []wafake.Msg{
		wafake.Message(ana, "wamid.PICK", time.Now(), "interactive", map[string]any{"type": "list_reply", "list_reply": map[string]string{"id": four, "title": "★★★★☆ 4"}})}}
	e.notify(t, pick)
	e.notify(t, pick) // Meta redelivers
	var a struct {
		Items []struct {
			ConversationID string `json:"conversation_id"`
			Score          int    `json:"score"`
		} `json:"items"`
	}
	call(t, "GET", e.hub.URL+"/api/v1/csat", e.token, nil, &a)
	if len(a.Items) != 1 || a.Items[0].Score != 4 || a.Items[0].ConversationID != conv.ID {
		t.Fatalf("answers = %+v", a)
	}
	for _, m := range e.messages(t, conv.ID) {
		if m.Direction == "in" && strings.Contains(m.Text, "csat:") {
			t.Fatalf("the rating was stored as a customer message: %q", m.Text)
		}
	}
	if c := e.conversation(t, "Ana"); c.Status != "resolved" {
		t.Fatalf("the rating reopened the conversation: %+v", c)
	}
}
