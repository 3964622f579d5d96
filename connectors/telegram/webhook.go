package telegram

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-telegram/bot/models"

	"github.com/switchboardhq/switchboard/connectors"
)

// SecretHeader carries the secret token registered with setWebhook.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// MaxWebhookBody is the largest update accepted (413 above).
const MaxWebhookBody = 1 << 20

// HandleWebhook is called by the console for POST /webhooks/{channel id}.
// It checks X-Telegram-Bot-Api-Secret-Token in constant time before
// reading anything else (401, nothing stored, when missing or wrong),
// decodes the update, normalises it (downloading media into the media
// store), hands the result to the Sink in one Accept and answers 200 only
// after Accept returned nil. A Sink failure or a transient download
// failure answers 500, so Telegram delivers the update again; an update
// the hub does not handle (or cannot read, but for its update_id)
// answers 200 with nothing stored; a body that is not an update 400. It must not
// keep working after it answered.
func (c *Connector) HandleWebhook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !c.validSecret(r.Header.Get(SecretHeader)) {
		c.log.Warn("Telegram webhook rejected: missing or wrong secret token", "remote", r.RemoteAddr)
		http.Error(w, "invalid secret token", http.StatusUnauthorized)
		return
	}
	body, ok := connectors.ReadWebhookBody(w, r, MaxWebhookBody)
	if !ok {
		return
	}
	upd, err := DecodeUpdate(body)
	if err != nil {
		if id := updateID(body); id > 0 {
			// An update of a shape the SDK's types do not know (a new
			// reaction type): delivering it again cannot help.
			c.log.Warn("Telegram update skipped: cannot read it", "err", err, "update_id", id)
			w.WriteHeader(http.StatusOK)
			return
		}
		c.log.Warn("Telegram webhook body is not an update", "err", err)
		http.Error(w, "malformed update", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	inbound, err := c.normalize(ctx, upd)
	if err != nil {
		c.log.Error("Telegram webhook: cannot normalise the update; asking Telegram to deliver it again", "err", err, "update_id", upd.ID)
		http.Error(w, "temporary failure", http.StatusInternalServerError)
		return
	}
	if len(inbound) > 0 {
		if err := c.deps.Sink.Accept(ctx, inbound); err != nil {
			if connectors.IsPermanent(err) {
				// Telegram retries anything but 2xx; a refusal for good
				// is answered 400 and logged.
				c.log.Warn("Telegram webhook: the hub refused the update", "err", err, "update_id", upd.ID)
				http.Error(w, "refused: "+err.Error(), http.StatusBadRequest)
				return
			}
			c.log.Error("Telegram webhook: hub did not accept the update; asking Telegram to deliver it again", "err", err, "update_id", upd.ID)
			http.Error(w, "temporary failure", http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("{}"))
}

// validSecret compares the header with the secret token in constant time.
func (c *Connector) validSecret(got string) bool {
	if got == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(c.cfg.SecretToken)) == 1
}

// DecodeUpdate parses one webhook body as a Bot API Update. It refuses
// bodies that are not a single JSON object or carry no update_id.
func DecodeUpdate(body []byte) (*models.Update, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, fmt.Errorf("update: not a JSON object")
	}
	var upd models.Update
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&upd); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("update: trailing data after the object")
	}
	if upd.ID <= 0 {
		return nil, fmt.Errorf("update: no update_id")
	}
	return &upd, nil
}

// updateID reads only the update_id of a body, 0 when there is none.
func updateID(body []byte) int64 {
	var v struct {
		ID int64 `json:"update_id"`
	}
	if json.Unmarshal(body, &v) != nil {
		return 0
	}
	return v.ID
}
