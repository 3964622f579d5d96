package sms

import (
	"io"
	"net/http"
	"net/url"

	"github.com/twilio/twilio-go/client"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// SignatureHeader carries Twilio's request signature.
const SignatureHeader = "X-Twilio-Signature"

// MaxWebhookBody is the largest webhook body accepted (413 above).
const MaxWebhookBody = 1 << 20

// emptyTwiML answers Twilio without sending a reply.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response/>`

// HandleWebhook is called by the console for POST /webhooks/{channel id},
// both for incoming messages and (with ?kind=status) for delivery status
// callbacks. It verifies X-Twilio-Signature over the public webhook URL
// (Deps.WebhookURL plus this request's query string — Twilio signs the URL
// it called, not what the Host header says) and the sorted POST parameters
// before using any of them: missing or wrong, 401 and nothing stored. It
// normalises the form, hands the events to the Sink and answers an empty
// TwiML <Response/> only after Accept returned nil; a Sink failure answers
// 500. Twilio retries failed webhooks only with connection overrides
// (#rc=...) on the configured URL. It must not keep working after it
// answered.
func (c *Connector) HandleWebhook(w http.ResponseWriter, r *http.Request) {
	body, ok := connectors.ReadWebhookBody(w, r, MaxWebhookBody)
	if !ok {
		return
	}
	if !c.validSignature(r, body) {
		c.log.Warn("Twilio webhook rejected: missing or invalid signature", "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "malformed form body", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	var events []switchboard.Inbound
	if r.URL.Query().Get("kind") == "status" {
		events = c.normalizeStatus(form)
	} else {
		events = c.normalizeMessage(ctx, form)
	}
	if len(events) > 0 {
		if err := c.deps.Sink.Accept(ctx, events); err != nil {
			if connectors.IsPermanent(err) {
				c.log.Warn("Twilio webhook: the hub refused the events", "err", err, "events", len(events))
				http.Error(w, "refused: "+err.Error(), http.StatusBadRequest)
				return
			}
			c.log.Error("Twilio webhook: hub did not accept events", "err", err, "events", len(events))
			http.Error(w, "temporary failure", http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, emptyTwiML)
}

// signedURL is the URL Twilio signed: the public webhook URL and the query
// string of this request.
func (c *Connector) signedURL(r *http.Request) string {
	u := c.deps.WebhookURL
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	return u
}

// validSignature uses twilio-go's RequestValidator (constant-time compare,
// with and without the default port).
func (c *Connector) validSignature(r *http.Request, body []byte) bool {
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		return false
	}
	v := client.NewRequestValidator(c.cfg.AuthToken)
	return v.ValidateBody(c.signedURL(r), body, sig)
}
