package sms

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/switchboardhq/switchboard"
)

// SimulateText builds the signed form POST Twilio would send when number
// from texts the channel. It is called by `switchboard simulate`; it does no
// network I/O. webhookURL must be the channel's public webhook URL the hub
// checks signatures against.
func (c *Connector) SimulateText(ctx context.Context, webhookURL string, from switchboard.ExternalID, text string) (*http.Request, error) {
	if from == "" {
		return nil, fmt.Errorf("simulate: no sender number")
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	sid := "SM" + hex.EncodeToString(b)
	to := c.cfg.From
	if to == "" {
		to = c.cfg.MessagingServiceSID
	}
	form := url.Values{
		"MessageSid": {sid}, "SmsMessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {c.cfg.AccountSID},
		"From": {string(from)}, "To": {to}, "Body": {text}, "NumMedia": {"0"}, "NumSegments": {"1"},
		"SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(SignatureHeader, sign(c.cfg.AuthToken, webhookURL, form))
	return req, nil
}

// sign computes X-Twilio-Signature for a form POST to fullURL.
func sign(authToken, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		if len(form[k]) > 0 {
			b.WriteString(k + form[k][0])
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
