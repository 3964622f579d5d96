package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Erasure replaces what names the customer wherever it stands in a
// message, whatever its case, and never breaks the message's shape.
func TestScrubMessage(t *testing.T) {
	terms := store.ScrubTerms([]string{"Text Kind", "Text", "Kind", "kind@example.com"})
	tests := []struct {
		name string
		part switchboard.Part
		want string // in the scrubbed part's JSON
	}{
		{"any case", switchboard.Part{Kind: switchboard.PartText, Text: "Thanks TEXT KIND, and kind regards"}, `"text":"Thanks [erased], and [erased] regards"`},
		{"button labels", switchboard.Part{Kind: switchboard.PartButtons, Buttons: []switchboard.Button{{Label: "Call Kind", Payload: "kind@example.com"}}}, `"label":"Call [erased]","payload":"[erased]"`},
		{"file names", switchboard.Part{Kind: switchboard.PartFile, Attachment: &switchboard.Attachment{MediaID: "kind0001", Filename: "text-kind.pdf"}}, `"media_id":"kind0001","filename":"[erased]-[erased].pdf"`},
		{"form answers", switchboard.Part{Kind: switchboard.PartFormResponse, FormResponse: &switchboard.FormResponse{FormMessageID: "msg_1", Fields: []switchboard.FieldValue{{Name: "email", Value: "KIND@example.com"}}}}, `"value":"[erased]"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := switchboard.Message{ID: "msg_2", Parts: []switchboard.Part{tc.part}}
			got, changed, err := store.ScrubMessage(m, terms)
			if err != nil || !changed {
				t.Fatalf("changed %v, err %v", changed, err)
			}
			raw := mustJSON(t, got.Parts)
			if !strings.Contains(raw, tc.want) {
				t.Errorf("scrubbed = %s, want %s in it", raw, tc.want)
			}
			if got.Parts[0].Kind != tc.part.Kind || !strings.Contains(raw, `"kind":"`+string(tc.part.Kind)+`"`) {
				t.Errorf("the part's shape changed: %s", raw)
			}
			if mustJSON(t, m.Parts) == raw {
				t.Error("the input message was changed in place")
			}
		})
	}
	if _, changed, _ := store.ScrubMessage(switchboard.Message{Parts: switchboard.TextParts("nothing to see")}, terms); changed {
		t.Error("a message naming nobody changed")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
