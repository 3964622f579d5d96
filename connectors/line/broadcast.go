package line

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// typingSeconds is how long LINE shows the loading animation (it stops
// earlier when a message arrives).
const typingSeconds = 20

// Broadcast sends parts to many users with LINE's multicast API (POST
// /v2/bot/message/multicast), 500 recipients and five messages per call. It
// is called by the broadcast scheduler, which paces and retries it; each call
// carries a fresh X-Line-Retry-Key, so a retried Broadcast may deliver a
// chunk twice. It must not touch the store. The first failing call stops it
// and its error is returned (classified); earlier chunks stay sent.
func (c *Connector) Broadcast(ctx context.Context, recipients []switchboard.ExternalID, parts []switchboard.Part) error {
	messages, err := buildMessages(parts)
	if err != nil {
		return err
	}
	for start := 0; start < len(recipients); start += maxMulticastTargets {
		batch := recipients[start:min(start+maxMulticastTargets, len(recipients))]
		to := make([]string, len(batch))
		for i, r := range batch {
			to[i] = string(r)
		}
		for m := 0; m < len(messages); m += maxMessagesPerCall {
			chunk := messages[m:min(m+maxMessagesPerCall, len(messages))]
			if err := c.multicast(ctx, to, chunk); err != nil {
				return fmt.Errorf("multicast to recipients %d-%d: %w", start, start+len(batch)-1, err)
			}
		}
	}
	return nil
}

func (c *Connector) multicast(ctx context.Context, to []string, messages []messaging_api.MessageInterface) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.cfg.SendTimeout))
	defer cancel()
	header := http.Header{}
	header.Set("X-Line-Retry-Key", randomUUID())
	resp, err := c.call(ctx, http.MethodPost, c.apiURL("/v2/bot/message/multicast"),
		&messaging_api.MulticastRequest{To: to, Messages: messages}, header)
	if err != nil {
		return err
	}
	if resp.status == http.StatusConflict || resp.ok() {
		return nil
	}
	return c.classify("multicast", resp)
}

// SendTyping shows LINE's loading animation in the user's chat (POST
// /v2/bot/chat/loading/start) while an operator types. It is called from the
// console's typing signal and must be cheap; errors are classified and may
// be ignored by the caller.
func (c *Connector) SendTyping(ctx context.Context, recipient switchboard.ExternalID) error {
	if recipient == "" {
		return connectors.Permanent("no recipient", nil)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.cfg.SendTimeout))
	defer cancel()
	resp, err := c.call(ctx, http.MethodPost, c.apiURL("/v2/bot/chat/loading/start"),
		&messaging_api.ShowLoadingAnimationRequest{ChatId: string(recipient), LoadingSeconds: typingSeconds}, nil)
	if err != nil {
		return err
	}
	if !resp.ok() {
		return c.classify("loading animation", resp)
	}
	return nil
}

// randomUUID returns a version 4 UUID.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
