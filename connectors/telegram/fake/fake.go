// Package fake is an in-process fake of the Telegram Bot API for tests:
// methods at {URL}/bot<token>/<method> and files at
// {URL}/file/bot<token>/<file_path>, the token checked on every call, each
// method's parameters checked (MarkdownV2 parsed as Telegram parses it,
// inline keyboards and their 64-byte callback data), answers in the Bot
// API's envelope ({"ok":true,"result":…} or {"ok":false,"error_code":…,
// "description":…,"parameters":{"retry_after":N}}), every call recorded,
// fault injection, and delivery of updates to the webhook the connector
// registered with setWebhook.
//
// It is for tests only: it imports net/http/httptest.
package fake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/switchboardhq/switchboard/connectors/connectortest"
)

// Fault is what the fake answers instead of doing its work (an empty Body
// means the Bot API's error envelope; RetryAfter is also the envelope's
// parameters.retry_after for 429).
type Fault = connectortest.Fault

// Call is one request the fake received.
type Call struct {
	// Method is the Bot API method ("sendMessage"), or "file" for a download.
	Method string
	// Path is the URL path with the token replaced by <token>.
	Path string
	Body []byte
	// Params is the JSON body decoded (nil for downloads).
	Params map[string]any
	// Status is what the fake answered.
	Status int
}

// File is a file the fake serves through getFile and the file URL.
type File struct {
	Path        string
	ContentType string
	Body        []byte
}

// Webhook is what the connector registered with setWebhook.
type Webhook struct {
	URL            string
	SecretToken    string
	AllowedUpdates []string
}

// Server is a running fake.
type Server struct {
	// URL is the base URL (no trailing slash) for api_base_url.
	URL string
	// Token is the bot token the fake accepts.
	Token string
	// Bot is what getMe answers.
	Bot models.User

	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu       sync.Mutex
	calls    []Call
	faults   connectortest.FaultQueue
	files    map[string]File // by file_id
	blocked  map[int64]bool
	sent     map[string]bool // "<chat>:<id>" of messages not deleted
	seq      int
	webhooks []Webhook
	updateID int64
}

// New starts a fake that accepts token and closes it when the test ends.
func New(tb testing.TB, token string) *Server {
	s := &Server{Token: token, closing: make(chan struct{}), Bot: models.User{ID: botID(token), IsBot: true, FirstName: "Support", Username: "support_test_bot"}}
	s.resetLocked()
	s.files = map[string]File{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

func botID(token string) int64 {
	id, _ := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	return id
}

// Close releases hanging requests and stops the server.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closing)
		s.srv.Close()
	})
}

// Reset forgets calls, faults, blocked chats, sent messages and webhooks.
// Files are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
}

func (s *Server) resetLocked() {
	s.calls, s.webhooks = nil, nil
	s.faults.Clear()
	s.blocked = map[int64]bool{}
	s.sent = map[string]bool{}
	s.seq = 0
}

// FailNext makes the next n requests (any method) answer with f.
func (s *Server) FailNext(n int, f Fault) { s.faults.FailNext(n, f) }

// AddFile makes getFile answer for fileID and the file URL serve f.
func (s *Server) AddFile(fileID string, f File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = f
}

// Block makes sends to chat fail as when the user blocked the bot.
func (s *Server) Block(chat int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chat] = true
}

// Calls returns every request received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the requests to one method.
func (s *Server) CallsTo(method string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Webhooks returns what setWebhook registered, in order.
func (s *Server) Webhooks() []Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Webhook(nil), s.webhooks...)
}

// apiError is the Bot API's error envelope.
type apiError struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after,omitempty"`
	} `json:"parameters,omitempty"`
}

// ErrorBody is the Bot API's error envelope for code with description;
// retryAfter > 0 adds parameters.retry_after.
func ErrorBody(code int, description string, retryAfter int) []byte {
	e := apiError{ErrorCode: code, Description: description}
	if retryAfter > 0 {
		e.Parameters = &struct {
			RetryAfter int `json:"retry_after,omitempty"`
		}{retryAfter}
	}
	b, _ := json.Marshal(e)
	return b
}

// descriptions are the Bot API's usual words for error codes.
var descriptions = map[int]string{
	400: "Bad Request: chat not found",
	401: "Unauthorized",
	403: "Forbidden: bot was blocked by the user",
	404: "Not Found",
	409: "Conflict: terminated by other getUpdates request",
	429: "Too Many Requests: retry after %d",
	500: "Internal Server Error",
	502: "Bad Gateway",
	503: "Service Unavailable",
}

func describe(code, retryAfter int) string {
	d, ok := descriptions[code]
	if !ok {
		return http.StatusText(code)
	}
	if strings.Contains(d, "%d") {
		return fmt.Sprintf(d, retryAfter)
	}
	return d
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	call := Call{Path: strings.ReplaceAll(r.URL.Path, s.Token, "<token>"), Body: body}
	status := s.handle(w, r, body, &call)
	call.Status = status
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()
}

// handle answers one request and returns the status it answered.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, body []byte, call *Call) int {
	path := r.URL.Path
	var token, rest string
	isFile := false
	switch {
	case strings.HasPrefix(path, "/file/bot"):
		isFile = true
		token, rest, _ = strings.Cut(strings.TrimPrefix(path, "/file/bot"), "/")
		call.Method = "file"
	case strings.HasPrefix(path, "/bot"):
		token, rest, _ = strings.Cut(strings.TrimPrefix(path, "/bot"), "/")
		call.Method = rest
	default:
		return writeError(w, http.StatusNotFound, describe(404, 0), 0)
	}
	if token != s.Token {
		return writeError(w, http.StatusUnauthorized, describe(401, 0), 0)
	}
	if f, ok := s.faults.Take(); ok {
		return s.answerFault(w, r, f)
	}
	if isFile {
		return s.serveFile(w, rest)
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return writeError(w, http.StatusBadRequest, "Bad Request: the fake expects POST with a JSON body", 0)
	}
	var params map[string]any
	if err := json.Unmarshal(body, &params); err != nil || params == nil {
		return writeError(w, http.StatusBadRequest, "Bad Request: invalid JSON body", 0)
	}
	call.Params = params
	h, ok := methods[rest]
	if !ok {
		return writeError(w, http.StatusNotFound, describe(404, 0), 0)
	}
	result, apiErr := h(s, params)
	if apiErr != nil {
		return writeError(w, apiErr.code, apiErr.description, 0)
	}
	b, _ := json.Marshal(map[string]any{"ok": true, "result": result})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	return http.StatusOK
}

func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, f Fault) int {
	if f.Hang {
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return 0
	}
	retry, _ := strconv.Atoi(f.RetryAfter)
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
		return f.Status
	}
	if f.Status != http.StatusTooManyRequests {
		retry = 0
	}
	return writeError(w, f.Status, describe(f.Status, retry), retry)
}

func writeError(w http.ResponseWriter, code int, description string, retryAfter int) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(ErrorBody(code, description, retryAfter))
	return code
}

func (s *Server) serveFile(w http.ResponseWriter, filePath string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		if f.Path == filePath {
			w.Header().Set("Content-Type", f.ContentType)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(f.Body)
			return http.StatusOK
		}
	}
	return writeError(w, http.StatusNotFound, describe(404, 0), 0)
}

// now is the fake's clock for message dates.
func now() int { return int(time.Now().Unix()) }
