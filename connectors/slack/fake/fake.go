// Package fake is an in-process fake of the Slack Web API methods the Slack
// connector uses (auth.test, chat.postMessage, chat.postEphemeral,
// apps.connections.open and a Socket Mode WebSocket), speaking Slack's wire
// format: form or JSON request bodies, the token as a form field or as
// "Authorization: Bearer", answers {"ok":true,…} or {"ok":false,"error":…}
// with HTTP 200, and 429 with Retry-After when rate limited. It records
// posted messages for assertions. events.go builds signed Events API
// requests for tests and for `switchboard simulate`.
package fake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configures a fake. Zero fields get the defaults below.
type Options struct {
	BotToken  string // default "xoxb-fake-bot-token"
	AppToken  string // default "xapp-fake-app-token"
	BotUserID string // default "UFAKEBOT"
	BotID     string // default "BFAKEBOT"
	TeamID    string // default "TFAKE"
	// Channels, when set, are the only channel ids chat.postMessage
	// accepts; others answer channel_not_found.
	Channels []string
	// NotInChannels answer not_in_channel.
	NotInChannels []string
}

// Post is one recorded chat.postMessage or chat.postEphemeral call.
type Post struct {
	Method   string // "chat.postMessage" or "chat.postEphemeral"
	Channel  string
	Text     string
	ThreadTS string
	// User is the recipient of an ephemeral message.
	User string
	// TS is the ts the fake assigned.
	TS     string
	Blocks json.RawMessage
	// Params are all request parameters except the token.
	Params url.Values
}

// Failure is an answer the fake gives instead of the normal one.
type Failure struct {
	// Status is the HTTP status (default 200 for ok:false errors).
	Status int
	// RetryAfter, with Status 429, is sent as Retry-After in seconds.
	RetryAfter time.Duration
	// Error is the ok:false error code ("channel_not_found").
	Error string
}

// Server is a running fake Slack API. It is safe for concurrent use.
type Server struct {
	opts Options
	srv  *httptest.Server

	mu       sync.Mutex
	posts    []Post
	calls    map[string]int
	failures map[string][]Failure
	seq      int
	tsBase   int64

	users map[string]User

	socket socketState
}

// New starts a fake Slack API. Close it when done.
func New(opts Options) *Server {
	if opts.BotToken == "" {
		opts.BotToken = "xoxb-fake-bot-token"
	}
	if opts.AppToken == "" {
		opts.AppToken = "xapp-fake-app-token"
	}
	if opts.BotUserID == "" {
		opts.BotUserID = "UFAKEBOT"
	}
	if opts.BotID == "" {
		opts.BotID = "BFAKEBOT"
	}
	if opts.TeamID == "" {
		opts.TeamID = "TFAKE"
	}
	s := &Server{
		opts:     opts,
		calls:    map[string]int{},
		failures: map[string][]Failure{},
		tsBase:   time.Now().Unix(),
	}
	s.socket.init()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth.test", s.authTest)
	mux.HandleFunc("POST /api/chat.postMessage", s.postMessage)
	mux.HandleFunc("POST /api/chat.postEphemeral", s.postEphemeral)
	mux.HandleFunc("POST /api/apps.connections.open", s.connectionsOpen)
	mux.HandleFunc("POST /api/users.info", s.usersInfo)
	mux.HandleFunc("POST /api/users.lookupByEmail", s.usersLookupByEmail)
	mux.HandleFunc("GET /socket", s.serveSocket)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "unknown_method"})
	})
	s.srv = httptest.NewServer(mux)
	return s
}

// Close stops the server and its Socket Mode connections.
func (s *Server) Close() {
	s.socket.close()
	s.srv.Close()
}

// APIURL is the Web API base to configure as api_base_url ("…/api/").
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// Options returns the fake's effective options (tokens, bot ids).
func (s *Server) Options() Options { return s.opts }

// Posts returns the recorded posts, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// Calls returns how many requests reached method (failed ones included).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// FailNext makes the next call of method answer f instead; repeated calls
// queue failures.
func (s *Server) FailNext(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], f)
}

// RateLimitNext makes the next call of method answer 429 with Retry-After.
func (s *Server) RateLimitNext(method string, retryAfter time.Duration) {
	s.FailNext(method, Failure{Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
}

// ErrorNext makes the next call of method answer {"ok":false,"error":code}.
func (s *Server) ErrorNext(method, code string) {
	s.FailNext(method, Failure{Error: code})
}

// begin counts a call, checks its token and applies a queued failure. It
// reports whether the handler should go on.
func (s *Server) begin(w http.ResponseWriter, r *http.Request, method string, params url.Values, wantToken string) bool {
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()

	token := params.Get("token")
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		token = strings.TrimPrefix(auth, "Bearer ")
	}
	switch {
	case token == "":
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "not_authed"})
		return false
	case token != wantToken:
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_auth"})
		return false
	}
	s.mu.Lock()
	var fail *Failure
	if q := s.failures[method]; len(q) > 0 {
		fail = &q[0]
		s.failures[method] = q[1:]
	}
	s.mu.Unlock()
	if fail != nil {
		status := fail.Status
		if status == 0 {
			status = http.StatusOK
		}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(int(fail.RetryAfter/time.Second)))
		}
		switch {
		case fail.Error != "":
			writeJSON(w, status, map[string]any{"ok": false, "error": fail.Error})
		case status == http.StatusTooManyRequests:
			writeJSON(w, status, map[string]any{"ok": false, "error": "ratelimited"})
		default:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><body>Slack is having trouble</body></html>")
		}
		return false
	}
	return true
}

// readParams reads a form or JSON body into values, as Slack accepts both.
func readParams(r *http.Request) (url.Values, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		values := url.Values{}
		if len(strings.TrimSpace(string(body))) == 0 {
			return values, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, err
		}
		for k, raw := range obj {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				values.Set(k, str)
			} else {
				values.Set(k, string(raw))
			}
		}
		return values, nil
	}
	return url.ParseQuery(string(body))
}

func (s *Server) authTest(w http.ResponseWriter, r *http.Request) {
	params, err := readParams(r)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	if !s.begin(w, r, "auth.test", params, s.opts.BotToken) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ok":      true,
		"url":     "https://fake.slack.com/",
		"team":    "Fake Team",
		"user":    "switchboard",
		"team_id": s.opts.TeamID,
		"user_id": s.opts.BotUserID,
		"bot_id":  s.opts.BotID,
	})
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	s.post(w, r, "chat.postMessage")
}

func (s *Server) postEphemeral(w http.ResponseWriter, r *http.Request) {
	s.post(w, r, "chat.postEphemeral")
}

func (s *Server) post(w http.ResponseWriter, r *http.Request, method string) {
	params, err := readParams(r)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	if !s.begin(w, r, method, params, s.opts.BotToken) {
		return
	}
	channel := params.Get("channel")
	if e := s.channelError(channel); e != "" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": e})
		return
	}
	if params.Get("text") == "" && params.Get("blocks") == "" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "no_text"})
		return
	}
	if method == "chat.postEphemeral" && params.Get("user") == "" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "user_not_in_channel"})
		return
	}
	params.Del("token")
	p := Post{
		Method:   method,
		Channel:  channel,
		Text:     params.Get("text"),
		ThreadTS: params.Get("thread_ts"),
		User:     params.Get("user"),
		Params:   params,
	}
	if b := params.Get("blocks"); b != "" {
		if !json.Valid([]byte(b)) {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_blocks"})
			return
		}
		p.Blocks = json.RawMessage(b)
	}
	s.mu.Lock()
	s.seq++
	p.TS = fmt.Sprintf("%d.%06d", s.tsBase, s.seq)
	s.posts = append(s.posts, p)
	s.mu.Unlock()

	if method == "chat.postEphemeral" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "message_ts": p.TS})
		return
	}
	msg := map[string]any{
		"type":    "message",
		"subtype": "bot_message",
		"text":    p.Text,
		"user":    s.opts.BotUserID,
		"bot_id":  s.opts.BotID,
		"ts":      p.TS,
		"team":    s.opts.TeamID,
	}
	if p.ThreadTS != "" {
		msg["thread_ts"] = p.ThreadTS
	}
	if p.Blocks != nil {
		msg["blocks"] = p.Blocks
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": channel, "ts": p.TS, "message": msg})
}

func (s *Server) channelError(channel string) string {
	if channel == "" {
		return "channel_not_found"
	}
	for _, c := range s.opts.NotInChannels {
		if c == channel {
			return "not_in_channel"
		}
	}
	if len(s.opts.Channels) == 0 {
		return ""
	}
	for _, c := range s.opts.Channels {
		if c == channel {
			return ""
		}
	}
	return "channel_not_found"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// wsURL turns the fake's http base into its ws:// Socket Mode address.
func (s *Server) wsURL() string {
	return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/socket"
}
