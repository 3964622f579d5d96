package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// parseMode is how every text and caption goes out.
const parseMode = string(models.ParseModeMarkdown) // "MarkdownV2"

// defaultButtonsText is the text of a keyboard that came with none and
// follows no text of its own message.
const defaultButtonsText = "Please choose:"

// apiCall is one Bot API request of a Send.
type apiCall struct {
	method string
	params map[string]any
}

// Send delivers one outgoing message as one or more Bot API calls, in
// order: texts (MarkdownV2, plain text escaped, markdown converted, split
// at 4,096 characters), media by URL (sendPhoto, sendVideo, sendAudio,
// sendDocument with the part's text as caption), locations (sendVenue or
// sendLocation), stickers, buttons and templates as inline keyboards. The
// result's ExternalID names the chat and every sent message, for Retract.
// Telegram has no idempotency key: a Send repeated after a crash sends
// again. It must not touch the store.
func (c *Connector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	chat, err := parseChatID(string(msg.Recipient))
	if err != nil {
		return connectors.SendResult{}, connectors.Permanent("Telegram: bad recipient", err)
	}
	calls, err := c.buildCalls(chat, msg.Parts)
	if err != nil {
		return connectors.SendResult{}, err
	}
	if len(calls) == 0 {
		return connectors.SendResult{}, connectors.Permanent("Telegram: nothing to send", nil)
	}
	ctx, cancel := c.sendCtx(ctx)
	defer cancel()
	var ids []int
	for _, call := range calls {
		var sent models.Message
		if err := c.call(ctx, call.method, call.params, &sent); err != nil {
			if len(ids) > 0 {
				c.log.Warn("Telegram send failed part way", "sent", len(ids), "of", len(calls), "err", err)
			}
			return connectors.SendResult{}, err
		}
		ids = append(ids, sent.ID)
	}
	return connectors.SendResult{ExternalID: switchboard.ExternalID(sentID(chat, ids)), Status: switchboard.StatusSent}, nil
}

// buildCalls turns parts into Bot API calls. It does no I/O.
func (c *Connector) buildCalls(chat int64, parts []switchboard.Part) ([]apiCall, error) {
	var calls []apiCall
	text := func(escaped string) {
		calls = append(calls, apiCall{"sendMessage", map[string]any{"chat_id": chat, "text": escaped, "parse_mode": parseMode}})
	}
	for i, p := range parts {
		switch p.Kind {
		case switchboard.PartText:
			for _, chunk := range splitText(p.Text, maxTextLength) {
				text(EscapeMarkdownV2(chunk))
			}
		case switchboard.PartMarkdown:
			for _, chunk := range splitText(p.Text, maxTextLength) {
				text(MarkdownToV2(chunk))
			}
		case switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile:
			mc, extra, err := mediaCall(chat, p)
			if err != nil {
				return nil, fmt.Errorf("part %d: %w", i, err)
			}
			calls = append(calls, mc)
			if extra != "" {
				text(EscapeMarkdownV2(extra))
			}
		case switchboard.PartLocation:
			if p.Location == nil {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: location part without a location", i), nil)
			}
			l := p.Location
			if l.Title != "" && l.Address != "" {
				calls = append(calls, apiCall{"sendVenue", map[string]any{"chat_id": chat, "latitude": l.Latitude, "longitude": l.Longitude, "title": l.Title, "address": l.Address}})
			} else {
				calls = append(calls, apiCall{"sendLocation", map[string]any{"chat_id": chat, "latitude": l.Latitude, "longitude": l.Longitude}})
			}
		case switchboard.PartSticker:
			if p.Sticker == nil || p.Sticker.StickerID == "" {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: sticker part without a sticker id", i), nil)
			}
			calls = append(calls, apiCall{"sendSticker", map[string]any{"chat_id": chat, "sticker": p.Sticker.StickerID}})
		case switchboard.PartButtons:
			if len(p.Buttons) == 0 {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: buttons part without buttons", i), nil)
			}
			kb := c.keyboard(p.Buttons)
			last := len(calls) - 1
			if strings.TrimSpace(p.Text) == "" && last >= 0 && calls[last].method == "sendMessage" && calls[last].params["reply_markup"] == nil {
				calls[last].params["reply_markup"] = kb
				continue
			}
			t := strings.TrimSpace(p.Text)
			if t == "" {
				t = defaultButtonsText
			}
			text(EscapeMarkdownV2(truncateText(t, maxTextLength)))
			calls[len(calls)-1].params["reply_markup"] = kb
		case switchboard.PartTemplate:
			call, err := templateCall(chat, p)
			if err != nil {
				return nil, fmt.Errorf("part %d: %w", i, err)
			}
			calls = append(calls, call)
		default:
			// Kinds Telegram has no native form for go out as their text
			// (the hub's Fallback has already turned forms, links and
			// surveys into text).
			if t := strings.TrimSpace(p.Text); t != "" && p.Kind != switchboard.PartReaction {
				for _, chunk := range splitText(t, maxTextLength) {
					text(EscapeMarkdownV2(chunk))
				}
			}
		}
	}
	return calls, nil
}

// mediaMethods maps media kinds to their Bot API method and file field.
var mediaMethods = map[switchboard.PartKind][2]string{
	switchboard.PartImage: {"sendPhoto", "photo"},
	switchboard.PartVideo: {"sendVideo", "video"},
	switchboard.PartAudio: {"sendAudio", "audio"},
	switchboard.PartFile:  {"sendDocument", "document"},
}

// mediaCall sends a medium by URL (Telegram fetches it) with the part's
// text as caption; a caption over 1,024 characters goes out after it as a
// text (extra).
func mediaCall(chat int64, p switchboard.Part) (apiCall, string, error) {
	if p.Attachment == nil || p.Attachment.URL == "" {
		return apiCall{}, "", connectors.Permanent(string(p.Kind)+" part without a URL Telegram can fetch", nil)
	}
	m := mediaMethods[p.Kind]
	params := map[string]any{"chat_id": chat, m[1]: p.Attachment.URL}
	caption, extra := strings.TrimSpace(p.Text), ""
	if units(caption) > maxCaptionLength {
		caption, extra = "", caption
	}
	if caption != "" {
		params["caption"] = EscapeMarkdownV2(caption)
		params["parse_mode"] = parseMode
	}
	if p.Kind == switchboard.PartAudio && p.Attachment.DurationMS > 0 {
		params["duration"] = p.Attachment.DurationMS / 1000
	}
	return apiCall{m[0], params}, extra, nil
}

// keyboard lays buttons out one per row: link buttons open their URL,
// others send their payload back as callback data (at most 64 bytes;
// longer payloads travel as a digest the connector maps back).
func (c *Connector) keyboard(buttons []switchboard.Button) models.InlineKeyboardMarkup {
	rows := make([][]models.InlineKeyboardButton, 0, len(buttons))
	for _, b := range buttons {
		label := truncateText(strings.TrimSpace(b.Label), 64)
		btn := models.InlineKeyboardButton{Text: label}
		switch {
		case b.URL != "":
			btn.URL = b.URL
		case b.Payload != "":
			btn.CallbackData = c.callbackData(b.Payload)
		default:
			btn.CallbackData = c.callbackData(label)
		}
		if btn.Text == "" {
			btn.Text = "…"
		}
		rows = append(rows, []models.InlineKeyboardButton{btn})
	}
	return models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// templateCall sends a rich template. Template.Raw, when set, is a
// sendMessage parameters object (text in MarkdownV2 as the template's
// author wrote it, reply_markup with an inline keyboard…) sent as is with
// the chat id set; otherwise the part's text goes out as a plain text.
func templateCall(chat int64, p switchboard.Part) (apiCall, error) {
	if p.Template == nil {
		return apiCall{}, connectors.Permanent("template part without a template", nil)
	}
	if len(p.Template.Raw) == 0 {
		t := strings.TrimSpace(p.Text)
		if t == "" {
			t = p.Template.Name
		}
		if t == "" {
			return apiCall{}, connectors.Permanent("template part without text or raw body", nil)
		}
		return apiCall{"sendMessage", map[string]any{"chat_id": chat, "text": EscapeMarkdownV2(truncateText(t, maxTextLength)), "parse_mode": parseMode}}, nil
	}
	var params map[string]any
	dec := json.NewDecoder(bytes.NewReader(p.Template.Raw))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil || params == nil {
		return apiCall{}, connectors.Permanent("template "+p.Template.Name+": raw body is not a JSON object of sendMessage parameters", err)
	}
	if s, _ := params["text"].(string); strings.TrimSpace(s) == "" {
		return apiCall{}, connectors.Permanent("template "+p.Template.Name+": raw body has no text", errors.New("text is required"))
	}
	params["chat_id"] = chat
	if _, ok := params["parse_mode"]; !ok {
		params["parse_mode"] = parseMode
	}
	return apiCall{"sendMessage", params}, nil
}

// units is the length of s as Telegram counts it (UTF-16 code units).
func units(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if w := utf16.RuneLen(r); w > 0 {
		return w
	}
	return 1
}

// splitText cuts s into pieces of at most n UTF-16 units (Telegram's
// characters), preferring to cut after a newline or a space in the last
// fifth of a piece.
func splitText(s string, n int) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for units(s) > n {
		cut, used, soft := 0, 0, 0
		for cut < len(s) {
			r, size := utf8.DecodeRuneInString(s[cut:])
			w := runeUnits(r)
			if used+w > n {
				break
			}
			used += w
			cut += size
			if (r == '\n' || r == ' ') && used > n*4/5 {
				soft = cut
			}
		}
		if soft > 0 {
			cut = soft
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// truncateText keeps at most n UTF-16 units of s.
func truncateText(s string, n int) string {
	if parts := splitText(s, n); len(parts) > 1 {
		return parts[0]
	}
	return s
}
