package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	_ "github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/sqlite"
)

type fixture struct {
	t     testing.TB
	srv   *httptest.Server
	store store.Store
	rt    *router.Router
	ws    switchboard.WorkspaceID
	// dbPath is the SQLite file, for a second instance over the same store.
	dbPath string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureWith(t, console.Config{})
}

func newFixtureWith(t testing.TB, cfg console.Config) *fixture {
	t.Helper()
	return newFixtureOn(t, router.BusConfig{}, cfg)
}

// newFixtureOn is a fixture whose router runs on bus.
func newFixtureOn(t testing.TB, bus router.BusConfig, cfg console.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "hub.db")
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := st.PutChannel(ctx, store.Channel{ID: "web", WorkspaceID: ws.ID, Type: "webchat", Name: "Web", Config: json.RawMessage("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: st, ws: ws.ID, dbPath: dbPath}
	f.srv, f.rt = startInstance(t, st, bus, cfg)
	return f
}

// startInstance runs a router on bus and a console over st until the
// test ends.
func startInstance(t testing.TB, st store.Store, bus router.BusConfig, cfg console.Config) (*httptest.Server, *router.Router) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt, err := router.New(st, router.Config{Bus: bus, Logger: log, HubSecret: bytes.Repeat([]byte("k"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(runCtx) }()
	<-rt.Running()
	cfg.Logger = log
	srv := httptest.NewServer(console.New(rt, cfg).Handler())
	t.Cleanup(func() { srv.Close(); cancel(); <-done })
	return srv, rt
}

// token makes an API token of role in workspace ws.
func (f *fixture) token(ws switchboard.WorkspaceID, role switchboard.Role) string {
	f.t.Helper()
	secret := console.NewSecret("sbt_")
	if err := f.store.CreateToken(context.Background(), store.Token{ID: switchboard.NewID("tok"), WorkspaceID: ws, Name: "t", Role: role, Hash: console.HashSecret(secret), CreatedAt: time.Now().UTC()}); err != nil {
		f.t.Fatal(err)
	}
	return secret
}

// operator adds an operator with password "correct horse" in depts.
func (f *fixture) operator(email string, role switchboard.Role, depts ...switchboard.DepartmentID) switchboard.Operator {
	f.t.Helper()
	hash, err := console.HashPassword("correct horse")
	if err != nil {
		f.t.Fatal(err)
	}
	op := switchboard.Operator{ID: switchboard.OperatorID(switchboard.NewID("op")), WorkspaceID: f.ws, Email: email, Name: email, Role: role, DepartmentIDs: depts, CreatedAt: time.Now().UTC()}
	if err := f.store.CreateOperator(context.Background(), op, hash); err != nil {
		f.t.Fatal(err)
	}
	return op
}

// customerWrites stores a site-chat message from visitor and waits until it
// is routed; it returns the conversation.
func (f *fixture) customerWrites(visitor, text string) switchboard.Conversation {
	f.t.Helper()
	res, err := f.rt.Hub.AcceptResults(context.Background(), []switchboard.Inbound{{
		Kind: switchboard.InboundMessage, ChannelID: "web", ExternalID: switchboard.ExternalID(switchboard.NewID("x")),
		Sender: switchboard.ExternalID(visitor), Parts: switchboard.TextParts(text),
	}})
	if err != nil {
		f.t.Fatal(err)
	}
	return f.routed(res[0].ConversationID)
}

type request struct {
	method, path string
	body         string
	bearer       string
	headers      map[string]string
}

func (f *fixture) do(client *http.Client, r request) (int, map[string]any) {
	f.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req, _ := http.NewRequest(r.method, f.srv.URL+r.path, body)
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func TestOperatorSessionAndCSRF(t *testing.T) {
	f := newFixture(t)
	conv := f.customerWrites("v1", "hello")
	dept := conv.DepartmentID
	f.operator("ana@example.com", switchboard.RoleOperator, dept)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}

	if code, _ := f.do(browser, request{method: "POST", path: "/api/v1/auth/login", body: `{"email":"ana@example.com","password":"wrong password"}`}); code != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", code)
	}
	if code, _ := f.do(browser, request{method: "POST", path: "/api/v1/auth/login", body: `{"email":"nobody@example.com","password":"correct horse"}`}); code != http.StatusUnauthorized {
		t.Fatalf("unknown e-mail: %d", code)
	}
	code, login := f.do(browser, request{method: "POST", path: "/api/v1/auth/login", body: `{"email":"ANA@example.com","password":"correct horse"}`})
	if code != http.StatusOK {
		t.Fatalf("login: %d %v", code, login)
	}
	csrf, _ := login["csrf_token"].(string)
	if csrf == "" {
		t.Fatal("no csrf token")
	}
	if code, me := f.do(browser, request{method: "GET", path: "/api/v1/me"}); code != http.StatusOK || me["role"] != "operator" {
		t.Fatalf("me: %d %v", code, me)
	}
	replyPath := "/api/v1/conversations/" + string(conv.ID) + "/messages"
	if code, e := f.do(browser, request{method: "POST", path: replyPath, body: `{"text":"hi"}`}); code != http.StatusForbidden || e["error"].(map[string]any)["code"] != "csrf" {
		t.Fatalf("reply without CSRF header: %d %v", code, e)
	}
	page, _ := f.store.ListMessages(context.Background(), f.ws, conv.ID, store.MessageQuery{})
	if len(page.Items) != 1 {
		t.Fatalf("a request refused for CSRF stored a message")
	}
	if code, m := f.do(browser, request{method: "POST", path: replyPath, body: `{"text":"hi"}`, headers: map[string]string{"X-CSRF-Token": csrf}}); code != http.StatusAccepted || m["author_id"] == "" {
		t.Fatalf("reply with CSRF: %d %v", code, m)
	}
	if code, _ := f.do(browser, request{method: "POST", path: "/api/v1/auth/logout", headers: map[string]string{"X-CSRF-Token": csrf}}); code != http.StatusNoContent {
		t.Fatalf("logout: %d", code)
	}
	if code, _ := f.do(browser, request{method: "GET", path: "/api/v1/me"}); code != http.StatusUnauthorized {
		t.Fatalf("after logout: %d", code)
	}
}

func TestOperatorsSeeOnlyTheirDepartments(t *testing.T) {
	f := newFixture(t)
	conv := f.customerWrites("v1", "hello")
	sales := switchboard.Department{ID: "dep_sales", WorkspaceID: f.ws, Name: "Sales", CreatedAt: time.Now().UTC()}
	if err := f.store.CreateDepartment(context.Background(), sales); err != nil {
		t.Fatal(err)
	}
	f.operator("sam@example.com", switchboard.RoleOperator, sales.ID)
	f.operator("gil@example.com", switchboard.RoleOperator, conv.DepartmentID)
	f.operator("sue@example.com", switchboard.RoleSupervisor)

	login := func(email string) (*http.Client, string) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		code, out := f.do(c, request{method: "POST", path: "/api/v1/auth/login", body: `{"email":"` + email + `","password":"correct horse"}`})
		if code != http.StatusOK {
			t.Fatalf("login %s: %d", email, code)
		}
		return c, out["csrf_token"].(string)
	}
	tests := []struct {
		email string
		sees  bool
	}{
		{"sam@example.com", false},
		{"gil@example.com", true},
		{"sue@example.com", true},
	}
	for _, tc := range tests {
		t.Run(tc.email, func(t *testing.T) {
			c, csrf := login(tc.email)
			_, list := f.do(c, request{method: "GET", path: "/api/v1/conversations"})
			items, _ := list["items"].([]any)
			if (len(items) == 1) != tc.sees {
				t.Fatalf("list shows %d conversations", len(items))
			}
			wantCode := http.StatusOK
			if !tc.sees {
				wantCode = http.StatusNotFound
			}
			if code, _ := f.do(c, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID)}); code != wantCode {
				t.Fatalf("get: %d, want %d", code, wantCode)
			}
			if code, _ := f.do(c, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID) + "/messages"}); code != wantCode {
				t.Fatalf("messages: %d, want %d", code, wantCode)
			}
			_, found := f.do(c, request{method: "GET", path: "/api/v1/search?q=hello"})
			hits, _ := found["items"].([]any)
			if (len(hits) == 1) != tc.sees {
				t.Fatalf("search shows %d messages", len(hits))
			}
			if !tc.sees {
				if code, _ := f.do(c, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", body: `{"text":"x"}`, headers: map[string]string{"X-CSRF-Token": csrf}}); code != http.StatusNotFound {
					t.Fatalf("reply into another department: %d", code)
				}
			}
		})
	}
}

func TestWorkspacesAreIsolated(t *testing.T) {
	f := newFixture(t)
	conv := f.customerWrites("v1", "hello from workspace one")
	other := switchboard.Workspace{ID: "ws_other", Name: "Other", CreatedAt: time.Now().UTC()}
	if err := f.store.CreateWorkspace(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	theirs := f.token(other.ID, switchboard.RoleAdmin)
	mine := f.token(f.ws, switchboard.RoleAdmin)

	_, list := f.do(nil, request{method: "GET", path: "/api/v1/conversations", bearer: theirs})
	if items := list["items"].([]any); len(items) != 0 {
		t.Fatalf("other workspace lists %d conversations", len(items))
	}
	for _, path := range []string{"/api/v1/conversations/" + string(conv.ID), "/api/v1/conversations/" + string(conv.ID) + "/messages"} {
		if code, _ := f.do(nil, request{method: "GET", path: path, bearer: theirs}); code != http.StatusNotFound {
			t.Fatalf("%s from another workspace: %d", path, code)
		}
	}
	if code, _ := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", bearer: theirs, body: `{"text":"x"}`}); code != http.StatusNotFound {
		t.Fatalf("reply from another workspace: %d", code)
	}
	_, found := f.do(nil, request{method: "GET", path: "/api/v1/search?q=workspace", bearer: theirs})
	if hits := found["items"].([]any); len(hits) != 0 {
		t.Fatalf("search leaks across workspaces")
	}
	_, chans := f.do(nil, request{method: "GET", path: "/api/v1/channels", bearer: theirs})
	if items := chans["items"].([]any); len(items) != 0 {
		t.Fatalf("channels leak across workspaces")
	}
	if _, list := f.do(nil, request{method: "GET", path: "/api/v1/conversations", bearer: mine}); len(list["items"].([]any)) != 1 {
		t.Fatal("own workspace does not see its conversation")
	}
}

func TestOperatorStreamHearsNewMessages(t *testing.T) {
	f := newFixture(t)
	token := f.token(f.ws, switchboard.RoleAdmin)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, strings.Replace(f.srv.URL, "http", "ws", 1)+"/api/v1/stream", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	// The stream's first frame says it is subscribed; what comes after it
	// is heard.
	if _, data, err := ws.Read(ctx); err != nil || string(data) != `{"type":"ready"}` {
		t.Fatalf("first frame = %s (%v), want the ready frame", data, err)
	}
	conv := f.customerWrites("v1", "is anyone there?")
	if _, err := f.rt.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: f.ws, ConversationID: conv.ID, Parts: switchboard.TextParts("yes!")}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for !containsAll(got, "message.created:in:is anyone there?", "message.created:out:yes!", "message.updated:out:yes!:sent") {
		_, data, err := ws.Read(ctx)
		if err != nil {
			t.Fatalf("after %v: %v", got, err)
		}
		var ev struct {
			Type    string `json:"type"`
			Message struct {
				Direction, Text, Status string
			} `json:"message"`
		}
		if err := json.Unmarshal(data, &ev); err != nil {
			t.Fatal(err)
		}
		key := ev.Type + ":" + ev.Message.Direction + ":" + ev.Message.Text
		if ev.Type == "message.updated" {
			key += ":" + ev.Message.Status
		}
		got = append(got, key)
	}
}

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, x := range list {
			found = found || x == w
		}
		if !found {
			return false
		}
	}
	return true
}

// TestOperatorStreamRefusesOtherSites: a page of another site cannot open
// the operators' stream with an operator's cookie.
func TestOperatorStreamRefusesOtherSites(t *testing.T) {
	f := newFixture(t)
	token := f.token(f.ws, switchboard.RoleAdmin)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, strings.Replace(f.srv.URL, "http", "ws", 1)+"/api/v1/stream", &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + token}, "Origin": {"https://evil.example.net"}},
	})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site stream: err %v, response %v", err, resp)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
