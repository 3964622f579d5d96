// Package richtext sanitises the HTML the hub stores and shows: custom HTML
// parts (operators' and anything inbound) through bluemonday, markdown
// through goldmark and then bluemonday. It is pure and safe for concurrent
// use.
package richtext

import (
	"bytes"
	"html"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"

	"github.com/switchboardhq/switchboard"
)

var (
	once   sync.Once
	policy *bluemonday.Policy
	md     = goldmark.New()
)

// htmlPolicy is bluemonday's UGC policy (no scripts, event handlers,
// javascript: URLs, iframes, SVG, forms or style) with links made
// rel="nofollow noopener" and opened in a new tab.
func htmlPolicy() *bluemonday.Policy {
	once.Do(func() {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(true)
		p.AllowURLSchemes("http", "https", "mailto", "tel")
		policy = p
	})
	return policy
}

var strict = bluemonday.StrictPolicy()

// PlainText returns the text of HTML, all markup removed, for channels
// that show no HTML (the Slack mirror, SMS).
func PlainText(s string) string {
	return strings.TrimSpace(html.UnescapeString(strict.Sanitize(strings.NewReplacer("<br>", "\n", "<br/>", "\n", "</p>", "</p>\n").Replace(s))))
}

// SanitizeHTML returns s with everything that could run removed.
func SanitizeHTML(s string) string { return htmlPolicy().Sanitize(s) }

// MarkdownHTML renders markdown source to sanitised HTML (goldmark escapes
// raw HTML in the source; the result is sanitised again).
func MarkdownHTML(src string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "<p>" + html.EscapeString(src) + "</p>"
	}
	return SanitizeHTML(buf.String())
}

// SanitizeParts returns parts with the Text of html parts sanitised; parts
// itself is not changed (a copy is made when something changes).
func SanitizeParts(parts []switchboard.Part) []switchboard.Part {
	var out []switchboard.Part
	for i, p := range parts {
		if p.Kind != switchboard.PartHTML {
			continue
		}
		if clean := SanitizeHTML(p.Text); clean != p.Text {
			if out == nil {
				out = append([]switchboard.Part(nil), parts...)
			}
			out[i].Text = clean
		}
	}
	if out == nil {
		return parts
	}
	return out
}
