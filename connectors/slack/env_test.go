package slack

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/slack/fake"
)

const (
	testWorkspace  = switchboard.WorkspaceID("ws_1")
	testChannelID  = switchboard.ChannelID("ch_slack")
	testSlackChan  = "CSUPPORT"
	testSecret     = "8f742231b10e8888abcd99yyyzzz85a5"
	testConvID     = switchboard.ConversationID("conv_1")
	testOperator   = switchboard.OperatorID("op_alice")
	testSlackUser  = "UALICE"
	testWebhookURL = "https://hub.example/webhooks/ch_slack"
)

// testEnv is a connector wired to a fake Slack API and an in-memory hub.
type testEnv struct {
	t    testing.TB
	api  *fake.Server
	hub  *hubFake
	conn *Connector
}

// newTestEnv builds the connector; cfg overrides config keys.
func newTestEnv(t testing.TB, cfg map[string]any) *testEnv {
	t.Helper()
	api := fake.New(fake.Options{})
	t.Cleanup(api.Close)
	hub := newHubFake()
	hub.addConversation(testConversation(testConvID))
	hub.linkOperator(testSlackUser, testOperator)

	raw := map[string]any{
		"bot_token":      api.Options().BotToken,
		"signing_secret": testSecret,
		"channel":        testSlackChan,
		"api_base_url":   api.APIURL(),
	}
	for k, v := range cfg {
		if v == nil {
			delete(raw, k)
		} else {
			raw[k] = v
		}
	}
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	built, err := connectors.Build(Type, b, connectors.Deps{
		ChannelID:   testChannelID,
		WorkspaceID: testWorkspace,
		Hub:         hub,
		Sink:        hub,
		PublicURL:   "https://hub.example",
		WebhookURL:  testWebhookURL,
		Logger:      slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	c := built.(*Connector)
	t.Cleanup(c.Wait)
	return &testEnv{t: t, api: api, hub: hub, conn: c}
}

func testConversation(id switchboard.ConversationID) switchboard.Conversation {
	return switchboard.Conversation{
		ID:          id,
		WorkspaceID: testWorkspace,
		ChannelID:   "ch_line",
		ChannelType: "line",
		ContactID:   "ct_1",
		Contact: &switchboard.Contact{
			ID:          "ct_1",
			WorkspaceID: testWorkspace,
			Profile:     switchboard.Profile{Name: "Taro Yamada"},
		},
		Status: switchboard.ConversationOpen,
	}
}

// messageEvent is a message.created event of conversation conv.
func messageCreated(conv switchboard.ConversationID, id switchboard.MessageID, dir switchboard.Direction, author switchboard.OperatorID, parts ...switchboard.Part) switchboard.Event {
	return switchboard.Event{
		ID:             switchboard.EventID("ev_" + string(id)),
		Type:           switchboard.EventMessageCreated,
		WorkspaceID:    testWorkspace,
		ConversationID: conv,
		Message: &switchboard.Message{
			ID:             id,
			WorkspaceID:    testWorkspace,
			ConversationID: conv,
			ChannelID:      "ch_line",
			Direction:      dir,
			Parts:          parts,
			AuthorID:       author,
			Status:         switchboard.StatusDelivered,
			CreatedAt:      time.Now().UTC(),
		},
		At: time.Now().UTC(),
	}
}

func inbound(id switchboard.MessageID, text string) switchboard.Event {
	return messageCreated(testConvID, id, switchboard.DirectionIn, "", switchboard.TextParts(text)...)
}

// mirror calls Mirror and fails the test on error.
func (e *testEnv) mirror(ev switchboard.Event) {
	e.t.Helper()
	if err := e.conn.Mirror(context.Background(), ev); err != nil {
		e.t.Fatalf("Mirror(%s): %v", ev.Message.ID, err)
	}
}

// openThread mirrors a first inbound message and returns the thread ts.
func (e *testEnv) openThread() string {
	e.t.Helper()
	e.mirror(inbound("msg_first", "hello"))
	ts, err := e.hub.ThreadOf(context.Background(), testSlackChan, testConvID)
	if err != nil {
		e.t.Fatalf("no thread linked: %v", err)
	}
	return ts
}

// deliver sends a signed Events API request to the webhook.
func (e *testEnv) deliver(body []byte, at time.Time, retry int) *httptest.ResponseRecorder {
	e.t.Helper()
	req, err := fake.NewEventsRequest(context.Background(), testWebhookURL, testSecret, body, at)
	if err != nil {
		e.t.Fatal(err)
	}
	if retry > 0 {
		fake.SetRetry(req, retry, "http_timeout")
	}
	rec := httptest.NewRecorder()
	e.conn.HandleWebhook(rec, req)
	return rec
}

// threadPosts returns chat.postMessage posts into thread ts.
func (e *testEnv) threadPosts(ts string) []fake.Post {
	var out []fake.Post
	for _, p := range e.api.Posts() {
		if p.Method == "chat.postMessage" && p.ThreadTS == ts {
			out = append(out, p)
		}
	}
	return out
}

// roots returns chat.postMessage posts that opened threads.
func (e *testEnv) roots() []fake.Post {
	return e.threadPosts("")
}
