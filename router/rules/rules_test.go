package rules_test

import (
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router/rules"
)

func TestMatch(t *testing.T) {
	in := switchboard.RoutingInput{
		Channel: "web", ChannelType: "webchat", Language: "ja-JP",
		PageURL:    "https://shop.example/ja/checkout?step=2",
		Text:       "注文した商品の返品をしたいです。ＲＥＦＵＮＤ可能ですか",
		Attributes: map[string]string{"plan": "gold"}, Labels: []string{"VIP"},
	}
	tests := []struct {
		name string
		m    switchboard.RuleMatch
		want bool
	}{
		{"empty matches all", switchboard.RuleMatch{}, true},
		{"channel", switchboard.RuleMatch{Channel: "web"}, true},
		{"other channel", switchboard.RuleMatch{Channel: "line"}, false},
		{"channel type", switchboard.RuleMatch{ChannelType: "webchat"}, true},
		{"language prefix", switchboard.RuleMatch{Language: "ja"}, true},
		{"language exact", switchboard.RuleMatch{Language: "ja-jp"}, true},
		{"language not a prefix of a subtag", switchboard.RuleMatch{Language: "j"}, false},
		{"other language", switchboard.RuleMatch{Language: "en"}, false},
		{"page glob", switchboard.RuleMatch{PageURL: "https://shop.example/*/checkout*"}, true},
		{"page glob across slashes", switchboard.RuleMatch{PageURL: "*checkout*"}, true},
		{"page glob one char", switchboard.RuleMatch{PageURL: "https://shop.example/j?/checkout?step=?"}, true},
		{"page glob anchored", switchboard.RuleMatch{PageURL: "https://shop.example/ja/"}, false},
		{"japanese keyword substring", switchboard.RuleMatch{Keywords: []string{"返品"}}, true},
		{"any keyword", switchboard.RuleMatch{Keywords: []string{"請求書", "返品"}}, true},
		{"full-width keyword folded", switchboard.RuleMatch{Keywords: []string{"refund"}}, true},
		{"no keyword", switchboard.RuleMatch{Keywords: []string{"請求書", "invoice"}}, false},
		{"attributes", switchboard.RuleMatch{Attributes: map[string]string{"plan": "gold"}}, true},
		{"attribute differs", switchboard.RuleMatch{Attributes: map[string]string{"plan": "free"}}, false},
		{"attribute missing", switchboard.RuleMatch{Attributes: map[string]string{"tier": "1"}}, false},
		{"labels ignore case", switchboard.RuleMatch{Labels: []string{"vip"}}, true},
		{"label missing", switchboard.RuleMatch{Labels: []string{"vip", "b2b"}}, false},
		{"all fields must match", switchboard.RuleMatch{Channel: "web", Keywords: []string{"返品"}, Language: "en"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := rules.Match(tc.m, in); got != tc.want {
				t.Errorf("Match(%+v) = %v, want %v", tc.m, got, tc.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything/at/all", true},
		{"", "", true},
		{"", "x", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"*.pdf", "https://x/y.pdf", true},
		{"https://*/pricing", "https://shop.example/pricing", true},
		{"https://*/pricing", "https://shop.example/pricing/extra", false},
		{"?", "日", true},
		{"**", "ab", true},
		{"[a]", "[a]", true},
	}
	for _, tc := range tests {
		if got := rules.Glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestFirstMatchWins(t *testing.T) {
	rs := []switchboard.RoutingRule{
		{ID: "r3", Position: 3, Match: switchboard.RuleMatch{}, Action: switchboard.RuleAction{DepartmentID: "general"}},
		{ID: "r1", Position: 1, Match: switchboard.RuleMatch{Keywords: []string{"請求"}}, Action: switchboard.RuleAction{DepartmentID: "billing"}},
		{ID: "r2", Position: 2, Match: switchboard.RuleMatch{ChannelType: "line"}, Action: switchboard.RuleAction{DepartmentID: "line"}},
	}
	for _, tc := range []struct {
		in   switchboard.RoutingInput
		want string
	}{
		{switchboard.RoutingInput{ChannelType: "line", Text: "請求書を送ってください"}, "r1"},
		{switchboard.RoutingInput{ChannelType: "line", Text: "こんにちは"}, "r2"},
		{switchboard.RoutingInput{ChannelType: "webchat", Text: "hi"}, "r3"},
	} {
		r, ok := rules.First(rs, tc.in)
		if !ok || r.ID != tc.want {
			t.Errorf("First(%+v) = %s %v, want %s", tc.in, r.ID, ok, tc.want)
		}
	}
	if _, ok := rules.First(rs[1:], switchboard.RoutingInput{ChannelType: "webchat"}); ok {
		t.Error("a conversation no rule matches matched")
	}
}

func TestValidate(t *testing.T) {
	ok := switchboard.RoutingRule{Name: "Billing", Action: switchboard.RuleAction{DepartmentID: "d1"}}
	if err := rules.Validate(ok); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		r     switchboard.RoutingRule
		field string
	}{
		{switchboard.RoutingRule{Action: ok.Action}, "name"},
		{switchboard.RoutingRule{Name: "x"}, "action"},
		{switchboard.RoutingRule{Name: "x", Action: switchboard.RuleAction{Priority: 1000}}, "action.priority"},
		{switchboard.RoutingRule{Name: "x", Action: ok.Action, Match: switchboard.RuleMatch{Keywords: []string{" "}}}, "match.keywords[0]"},
	} {
		err := rules.Validate(tc.r)
		if err == nil || len(err.Error()) < len(tc.field) || err.Error()[:len(tc.field)] != tc.field {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", tc.r, err, tc.field)
		}
	}
}
