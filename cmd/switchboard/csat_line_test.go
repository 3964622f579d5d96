package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	linefake "github.com/switchboardhq/switchboard/connectors/line/fake"
)

// lineRatingButtons finds the rating question among the pushes to LINE
// and returns its quick reply buttons' labels and postback data.
func lineRatingButtons(e *channelsEnv) (labels, data []string) {
	for _, r := range e.line.RequestsTo("/v2/bot/message/push") {
		var body struct {
			Messages []struct {
				Text       string `json:"text"`
				QuickReply struct {
					Items []struct {
						Action struct {
							Label string `json:"label"`
							Data  string `json:"data"`
						} `json:"action"`
					} `json:"items"`
				} `json:"quickReply"`
			} `json:"messages"`
		}
		if json.Unmarshal(r.Body, &body) != nil {
			continue
		}
		for _, m := range body.Messages {
			for _, it := range m.QuickReply.Items {
				labels, data = append(labels, it.Action.Label), append(data, it.Action.Data)
			}
		}
	}
	return labels, data
}

// TestLINERatingLandsOnce: a LINE customer's conversation is resolved in
// the console; the customer gets the question with five buttons; the
// signed postback of ★4 (through the webhook, with LINE's signature) is
// recorded once, also when LINE redelivers it; pressing ★5 afterwards is
// refused and the first rating stands; the conversation stays resolved.
func TestLINERatingLandsOnce(t *testing.T) {
	e := newChannelsEnv(t)
	e.line.AddProfile(messaging_api.UserProfileResponse{UserId: "Ucsat01", DisplayName: "Cony", Language: "ja"})
	lineURL := e.hub.URL + "/webhooks/line"
	hello := linefake.Body(linefake.MessageEvent(linefake.Meta{EventID: "01HCSAT0000000000000000001", UserID: "Ucsat01", At: time.Now()},
		&webhook.TextMessageContent{Id: "5000000001", Text: "注文をキャンセルしたいです"}))
	if code, b := send(t, linefake.SignedWebhook(lineURL, lineSecret, hello)); code != http.StatusOK {
		t.Fatalf("LINE webhook: %d %s", code, b)
	}
	var conv conversationJSON
	eventually(t, 5*time.Second, "the LINE conversation", func() bool {
		convs := e.conversations(t, "line")
		if len(convs) == 1 {
			conv = convs[0]
		}
		return len(convs) == 1
	})
	if code := call(t, "PATCH", e.hub.URL+"/api/v1/conversations/"+conv.ID, e.token, map[string]any{"status": "resolved"}, nil); code != http.StatusOK {
		t.Fatalf("resolve: %d", code)
	}
	var labels, data []string
	eventually(t, 5*time.Second, "the rating question on LINE", func() bool {
		labels, data = lineRatingButtons(e)
		return len(data) == 5
	})
	if strings.Join(labels, " ") != "★1 ★2 ★3 ★4 ★5" || !strings.HasPrefix(data[3], "csat:") {
		t.Fatalf("buttons %v %v", labels, data)
	}

	press := func(eventID, payload string) {
		t.Helper()
		body := linefake.Body(linefake.PostbackEvent(linefake.Meta{EventID: eventID, UserID: "Ucsat01", At: time.Now()}, payload))
		if code, b := send(t, linefake.SignedWebhook(lineURL, lineSecret, body)); code != http.StatusOK {
			t.Fatalf("postback: %d %s", code, b)
		}
	}
	type answers struct {
		Items []struct {
			ConversationID string `json:"conversation_id"`
			Score          int    `json:"score"`
			Via            string `json:"via"`
			ChannelType    string `json:"channel_type"`
		} `json:"items"`
	}
	rated := func() answers {
		var a answers
		call(t, "GET", e.hub.URL+"/api/v1/csat", e.token, nil, &a)
		return a
	}
	press("01HCSAT0000000000000000002", data[3])
	press("01HCSAT0000000000000000002", data[3]) // LINE redelivers
	if a := rated(); len(a.Items) != 1 || a.Items[0].Score != 4 || a.Items[0].Via != "line" || a.Items[0].ConversationID != conv.ID {
		t.Fatalf("answers after the postback = %+v", a)
	}
	press("01HCSAT0000000000000000003", data[4]) // ★5 pressed later: a replay of the link
	if a := rated(); len(a.Items) != 1 || a.Items[0].Score != 4 {
		t.Fatalf("answers after a second press = %+v", a)
	}
	eventually(t, 5*time.Second, "the thanks and the refusal in the history", func() bool {
		var outs, notes []string
		for _, m := range e.messages(t, conv.ID) {
			switch m.Direction {
			case "out":
				outs = append(outs, m.Text)
			case "note":
				notes = append(notes, m.Text)
			}
		}
		return len(outs) == 3 && strings.Contains(outs[1], "ありがとうございました") && strings.Contains(outs[2], "評価済み") &&
			len(notes) == 1 && notes[0] == "CSAT ★4"
	})
	for _, m := range e.messages(t, conv.ID) {
		if m.Direction == "in" && strings.Contains(m.Text, "csat:") {
			t.Fatalf("the postback's token was stored as a customer message: %q", m.Text)
		}
	}
	if convs := e.conversations(t, "line"); len(convs) != 1 || convs[0].Status != "resolved" {
		t.Fatalf("the rating reopened the conversation: %+v", convs)
	}
}
