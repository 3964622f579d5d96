package messenger

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// HandleWebhook is called by the console for GET and POST
// /webhooks/{channel id}. A GET is Meta's subscription handshake (answered
// by meta.ReadWebhook with the verify token). A POST's X-Hub-Signature-256
// is verified over the raw body before anything parses it (401, nothing
// stored, when missing or wrong); then every entry's messaging[] events of
// the channel's Page (or Instagram account) are normalised and handed to
// the Sink in ONE Accept, and 200 is answered only after it returned nil.
// A Sink failure or a transient media failure answers 500 so Meta
// redelivers; a body that is not a webhook answers 400. It must not keep
// working after it answered.
func (c *Connector) HandleWebhook(w http.ResponseWriter, r *http.Request) {
	body, ok := meta.ReadWebhook(w, r, c.cfg.AppSecret, c.cfg.VerifyToken)
	if !ok {
		if r.Method == http.MethodPost {
			c.log.Warn(c.flavor.Name+" webhook rejected: missing or invalid signature", "remote", r.RemoteAddr)
		}
		return
	}
	hook, err := DecodeWebhook(body)
	if err != nil {
		c.log.Warn(c.flavor.Name+" webhook body is not a webhook", "err", err)
		http.Error(w, "malformed webhook body", http.StatusBadRequest)
		return
	}
	if hook.Object != c.flavor.Object {
		// Another object's subscription pointed at this channel: nothing
		// of it is ours, and redelivering cannot help.
		c.log.Warn(c.flavor.Name+" webhook ignored: wrong object", "object", hook.Object, "want", c.flavor.Object)
		w.WriteHeader(http.StatusOK)
		return
	}
	ctx := r.Context()
	inbound, err := c.normalize(ctx, hook)
	if err != nil {
		c.log.Error(c.flavor.Name+" webhook: cannot normalise events; asking Meta to redeliver", "err", err)
		http.Error(w, "temporary failure", http.StatusInternalServerError)
		return
	}
	if len(inbound) > 0 {
		if err := c.deps.Sink.Accept(ctx, inbound); err != nil {
			if connectors.IsPermanent(err) {
				c.log.Warn(c.flavor.Name+" webhook: the hub refused the events", "err", err, "events", len(inbound))
				http.Error(w, "refused", http.StatusBadRequest)
				return
			}
			c.log.Error(c.flavor.Name+" webhook: hub did not accept events; asking Meta to redeliver", "err", err, "events", len(inbound))
			http.Error(w, "temporary failure", http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("EVENT_RECEIVED"))
}

// DecodeWebhook parses a webhook body (already verified). It fails on a
// body that is not one JSON object with an object string and an entry
// array.
func DecodeWebhook(body []byte) (*wire.Webhook, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if _, ok := probe["object"]; !ok {
		return nil, errors.New("no object")
	}
	var hook wire.Webhook
	if err := json.Unmarshal(body, &hook); err != nil {
		return nil, fmt.Errorf("unreadable webhook: %w", err)
	}
	return &hook, nil
}
