package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	linefake "github.com/switchboardhq/switchboard/connectors/line/fake"
)

// TestProviderFaults: when LINE answers 500, 429 with Retry-After, or hangs
// past the timeout, replies are retried and delivered once it recovers; a
// reply LINE refuses for good ends failed with LINE's reason, visible in
// the API, and can be sent again.
func TestProviderFaults(t *testing.T) {
	e := newChannelsEnv(t)
	body := linefake.Body(linefake.MessageEvent(
		linefake.Meta{EventID: "01HFAULTS0000000000000001", UserID: "Ufault", At: time.Now()},
		&webhook.TextMessageContent{Id: "900001", Text: "hello?", QuoteToken: "q"},
	))
	if code, b := send(t, linefake.SignedWebhook(e.hub.URL+"/webhooks/line", lineSecret, body)); code != http.StatusOK {
		t.Fatalf("webhook: %d %s", code, b)
	}
	var conv conversationJSON
	eventually(t, 5*time.Second, "the conversation", func() bool {
		convs := e.conversations(t, "line")
		if len(convs) == 1 {
			conv = convs[0]
		}
		return len(convs) == 1
	})
	reply := func(text string) string {
		var m messageJSON
		if code := call(t, "POST", e.hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", e.token, map[string]string{"text": text}, &m); code != http.StatusAccepted {
			t.Fatalf("reply: %d", code)
		}
		return m.ID
	}
	status := func(id string) messageJSON {
		for _, m := range e.messages(t, conv.ID) {
			if m.ID == id {
				return m
			}
		}
		t.Fatalf("message %s missing", id)
		return messageJSON{}
	}
	pushesWith := func(text string) int {
		n := 0
		for _, r := range e.line.RequestsTo("/v2/bot/message/push") {
			if r.Status == http.StatusOK && strings.Contains(string(r.Body), text) {
				n++
			}
		}
		return n
	}

	tests := []struct {
		name  string
		fault linefake.Fault
		times int
	}{
		{"500 twice", linefake.Fault{Status: http.StatusInternalServerError}, 2},
		{"429 with Retry-After", linefake.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}, 1},
		{"hangs past the timeout", linefake.Fault{Hang: true}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.line.FailNext(tc.times, tc.fault)
			text := "after " + tc.name
			start := time.Now()
			id := reply(text)
			eventually(t, 15*time.Second, "delivery after the fault", func() bool { return status(id).Status == "sent" })
			if n := pushesWith(text); n != 1 {
				t.Errorf("LINE accepted %d pushes of the reply, want 1", n)
			}
			if tc.fault.RetryAfter != "" && time.Since(start) < time.Second {
				t.Errorf("retried after %v, before LINE's Retry-After of 1s", time.Since(start))
			}
		})
	}

	t.Run("refused for good", func(t *testing.T) {
		e.line.FailNext(1, linefake.Fault{Status: http.StatusBadRequest, Body: `{"message":"The property, 'to', in the request body is invalid (line: -, column: -)"}`})
		id := reply("never deliverable")
		eventually(t, 10*time.Second, "the reply to fail", func() bool { return status(id).Status == "failed" })
		if m := status(id); !strings.Contains(m.FailureReason, "400") || !strings.Contains(m.FailureReason, "'to'") {
			t.Fatalf("failure reason %q does not carry LINE's answer", m.FailureReason)
		}
		var again messageJSON
		if code := call(t, "POST", e.hub.URL+"/api/v1/messages/"+id+"/retry", e.token, nil, &again); code != http.StatusAccepted {
			t.Fatalf("retry: %d", code)
		}
		eventually(t, 10*time.Second, "the retried reply to be sent", func() bool { return status(id).Status == "sent" })
	})

	t.Run("down for longer than the retries", func(t *testing.T) {
		e.line.FailNext(20, linefake.Fault{Status: http.StatusServiceUnavailable})
		id := reply("while LINE is down")
		eventually(t, 15*time.Second, "the reply to be given up", func() bool { return status(id).Status == "failed" })
		if m := status(id); !strings.Contains(m.FailureReason, "gave up after retries") || !strings.Contains(m.FailureReason, "503") {
			t.Fatalf("failure reason = %q", m.FailureReason)
		}
		e.line.Reset()
	})
}
