package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestSiteChatRoundTrip drives the whole slice over real HTTP: a visitor
// writes in the site chat, the conversation is listed by the API, an
// operator replies, the visitor reads the reply (history and WebSocket), a
// private note stays private; then the same after a restart over the same
// data directory.
func TestSiteChatRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	token := createToken(t, cfg, "admin")
	hub := startHub(t, cfg)

	var sess struct {
		Token     string `json:"token"`
		VisitorID string `json:"visitor_id"`
	}
	if code := call(t, "POST", hub.URL+"/widget/v1/sessions", "", map[string]string{"channel": "web"}, &sess); code != http.StatusCreated || sess.Token == "" {
		t.Fatalf("session: %d %+v", code, sess)
	}

	// The visitor listens on the WebSocket before anyone answers.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws := dialWidgetStream(t, ctx, hub.URL, sess.Token)

	if code := call(t, "POST", hub.URL+"/widget/v1/messages", sess.Token, map[string]string{"text": "こんにちは, I need help with my order"}, nil); code != http.StatusCreated {
		t.Fatalf("visitor message: status %d", code)
	}

	var convs list[conversationJSON]
	eventually(t, 5*time.Second, "the conversation to be routed to a department", func() bool {
		call(t, "GET", hub.URL+"/api/v1/conversations", token, nil, &convs)
		return len(convs.Items) == 1 && convs.Items[0].DepartmentID != ""
	})
	conv := convs.Items[0]
	if conv.Channel != "web" || conv.Status != "open" || conv.Contact == nil || conv.UnreadCount != 1 {
		t.Fatalf("conversation = %+v", conv)
	}

	var msgs list[messageJSON]
	call(t, "GET", hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", token, nil, &msgs)
	if len(msgs.Items) != 1 || msgs.Items[0].Direction != "in" || msgs.Items[0].Text != "こんにちは, I need help with my order" {
		t.Fatalf("messages = %+v", msgs.Items)
	}

	var reply messageJSON
	if code := call(t, "POST", hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", token, map[string]string{"text": "Happy to help! What is the order number?"}, &reply); code != http.StatusAccepted {
		t.Fatalf("reply: status %d", code)
	}
	if reply.Direction != "out" || reply.Status != "pending" {
		t.Fatalf("reply = %+v", reply)
	}
	if code := call(t, "POST", hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", token, map[string]any{"text": "customer seems upset", "note": true}, nil); code != http.StatusCreated {
		t.Fatalf("note: status %d", code)
	}

	// The visitor's socket hears its own message, then the reply; never the note.
	seen := readWidgetFrames(t, ctx, ws, func(texts []string) bool {
		return contains(texts, "Happy to help! What is the order number?")
	})
	if contains(seen, "customer seems upset") {
		t.Fatalf("the private note reached the visitor's socket: %v", seen)
	}

	var history list[messageJSON]
	eventually(t, 5*time.Second, "the reply to be sent", func() bool {
		call(t, "GET", hub.URL+"/widget/v1/messages", sess.Token, nil, &history)
		return len(history.Items) == 2 && history.Items[1].Status == "sent"
	})
	if history.Items[0].Direction != "in" || history.Items[1].Direction != "out" || history.Items[1].Text != "Happy to help! What is the order number?" {
		t.Fatalf("visitor history = %+v", history.Items)
	}

	// Operators see all three, the note included.
	call(t, "GET", hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", token, nil, &msgs)
	if len(msgs.Items) != 3 || msgs.Items[2].Direction != "note" {
		t.Fatalf("operator view = %+v", msgs.Items)
	}

	// Restart over the same data directory: everything is still there and
	// the slice still works.
	ws.Close(websocket.StatusNormalClosure, "")
	hub.stop()
	hub = startHub(t, cfg)
	call(t, "GET", hub.URL+"/api/v1/conversations", token, nil, &convs)
	if len(convs.Items) != 1 || convs.Items[0].ID != conv.ID {
		t.Fatalf("after restart conversations = %+v", convs.Items)
	}
	if code := call(t, "POST", hub.URL+"/widget/v1/messages", sess.Token, map[string]string{"text": "It is #4711"}, nil); code != http.StatusCreated {
		t.Fatalf("visitor message after restart: %d", code)
	}
	if code := call(t, "POST", hub.URL+"/api/v1/conversations/"+conv.ID+"/messages", token, map[string]string{"text": "Found it, shipping today."}, nil); code != http.StatusAccepted {
		t.Fatalf("reply after restart: %d", code)
	}
	eventually(t, 5*time.Second, "the visitor to read the reply after restart", func() bool {
		call(t, "GET", hub.URL+"/widget/v1/messages", sess.Token, nil, &history)
		n := len(history.Items)
		return n == 4 && history.Items[3].Text == "Found it, shipping today." && history.Items[3].Status == "sent"
	})
	call(t, "GET", hub.URL+"/api/v1/conversations", token, nil, &convs)
	if len(convs.Items) != 1 {
		t.Fatalf("the visitor's second visit opened another conversation: %+v", convs.Items)
	}
}

// dialWidgetStream opens a visitor's stream and returns once the hub says
// it is subscribed (the ready frame), so what happens after is heard.
func dialWidgetStream(t *testing.T, ctx context.Context, hubURL, token string) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.Dial(ctx, strings.Replace(hubURL, "http", "ws", 1)+"/widget/v1/stream?token="+token, nil)
	if err != nil {
		t.Fatalf("widget stream at %s: %v", hubURL, err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	if _, data, err := ws.Read(ctx); err != nil || string(data) != `{"type":"ready"}` {
		t.Fatalf("widget stream at %s: first frame %s (%v), want the ready frame", hubURL, data, err)
	}
	return ws
}

// readWidgetFrames reads message frames until done(texts so far) holds.
func readWidgetFrames(t *testing.T, ctx context.Context, ws *websocket.Conn, done func([]string) bool) []string {
	t.Helper()
	var texts []string
	for !done(texts) {
		_, data, err := ws.Read(ctx)
		if err != nil {
			t.Fatalf("widget stream read after %v: %v", texts, err)
		}
		var frame struct {
			Type    string      `json:"type"`
			Message messageJSON `json:"message"`
		}
		if err := json.Unmarshal(data, &frame); err != nil {
			t.Fatalf("frame %s: %v", data, err)
		}
		texts = append(texts, frame.Message.Text)
	}
	return texts
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
