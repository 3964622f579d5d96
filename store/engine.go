package store

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
)

// Helpers both engines use, so they agree on cursors, limits and previews.

// Preview is a conversation's last-message line: the text (cut at 280
// characters), or the kind of the first part for messages without text.
func Preview(text string, parts []switchboard.Part) string {
	if text == "" {
		if len(parts) == 0 {
			return ""
		}
		return "[" + string(parts[0].Kind) + "]"
	}
	const maxRunes = 280
	n := 0
	for i := range text {
		if n == maxRunes {
			return text[:i] + "…"
		}
		n++
	}
	return text
}

// EncodeMessageCursor makes the keyset cursor after message sequence seq.
func EncodeMessageCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("m1|" + strconv.FormatInt(seq, 10)))
}

// DecodeMessageCursor reads a cursor EncodeMessageCursor made; anything
// else is ErrBadCursor.
func DecodeMessageCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, ErrBadCursor
	}
	rest, ok := strings.CutPrefix(string(b), "m1|")
	if !ok {
		return 0, ErrBadCursor
	}
	seq, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || seq < 0 {
		return 0, ErrBadCursor
	}
	return seq, nil
}

// ClampLimit turns a requested page size into one in lo..hi, def for 0.
func ClampLimit(v, def, lo, hi int) int {
	if v == 0 {
		return def
	}
	return min(max(v, lo), hi)
}

// NewConversation is the snapshot of the conversation an accepted message
// opens (AcceptResult.Conversation): what the engine inserts, with times
// at the storage's microsecond precision, so it matches a later read.
func NewConversation(it *AcceptItem, id switchboard.ConversationID, contact switchboard.ContactID, preview string, at time.Time) *switchboard.Conversation {
	t := at.UTC().Truncate(time.Microsecond)
	c := &switchboard.Conversation{
		ID: id, WorkspaceID: it.WorkspaceID, ChannelID: it.Inbound.ChannelID, ChannelType: it.ChannelType,
		ContactID: contact, DepartmentID: it.DepartmentID, Status: switchboard.ConversationOpen, UnreadCount: 1, Unread: true,
		LastMessage: preview, LastActivityAt: t, CreatedAt: t, CustomerLastAt: &t,
	}
	if it.Inbound.Kind == switchboard.InboundEcho {
		c.UnreadCount, c.Unread, c.CustomerLastAt = 0, false, nil
	}
	return c
}

// MediaIDs returns the hub media ids the parts name, each once.
func MediaIDs(parts []switchboard.Part) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range parts {
		if p.Attachment != nil && p.Attachment.MediaID != "" && !seen[p.Attachment.MediaID] {
			seen[p.Attachment.MediaID] = true
			out = append(out, p.Attachment.MediaID)
		}
	}
	return out
}
