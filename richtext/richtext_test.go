package richtext_test

import (
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/richtext"
)

// xss is markup that must never survive sanitising in a form that runs.
var xss = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="JaVaScRiPt:alert(1)">x</a>`,
	`<svg onload=alert(1)><circle/></svg>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<b onmouseover="alert(1)">hover</b>`,
	`<<script>script>alert(1)<</script>/script>`,
	`<img src="x" /onerror=alert(1)>`,
	`<form action="https://evil.example"><input name=p></form>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
}

func TestSanitizeHTMLCorpus(t *testing.T) {
	for _, in := range xss {
		out := strings.ToLower(richtext.SanitizeHTML(in))
		for _, bad := range []string{"<script", "onerror", "onload", "onmouseover", "javascript:", "<iframe", "<svg", "<form", "style=", "data:text"} {
			if strings.Contains(out, bad) {
				t.Errorf("SanitizeHTML(%q) = %q keeps %q", in, out, bad)
			}
		}
	}
	if got := richtext.SanitizeHTML(`<p><b>bold</b> <a href="https://example.com">link</a></p>`); !strings.Contains(got, "<b>bold</b>") ||
		!strings.Contains(got, `href="https://example.com"`) || !strings.Contains(got, `rel="nofollow noopener"`) {
		t.Errorf("safe markup lost: %q", got)
	}
}

func TestMarkdownHTML(t *testing.T) {
	tests := []struct{ in, want, never string }{
		{"**bold** and _it_", "<strong>bold</strong>", ""},
		{"- a\n- b", "<li>a</li>", ""},
		{"`code`", "<code>code</code>", ""},
		{"[x](javascript:alert(1))", "", "javascript:"},
		{"<script>alert(1)</script>", "", "<script"},
		{"[ok](https://example.com)", `href="https://example.com"`, ""},
		{"![i](x\" onerror=\"alert(1))", "", "onerror=\""},
	}
	for _, tc := range tests {
		got := richtext.MarkdownHTML(tc.in)
		if tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("MarkdownHTML(%q) = %q, want %q in it", tc.in, got, tc.want)
		}
		if tc.never != "" && strings.Contains(strings.ToLower(got), tc.never) {
			t.Errorf("MarkdownHTML(%q) = %q keeps %q", tc.in, got, tc.never)
		}
	}
}

func TestSanitizePartsCopies(t *testing.T) {
	in := []switchboard.Part{{Kind: switchboard.PartText, Text: "<b>x</b>"}, {Kind: switchboard.PartHTML, Text: "<b>x</b><script>y</script>"}}
	out := richtext.SanitizeParts(in)
	if out[0].Text != "<b>x</b>" || out[1].Text != "<b>x</b>" || in[1].Text != "<b>x</b><script>y</script>" {
		t.Fatalf("out %+v in %+v", out, in)
	}
	clean := []switchboard.Part{{Kind: switchboard.PartHTML, Text: "<b>x</b>"}}
	if got := richtext.SanitizeParts(clean); &got[0] != &clean[0] {
		t.Error("clean parts were copied")
	}
}

func TestPlainText(t *testing.T) {
	if got := richtext.PlainText("<p>Hello <b>you</b></p><p>&amp; bye</p>"); got != "Hello you\n& bye" {
		t.Errorf("PlainText = %q", got)
	}
}
