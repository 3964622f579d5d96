package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/switchboardhq/switchboard"
)

// SimulateText builds the webhook request Telegram would send when the
// user with chat id from writes text in a private chat with the bot: one
// update with a fresh update_id and message id, carrying the secret token.
// It is called by `switchboard simulate`; it does no network I/O — the
// caller sends the request. from defaults to a made-up user.
func (c *Connector) SimulateText(ctx context.Context, webhookURL string, from switchboard.ExternalID, text string) (*http.Request, error) {
	if from == "" {
		from = "100000001"
	}
	user, err := parseChatID(string(from))
	if err != nil {
		return nil, fmt.Errorf("simulate: --from must be a Telegram chat id: %w", err)
	}
	now := c.now()
	id := now.UnixNano() / 1000 % (1 << 31)
	upd := models.Update{ID: now.UnixNano() / 1000, Message: &models.Message{
		ID:   int(id),
		From: &models.User{ID: user, FirstName: "Simulated", LastName: "User " + strconv.FormatInt(user, 10), LanguageCode: "en"},
		Chat: models.Chat{ID: user, Type: models.ChatTypePrivate, FirstName: "Simulated"},
		Date: int(now.Unix()),
		Text: text,
	}}
	body, err := json.Marshal(upd)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SecretHeader, c.cfg.SecretToken)
	return req, nil
}
