package fake

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Sign computes X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth
// token, of the full URL Twilio called followed by each POST parameter's
// name and value, sorted by name.
func Sign(authToken, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		if len(form[k]) == 0 {
			continue
		}
		b.WriteString(k)
		b.WriteString(form[k][0])
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignedWebhook builds the form POST Twilio sends to fullURL, signed.
func SignedWebhook(fullURL, authToken string, form url.Values) *http.Request {
	req, err := http.NewRequest(http.MethodPost, fullURL, strings.NewReader(form.Encode()))
	if err != nil {
		panic("fake: bad webhook url: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("X-Twilio-Signature", Sign(authToken, fullURL, form))
	return req
}

// InboundMedia is one MMS attachment of an inbound message.
type InboundMedia struct {
	URL         string
	ContentType string
}

// InboundForm is the form Twilio posts for an incoming SMS or MMS.
func InboundForm(accountSID, messageSid, from, to, body string, media ...InboundMedia) url.Values {
	f := url.Values{
		"ToCountry": {"US"}, "ToState": {"CA"}, "SmsMessageSid": {messageSid}, "NumMedia": {strconv.Itoa(len(media))},
		"ToCity": {"SAN FRANCISCO"}, "FromZip": {"94105"}, "SmsSid": {messageSid}, "FromState": {"CA"},
		"SmsStatus": {"received"}, "FromCity": {"SAN FRANCISCO"}, "Body": {body}, "FromCountry": {"US"},
		"To": {to}, "ToZip": {"94105"}, "NumSegments": {"1"}, "MessageSid": {messageSid},
		"AccountSid": {accountSID}, "From": {from}, "ApiVersion": {"2010-04-01"},
	}
	for i, m := range media {
		n := strconv.Itoa(i)
		f.Set("MediaUrl"+n, m.URL)
		f.Set("MediaContentType"+n, m.ContentType)
	}
	return f
}

// StatusForm is the form of a status callback.
func StatusForm(accountSID, messageSid, from, to, status, errorCode string) url.Values {
	f := url.Values{
		"AccountSid": {accountSID}, "ApiVersion": {"2010-04-01"}, "MessageSid": {messageSid}, "SmsSid": {messageSid},
		"MessageStatus": {status}, "SmsStatus": {status}, "From": {from}, "To": {to},
	}
	if errorCode != "" {
		f.Set("ErrorCode", errorCode)
	}
	return f
}
