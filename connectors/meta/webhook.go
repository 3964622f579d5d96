package meta

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/switchboardhq/switchboard/connectors"
)

// SignatureHeader carries "sha256=" + hex(HMAC-SHA256(app secret, raw body)).
const SignatureHeader = "X-Hub-Signature-256"

// ValidSignature checks a webhook's X-Hub-Signature-256 header against the
// raw body in constant time. An empty secret or header never passes.
func ValidSignature(appSecret, header string, body []byte) bool {
	if appSecret == "" || header == "" {
		return false
	}
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// Sign returns the X-Hub-Signature-256 value for body, as Meta computes it
// (for fakes and `switchboard simulate`).
func Sign(appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Handshake answers Meta's subscription check, the GET on the webhook URL
// when a business registers it: hub.mode=subscribe and hub.verify_token
// equal to the channel's answer 200 with hub.challenge unchanged as
// text/plain; anything else 403. It is called by the channels'
// HandleWebhook for GET requests and stores nothing.
func Handshake(w http.ResponseWriter, r *http.Request, verifyToken string) {
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || verifyToken == "" || token == "" ||
		subtle.ConstantTimeCompare([]byte(token), []byte(verifyToken)) != 1 {
		http.Error(w, "verification failed", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(q.Get("hub.challenge")))
}

// MaxWebhookBody is the largest webhook body the Meta channels accept.
const MaxWebhookBody = 4 << 20

// ReadWebhook is the start of every Meta channel's HandleWebhook: a GET is
// the subscription handshake (answered here, false returned); a POST's raw
// body is read (at most MaxWebhookBody) and its X-Hub-Signature-256
// checked with the app secret before anything parses it: a missing or
// wrong signature answers 401 and returns false, so nothing is stored.
// On true the caller parses body and answers itself.
func ReadWebhook(w http.ResponseWriter, r *http.Request, appSecret, verifyToken string) ([]byte, bool) {
	if r.Method == http.MethodGet {
		Handshake(w, r, verifyToken)
		return nil, false
	}
	body, ok := connectors.ReadWebhookBody(w, r, MaxWebhookBody)
	if !ok {
		return nil, false
	}
	if !ValidSignature(appSecret, r.Header.Get(SignatureHeader), body) {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}
