package line

import (
	"net/http"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/switchboardhq/switchboard/connectors"
)

// SignatureHeader carries base64(HMAC-SHA256(channel secret, raw body)).
const SignatureHeader = "X-Line-Signature"

// MaxWebhookBody is the largest webhook body accepted (413 above).
const MaxWebhookBody = 1 << 20

// HandleWebhook is called by the console for POST /webhooks/{channel id}.
// It verifies X-Line-Signature over the raw body before parsing anything
// (401, nothing stored, when missing or wrong), normalises the events
// (fetching profiles and message content from LINE), hands all of them to
// the Sink in one Accept and answers 200 only after Accept returned nil; a
// Sink failure or a transient content-fetch failure answers 500 so LINE
// redelivers (when redelivery is on). An empty events list (LINE's
// verification request) answers 200. It must not keep working after it
// answered.
func (c *Connector) HandleWebhook(w http.ResponseWriter, r *http.Request) {
	body, ok := connectors.ReadWebhookBody(w, r, MaxWebhookBody)
	if !ok {
		return
	}
	if !c.validSignature(r.Header.Get(SignatureHeader), body) {
		c.log.Warn("LINE webhook rejected: missing or invalid signature", "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	events, err := decodeEvents(body)
	if err != nil {
		c.log.Warn("LINE webhook body is not a webhook request", "err", err)
		http.Error(w, "malformed webhook body", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	inbound, err := c.normalize(ctx, events)
	if err != nil {
		c.log.Error("LINE webhook: cannot normalise events; asking LINE to redeliver", "err", err)
		http.Error(w, "temporary failure", http.StatusInternalServerError)
		return
	}
	if len(inbound) > 0 {
		if err := c.deps.Sink.Accept(ctx, inbound); err != nil {
			if connectors.IsPermanent(err) {
				c.log.Warn("LINE webhook: the hub refused the events", "err", err, "events", len(inbound))
				http.Error(w, "refused: "+err.Error(), http.StatusBadRequest)
				return
			}
			c.log.Error("LINE webhook: hub did not accept events; asking LINE to redeliver", "err", err, "events", len(inbound))
			http.Error(w, "temporary failure", http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("{}"))
}

// validSignature checks the signature in constant time (the SDK's
// ValidateSignature uses hmac.Equal).
func (c *Connector) validSignature(signature string, body []byte) bool {
	if signature == "" {
		return false
	}
	return webhook.ValidateSignature(c.cfg.ChannelSecret, signature, body)
}
