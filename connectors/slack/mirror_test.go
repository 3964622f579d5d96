package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/slack/fake"
)

func TestMirrorOpensThreadAndPostsIntoIt(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)

	first := inbound("msg_1", "Where is my order? <b>&")
	first.Message.Parts = append(first.Message.Parts, switchboard.Part{
		Kind:       switchboard.PartImage,
		Attachment: &switchboard.Attachment{URL: "https://hub.example/media/m1?a=1&b=2", Filename: "receipt.jpg"},
	})
	e.mirror(first)

	roots := e.roots()
	if len(roots) != 1 {
		t.Fatalf("roots = %d, want 1: %+v", len(roots), e.api.Posts())
	}
	root := roots[0]
	if root.Channel != testSlackChan {
		t.Errorf("root channel = %q, want %q", root.Channel, testSlackChan)
	}
	consoleURL := "https://hub.example/console/conversations/conv_1"
	for _, want := range []string{"line (ch_line)", "Taro Yamada", consoleURL} {
		if !strings.Contains(root.Text, want) {
			t.Errorf("root text %q lacks %q", root.Text, want)
		}
		if !strings.Contains(string(root.Blocks), want) {
			t.Errorf("root blocks %s lack %q", root.Blocks, want)
		}
	}
	ts, err := e.hub.ThreadOf(context.Background(), testSlackChan, testConvID)
	if err != nil || ts != root.TS {
		t.Fatalf("linked thread = %q, %v; want the root's ts %q", ts, err, root.TS)
	}

	posts := e.threadPosts(root.TS)
	if len(posts) != 1 {
		t.Fatalf("thread posts = %d, want 1", len(posts))
	}
	for _, want := range []string{"*Taro Yamada:*", "Where is my order? &lt;b&gt;&amp;", "<https://hub.example/media/m1?a=1&amp;b=2|receipt.jpg>"} {
		if !strings.Contains(posts[0].Text, want) {
			t.Errorf("thread post %q lacks %q", posts[0].Text, want)
		}
	}
	if got := posts[0].Params.Get("unfurl_links"); got != "false" {
		t.Errorf("unfurl_links = %q, want false", got)
	}

	// The second message goes into the same thread.
	e.mirror(inbound("msg_2", "Any news?"))
	if n := len(e.roots()); n != 1 {
		t.Errorf("roots after second message = %d, want 1", n)
	}
	posts = e.threadPosts(root.TS)
	if len(posts) != 2 || !strings.Contains(posts[1].Text, "Any news?") {
		t.Errorf("thread posts = %+v, want the second message last", posts)
	}
	if e.hub.links() != 1 {
		t.Errorf("LinkThread calls = %d, want 1", e.hub.links())
	}
}

func TestMirrorReplayedEventPostsOnce(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	ev := inbound("msg_1", "hello")
	e.mirror(ev)
	before := len(e.api.Posts())
	e.mirror(ev) // the router redelivers after a crash
	e.mirror(ev)
	if after := len(e.api.Posts()); after != before {
		t.Errorf("posts after replay = %d, want %d", after, before)
	}
	if !e.hub.hasSeen("slack-mirror:ch_slack:msg_1") {
		t.Error("FirstSeen key slack-mirror:ch_slack:msg_1 not recorded")
	}
}

func TestMirrorConcurrentFirstMessagesOpenOneThread(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs <- e.conn.Mirror(context.Background(), inbound(switchboard.MessageID(fmt.Sprintf("msg_%d", i)), fmt.Sprintf("message %d", i)))
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	roots := e.roots()
	if len(roots) != 1 {
		t.Fatalf("roots = %d, want 1", len(roots))
	}
	if got := len(e.threadPosts(roots[0].TS)); got != n {
		t.Errorf("thread posts = %d, want %d", got, n)
	}
	if e.hub.links() != 1 {
		t.Errorf("LinkThread calls = %d, want 1", e.hub.links())
	}
}

func TestMirrorConsoleRepliesAndNoEcho(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	ts := e.openThread()

	// Written in the console: mirrored with who wrote it.
	e.mirror(messageCreated(testConvID, "msg_console_reply", switchboard.DirectionOut, "op_bob", switchboard.TextParts("We shipped it")...))
	e.mirror(messageCreated(testConvID, "msg_console_note", switchboard.DirectionNote, "op_bob", switchboard.TextParts("VIP customer")...))
	posts := e.threadPosts(ts)
	if len(posts) != 3 {
		t.Fatalf("thread posts = %d, want 3", len(posts))
	}
	if want := "*Reply by op_bob:* We shipped it"; posts[1].Text != want {
		t.Errorf("reply line = %q, want %q", posts[1].Text, want)
	}
	if want := "*Note by op_bob:* VIP customer"; posts[2].Text != want {
		t.Errorf("note line = %q, want %q", posts[2].Text, want)
	}

	// Typed in the Slack thread: stored through the hub, then the hub's
	// message.created event for it must not come back into Slack.
	body := fake.MessageEvent(fake.ThreadMessage{Channel: testSlackChan, User: testSlackUser, Text: "On its way!", ThreadTS: ts})
	if rec := e.deliver(body, time.Now(), 0); rec.Code != http.StatusOK {
		t.Fatalf("webhook = %d %s", rec.Code, rec.Body)
	}
	stored := e.hub.storedMessages()
	if len(stored) != 1 {
		t.Fatalf("replies = %d, want 1", len(stored))
	}
	e.mirror(switchboard.Event{Type: switchboard.EventMessageCreated, WorkspaceID: testWorkspace, ConversationID: testConvID, Message: &stored[0]})
	if got := len(e.threadPosts(ts)); got != 3 {
		t.Errorf("thread posts after Slack reply = %d, want 3 (no echo)", got)
	}
}

func TestMirrorDoesNotOpenThreadsForOutgoingMessages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	e.mirror(messageCreated(testConvID, "msg_broadcast", switchboard.DirectionOut, "op_bob", switchboard.TextParts("Sale!")...))
	if posts := e.api.Posts(); len(posts) != 0 {
		t.Errorf("posts = %+v, want none", posts)
	}
	// Other event types and other workspaces are ignored.
	e.mirror(switchboard.Event{Type: switchboard.EventConversationUpdated, WorkspaceID: testWorkspace})
	other := inbound("msg_other_ws", "hi")
	other.WorkspaceID, other.Message.WorkspaceID = "ws_other", "ws_other"
	e.mirror(other)
	if posts := e.api.Posts(); len(posts) != 0 {
		t.Errorf("posts = %+v, want none", posts)
	}
}

func TestMirrorErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       map[string]any
		fail      func(api *fake.Server)
		permanent bool
		retryAt   time.Duration
		contains  string
		noRetry   bool // the failure lasts
	}{
		{name: "network error", cfg: map[string]any{"api_base_url": "http://127.0.0.1:1/api/"}, noRetry: true},
		{name: "rate limited", fail: func(api *fake.Server) { api.RateLimitNext("chat.postMessage", 7*time.Second) }, retryAt: 7 * time.Second},
		{name: "server error", fail: func(api *fake.Server) {
			api.FailNext("chat.postMessage", fake.Failure{Status: http.StatusServiceUnavailable})
		}},
		{name: "channel not found", fail: func(api *fake.Server) { api.ErrorNext("chat.postMessage", "channel_not_found") }, permanent: true, contains: "channel_not_found"},
		{name: "not in channel", fail: func(api *fake.Server) { api.ErrorNext("chat.postMessage", "not_in_channel") }, permanent: true, contains: "not_in_channel"},
		{name: "invalid auth", cfg: map[string]any{"bot_token": "xoxb-wrong"}, permanent: true, contains: "invalid_auth"},
		{name: "internal error", fail: func(api *fake.Server) { api.ErrorNext("chat.postMessage", "internal_error") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, tt.cfg)
			if tt.fail != nil {
				tt.fail(e.api)
			}
			ev := inbound("msg_1", "hello")
			err := e.conn.Mirror(context.Background(), ev)
			if err == nil {
				t.Fatal("Mirror succeeded, want an error")
			}
			if got := connectors.IsPermanent(err); got != tt.permanent {
				t.Errorf("permanent = %v, want %v (%v)", got, tt.permanent, err)
			}
			var retryable *connectors.RetryableError
			if !tt.permanent && !errors.As(err, &retryable) {
				t.Errorf("error %v is not retryable", err)
			}
			if after, _ := connectors.RetryAfter(err); after != tt.retryAt {
				t.Errorf("RetryAfter = %v, want %v", after, tt.retryAt)
			}
			if tt.contains != "" && !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q lacks %q", err, tt.contains)
			}
			if tt.permanent || tt.noRetry {
				return
			}
			// The router retries the same event: it is posted now, once.
			e.mirror(ev)
			e.mirror(ev)
			roots := e.roots()
			if len(roots) != 1 || len(e.threadPosts(roots[0].TS)) != 1 {
				t.Errorf("after retry: posts = %+v, want one root and one line", e.api.Posts())
			}
		})
	}
}

func TestSendIsRefused(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	_, err := e.conn.Send(context.Background(), connectors.OutboundMessage{MessageID: "m", Parts: switchboard.TextParts("x")})
	if !connectors.IsPermanent(err) || !strings.Contains(err.Error(), "operator mirror") {
		t.Errorf("Send error = %v, want permanent 'operator mirror'", err)
	}
	caps := e.conn.Capabilities()
	if !caps.Text || caps.MaxTextLength != 40000 {
		t.Errorf("capabilities = %+v", caps)
	}
	if e.conn.Type() != "slack" {
		t.Errorf("type = %q", e.conn.Type())
	}
}

func TestCheckCredentials(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, nil)
	if err := e.conn.CheckCredentials(context.Background()); err != nil {
		t.Fatalf("CheckCredentials: %v", err)
	}
	if user, bot, _ := e.conn.botIdentity(context.Background()); user != "UFAKEBOT" || bot != "BFAKEBOT" {
		t.Errorf("bot identity = %q %q", user, bot)
	}

	bad := newTestEnv(t, map[string]any{"bot_token": "xoxb-revoked"})
	err := bad.conn.CheckCredentials(context.Background())
	if !connectors.IsPermanent(err) || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("CheckCredentials with a bad token = %v, want permanent invalid_auth", err)
	}
}

func TestThreadTextTruncates(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", MaxTextLength+10)
	got := threadText(nil, switchboard.Message{Direction: switchboard.DirectionIn, Parts: switchboard.TextParts(long)})
	if n := len([]rune(got)); n != MaxTextLength {
		t.Errorf("runes = %d, want %d", n, MaxTextLength)
	}
}

// TestMirrorPerDepartment: a Slack channel configured for some departments
// mirrors only their conversations, so each department can have its own.
func TestMirrorPerDepartment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		dept   switchboard.DepartmentID
		thread bool
	}{
		{"listed department", "dep_sales", true},
		{"other department", "dep_support", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t, map[string]any{"departments": []string{"dep_sales", "dep_billing"}})
			ev := inbound("msg_1", "hello")
			ev.DepartmentID = tc.dept
			e.mirror(ev)
			if got := len(e.roots()) == 1; got != tc.thread {
				t.Fatalf("thread opened = %v, want %v", got, tc.thread)
			}
		})
	}
}
