package whatsapp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

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
