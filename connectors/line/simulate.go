package line

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/switchboardhq/switchboard"
)

// SimulateText builds the webhook request LINE would send when user from
// writes text: one message event with a fresh webhookEventId, message id and
// reply token (the token is unknown to LINE, so a reply falls back to push),
// signed with the channel secret. It is called by `switchboard simulate`; it
// does no network I/O — the caller sends the request.
func (c *Connector) SimulateText(ctx context.Context, webhookURL string, from switchboard.ExternalID, text string) (*http.Request, error) {
	if from == "" {
		return nil, fmt.Errorf("simulate: no sender user id")
	}
	now := c.now()
	ev := &webhook.MessageEvent{
		Source:          &webhook.UserSource{UserId: string(from)},
		Timestamp:       now.UnixMilli(),
		Mode:            webhook.EventMode_ACTIVE,
		WebhookEventId:  strings.ToUpper(switchboard.NewID("sim")),
		DeliveryContext: &webhook.DeliveryContext{},
		ReplyToken:      randomHex(16),
		Message:         &webhook.TextMessageContent{Id: fmt.Sprintf("%d", now.UnixNano()), Text: text, QuoteToken: randomHex(16)},
	}
	body, err := json.Marshal(&webhook.CallbackRequest{Destination: "U" + strings.Repeat("0", 32), Events: []webhook.EventInterface{ev}})
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	mac := hmac.New(sha256.New, []byte(c.cfg.ChannelSecret))
	mac.Write(body)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(SignatureHeader, base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return req, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
