package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
)

// SecretHeader carries the secret token in webhook calls.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

var nextUpdate atomic.Int64

func init() { nextUpdate.Store(100000) }

// NextUpdateID returns a fresh update_id.
func NextUpdateID() int64 { return nextUpdate.Add(1) }

// Body is an update as Telegram posts it.
func Body(u *models.Update) []byte {
	b, err := json.Marshal(u)
	if err != nil {
		panic(err)
	}
	return b
}

// WebhookRequest is Telegram's webhook call: the update as JSON, with the
// secret token header (none when secret is empty).
func WebhookRequest(url, secret string, body []byte) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	return req
}

// Deliver posts u to the webhook last registered with setWebhook, as
// Telegram does, and returns the status the hub answered.
func (s *Server) Deliver(ctx context.Context, u *models.Update) (int, error) {
	hooks := s.Webhooks()
	if len(hooks) == 0 {
		return 0, errors.New("fake: no webhook registered (setWebhook was not called)")
	}
	h := hooks[len(hooks)-1]
	req := WebhookRequest(h.URL, h.SecretToken, Body(u)).WithContext(ctx)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// User is a Telegram user for updates.
func User(id int64, first, last, lang string) models.User {
	return models.User{ID: id, FirstName: first, LastName: last, LanguageCode: lang}
}

// PrivateMessage is an update carrying a message from user in the private
// chat with the bot; fill sets its content (Text, Photo, …).
func PrivateMessage(updateID int64, user models.User, messageID int, at time.Time, fill func(*models.Message)) *models.Update {
	m := &models.Message{ID: messageID, From: &user, Chat: models.Chat{ID: user.ID, Type: models.ChatTypePrivate, FirstName: user.FirstName, LastName: user.LastName}, Date: int(at.Unix())}
	if fill != nil {
		fill(m)
	}
	return &models.Update{ID: updateID, Message: m}
}

// CallbackQuery is an update for user pressing the button with data under
// the bot's message messageID in their private chat.
func CallbackQuery(updateID int64, user models.User, queryID string, messageID int, at time.Time, data string, keyboard *models.InlineKeyboardMarkup) *models.Update {
	msg := &models.Message{ID: messageID, Chat: models.Chat{ID: user.ID, Type: models.ChatTypePrivate}, Date: int(at.Unix()), Text: "…", ReplyMarkup: keyboard}
	return &models.Update{ID: updateID, CallbackQuery: &models.CallbackQuery{
		ID: queryID, From: user, ChatInstance: "ci1", Data: data,
		Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: msg},
	}}
}

// Reaction is an update for user setting emoji (none: removing) on
// message messageID of their private chat.
func Reaction(updateID int64, user models.User, messageID int, at time.Time, emoji string) *models.Update {
	r := &models.MessageReactionUpdated{Chat: models.Chat{ID: user.ID, Type: models.ChatTypePrivate}, MessageID: messageID, User: &user, Date: int(at.Unix()),
		OldReaction: []models.ReactionType{}, NewReaction: []models.ReactionType{}}
	if emoji != "" {
		r.NewReaction = append(r.NewReaction, models.ReactionType{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Emoji: emoji}})
	}
	return &models.Update{ID: updateID, MessageReaction: r}
}
