package fake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Sign returns the X-Hub-Signature-256 of body: "sha256=" + hex
// HMAC-SHA256 keyed with the app secret.
func Sign(appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// SignedWebhook builds the POST Meta sends to url: body and its signature.
func SignedWebhook(url, appSecret string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		panic("fake: bad webhook url: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set("X-Hub-Signature-256", Sign(appSecret, body))
	return req
}

// Handshake builds Meta's subscription check: GET url with hub.mode,
// hub.verify_token and hub.challenge.
func Handshake(url, verifyToken, challenge string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, url+"?hub.mode=subscribe&hub.verify_token="+verifyToken+"&hub.challenge="+challenge, nil)
	if err != nil {
		panic("fake: bad webhook url: " + err.Error())
	}
	return req
}

// Customer is who writes: Phone is the wa_id (digits), UserID the
// business-scoped user id ("US.1349..."), either may be empty.
type Customer struct {
	Name   string
	Phone  string
	UserID string
}

func (c Customer) contact() map[string]any {
	ct := map[string]any{"profile": map[string]string{"name": c.Name}}
	if c.Phone != "" {
		ct["wa_id"] = c.Phone
	}
	if c.UserID != "" {
		ct["user_id"] = c.UserID
	}
	return ct
}

// Msg is one entry of a value's messages (or statuses) array.
type Msg map[string]any

// Message is a customer's message of type kind with its object, e.g.
// Message(c, "wamid.1", at, "text", map[string]any{"body": "hi"}).
func Message(c Customer, id string, at time.Time, kind string, obj any) Msg {
	m := Msg{"id": id, "timestamp": strconv.FormatInt(at.Unix(), 10), "type": kind}
	if c.Phone != "" {
		m["from"] = c.Phone
	}
	if c.UserID != "" {
		m["from_user_id"] = c.UserID
	}
	if obj != nil {
		m[kind] = obj
	}
	return m
}

// Text is a text message.
func Text(c Customer, id string, at time.Time, body string) Msg {
	return Message(c, id, at, "text", map[string]string{"body": body})
}

// StatusOf is a receipt for a message the business sent to c; errs are
// the errors of a failed one ({"code", "title", ...}).
func StatusOf(c Customer, wamid, status string, at time.Time, errs ...map[string]any) Msg {
	m := Msg{"id": wamid, "status": status, "timestamp": strconv.FormatInt(at.Unix(), 10)}
	if c.Phone != "" {
		m["recipient_id"] = c.Phone
	}
	if c.UserID != "" {
		m["recipient_user_id"] = c.UserID
	}
	if len(errs) > 0 {
		m["errors"] = errs
	}
	return m
}

// Change is one "messages" change of a business phone number.
type Change struct {
	PhoneNumberID string
	Customers     []Customer
	Messages      []Msg
	Statuses      []Msg
	Errors        []map[string]any
}

// Body marshals a notification with one entry per change (Meta batches
// several entries in one POST).
func Body(waba string, changes ...Change) []byte {
	entries := make([]map[string]any, 0, len(changes))
	for _, ch := range changes {
		v := map[string]any{
			"messaging_product": "whatsapp",
			"metadata":          map[string]string{"display_phone_number": "15550100000", "phone_number_id": ch.PhoneNumberID},
		}
		if len(ch.Customers) > 0 {
			cs := make([]map[string]any, 0, len(ch.Customers))
			for _, c := range ch.Customers {
				cs = append(cs, c.contact())
			}
			v["contacts"] = cs
		}
		if len(ch.Messages) > 0 {
			v["messages"] = ch.Messages
		}
		if len(ch.Statuses) > 0 {
			v["statuses"] = ch.Statuses
		}
		if len(ch.Errors) > 0 {
			v["errors"] = ch.Errors
		}
		entries = append(entries, map[string]any{"id": waba, "changes": []map[string]any{{"field": "messages", "value": v}}})
	}
	b, err := json.Marshal(map[string]any{"object": "whatsapp_business_account", "entry": entries})
	if err != nil {
		panic("fake: cannot marshal webhook body: " + err.Error())
	}
	return b
}

// Notify builds the body of changes for this fake's account, signs it
// with the fake's app secret and POSTs it to the hub's webhookURL, as
// Meta would. Customers' messages open their 24-hour windows at the
// fake. It returns the hub's status code.
func (s *Server) Notify(ctx context.Context, webhookURL string, changes ...Change) (int, error) {
	for i := range changes {
		if changes[i].PhoneNumberID == "" {
			changes[i].PhoneNumberID = s.PhoneNumberID
		}
		for _, m := range changes[i].Messages {
			from, _ := m["from"].(string)
			if from == "" {
				from, _ = m["from_user_id"].(string)
			}
			ts, _ := m["timestamp"].(string)
			if secs, err := strconv.ParseInt(ts, 10, 64); err == nil && from != "" {
				s.CustomerWrote(from, time.Unix(secs, 0))
			}
		}
	}
	req := SignedWebhook(webhookURL, s.AppSecret, Body(s.BusinessAccountID, changes...)).WithContext(ctx)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}
