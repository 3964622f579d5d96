package console

import (
	"encoding/json"
	"testing"

	"github.com/switchboardhq/switchboard"
)

func TestFillVars(t *testing.T) {
	v := Vars{ContactName: "Kenji", ContactEmail: "k@example.com", OperatorName: "Ann", ConversationID: "cv_1"}
	tests := []struct{ in, want string }{
		{"", ""},
		{"no variables", "no variables"},
		{"Hi {{contact.name}}", "Hi Kenji"},
		{"{{ contact.name }} / {{operator.name}}", "Kenji / Ann"},
		{"{{contact.email}} {{conversation.id}}", "k@example.com cv_1"},
		{"{{unknown}} stays", "{{unknown}} stays"},
		{"unclosed {{contact.name", "unclosed {{contact.name"},
		{"{{contact.name}}{{contact.name}}", "KenjiKenji"},
		{"日本語 {{contact.name}} さん", "日本語 Kenji さん"},
	}
	for _, tc := range tests {
		if got := FillVars(tc.in, v); got != tc.want {
			t.Errorf("FillVars(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Empty values fill as empty, never leave the variable.
	if got := FillVars("Hi {{contact.name}}!", Vars{}); got != "Hi !" {
		t.Errorf("empty name: %q", got)
	}
}

func TestFillPartsVarsDoesNotChangeInput(t *testing.T) {
	in := []switchboard.Part{{Kind: switchboard.PartButtons, Text: "{{contact.name}}?", Buttons: []switchboard.Button{{Label: "I'm {{contact.name}}"}}},
		{Kind: switchboard.PartForm, Form: &switchboard.Form{Title: "For {{contact.name}}", Fields: []switchboard.FormField{{Name: "n", Label: "{{operator.name}}"}}}}}
	before, _ := json.Marshal(in)
	out := FillPartsVars(in, Vars{ContactName: "Ken", OperatorName: "Ann"})
	after, _ := json.Marshal(in)
	if string(before) != string(after) {
		t.Fatalf("input changed: %s", after)
	}
	if out[0].Text != "Ken?" || out[0].Buttons[0].Label != "I'm Ken" || out[1].Form.Title != "For Ken" || out[1].Form.Fields[0].Label != "Ann" {
		t.Fatalf("out = %+v %+v", out[0], out[1].Form)
	}
}

func TestSniffAndInline(t *testing.T) {
	tests := []struct {
		name, file string
		body       string
		want       string
		inline     bool
	}{
		{"png", "a.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", true},
		{"svg", "a.svg", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`, "image/svg+xml", false},
		{"html", "a.png", "<!DOCTYPE html><p>x", "text/html", false},
		{"text", "a.txt", "hello", "text/plain", true},
		{"pdf", "a.pdf", "%PDF-1.4\n", "application/pdf", true},
	}
	for _, tc := range tests {
		got := sniffType([]byte(tc.body), tc.file)
		if got != tc.want || inlineSafe(got) != tc.inline {
			t.Errorf("%s: sniff %q inline %v, want %q %v", tc.name, got, inlineSafe(got), tc.want, tc.inline)
		}
	}
}
