package slack

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/slack/fake"
)

func TestWebhookThreadReplies(t *testing.T) {
	t.Parallel()
	type want struct {
		reply  bool
		author switchboard.OperatorID
		note   bool
		text   string
		notice bool // an ephemeral notice to the user
	}
	tests := []struct {
		name string
		cfg  map[string]any
		msg  func(ts string) fake.ThreadMessage
		want want
	}{
		{
			name: "linked operator replies",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: testSlackUser, ThreadTS: ts, Text: "Hi <@U999|bob>, see <https://example.com/a?b=1&amp;c=2|the FAQ> &lt;3"}
			},
			want: want{reply: true, author: testOperator, text: "Hi @bob, see the FAQ https://example.com/a?b=1&c=2 <3"},
		},
		{
			name: "note prefix",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: testSlackUser, ThreadTS: ts, Text: "// customer is angry"}
			},
			want: want{reply: true, author: testOperator, note: true, text: "customer is angry"},
		},
		{
			name: "custom note prefix",
			cfg:  map[string]any{"note_prefix": "!note"},
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: testSlackUser, ThreadTS: ts, Text: "!note check the invoice"}
			},
			want: want{reply: true, author: testOperator, note: true, text: "check the invoice"},
		},
		{
			name: "bot message by bot_id",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: "UFAKEBOT", BotID: "BFAKEBOT", ThreadTS: ts, Text: "*Taro:* hello"}
			},
		},
		{
			name: "bot_message subtype",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{SubType: "bot_message", ThreadTS: ts, Text: "from another app"}
			},
		},
		{
			name: "bot's own user without bot_id",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: "UFAKEBOT", ThreadTS: ts, Text: "echo"}
			},
		},
		{
			name: "edit",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{SubType: "message_changed", ThreadTS: ts, Text: "edited"}
			},
		},
		{
			name: "delete",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{SubType: "message_deleted", ThreadTS: ts}
			},
		},
		{
			name: "unknown thread",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: testSlackUser, ThreadTS: "1111111111.000001", Text: "hello?"}
			},
		},
		{
			name: "channel message outside threads",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: testSlackUser, Text: "lunch?"}
			},
		},
		{
			name: "unlinked user without fallback",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: "UMALLORY", ThreadTS: ts, Text: "I answer too"}
			},
			want: want{notice: true},
		},
		{
			name: "unlinked user with fallback",
			cfg:  map[string]any{"fallback_operator": "op_shared"},
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: "UMALLORY", ThreadTS: ts, Text: "I answer too"}
			},
			want: want{reply: true, author: "op_shared", text: "I answer too"},
		},
		{
			name: "prefix only",
			msg: func(ts string) fake.ThreadMessage {
				return fake.ThreadMessage{User: testSlackUser, ThreadTS: ts, Text: "//"}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, tt.cfg)
			ts := e.openThread()
			m := tt.msg(ts)
			m.Channel = testSlackChan
			rec := e.deliver(fake.MessageEvent(m), time.Now(), 0)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d %s, want 200", rec.Code, rec.Body)
			}
			replies := e.hub.replyRequests()
			if !tt.want.reply {
				if len(replies) != 0 {
					t.Fatalf("replies = %+v, want none", replies)
				}
			} else {
				if len(replies) != 1 {
					t.Fatalf("replies = %d, want 1", len(replies))
				}
				r := replies[0]
				if r.WorkspaceID != testWorkspace || r.ConversationID != testConvID || r.AuthorID != tt.want.author || r.Note != tt.want.note || r.Via != "slack" {
					t.Errorf("reply = %+v, want author %s note %v via slack", r, tt.want.author, tt.want.note)
				}
				if got := switchboard.PartsText(r.Parts); got != tt.want.text {
					t.Errorf("reply text = %q, want %q", got, tt.want.text)
				}
			}
			e.conn.Wait()
			var notices []fake.Post
			for _, p := range e.api.Posts() {
				if p.Method == "chat.postEphemeral" {
					notices = append(notices, p)
				}
			}
			if !tt.want.notice {
				if len(notices) != 0 {
					t.Errorf("notices = %+v, want none", notices)
				}
				return
			}
			if len(notices) != 1 {
				t.Fatalf("notices = %d, want 1", len(notices))
			}
			if n := notices[0]; n.User != m.User || n.ThreadTS != ts || n.Channel != testSlackChan || !strings.Contains(n.Text, "not linked") {
				t.Errorf("notice = %+v", n)
			}
		})
	}
}

func TestWebhookVerification(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	ts := e.openThread()
	reply := fake.MessageEvent(fake.ThreadMessage{Channel: testSlackChan, User: testSlackUser, ThreadTS: ts, Text: "hi"})
	seenBefore := e.hub.seenKeys()

	sign := func(body []byte, at time.Time) *http.Request {
		req, err := fake.NewEventsRequest(context.Background(), testWebhookURL, testSecret, body, at)
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		body   string
	}{
		{name: "bad signature", status: http.StatusUnauthorized, req: func() *http.Request {
			req := sign(reply, time.Now())
			req.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32))
			return req
		}},
		{name: "signed with another secret", status: http.StatusUnauthorized, req: func() *http.Request {
			req, _ := fake.NewEventsRequest(context.Background(), testWebhookURL, "other-secret", reply, time.Now())
			return req
		}},
		{name: "body changed after signing", status: http.StatusUnauthorized, req: func() *http.Request {
			req := sign(reply, time.Now())
			tampered := strings.Replace(string(reply), `"hi"`, `"refund everyone"`, 1)
			return withBody(req, tampered)
		}},
		{name: "missing headers", status: http.StatusUnauthorized, req: func() *http.Request {
			req := sign(reply, time.Now())
			req.Header.Del("X-Slack-Signature")
			req.Header.Del("X-Slack-Request-Timestamp")
			return req
		}},
		{name: "stale timestamp", status: http.StatusUnauthorized, req: func() *http.Request {
			return sign(reply, time.Now().Add(-6*time.Minute))
		}},
		{name: "future timestamp", status: http.StatusUnauthorized, req: func() *http.Request {
			return sign(reply, time.Now().Add(6*time.Minute))
		}},
		{name: "url_verification unsigned", status: http.StatusUnauthorized, req: func() *http.Request {
			req := sign(fake.URLVerification("abc"), time.Now())
			req.Header.Del("X-Slack-Signature")
			return req
		}},
		{name: "url_verification", status: http.StatusOK, body: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", req: func() *http.Request {
			return sign(fake.URLVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"), time.Now())
		}},
		{name: "not JSON", status: http.StatusBadRequest, req: func() *http.Request {
			return sign([]byte("token=x&challenge=y"), time.Now())
		}},
		{name: "four minutes old is fine", status: http.StatusOK, req: func() *http.Request {
			return sign(fake.URLVerification("ok"), time.Now().Add(-4*time.Minute))
		}, body: "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			e.conn.HandleWebhook(rec, tt.req())
			if rec.Code != tt.status {
				t.Fatalf("status = %d %q, want %d", rec.Code, rec.Body, tt.status)
			}
			if tt.body != "" && strings.TrimSpace(rec.Body.String()) != tt.body {
				t.Errorf("body = %q, want %q", rec.Body, tt.body)
			}
		})
	}
	if r := e.hub.replyRequests(); len(r) != 0 {
		t.Errorf("replies = %+v, want none", r)
	}
	if got := e.hub.seenKeys(); got != seenBefore {
		t.Errorf("FirstSeen keys %d → %d: a rejected request did something", seenBefore, got)
	}
}

func TestWebhookRetryIsIdempotent(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	ts := e.openThread()
	body := fake.MessageEvent(fake.ThreadMessage{EventID: "Ev0123RETRY", Channel: testSlackChan, User: testSlackUser, ThreadTS: ts, Text: "Refund sent"})
	for retry := range 3 {
		if rec := e.deliver(body, time.Now(), retry); rec.Code != http.StatusOK {
			t.Fatalf("delivery %d: status %d", retry, rec.Code)
		}
	}
	if r := e.hub.replyRequests(); len(r) != 1 {
		t.Errorf("replies = %d, want 1", len(r))
	}
}

func TestWebhookHubFailureIsRetried(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	ts := e.openThread()
	e.hub.failNextReply(errors.New("database is locked"))
	body := fake.MessageEvent(fake.ThreadMessage{EventID: "Ev0456", Channel: testSlackChan, User: testSlackUser, ThreadTS: ts, Text: "Refund sent"})
	if rec := e.deliver(body, time.Now(), 0); rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500 so that Slack retries", rec.Code)
	}
	if rec := e.deliver(body, time.Now(), 1); rec.Code != http.StatusOK {
		t.Fatalf("retry status = %d, want 200", rec.Code)
	}
	if rec := e.deliver(body, time.Now(), 2); rec.Code != http.StatusOK {
		t.Fatalf("second retry status = %d, want 200", rec.Code)
	}
	if r := e.hub.replyRequests(); len(r) != 1 {
		t.Errorf("replies = %d, want 1", len(r))
	}
}

func TestWebhookPermanentHubRefusalNotifies(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	ts := e.openThread()
	e.hub.failNextReply(connectors.Permanent("conversation is resolved", nil))
	body := fake.MessageEvent(fake.ThreadMessage{Channel: testSlackChan, User: testSlackUser, ThreadTS: ts, Text: "late answer"})
	if rec := e.deliver(body, time.Now(), 0); rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	e.conn.Wait()
	var found bool
	for _, p := range e.api.Posts() {
		if p.Method == "chat.postEphemeral" && strings.Contains(p.Text, "conversation is resolved") {
			found = true
		}
	}
	if !found {
		t.Errorf("no notice posted: %+v", e.api.Posts())
	}
}

func withBody(req *http.Request, body string) *http.Request {
	clone := httptest.NewRequest(req.Method, req.URL.String(), strings.NewReader(body))
	clone.Header = req.Header.Clone()
	return clone
}
