package router_test

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// TestRichPartsFallBackAtSend: a channel without buttons receives numbered
// options; the stored message keeps its buttons for the console.
func TestRichPartsFallBackAtSend(t *testing.T) {
	script := &scripted{}
	e := newEnv(t, script)
	parts := []switchboard.Part{{Kind: switchboard.PartButtons, Text: "Pick one", Buttons: []switchboard.Button{{Label: "Yes", Payload: "y"}, {Label: "No", Payload: "n"}}}}
	m, err := e.rt.Hub.Reply(context.Background(), connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: e.conv, Parts: parts})
	if err != nil {
		t.Fatal(err)
	}
	e.waitStatus(t, m.ID, switchboard.StatusSent)
	script.mu.Lock()
	sent := script.sent[len(script.sent)-1]
	script.mu.Unlock()
	if len(sent.Parts) != 1 || sent.Parts[0].Kind != switchboard.PartText || sent.Parts[0].Text != "Pick one\n1) Yes 2) No" {
		t.Fatalf("sent parts = %+v", sent.Parts)
	}
	stored, err := e.store.GetMessage(context.Background(), e.ws, m.ID)
	if err != nil || stored.Parts[0].Kind != switchboard.PartButtons {
		t.Fatalf("stored = %+v, %v", stored.Parts, err)
	}
	// The customer answers by number: the message reads as the option.
	for i, tc := range []struct{ reply, want string }{{"2", "2 (No)"}, {" 1 ", "1 (Yes)"}, {"7", "7"}, {"no thanks", "no thanks"}} {
		res, err := e.rt.Hub.AcceptResults(context.Background(), []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: e.ch,
			ExternalID: switchboard.ExternalID("r" + string(rune('a'+i))), Sender: "u1", Parts: switchboard.TextParts(tc.reply)}})
		if err != nil {
			t.Fatal(err)
		}
		in, err := e.store.GetMessage(context.Background(), e.ws, res[0].MessageID)
		if err != nil || in.Text() != tc.want {
			t.Errorf("reply %q stored as %q (%v), want %q", tc.reply, in.Text(), err, tc.want)
		}
	}
	// HTML is refused on a channel that has none.
	_, err = e.rt.Hub.Reply(context.Background(), connectors.ReplyRequest{WorkspaceID: e.ws, ConversationID: e.conv, Parts: []switchboard.Part{{Kind: switchboard.PartHTML, Text: "<b>x</b>"}}})
	if err == nil || !strings.Contains(err.Error(), "cannot carry html") {
		t.Fatalf("html on a text channel: %v", err)
	}
}

// TestInboundHTMLSanitisedAndMediaReferenced: custom HTML from outside is
// stored sanitised, and fetched media is tied to its conversation.
func TestInboundHTMLSanitisedAndMediaReferenced(t *testing.T) {
	e := newEnv(t, &scripted{})
	ctx := context.Background()
	if err := e.store.PutMedia(ctx, store.Media{ID: "med_in", WorkspaceID: e.ws, ContentType: "image/png", Body: []byte("png")}); err != nil {
		t.Fatal(err)
	}
	res, err := e.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: e.ch, ExternalID: "m2", Sender: "u1",
		Parts: []switchboard.Part{{Kind: switchboard.PartHTML, Text: `<p onclick="x()">hi<script>alert(1)</script></p>`},
			{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "med_in"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.store.GetMessage(ctx, e.ws, res[0].MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Parts[0].Text; got != "<p>hi</p>" {
		t.Fatalf("stored html = %q", got)
	}
	convs, err := e.store.MediaConversations(ctx, e.ws, "med_in")
	if err != nil || len(convs) != 1 || convs[0] != res[0].ConversationID {
		t.Fatalf("media refs = %v, %v", convs, err)
	}
}
