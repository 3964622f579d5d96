package router_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// TestAutomaticAnswersOnMessagingChannels: a messaging-app customer (the
// second waiting: newEnv's own conversation waits too) gets,
// once per conversation, the queue message while they wait in an open
// department with queue_auto_text, and the offline auto reply in their
// language while it is closed.
func TestAutomaticAnswersOnMessagingChannels(t *testing.T) {
	tests := []struct {
		name   string
		set    func(*switchboard.DepartmentSettings)
		lang   string
		want   string
		repeat bool
	}{
		{name: "queue text", set: func(s *switchboard.DepartmentSettings) { s.QueueAutoText = true },
			want: "You are number 2 in the queue; expect a reply in about 4 minutes."},
		{name: "queue text in Japanese", lang: "ja-JP", set: func(s *switchboard.DepartmentSettings) { s.QueueAutoText = true; s.DefaultWaitSeconds = 300 },
			want: "お客様は2番目です。およそ10分でおつなぎします。"},
		{name: "offline reply", lang: "ja", set: func(s *switchboard.DepartmentSettings) {
			s.Hours = &switchboard.BusinessHours{TimeZone: "Asia/Tokyo", Weekly: map[string][]switchboard.TimeRange{}}
			s.Offline.AutoReply = map[string]string{"ja": "営業時間外です。", "en": "We are closed."}
		}, want: "営業時間外です。", repeat: true},
		{name: "nothing configured", set: func(*switchboard.DepartmentSettings) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			script := &scripted{}
			e := newEnv(t, script)
			ctx := context.Background()
			def, err := e.store.DefaultDepartment(ctx, e.ws)
			if err != nil {
				t.Fatal(err)
			}
			tc.set(&def.DepartmentSettings)
			if err := e.store.UpdateDepartment(ctx, def); err != nil {
				t.Fatal(err)
			}
			in := switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: e.ch, ExternalID: "n1", Sender: "newcomer",
				Parts: switchboard.TextParts("hello"), Profile: switchboard.Profile{Language: tc.lang}}
			res, err := e.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{in})
			if err != nil {
				t.Fatal(err)
			}
			conv := res[0].ConversationID
			if tc.repeat {
				in.ExternalID = "n2"
				if _, err := e.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{in}); err != nil {
					t.Fatal(err)
				}
			}
			var outs []string
			deadline := time.Now().Add(3 * time.Second)
			for time.Now().Before(deadline) {
				page, err := e.store.ListMessages(ctx, e.ws, conv, store.MessageQuery{})
				if err != nil {
					t.Fatal(err)
				}
				outs = outs[:0]
				for _, m := range page.Items {
					if m.Direction == switchboard.DirectionOut {
						outs = append(outs, m.Text())
					}
				}
				if tc.want == "" && len(page.Items) > 0 {
					break
				}
				if len(outs) > 0 && (!tc.repeat || len(page.Items) >= 3) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if tc.want == "" {
				if len(outs) != 0 {
					t.Fatalf("automatic answers %q, want none", outs)
				}
				return
			}
			if len(outs) != 1 || !containsText(outs[0], tc.want) {
				t.Fatalf("automatic answers = %q, want one with %q", outs, tc.want)
			}
		})
	}
}

func containsText(s, sub string) bool { return len(sub) > 0 && contains(s, sub) }
