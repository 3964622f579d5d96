package messenger

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// SimulateText builds the webhook request Meta would send when the
// customer from (a PSID or IGSID) writes text to the channel's Page or
// account: one entry with one message of a fresh mid, signed with the app
// secret. It is called by `switchboard simulate`; it does no network I/O —
// the caller sends the request. An empty from is SimulatedCustomer. The
// profile look-up for an invented id fails, which the hub tolerates.
func (c *Connector) SimulateText(ctx context.Context, webhookURL string, from switchboard.ExternalID, text string) (*http.Request, error) {
	if from == "" {
		from = SimulatedCustomer
	}
	own := c.cfg.accountID(c.flavor)
	now := c.now().UnixMilli()
	body, err := json.Marshal(wire.Webhook{Object: c.flavor.Object, Entry: []wire.Entry{{
		ID: own, Time: now,
		Messaging: []wire.Event{{
			Sender: wire.Party{ID: string(from)}, Recipient: wire.Party{ID: own}, Timestamp: now,
			Message: &wire.Message{MID: "m_sim_" + randomHex(16), Text: text},
		}},
	}}})
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

// SimulatedCustomer is the sender of simulated messages when none is
// named: an id Meta would never issue to a real person.
const SimulatedCustomer = "1000000000000000"

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
