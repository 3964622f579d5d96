package console

import (
	"strings"
	"testing"
)

func TestKeywords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"商品の返品をしたいのですが、方法を教えてください", "商品,返品,方法"},
		{"パスワードを忘れました", "パスワード"},
		{"How do I reset my password?", "reset,password"},
		{"Wi-Fiの設定", "設定"},
		{"", ""},
	} {
		if got := strings.Join(keywords(tc.in), ","); got != tc.want {
			t.Errorf("keywords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
