package connectors_test

import (
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// TestFallback: rich parts a channel lacks go out as readable text; parts
// it has stay as they are.
func TestFallback(t *testing.T) {
	yesNo := switchboard.Part{Kind: switchboard.PartButtons, Text: "Did that help?", Buttons: []switchboard.Button{{Label: "Yes", Payload: "y"}, {Label: "No", Payload: "n"}, {Label: "FAQ", URL: "https://example.com/faq"}}}
	form := switchboard.Part{Kind: switchboard.PartForm, Form: &switchboard.Form{Title: "Sign up", Fields: []switchboard.FormField{{Name: "name", Label: "Name", Required: true}, {Name: "email", Label: "E-mail"}}}}
	link := switchboard.Part{Kind: switchboard.PartLink, Link: &switchboard.Link{URL: "https://example.com/a", Title: "Our guide", Description: "Read this"}}
	answer := switchboard.Part{Kind: switchboard.PartFormResponse, FormResponse: &switchboard.FormResponse{Fields: []switchboard.FieldValue{{Name: "name", Label: "Name", Value: "Ken"}}}}
	rate := switchboard.Part{Kind: switchboard.PartCSAT, Text: "How did we do?", CSAT: &switchboard.CSATCard{Token: "t", URL: "https://hub.example/csat/t"}}
	sms := connectors.Capabilities{Text: true}
	web := connectors.Capabilities{Text: true, Buttons: true, Forms: true, Links: true, HTML: true}
	tests := []struct {
		name string
		part switchboard.Part
		caps connectors.Capabilities
		want string // text of the single resulting text part; "" keeps the part
	}{
		{"sms buttons are numbered", yesNo, sms, "Did that help?\n1) Yes 2) No 3) FAQ https://example.com/faq"},
		{"sms form lists fields", form, sms, "Sign up\n- Name *\n- E-mail\n(please reply with these details)"},
		{"sms link", link, sms, "Our guide\nRead this\nhttps://example.com/a"},
		{"form answer as lines", answer, sms, "Name: Ken"},
		{"site chat keeps buttons", yesNo, web, ""},
		{"site chat keeps forms", form, web, ""},
		{"site chat keeps links", link, web, ""},
		{"sms rating card is the question and the link", rate, sms, "How did we do?\nhttps://hub.example/csat/t"},
		{"site chat keeps the rating card", rate, connectors.Capabilities{Text: true, CSAT: true}, ""},
		{"text stays", switchboard.Part{Kind: switchboard.PartText, Text: "hi"}, sms, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := []switchboard.Part{tc.part}
			out := connectors.Fallback(in, tc.caps)
			if len(out) != 1 {
				t.Fatalf("parts = %+v", out)
			}
			if tc.want == "" {
				if out[0].Kind != tc.part.Kind {
					t.Fatalf("kind = %s, want %s kept", out[0].Kind, tc.part.Kind)
				}
				return
			}
			if out[0].Kind != switchboard.PartText || out[0].Text != tc.want {
				t.Fatalf("got %s %q, want text %q", out[0].Kind, out[0].Text, tc.want)
			}
			if in[0].Kind != tc.part.Kind {
				t.Fatal("input changed")
			}
		})
	}
}

// TestOptionFor: a numbered reply maps back to its button.
func TestOptionFor(t *testing.T) {
	p := switchboard.Part{Kind: switchboard.PartButtons, Buttons: []switchboard.Button{{Label: "Yes", Payload: "y"}, {Label: "No", Payload: "n"}}}
	tests := []struct {
		reply string
		want  string
		ok    bool
	}{{"1", "y", true}, {" 2) ", "n", true}, {"3", "", false}, {"0", "", false}, {"yes", "", false}, {"", "", false}}
	for _, tc := range tests {
		b, ok := connectors.OptionFor(p, tc.reply)
		if ok != tc.ok || b.Payload != tc.want {
			t.Errorf("OptionFor(%q) = %+v %v, want %q %v", tc.reply, b, ok, tc.want, tc.ok)
		}
	}
}

// TestDescribeConfig: fields come from the config struct's tags, secrets
// from the registration.
func TestDescribeConfig(t *testing.T) {
	type cfg struct {
		Token   string              `json:"token" label:"Token" help:"the API token" required:"true"`
		Limit   int                 `json:"limit,omitempty"`
		Origins []string            `json:"origins,omitempty"`
		Wait    connectors.Duration `json:"wait,omitempty"`
		On      bool                `json:"on"`
		skipped string
	}
	got := connectors.DescribeConfig(connectors.Registration{Type: "x", Secrets: []string{"token"}, Config: cfg{}})
	want := []connectors.ConfigField{
		{Key: "token", Label: "Token", Help: "the API token", Secret: true, Required: true, Kind: "string"},
		{Key: "limit", Label: "limit", Kind: "number"},
		{Key: "origins", Label: "origins", Kind: "list"},
		{Key: "wait", Label: "wait", Kind: "duration"},
		{Key: "on", Label: "on", Kind: "bool"},
	}
	if len(got) != len(want) {
		t.Fatalf("fields = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
