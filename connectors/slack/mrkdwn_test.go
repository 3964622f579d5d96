package slack

import "testing"

func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"Tom &amp; Jerry &lt;3 &gt;_&lt;", "Tom & Jerry <3 >_<"},
		{"&amp;lt; stays literal", "&lt; stays literal"},
		{"hi <@U123>", "hi @U123"},
		{"hi <@U123|alice>", "hi @alice"},
		{"see <#C123|general> and <#C999>", "see #general and #C999"},
		{"<!here> <!channel> <!everyone>", "@here @channel @everyone"},
		{"<!subteam^S1|@support> ping", "@support ping"},
		{"at <!date^1392734382^{date_short}|Feb 18, 2014>", "at Feb 18, 2014"},
		{"<https://example.com>", "https://example.com"},
		{"<https://example.com|https://example.com>", "https://example.com"},
		{"read <https://example.com/faq?a=1&amp;b=2|the FAQ> now", "read the FAQ https://example.com/faq?a=1&b=2 now"},
		{"mail <mailto:help@example.com|help@example.com>", "mail help@example.com"},
		{"mail <mailto:help@example.com|us>", "mail us help@example.com"},
		{"*bold* _it_ ~s~ `code`", "*bold* _it_ ~s~ `code`"},
		{"unclosed <https://x", "unclosed <https://x"},
		{"<>", ""},
		{"<|label>", "label"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := plainText(tt.in); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeText(t *testing.T) {
	t.Parallel()
	if got, want := escapeText("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d"; got != want {
		t.Errorf("escapeText = %q, want %q", got, want)
	}
}
