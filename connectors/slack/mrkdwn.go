package slack

import "strings"

var (
	unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
	escaper   = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
)

// escapeText makes hub text safe to post as Slack mrkdwn: Slack reads &, <
// and > as control characters, so they are sent as entities.
func escapeText(s string) string { return escaper.Replace(s) }

// plainText converts the mrkdwn of a Slack message into the plain text a
// customer receives. It is deliberately minimal:
//
//   - <@U123|name> becomes @name, <@U123> @U123; <#C123|general> #general
//   - <!here>, <!channel>, <!everyone> become @here, @channel, @everyone;
//     <!subteam^S1|@team> and <!date^…|fallback> their label
//   - <https://x|text> becomes "text https://x"; <https://x> and a link whose
//     text is its own address become the address; mailto: is dropped
//   - &amp; &lt; &gt; become & < >
//
// Emphasis markers (*bold*, _italic_, ~strike~, `code`) are left as typed.
func plainText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		open := strings.IndexByte(s, '<')
		if open < 0 {
			b.WriteString(unescaper.Replace(s))
			break
		}
		end := strings.IndexByte(s[open+1:], '>')
		if end < 0 {
			b.WriteString(unescaper.Replace(s))
			break
		}
		b.WriteString(unescaper.Replace(s[:open]))
		b.WriteString(controlSequence(s[open+1 : open+1+end]))
		s = s[open+1+end+1:]
	}
	return b.String()
}

// controlSequence renders the inside of one <…> sequence.
func controlSequence(seq string) string {
	target, label, hasLabel := strings.Cut(seq, "|")
	target = unescaper.Replace(target)
	label = unescaper.Replace(label)
	switch {
	case strings.HasPrefix(target, "@"):
		if hasLabel && label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return target
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return "#" + strings.TrimPrefix(label, "#")
		}
		return target
	case strings.HasPrefix(target, "!"):
		if hasLabel {
			return label
		}
		switch name := strings.TrimPrefix(target, "!"); name {
		case "here", "channel", "everyone":
			return "@" + name
		default:
			return ""
		}
	}
	address := strings.TrimPrefix(target, "mailto:")
	if address == "" {
		return label
	}
	if !hasLabel || label == "" || label == target || label == address {
		return address
	}
	return label + " " + address
}
