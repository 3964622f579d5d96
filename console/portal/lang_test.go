package portal

import (
	"net/http/httptest"
	"testing"
)

func TestPickLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, target, accept string
		available            []string
		want                 string
	}{
		{"query wins", "/help/?lang=ja", "en-US", []string{"en", "ja"}, "ja"},
		{"query not available", "/help/?lang=fr", "ja", []string{"en", "ja"}, "ja"},
		{"accept-language region", "/help/", "ja-JP,en;q=0.5", []string{"en", "ja"}, "ja"},
		{"accept-language skips missing", "/help/", "fr,de;q=0.9,en;q=0.1", []string{"en", "ja"}, "en"},
		{"nothing matches: English", "/help/", "fr", []string{"ja", "en"}, "en"},
		{"nothing matches, no English: first", "/help/", "fr", []string{"ja", "zh"}, "ja"},
		{"no articles: known strings", "/help/", "ja", nil, "ja"},
		{"no articles, unknown language", "/help/", "ko", nil, "en"},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", tc.target, nil)
		r.Header.Set("Accept-Language", tc.accept)
		if got := pickLang(r, tc.available); got != tc.want {
			t.Errorf("%s: pickLang = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, q                      string
		width                        int
		wantBefore, wantM, wantAfter string
	}{
		{"商品到着後30日以内にご連絡ください。", "30日以内", 80, "商品到着後", "30日以内", "にご連絡ください。"},
		{"We accept Returns within 30 days", "return", 80, "We accept ", "Return", "s within 30 days"},
		{"abcdefghij", "zz", 4, "abcd…", "", ""},
		{"abc", "k", 6, "abc", "", ""},
		{"aaaaaaaaaaXbbbbbbbbbb", "X", 9, "…aaa", "X", "bbbbbb…"},
	}
	for _, tc := range tests {
		b, m, a := snippet(tc.text, tc.q, tc.width)
		if b != tc.wantBefore || m != tc.wantM || a != tc.wantAfter {
			t.Errorf("snippet(%q, %q) = %q %q %q, want %q %q %q", tc.text, tc.q, b, m, a, tc.wantBefore, tc.wantM, tc.wantAfter)
		}
	}
}
