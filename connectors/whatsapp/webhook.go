package whatsapp

import (
	"encoding/json"
	"net/http"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// HandleWebhook is called by the console for GET and POST
// /webhooks/{channel id}. A GET is Meta's subscription handshake (the
// challenge echoed when hub.verify_token is the channel's, 403
// otherwise). A POST's X-Hub-Signature-256 is checked over the raw body
// before anything parses it (401, nothing stored, when missing or
// wrong); then every entry's messages and statuses are handed to the
// Sink in one Accept and 200 is answered only after Accept returned nil.
// A Sink failure or a transient media failure answers 500 so Meta
// redelivers; an event the hub refuses for good answers 400. It must not
// keep working after it answered.
func (c *Connector) HandleWebhook(w http.ResponseWriter, r *http.Request) {
	body, ok := meta.ReadWebhook(w, r, c.cfg.AppSecret, c.cfg.VerifyToken)
	if !ok {
		if r.Method == http.MethodPost {
			c.log.Warn("WhatsApp webhook refused", "remote", r.RemoteAddr)
		}
		return
	}
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		c.log.Warn("WhatsApp webhook body is not a notification", "err", err)
		http.Error(w, "malformed webhook body", http.StatusBadRequest)
		return
	}
	if n.Object != "" && n.Object != "whatsapp_business_account" {
		c.log.Warn("WhatsApp webhook for another object ignored", "object", n.Object)
		w.WriteHeader(http.StatusOK)
		return
	}
	ctx := r.Context()
	inbound, err := c.normalize(ctx, n)
	if err != nil {
		c.log.Error("WhatsApp webhook: cannot normalise; asking Meta to redeliver", "err", err)
		http.Error(w, "temporary failure", http.StatusInternalServerError)
		return
	}
	if len(inbound) > 0 {
		if err := c.deps.Sink.Accept(ctx, inbound); err != nil {
			if connectors.IsPermanent(err) {
				c.log.Warn("WhatsApp webhook: the hub refused the events", "err", err, "events", len(inbound))
				http.Error(w, "refused: "+err.Error(), http.StatusBadRequest)
				return
			}
			c.log.Error("WhatsApp webhook: hub did not accept events; asking Meta to redeliver", "err", err, "events", len(inbound))
			http.Error(w, "temporary failure", http.StatusInternalServerError)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}
