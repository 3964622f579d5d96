package fake

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// methodError is a Bot API refusal.
type methodError struct {
	code        int
	description string
}

func badRequest(format string, args ...any) *methodError {
	return &methodError{400, "Bad Request: " + fmt.Sprintf(format, args...)}
}

type method func(s *Server, p map[string]any) (any, *methodError)

var methods = map[string]method{
	"getMe":               func(s *Server, _ map[string]any) (any, *methodError) { return s.Bot, nil },
	"setWebhook":          (*Server).setWebhook,
	"deleteWebhook":       func(*Server, map[string]any) (any, *methodError) { return true, nil },
	"sendMessage":         (*Server).sendMessage,
	"sendPhoto":           mediaMethod("photo"),
	"sendVideo":           mediaMethod("video"),
	"sendAudio":           mediaMethod("audio"),
	"sendDocument":        mediaMethod("document"),
	"sendSticker":         mediaMethod("sticker"),
	"sendLocation":        (*Server).sendLocation,
	"sendVenue":           (*Server).sendLocation,
	"sendChatAction":      (*Server).sendChatAction,
	"deleteMessage":       (*Server).deleteMessage,
	"answerCallbackQuery": (*Server).answerCallbackQuery,
	"getFile":             (*Server).getFile,
}

var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) setWebhook(p map[string]any) (any, *methodError) {
	url, _ := p["url"].(string)
	secret, _ := p["secret_token"].(string)
	if url == "" {
		return nil, badRequest("bad webhook: an HTTPS URL must be provided for webhook")
	}
	if _, ok := p["secret_token"]; ok && !secretPattern.MatchString(secret) {
		return nil, badRequest("bad webhook: secret token contains unallowed characters")
	}
	var allowed []string
	if raw, ok := p["allowed_updates"]; ok {
		list, ok := raw.([]any)
		if !ok {
			return nil, badRequest("can't parse allowed updates JSON object")
		}
		for _, v := range list {
			name, ok := v.(string)
			if !ok {
				return nil, badRequest("can't parse allowed updates JSON object")
			}
			allowed = append(allowed, name)
		}
	}
	s.mu.Lock()
	s.webhooks = append(s.webhooks, Webhook{URL: url, SecretToken: secret, AllowedUpdates: allowed})
	s.mu.Unlock()
	return true, nil
}

// chatID reads chat_id (a number, or a numeric string) and refuses
// blocked chats.
func (s *Server) chatID(p map[string]any) (int64, *methodError) {
	var id int64
	switch v := p["chat_id"].(type) {
	case float64:
		id = int64(v)
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, badRequest("chat not found")
		}
		id = n
	default:
		return 0, badRequest("chat_id is empty")
	}
	if id == 0 {
		return 0, badRequest("chat_id is empty")
	}
	s.mu.Lock()
	blocked := s.blocked[id]
	s.mu.Unlock()
	if blocked {
		return 0, &methodError{403, "Forbidden: bot was blocked by the user"}
	}
	return id, nil
}

// checkText parses a text or caption under its parse_mode and checks its
// visible length.
func checkText(field, text string, p map[string]any, limit int) *methodError {
	mode, _ := p["parse_mode"].(string)
	visible := text
	switch mode {
	case "":
	case "MarkdownV2":
		v, err := ParseMarkdownV2(text)
		if err != nil {
			return badRequest("%s", err.Error())
		}
		visible = v
	case "HTML", "Markdown":
	default:
		return badRequest("unsupported parse_mode")
	}
	if n := len(utf16.Encode([]rune(visible))); n > limit {
		if field == "caption" {
			return badRequest("message caption is too long")
		}
		return badRequest("message is too long")
	}
	if field == "text" && visible == "" {
		return badRequest("message text is empty")
	}
	return nil
}

// checkKeyboard checks reply_markup as an inline keyboard.
func checkKeyboard(p map[string]any) *methodError {
	raw, ok := p["reply_markup"]
	if !ok {
		return nil
	}
	b, _ := json.Marshal(raw)
	var kb models.InlineKeyboardMarkup
	if err := json.Unmarshal(b, &kb); err != nil || len(kb.InlineKeyboard) == 0 {
		return badRequest("can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays")
	}
	for _, row := range kb.InlineKeyboard {
		for _, btn := range row {
			if btn.Text == "" {
				return badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			if (btn.URL == "") == (btn.CallbackData == "") {
				return badRequest("can't parse inline keyboard button: exactly one of url and callback_data is required")
			}
			if btn.CallbackData != "" && len(btn.CallbackData) > 64 {
				return badRequest("BUTTON_DATA_INVALID")
			}
		}
	}
	return nil
}

// message records a sent message and returns it as the Bot API does.
func (s *Server) message(chat int64, fill func(*models.Message)) models.Message {
	s.mu.Lock()
	s.seq++
	id := s.seq
	s.sent[strconv.FormatInt(chat, 10)+":"+strconv.Itoa(id)] = true
	s.mu.Unlock()
	m := models.Message{ID: id, From: &s.Bot, Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate}, Date: now()}
	if fill != nil {
		fill(&m)
	}
	return m
}

func (s *Server) sendMessage(p map[string]any) (any, *methodError) {
	chat, err := s.chatID(p)
	if err != nil {
		return nil, err
	}
	text, _ := p["text"].(string)
	if err := checkText("text", text, p, 4096); err != nil {
		return nil, err
	}
	if err := checkKeyboard(p); err != nil {
		return nil, err
	}
	return s.message(chat, func(m *models.Message) { m.Text = text }), nil
}

// mediaMethod is sendPhoto, sendVideo, sendAudio, sendDocument or
// sendSticker: field is the file (an http(s) URL or a file_id).
func mediaMethod(field string) method {
	return func(s *Server, p map[string]any) (any, *methodError) {
		chat, err := s.chatID(p)
		if err != nil {
			return nil, err
		}
		file, _ := p[field].(string)
		if file == "" {
			return nil, badRequest("there is no %s in the request", field)
		}
		if caption, ok := p["caption"].(string); ok {
			if err := checkText("caption", caption, p, 1024); err != nil {
				return nil, err
			}
		}
		if err := checkKeyboard(p); err != nil {
			return nil, err
		}
		return s.message(chat, func(m *models.Message) { m.Caption, _ = p["caption"].(string) }), nil
	}
}

func (s *Server) sendLocation(p map[string]any) (any, *methodError) {
	chat, err := s.chatID(p)
	if err != nil {
		return nil, err
	}
	lat, ok1 := p["latitude"].(float64)
	lon, ok2 := p["longitude"].(float64)
	if !ok1 || !ok2 || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return nil, badRequest("wrong latitude or longitude")
	}
	if _, venue := p["title"]; venue {
		if t, _ := p["title"].(string); t == "" {
			return nil, badRequest("venue title is empty")
		}
		if a, _ := p["address"].(string); a == "" {
			return nil, badRequest("venue address is empty")
		}
	}
	return s.message(chat, func(m *models.Message) { m.Location = &models.Location{Latitude: lat, Longitude: lon} }), nil
}

var chatActions = map[string]bool{"typing": true, "upload_photo": true, "record_video": true, "upload_video": true, "record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true, "find_location": true}

func (s *Server) sendChatAction(p map[string]any) (any, *methodError) {
	if _, err := s.chatID(p); err != nil {
		return nil, err
	}
	if a, _ := p["action"].(string); !chatActions[a] {
		return nil, badRequest("wrong parameter action in request")
	}
	return true, nil
}

func (s *Server) deleteMessage(p map[string]any) (any, *methodError) {
	chat, err := s.chatID(p)
	if err != nil {
		return nil, err
	}
	id, ok := p["message_id"].(float64)
	if !ok || id <= 0 {
		return nil, badRequest("message identifier is not specified")
	}
	key := strconv.FormatInt(chat, 10) + ":" + strconv.Itoa(int(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.sent[key] {
		return nil, badRequest("message to delete not found")
	}
	delete(s.sent, key)
	return true, nil
}

func (s *Server) answerCallbackQuery(p map[string]any) (any, *methodError) {
	if id, _ := p["callback_query_id"].(string); id == "" {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	return true, nil
}

func (s *Server) getFile(p map[string]any) (any, *methodError) {
	id, _ := p["file_id"].(string)
	s.mu.Lock()
	f, ok := s.files[id]
	s.mu.Unlock()
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	return models.File{FileID: id, FileUniqueID: "u" + id, FileSize: int64(len(f.Body)), FilePath: f.Path}, nil
}

// Sent reports whether the message id of chat was sent and not deleted.
func (s *Server) Sent(chat int64, id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent[strconv.FormatInt(chat, 10)+":"+strconv.Itoa(id)]
}
