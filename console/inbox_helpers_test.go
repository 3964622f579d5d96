package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/sqlite"
)

// session logs an operator in and returns its browser and CSRF token.
func (f *fixture) session(email string) (*http.Client, string) {
	f.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	code, out := f.do(c, request{method: "POST", path: "/api/v1/auth/login", body: `{"email":"` + email + `","password":"correct horse"}`})
	if code != http.StatusOK {
		f.t.Fatalf("login %s: %d %v", email, code, out)
	}
	return c, out["csrf_token"].(string)
}

// frames is a stream being read in the background.
type frames struct {
	t      testing.TB
	conn   *websocket.Conn
	ch     chan map[string]any
	closed chan error
}

// dialStream opens path (a stream) with a browser's cookies or a Bearer
// token and waits for its ready frame.
func (f *fixture) dialStream(path string, client *http.Client, bearer string) *frames {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{HTTPClient: client, HTTPHeader: http.Header{}}
	if bearer != "" {
		opts.HTTPHeader.Set("Authorization", "Bearer "+bearer)
	}
	conn, resp, err := websocket.Dial(ctx, strings.Replace(f.srv.URL, "http", "ws", 1)+path, opts)
	if err != nil {
		f.t.Fatalf("dial %s: %v (%v)", path, err, resp)
	}
	f.t.Cleanup(func() { conn.CloseNow() })
	fr := &frames{t: f.t, conn: conn, ch: make(chan map[string]any, 1000), closed: make(chan error, 1)}
	go func() {
		for {
			_, data, err := conn.Read(context.Background())
			if err != nil {
				fr.closed <- err
				close(fr.ch)
				return
			}
			var m map[string]any
			_ = json.Unmarshal(data, &m)
			fr.ch <- m
		}
	}()
	if first := fr.next(5 * time.Second); first["type"] != "ready" {
		f.t.Fatalf("first frame %v", first)
	}
	return fr
}

func (fr *frames) next(d time.Duration) map[string]any {
	fr.t.Helper()
	select {
	case m, ok := <-fr.ch:
		if !ok {
			fr.t.Fatalf("stream closed: %v", <-fr.closed)
		}
		return m
	case <-time.After(d):
		fr.t.Fatalf("no frame within %s", d)
	}
	return nil
}

// until reads frames until want matches one; it returns every frame read.
func (fr *frames) until(what string, want func(map[string]any) bool) []map[string]any {
	fr.t.Helper()
	var seen []map[string]any
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			fr.t.Fatalf("no %s frame; saw %v", what, seen)
		}
		m := fr.next(left)
		seen = append(seen, m)
		if want(m) {
			return seen
		}
	}
}

// ended waits for the server to close the stream.
func (fr *frames) ended(d time.Duration) error {
	fr.t.Helper()
	timeout := time.After(d)
	for {
		select {
		case _, ok := <-fr.ch:
			if !ok {
				return <-fr.closed
			}
		case <-timeout:
			fr.t.Fatalf("stream still open after %s", d)
		}
	}
}

func frameIs(typ string, conv switchboard.ConversationID) func(map[string]any) bool {
	return func(m map[string]any) bool {
		if m["type"] != typ {
			return false
		}
		if conv == "" {
			return true
		}
		if m["conversation_id"] == string(conv) {
			return true
		}
		if msg, ok := m["message"].(map[string]any); ok && msg["conversation_id"] == string(conv) {
			return true
		}
		return false
	}
}

// visitor is a site-chat visitor with a widget session.
type visitor struct {
	f     *fixture
	token string
	id    string
}

func (f *fixture) visitor() *visitor {
	f.t.Helper()
	code, out := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"web"}`})
	if code != http.StatusCreated {
		f.t.Fatalf("widget session: %d %v", code, out)
	}
	return &visitor{f: f, token: out["token"].(string), id: out["visitor_id"].(string)}
}

// says posts a message and waits until its conversation is routed.
func (v *visitor) says(text string) switchboard.Conversation {
	f := v.f
	f.t.Helper()
	code, out := f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: v.token, body: mustJSON(f.t, map[string]string{"text": text})})
	if code != http.StatusCreated {
		f.t.Fatalf("visitor post: %d %v", code, out)
	}
	return f.routed(switchboard.ConversationID(out["conversation_id"].(string)))
}

func (f *fixture) routed(id switchboard.ConversationID) switchboard.Conversation {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		conv, err := f.store.GetConversation(context.Background(), f.ws, id)
		if err != nil {
			f.t.Fatal(err)
		}
		if conv.DepartmentID != "" {
			return conv
		}
		if time.Now().After(deadline) {
			f.t.Fatal("conversation not routed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// department adds a department.
func (f *fixture) department(id, name string) switchboard.DepartmentID {
	f.t.Helper()
	d := switchboard.Department{ID: switchboard.DepartmentID(id), WorkspaceID: f.ws, Name: name, CreatedAt: time.Now().UTC()}
	if err := f.store.CreateDepartment(context.Background(), d); err != nil {
		f.t.Fatal(err)
	}
	return d.ID
}

// move puts a conversation into dept.
func (f *fixture) move(conv switchboard.ConversationID, dept switchboard.DepartmentID) {
	f.t.Helper()
	if _, err := f.store.SetConversationDepartment(context.Background(), f.ws, conv, dept); err != nil {
		f.t.Fatal(err)
	}
}

// sentReply posts a reply as bearer and waits until the channel sent it.
func (f *fixture) sentReply(bearer string, conv switchboard.ConversationID, text string) switchboard.Message {
	f.t.Helper()
	code, out := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(conv) + "/messages", bearer: bearer, body: mustJSON(f.t, map[string]string{"text": text})})
	if code != http.StatusAccepted {
		f.t.Fatalf("reply: %d %v", code, out)
	}
	id := switchboard.MessageID(out["id"].(string))
	deadline := time.Now().Add(5 * time.Second)
	for {
		m, err := f.store.GetMessage(context.Background(), f.ws, id)
		if err != nil {
			f.t.Fatal(err)
		}
		if m.Status == switchboard.StatusSent || m.Status == switchboard.StatusDelivered {
			return m
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("reply not sent: %+v", m)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func allMessages(t testing.TB, f *fixture, conv switchboard.ConversationID) []switchboard.Message {
	t.Helper()
	page, err := f.store.ListMessages(context.Background(), f.ws, conv, store.MessageQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func errMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	c, _ := e["message"].(string)
	return c
}

// secondInstance runs another hub (router on bus, and console) over the
// same SQLite file: a cluster of two.
func (f *fixture) secondInstance(bus router.BusConfig) *fixture {
	f.t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, f.dbPath)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		f.t.Fatal(err)
	}
	other := &fixture{t: f.t, store: st, ws: f.ws, dbPath: f.dbPath}
	other.srv, other.rt = startInstance(f.t, st, bus, console.Config{})
	return other
}
