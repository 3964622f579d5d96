package whatsapp

// What the CLI uses: `switchboard channels check` and `switchboard simulate`.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// checkTimeout bounds CheckCredentials.
const checkTimeout = 10 * time.Second

// PhoneNumber is what GET /{phone_number_id} says about the business
// number.
type PhoneNumber struct {
	ID                 string `json:"id"`
	DisplayPhoneNumber string `json:"display_phone_number"`
	VerifiedName       string `json:"verified_name"`
}

// CheckCredentials asks Graph for the business phone number (GET
// /{phone_number_id}?fields=display_phone_number,verified_name) with the
// access token. It is called by `switchboard channels check` and when a
// channel is added through the API, never on the message path. A refused
// token wraps connectors.ErrCredentials; an unknown phone number id is
// permanent. The app secret cannot be checked against Meta: a wrong one
// shows as 401s on webhooks.
func (c *Connector) CheckCredentials(ctx context.Context) error {
	_, err := c.phoneNumber(ctx)
	return err
}

func (c *Connector) phoneNumber(ctx context.Context) (PhoneNumber, error) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	var pn PhoneNumber
	err := c.graph.Get(ctx, "/"+c.cfg.PhoneNumberID, url.Values{"fields": {"display_phone_number,verified_name"}}, &pn)
	if err != nil {
		err = meta.Classify("WhatsApp phone number", err)
		if errors.Is(err, connectors.ErrCredentials) {
			return pn, connectors.Permanent("WhatsApp refused the access token", err)
		}
		return pn, err
	}
	return pn, nil
}

// SimulateSender is who writes when SimulateText is given no sender.
const SimulateSender = "15550100001"

// SimulateText builds the webhook POST the Cloud API would send when the
// WhatsApp user from (a phone number, digits, or a business-scoped user
// id; SimulateSender when empty) writes text: one messages
// change with a fresh wamid, signed with the app secret. It is called by
// `switchboard simulate`; it does no network I/O — the caller sends the
// request.
func (c *Connector) SimulateText(ctx context.Context, webhookURL string, from switchboard.ExternalID, text string) (*http.Request, error) {
	phone := strings.TrimPrefix(strings.TrimSpace(string(from)), "+")
	if phone == "" {
		phone = SimulateSender
	}
	now := c.now()
	m := Message{From: phone, ID: "wamid.SIM" + randomHex(12), Timestamp: strconv.FormatInt(now.Unix(), 10), Type: "text"}
	m.Text = &TextBody{Body: text}
	ct := Contact{WaID: phone}
	ct.Profile.Name = "Simulated " + phone
	if !isDigits(phone) {
		m.From, m.FromUserID, ct.WaID, ct.UserID = "", phone, "", phone
	}
	n := Notification{Object: "whatsapp_business_account", Entry: []Entry{{
		ID: firstNonEmpty(c.cfg.BusinessAccountID, "0"),
		Changes: []Change{{Field: "messages", Value: Value{
			MessagingProduct: "whatsapp",
			Metadata:         Metadata{DisplayPhoneNumber: "15550000000", PhoneNumberID: c.cfg.PhoneNumberID},
			Contacts:         []Contact{ct},
			Messages:         []Message{m},
		}}},
	}}}
	body, err := json.Marshal(n)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(meta.SignatureHeader, meta.Sign(c.cfg.AppSecret, body))
	return req, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}
