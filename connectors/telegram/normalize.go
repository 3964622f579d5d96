package telegram

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/switchboardhq/switchboard"
)

// AllowedUpdates are the update types the hub asks for in setWebhook.
// Edited messages are not asked for (and ignored if they come): the hub
// keeps what the customer first wrote.
var AllowedUpdates = []string{models.AllowedUpdateMessage, models.AllowedUpdateCallbackQuery, models.AllowedUpdateMessageReaction}

// answerTimeout bounds answerCallbackQuery.
const answerTimeout = 3 * time.Second

// normalize turns an update into hub events (none for updates the hub does
// not handle: groups, channels, edits, service messages). External ids:
// messages are "<chat id>:<message id>", callback queries and reactions
// "u<update_id>", so a redelivered update is a no-op. An error means a
// transient failure (media could not be fetched or kept): the update
// should be delivered again.
func (c *Connector) normalize(ctx context.Context, upd *models.Update) ([]switchboard.Inbound, error) {
	switch {
	case upd.Message != nil:
		in, ok, err := c.normalizeMessage(ctx, upd.Message)
		if err != nil || !ok {
			return nil, err
		}
		return []switchboard.Inbound{in}, nil
	case upd.CallbackQuery != nil:
		in, ok := c.normalizeCallback(ctx, upd.ID, upd.CallbackQuery)
		if !ok {
			return nil, nil
		}
		return []switchboard.Inbound{in}, nil
	case upd.MessageReaction != nil:
		in, ok := c.normalizeReaction(upd.ID, upd.MessageReaction)
		if !ok {
			return nil, nil
		}
		return []switchboard.Inbound{in}, nil
	case upd.EditedMessage != nil:
		c.log.Debug("Telegram edited message ignored", "update_id", upd.ID)
	default:
		c.log.Debug("Telegram update ignored: not handled", "update_id", upd.ID)
	}
	return nil, nil
}

func (c *Connector) normalizeMessage(ctx context.Context, m *models.Message) (switchboard.Inbound, bool, error) {
	if m.Chat.Type != models.ChatTypePrivate || m.Chat.ID == 0 || m.ID <= 0 || m.From == nil || m.From.IsBot {
		c.log.Debug("Telegram message ignored: not from a private chat with a user", "chat_type", m.Chat.Type)
		return switchboard.Inbound{}, false, nil
	}
	parts, err := c.messageParts(ctx, m)
	if err != nil || len(parts) == 0 {
		return switchboard.Inbound{}, false, err
	}
	return switchboard.Inbound{
		Kind:       switchboard.InboundMessage,
		ChannelID:  c.deps.ChannelID,
		ExternalID: switchboard.ExternalID(messageID(m.Chat.ID, m.ID)),
		Sender:     chatSender(m.Chat.ID),
		Profile:    profileOf(m.From),
		Parts:      parts,
		At:         c.eventTime(int64(m.Date)),
	}, true, nil
}

// messageParts is what a message carries: text, one medium with its
// caption, a location or venue, a contact, a sticker. Nothing for service
// messages (joins, pins) and kinds the hub does not keep.
func (c *Connector) messageParts(ctx context.Context, m *models.Message) ([]switchboard.Part, error) {
	caption := strings.TrimSpace(m.Caption)
	withCaption := func(p switchboard.Part) []switchboard.Part {
		if p.Kind == switchboard.PartText {
			// A placeholder for a file Telegram no longer serves.
			if caption != "" {
				p.Text += "\n" + caption
			}
			return []switchboard.Part{p}
		}
		p.Text = caption
		return []switchboard.Part{p}
	}
	switch {
	case m.Text != "":
		return switchboard.TextParts(m.Text), nil
	case len(m.Photo) > 0:
		best := m.Photo[0]
		for _, ph := range m.Photo[1:] {
			if ph.Width*ph.Height > best.Width*best.Height || (ph.Width*ph.Height == best.Width*best.Height && ph.FileSize > best.FileSize) {
				best = ph
			}
		}
		p, err := c.mediaPart(ctx, switchboard.PartImage, best.FileID, media{contentType: "image/jpeg"})
		return withCaption(p), err
	case m.Document != nil:
		p, err := c.mediaPart(ctx, switchboard.PartFile, m.Document.FileID, media{contentType: m.Document.MimeType, filename: m.Document.FileName})
		return withCaption(p), err
	case m.Voice != nil:
		p, err := c.mediaPart(ctx, switchboard.PartAudio, m.Voice.FileID, media{contentType: orDefault(m.Voice.MimeType, "audio/ogg"), durationS: m.Voice.Duration})
		return withCaption(p), err
	case m.Audio != nil:
		p, err := c.mediaPart(ctx, switchboard.PartAudio, m.Audio.FileID, media{contentType: m.Audio.MimeType, filename: m.Audio.FileName, durationS: m.Audio.Duration})
		return withCaption(p), err
	case m.Video != nil:
		p, err := c.mediaPart(ctx, switchboard.PartVideo, m.Video.FileID, media{contentType: orDefault(m.Video.MimeType, "video/mp4"), filename: m.Video.FileName, durationS: m.Video.Duration})
		return withCaption(p), err
	case m.Venue != nil:
		return []switchboard.Part{{Kind: switchboard.PartLocation, Location: &switchboard.Location{
			Title: m.Venue.Title, Address: m.Venue.Address, Latitude: m.Venue.Location.Latitude, Longitude: m.Venue.Location.Longitude,
		}}}, nil
	case m.Location != nil:
		return []switchboard.Part{{Kind: switchboard.PartLocation, Location: &switchboard.Location{
			Latitude: m.Location.Latitude, Longitude: m.Location.Longitude,
		}}}, nil
	case m.Contact != nil:
		if text := contactText(m.Contact); text != "" {
			return switchboard.TextParts(text), nil
		}
	case m.Sticker != nil && m.Sticker.FileID != "":
		return []switchboard.Part{{Kind: switchboard.PartSticker, Text: m.Sticker.Emoji, Sticker: &switchboard.Sticker{
			PackageID: m.Sticker.SetName, StickerID: m.Sticker.FileID,
		}}}, nil
	}
	c.log.Debug("Telegram message ignored: nothing the hub keeps", "message_id", m.ID)
	return nil, nil
}

// contactText is a shared contact as the text operators read: the name,
// the phone number and the Telegram user id when the contact has one.
func contactText(ct *models.Contact) string {
	name := strings.TrimSpace(ct.FirstName + " " + ct.LastName)
	var b strings.Builder
	b.WriteString("Contact: ")
	b.WriteString(strings.TrimSpace(name + " " + ct.PhoneNumber))
	if ct.UserID != 0 {
		b.WriteString(" (Telegram user " + strconv.FormatInt(ct.UserID, 10) + ")")
	}
	if strings.TrimSpace(name+ct.PhoneNumber) == "" {
		return ""
	}
	return b.String()
}

// normalizeCallback turns a button press into a message whose text is the
// button's payload (as LINE's postbacks are), and stops the button's
// spinner with answerCallbackQuery. A press on a message in a group, or
// with no data, is skipped.
func (c *Connector) normalizeCallback(ctx context.Context, updateID int64, q *models.CallbackQuery) (switchboard.Inbound, bool) {
	if q.From.ID == 0 || q.From.IsBot {
		return switchboard.Inbound{}, false
	}
	var chat int64
	var keyboard *models.InlineKeyboardMarkup
	switch {
	case q.Message.Message != nil:
		chat, keyboard = q.Message.Message.Chat.ID, q.Message.Message.ReplyMarkup
		if q.Message.Message.Chat.Type != models.ChatTypePrivate {
			c.log.Debug("Telegram callback ignored: not in a private chat")
			return switchboard.Inbound{}, false
		}
	case q.Message.InaccessibleMessage != nil:
		chat = q.Message.InaccessibleMessage.Chat.ID
	default:
		// A button of an inline-mode message: not a support chat.
		return switchboard.Inbound{}, false
	}
	if chat != q.From.ID {
		return switchboard.Inbound{}, false
	}
	c.answerCallback(ctx, q.ID)
	text, ok := c.payloadFor(q.Data)
	if !ok {
		text = buttonLabel(keyboard, q.Data)
	}
	if strings.TrimSpace(text) == "" {
		c.log.Warn("Telegram callback ignored: no data", "update_id", updateID)
		return switchboard.Inbound{}, false
	}
	return switchboard.Inbound{
		Kind:       switchboard.InboundMessage,
		ChannelID:  c.deps.ChannelID,
		ExternalID: switchboard.ExternalID("u" + strconv.FormatInt(updateID, 10)),
		Sender:     chatSender(chat),
		Profile:    profileOf(&q.From),
		Parts:      switchboard.TextParts(text),
		// A callback query carries no time of its own: it is now.
		At: c.now().UTC(),
	}, true
}

// buttonLabel finds the label of the button with callback data in the
// pressed message's keyboard.
func buttonLabel(kb *models.InlineKeyboardMarkup, data string) string {
	if kb == nil {
		return ""
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData == data {
				return b.Text
			}
		}
	}
	return ""
}

// answerCallback tells Telegram the press was received (the button stops
// spinning). Failures are logged: the press is stored regardless.
func (c *Connector) answerCallback(ctx context.Context, id string) {
	if id == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if err := c.call(ctx, "answerCallbackQuery", map[string]any{"callback_query_id": id}, nil); err != nil {
		c.log.Warn("Telegram answerCallbackQuery failed", "err", err)
	}
}

// normalizeReaction turns a user's reaction change in a private chat into
// a reaction part: the first emoji of the new reactions, or an empty one
// when the user removed the reaction. Custom-emoji and paid reactions
// count as removals of what the hub can show.
func (c *Connector) normalizeReaction(updateID int64, r *models.MessageReactionUpdated) (switchboard.Inbound, bool) {
	if r.User == nil || r.User.IsBot || r.Chat.Type != models.ChatTypePrivate || r.Chat.ID == 0 || r.MessageID <= 0 {
		return switchboard.Inbound{}, false
	}
	emoji := ""
	for _, rt := range r.NewReaction {
		if rt.Type == models.ReactionTypeTypeEmoji && rt.ReactionTypeEmoji != nil && rt.ReactionTypeEmoji.Emoji != "" {
			emoji = rt.ReactionTypeEmoji.Emoji
			break
		}
	}
	return switchboard.Inbound{
		Kind:       switchboard.InboundMessage,
		ChannelID:  c.deps.ChannelID,
		ExternalID: switchboard.ExternalID("u" + strconv.FormatInt(updateID, 10)),
		Sender:     chatSender(r.Chat.ID),
		Profile:    profileOf(r.User),
		Parts: []switchboard.Part{{Kind: switchboard.PartReaction, Text: emoji, Reaction: &switchboard.Reaction{
			Emoji: emoji, To: switchboard.ExternalID(messageID(r.Chat.ID, r.MessageID)),
		}}},
		At: c.eventTime(int64(r.Date)),
	}, true
}

func chatSender(chat int64) switchboard.ExternalID {
	return switchboard.ExternalID(strconv.FormatInt(chat, 10))
}

// profileOf is what Telegram tells about a user: the name and the app's
// language.
func profileOf(u *models.User) switchboard.Profile {
	if u == nil {
		return switchboard.Profile{}
	}
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" && u.Username != "" {
		name = "@" + u.Username
	}
	return switchboard.Profile{Name: name, Language: u.LanguageCode}
}

// eventTime converts Telegram's Unix seconds, falling back to the clock
// for missing or implausible values.
func (c *Connector) eventTime(secs int64) time.Time {
	now := c.now().UTC()
	if secs <= 0 {
		return now
	}
	t := time.Unix(secs, 0).UTC()
	if t.Year() < 2000 || t.After(now.Add(24*time.Hour)) {
		return now
	}
	return t
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
