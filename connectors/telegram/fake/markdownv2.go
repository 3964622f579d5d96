package fake

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// reservedV2 are the characters MarkdownV2 reserves outside entities.
const reservedV2 = "_*[]()~`>#+-=|{}.!"

// ParseMarkdownV2 parses text as Telegram does for parse_mode MarkdownV2
// and returns the text the user sees, or the Bot API's error description
// ("can't parse entities: ..."). It knows bold *, italic _, underline __,
// strikethrough ~, spoiler ||, inline code `, pre ```, inline links
// [text](url), custom emoji ![x](tg://emoji?id=…) and > block quotes.
func ParseMarkdownV2(s string) (string, error) {
	p := &v2parser{s: s}
	return p.parse()
}

type v2parser struct {
	s     string
	i     int
	out   strings.Builder
	stack []string // open entities, innermost last
}

func (p *v2parser) errorf(format string, args ...any) error {
	return fmt.Errorf("can't parse entities: "+format, args...)
}

func (p *v2parser) toggle(entity string) error {
	for k := len(p.stack) - 1; k >= 0; k-- {
		if p.stack[k] != entity {
			continue
		}
		if k != len(p.stack)-1 {
			return p.errorf("entity %s closed before %s at byte offset %d", entity, p.stack[len(p.stack)-1], p.i)
		}
		p.stack = p.stack[:k]
		return nil
	}
	p.stack = append(p.stack, entity)
	return nil
}

func (p *v2parser) inLink() bool {
	for _, e := range p.stack {
		if e == "link" {
			return true
		}
	}
	return false
}

func (p *v2parser) parse() (string, error) {
	lineStart := true
	underscore := false // the previous byte was a _ marker
	for p.i < len(p.s) {
		c := p.s[p.i]
		atLineStart := lineStart
		lineStart = c == '\n'
		afterUnderscore := underscore
		underscore = c == '_'
		switch {
		case c == '\r' && afterUnderscore && strings.HasPrefix(p.s[p.i+1:], "_"):
			// Separates two _ markers (italic next to italic or underline);
			// Telegram ignores it.
		case c == '\\':
			if p.i+1 >= len(p.s) || p.s[p.i+1] == 0 || p.s[p.i+1] > 126 {
				return "", p.errorf("character '\\' at byte offset %d escapes nothing", p.i)
			}
			p.out.WriteByte(p.s[p.i+1])
			p.i += 2
			continue
		case c == '`':
			if err := p.code(); err != nil {
				return "", err
			}
			continue
		case c == '*':
			if err := p.toggle("bold"); err != nil {
				return "", err
			}
		case c == '_':
			if strings.HasPrefix(p.s[p.i:], "__") {
				if err := p.toggle("underline"); err != nil {
					return "", err
				}
				p.i++
				underscore = true
			} else if err := p.toggle("italic"); err != nil {
				return "", err
			}
		case c == '~':
			if err := p.toggle("strikethrough"); err != nil {
				return "", err
			}
		case c == '|' && strings.HasPrefix(p.s[p.i:], "||"):
			if err := p.toggle("spoiler"); err != nil {
				return "", err
			}
			p.i++
		case c == '[' && !p.inLink():
			p.stack = append(p.stack, "link")
		case c == '!' && strings.HasPrefix(p.s[p.i:], "![") && !p.inLink():
			p.stack = append(p.stack, "link")
			p.i++
		case c == ']' && len(p.stack) > 0 && p.stack[len(p.stack)-1] == "link":
			p.stack = p.stack[:len(p.stack)-1]
			if err := p.linkURL(); err != nil {
				return "", err
			}
			continue
		case c == '>' && atLineStart:
			// A block quote line (or ** > expandable): the marker is not shown.
		case strings.IndexByte(reservedV2, c) >= 0:
			return "", p.errorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
		default:
			_, size := utf8.DecodeRuneInString(p.s[p.i:])
			p.out.WriteString(p.s[p.i : p.i+size])
			p.i += size
			continue
		}
		p.i++
	}
	if len(p.stack) > 0 {
		return "", p.errorf("can't find end of %s entity", p.stack[len(p.stack)-1])
	}
	return p.out.String(), nil
}

// code reads `code` or ```pre``` starting at p.i; inside, only ` and \
// are special (and must be escaped).
func (p *v2parser) code() error {
	fence := "`"
	if strings.HasPrefix(p.s[p.i:], "```") {
		fence = "```"
	}
	start := p.i
	p.i += len(fence)
	if fence == "```" {
		// The language, up to the first newline, is not shown.
		if nl := strings.IndexByte(p.s[p.i:], '\n'); nl >= 0 && !strings.ContainsAny(p.s[p.i:p.i+nl], "` ") {
			p.i += nl + 1
		}
	}
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '\\':
			if p.i+1 >= len(p.s) || (p.s[p.i+1] != '`' && p.s[p.i+1] != '\\') {
				return p.errorf("character '\\' in code at byte offset %d must escape ` or \\", p.i)
			}
			p.out.WriteByte(p.s[p.i+1])
			p.i += 2
		case strings.HasPrefix(p.s[p.i:], fence):
			p.i += len(fence)
			return nil
		case c == '`':
			return p.errorf("character '`' in code at byte offset %d must be escaped", p.i)
		default:
			p.out.WriteByte(c)
			p.i++
		}
	}
	return p.errorf("can't find end of code entity at byte offset %d", start)
}

// linkURL reads the (url) after a link's text; inside, ) and \ must be
// escaped.
func (p *v2parser) linkURL() error {
	p.i++ // the ]
	if p.i >= len(p.s) || p.s[p.i] != '(' {
		return p.errorf("link text at byte offset %d is not followed by (url)", p.i)
	}
	p.i++
	var u strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return p.errorf("unfinished escape in URL")
			}
			u.WriteByte(p.s[p.i+1])
			p.i += 2
		case c == ')':
			p.i++
			if u.Len() == 0 {
				return p.errorf("empty URL")
			}
			return nil
		default:
			u.WriteByte(c)
			p.i++
		}
	}
	return p.errorf("can't find end of URL")
}
