// Package telegram is the Telegram Bot API channel: updates arrive by
// webhook (checked with the secret token registered by setWebhook, which
// the connector calls itself when it starts), messages go out with
// sendMessage, sendPhoto and friends, buttons as inline keyboards. It
// registers the channel type "telegram".
//
// Only private chats with the bot are support conversations: updates from
// groups and channels are skipped. The customer's id (Recipient, Sender)
// is the chat id, which in a private chat is the user's id.
package telegram

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Type is the registered channel type.
const Type = "telegram"

// maxTextLength is Telegram's limit for one message's text (after entity
// parsing); captions are limited to maxCaptionLength.
const (
	maxTextLength    = 4096
	maxCaptionLength = 1024
)

func init() {
	connectors.Register(connectors.Registration{
		Type: Type,
		New: func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
			return New(config, deps)
		},
		Secrets: []string{"bot_token", "secret_token"},
		Name:    "Telegram",
		Config:  Config{},
	})
}

// Connector is one configured Telegram bot. It is safe for concurrent use.
type Connector struct {
	cfg      Config
	deps     connectors.Deps
	client   *http.Client
	log      *slog.Logger
	now      func() time.Time
	payloads *payloadCache
	// backoff is the first wait of Run's setWebhook retries; tests shorten it.
	backoff time.Duration
}

// Interfaces the hub discovers by type assertion.
var (
	_ connectors.WebhookReceiver   = (*Connector)(nil)
	_ connectors.Runner            = (*Connector)(nil)
	_ connectors.CredentialChecker = (*Connector)(nil)
	_ connectors.TypingSender      = (*Connector)(nil)
	_ connectors.Retracter         = (*Connector)(nil)
	_ connectors.Simulator         = (*Connector)(nil)
)

// New builds a Telegram connector from its config. It validates the config
// and does no network I/O (setWebhook is called by Run).
func New(config json.RawMessage, deps connectors.Deps) (*Connector, error) {
	cfg, err := ParseConfig(config)
	if err != nil {
		return nil, err
	}
	deps = deps.WithDefaults()
	return &Connector{
		cfg: cfg, deps: deps, client: deps.HTTPClient, log: deps.Logger, now: deps.Now,
		payloads: newPayloadCache(4096), backoff: time.Second,
	}, nil
}

// Type returns "telegram". It does no I/O.
func (c *Connector) Type() string { return Type }

// Capabilities says what Telegram carries. It does no I/O.
func (c *Connector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{
		Text:          true,
		Markdown:      true,
		Media:         []switchboard.PartKind{switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile},
		Location:      true,
		Sticker:       true,
		Buttons:       true,
		Templates:     true,
		Retract:       true,
		Typing:        true,
		Reactions:     true,
		MaxTextLength: maxTextLength,
		// Telegram lets a bot send about 30 messages per second overall
		// (and about one per second to one chat).
		SendRate: 30,
		Extra: map[string]any{
			"max_callback_data_bytes": maxCallbackData,
			"max_caption_length":      maxCaptionLength,
		},
	}
}

// sendCtx bounds one Send or one operator action by the send timeout.
func (c *Connector) sendCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, time.Duration(c.cfg.SendTimeout))
}

// SendTyping shows "typing…" in the customer's chat (sendChatAction; it
// lasts about five seconds or until the next message). It is called when
// an operator types in the composer; it must not touch the store.
func (c *Connector) SendTyping(ctx context.Context, recipient switchboard.ExternalID) error {
	chat, err := parseChatID(string(recipient))
	if err != nil {
		return connectors.Permanent("Telegram typing: bad recipient", err)
	}
	ctx, cancel := c.sendCtx(ctx)
	defer cancel()
	return c.call(ctx, "sendChatAction", map[string]any{"chat_id": chat, "action": "typing"}, nil)
}

// Retract deletes a message the hub sent (deleteMessage for each message
// of the send; Telegram allows it for 48 hours). externalID is a
// SendResult.ExternalID ("<chat id>:<message id>[,<message id>…]"). A
// message already gone counts as retracted. It is called when an operator
// retracts; it must not touch the store.
func (c *Connector) Retract(ctx context.Context, channel switchboard.ChannelID, recipient, externalID switchboard.ExternalID) error {
	chat, ids, err := parseSentID(string(externalID))
	if err != nil {
		return connectors.Permanent("Telegram retract: not a message this channel sent", err)
	}
	ctx, cancel := c.sendCtx(ctx)
	defer cancel()
	for _, id := range ids {
		err := c.call(ctx, "deleteMessage", map[string]any{"chat_id": chat, "message_id": id}, nil)
		var apiErr *APIError
		if err != nil && asAPIError(err, &apiErr) && apiErr.Code == http.StatusBadRequest && containsFold(apiErr.Description, "message to delete not found") {
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// checkTimeout bounds CheckCredentials.
const checkTimeout = 10 * time.Second

// CheckCredentials asks Telegram who the bot is (getMe). It is called by
// `switchboard channels check` and when a channel is added through the
// API, never on the message path. A refused token is a PermanentError
// wrapping connectors.ErrCredentials. The secret token cannot be checked
// against Telegram: a wrong one shows as 401s on webhooks.
func (c *Connector) CheckCredentials(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	var me struct {
		ID       int64  `json:"id"`
		IsBot    bool   `json:"is_bot"`
		Username string `json:"username"`
	}
	if err := c.call(ctx, "getMe", struct{}{}, &me); err != nil {
		return err
	}
	if !me.IsBot {
		return connectors.Permanent("Telegram getMe: the token is not a bot's", connectors.ErrCredentials)
	}
	return nil
}
