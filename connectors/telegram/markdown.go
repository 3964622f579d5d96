package telegram

import (
	"strings"
	"unicode/utf8"
)

// reserved are the characters MarkdownV2 reserves outside entities; each
// must be preceded by a backslash to be shown as is (and so must the
// backslash itself).
const reserved = "_*[]()~`>#+-=|{}.!\\"

// EscapeMarkdownV2 escapes text for parse_mode MarkdownV2: every reserved
// character, and the backslash, gets a backslash before it, so Telegram
// shows exactly text.
func EscapeMarkdownV2(text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	for _, r := range text {
		if r < 128 && strings.ContainsRune(reserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeCode escapes the inside of `code` and ```pre``` entities, where
// only ` and \ are special.
func escapeCode(text string) string {
	return strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(text)
}

// escapeLinkURL escapes the (url) of an inline link, where only ) and \
// are special.
func escapeLinkURL(u string) string {
	return strings.NewReplacer(`\`, `\\`, ")", `\)`).Replace(u)
}

// MarkdownToV2 converts the hub's markdown (CommonMark's common subset:
// **bold** or __bold__, *italic* or _italic_, ~~strike~~, `code`, fenced
// ``` blocks, [text](url)) to Telegram MarkdownV2. Everything else,
// including unmatched markers, is escaped so it shows as written.
func MarkdownToV2(md string) string {
	var cv mdConverter
	cv.convert(md, 0)
	return cv.b.String()
}

type mdConverter struct{ b strings.Builder }

// maxDepth bounds nesting of emphasis (inner text is converted again).
const maxDepth = 4

// delimiters in the order they are tried at a position; what each becomes.
var delimiters = []struct{ md, v2 string }{
	{"**", "*"}, {"__", "*"}, {"~~", "~"}, {"*", "_"}, {"_", "_"},
}

func (cv *mdConverter) convert(s string, depth int) {
	for i := 0; i < len(s); {
		rest := s[i:]
		switch {
		case rest[0] == '\\' && len(rest) > 1 && strings.ContainsRune(reserved, rune(rest[1])):
			// A markdown escape: the character as is.
			cv.b.WriteString(EscapeMarkdownV2(rest[1:2]))
			i += 2
			continue
		case strings.HasPrefix(rest, "```"):
			if end := strings.Index(rest[3:], "```"); end >= 0 {
				body := rest[3 : 3+end]
				lang := ""
				if nl := strings.IndexByte(body, '\n'); nl >= 0 && isLang(body[:nl]) {
					lang, body = body[:nl], body[nl+1:]
				}
				cv.b.WriteString("```" + lang + "\n" + escapeCode(strings.TrimSuffix(body, "\n")) + "\n```")
				i += 6 + end
				continue
			}
		case rest[0] == '`':
			if end := strings.IndexByte(rest[1:], '`'); end > 0 {
				cv.b.WriteString("`" + escapeCode(rest[1:1+end]) + "`")
				i += 2 + end
				continue
			}
		case rest[0] == '[':
			if text, url, n, ok := link(rest); ok {
				cv.b.WriteString("[")
				cv.convertInner(text, depth)
				cv.b.WriteString("](" + escapeLinkURL(url) + ")")
				i += n
				continue
			}
		}
		if depth < maxDepth {
			if n, ok := cv.emphasis(rest, depth); ok {
				i += n
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(rest)
		cv.b.WriteString(EscapeMarkdownV2(rest[:size]))
		i += size
	}
}

// emphasis converts a delimited run at the start of s; n is how much of s
// it consumed.
func (cv *mdConverter) emphasis(s string, depth int) (int, bool) {
	for _, d := range delimiters {
		if !strings.HasPrefix(s, d.md) {
			continue
		}
		rest := s[len(d.md):]
		end := closing(rest, d.md)
		if end <= 0 || strings.TrimSpace(rest[:end]) != rest[:end] {
			continue
		}
		var inner mdConverter
		inner.convert(s[len(d.md):len(d.md)+end], depth+1)
		body := inner.b.String()
		open, close := d.v2, d.v2
		if d.v2 == "_" {
			// Two underscores in a row read as underline (__): a \r,
			// which Telegram ignores there, separates an italic marker
			// from a neighbouring one, as the Bot API documentation advises.
			if endsWithMarker(cv.b.String()) {
				open = "\r_"
			}
			if strings.HasPrefix(body, "_") {
				open += "\r"
			}
			if endsWithMarker(body) {
				close = "\r_"
			}
		}
		cv.b.WriteString(open + body + close)
		return len(d.md)*2 + end, true
	}
	return 0, false
}

// endsWithMarker reports whether s ends with an unescaped _.
func endsWithMarker(s string) bool {
	if !strings.HasSuffix(s, "_") {
		return false
	}
	n := 0
	for i := len(s) - 2; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 0
}

// convertInner converts text inside an entity one level deeper.
func (cv *mdConverter) convertInner(s string, depth int) {
	var inner mdConverter
	inner.convert(s, depth+1)
	out := inner.b.String()
	cv.b.WriteString(out)
}

// closing finds the closing delimiter d in s (not escaped, not part of a
// longer run of the same character for single delimiters); -1 if none.
func closing(s, d string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if !strings.HasPrefix(s[i:], d) {
			continue
		}
		if len(d) == 1 && i+1 < len(s) && s[i+1] == d[0] {
			i++ // a double delimiter inside: skip the pair
			continue
		}
		return i
	}
	return -1
}

// link reads [text](url) at the start of s.
func link(s string) (text, url string, n int, ok bool) {
	closeText := strings.Index(s, "](")
	if closeText <= 1 || strings.ContainsAny(s[1:closeText], "[]\n") {
		return "", "", 0, false
	}
	end := strings.IndexByte(s[closeText+2:], ')')
	if end <= 0 {
		return "", "", 0, false
	}
	url = s[closeText+2 : closeText+2+end]
	if strings.ContainsAny(url, " \n") || !(strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "tg://") || strings.HasPrefix(url, "mailto:")) {
		return "", "", 0, false
	}
	return s[1:closeText], url, closeText + 3 + end, true
}

func isLang(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '#') {
			return false
		}
	}
	return true
}
