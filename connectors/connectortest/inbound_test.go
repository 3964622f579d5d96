package connectortest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
)

func TestValidateEchoesAndWatermarks(t *testing.T) {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   switchboard.Inbound
		want string // "" = valid
	}{
		{"echo", switchboard.Inbound{Kind: switchboard.InboundEcho, ChannelID: "c", ExternalID: "m1", Sender: "u", Parts: switchboard.TextParts("hi"), At: at, Via: "page_inbox"}, ""},
		{"echo without parts", switchboard.Inbound{Kind: switchboard.InboundEcho, ChannelID: "c", ExternalID: "m1", Sender: "u", At: at}, "without parts"},
		{"watermark", switchboard.Inbound{Kind: switchboard.InboundStatus, ChannelID: "c", Sender: "u", Status: switchboard.StatusRead, Watermark: at, At: at}, ""},
		{"watermark without sender", switchboard.Inbound{Kind: switchboard.InboundStatus, ChannelID: "c", Status: switchboard.StatusRead, Watermark: at, At: at}, "without sender"},
		{"receipt without id or watermark", switchboard.Inbound{Kind: switchboard.InboundStatus, ChannelID: "c", Sender: "u", Status: switchboard.StatusRead, At: at}, "no external id"},
		{"reaction without target", switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: "c", ExternalID: "r", Sender: "u", At: at,
			Parts: []switchboard.Part{{Kind: switchboard.PartReaction, Text: "👍", Reaction: &switchboard.Reaction{Emoji: "👍"}}}}, "reacted to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateInbound(tc.in)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("valid event refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSinkStoresAWatermarkOnce(t *testing.T) {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	wm := func(w time.Time) switchboard.Inbound {
		return switchboard.Inbound{Kind: switchboard.InboundStatus, ChannelID: "c", Sender: "u", Status: switchboard.StatusRead, Watermark: w, At: at}
	}
	s := NewSink()
	if err := s.Accept(context.Background(), []switchboard.Inbound{wm(at), wm(at), wm(at.Add(time.Second))}); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Stored()); n != 2 {
		t.Fatalf("%d watermarks stored, want 2", n)
	}
}
