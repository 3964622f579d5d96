// Package fake is an in-process fake of the LINE Messaging API for tests: the
// same paths and JSON shapes as the real API (as the line-bot-sdk-go types
// marshal them), a Bearer token check, recording of every request, message
// content and profiles to serve, X-Line-Retry-Key deduplication, single-use
// reply tokens and fault injection. It also builds signed webhook requests.
//
// It is for tests only: it imports net/http/httptest.
package fake

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Fault is what the fake answers instead of doing its work. Its fields match
// connectortest.Fault, so one converts to the other.
type Fault struct {
	// Status is the HTTP status to answer (ignored when Hang).
	Status int
	// RetryAfter is the Retry-After header value, if any.
	RetryAfter string
	// Body is the answer's body; empty means LINE's error JSON for Status.
	Body string
	// Hang holds the request until the client gives up or the fake closes.
	Hang bool
}

// Request is one request the fake received.
type Request struct {
	Method string
	// Path is the URL path, e.g. /v2/bot/message/push.
	Path   string
	Header http.Header
	Body   []byte
	// Decoded is the body decoded into the SDK's type for the path:
	// *messaging_api.PushMessageRequest, *messaging_api.ReplyMessageRequest,
	// *messaging_api.MulticastRequest or
	// *messaging_api.ShowLoadingAnimationRequest; nil otherwise.
	Decoded any
	// Status is what the fake answered.
	Status int
}

// Content is message content served by the data API.
type Content struct {
	ContentType string
	Body        []byte
}

// Server is a running fake. Its URL serves both api.line.me and
// api-data.line.me paths.
type Server struct {
	// URL is the base URL (no trailing slash) for api_base_url and
	// data_api_base_url.
	URL string
	// AccessToken is the channel access token the fake accepts.
	AccessToken string

	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu          sync.Mutex
	requests    []Request
	faults      []pendingFault
	retryKeys   map[string][]messaging_api.SentMessage
	replyTokens map[string]bool // issued token -> used
	profiles    map[string]messaging_api.UserProfileResponse
	contents    map[string]Content
	seq         int64
}

type pendingFault struct {
	fault Fault
	left  int
}

// New starts a fake that accepts accessToken and closes it when the test
// ends.
func New(tb testing.TB, accessToken string) *Server {
	s := &Server{AccessToken: accessToken, closing: make(chan struct{})}
	s.resetLocked()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Close releases hanging requests and stops the server.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closing)
		s.srv.Close()
	})
}

// Reset forgets recorded requests, pending faults and retry keys, and makes
// every issued reply token unused again. Profiles and contents are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	profiles, contents, tokens := s.profiles, s.contents, s.replyTokens
	s.resetLocked()
	s.profiles, s.contents = profiles, contents
	for token := range tokens {
		s.replyTokens[token] = false
	}
}

func (s *Server) resetLocked() {
	s.requests = nil
	s.faults = nil
	s.retryKeys = map[string][]messaging_api.SentMessage{}
	s.replyTokens = map[string]bool{}
	s.profiles = map[string]messaging_api.UserProfileResponse{}
	s.contents = map[string]Content{}
}

// FailNext makes the next n requests (any path) answer with f.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, pendingFault{fault: f, left: n})
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestsTo returns the requests to one path.
func (s *Server) RequestsTo(path string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// IssueReplyToken returns a fresh reply token the fake accepts once.
func (s *Server) IssueReplyToken() string {
	token := randomHex(16)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replyTokens[token] = false
	return token
}

// AcceptReplyToken makes the fake accept token once as a reply token, as
// if it had come with a webhook event (deterministic, for golden files).
func (s *Server) AcceptReplyToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replyTokens[token] = false
}

// AddProfile makes GET /v2/bot/profile/{userId} answer p.
func (s *Server) AddProfile(p messaging_api.UserProfileResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[p.UserId] = p
}

// AddContent makes GET /v2/bot/message/{messageId}/content answer c.
func (s *Server) AddContent(messageID string, c Content) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contents[messageID] = c
}

// errorBody is LINE's error JSON.
func errorBody(message string, details ...messaging_api.ErrorDetail) []byte {
	b, _ := json.Marshal(messaging_api.ErrorResponse{Message: message, Details: details})
	return b
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Line-Request-Id", randomHex(16))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

var statusMessages = map[int]string{
	http.StatusBadRequest:          "The request body has 1 error(s)",
	http.StatusUnauthorized:        "Authentication failed. Confirm that the access token in the authorization header is valid.",
	http.StatusForbidden:           "Access to this API is not available for your account",
	http.StatusNotFound:            "Not found",
	http.StatusConflict:            "The retry key is already accepted",
	http.StatusTooManyRequests:     "The API rate limit has been exceeded. Try again later.",
	http.StatusInternalServerError: "Internal server error",
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	rec := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	status := s.handle(w, r, &rec)
	rec.Status = status
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
}

// handle answers one request and returns the status it answered.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, rec *Request) int {
	if f, ok := s.takeFault(); ok {
		if f.Hang {
			select {
			case <-r.Context().Done():
			case <-s.closing:
			}
			return 0
		}
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		body := []byte(f.Body)
		if f.Body == "" {
			msg, ok := statusMessages[f.Status]
			if !ok {
				msg = http.StatusText(f.Status)
			}
			body = errorBody(msg)
		}
		s.writeJSON(w, f.Status, body)
		return f.Status
	}
	if r.Header.Get("Authorization") != "Bearer "+s.AccessToken {
		return s.fail(w, http.StatusUnauthorized, statusMessages[http.StatusUnauthorized])
	}
	path := r.URL.Path
	switch {
	case r.Method == http.MethodPost && path == "/v2/bot/message/reply":
		return s.reply(w, rec)
	case r.Method == http.MethodPost && path == "/v2/bot/message/push":
		return s.push(w, r, rec)
	case r.Method == http.MethodPost && path == "/v2/bot/message/multicast":
		return s.multicast(w, r, rec)
	case r.Method == http.MethodPost && path == "/v2/bot/chat/loading/start":
		return s.loading(w, rec)
	case r.Method == http.MethodGet && path == "/v2/bot/info":
		b, _ := json.Marshal(messaging_api.BotInfoResponse{
			UserId: "U" + strings.Repeat("0", 32), BasicId: "@fakebot", DisplayName: "Fake Bot",
			ChatMode: "chat", MarkAsReadMode: "manual",
		})
		s.writeJSON(w, http.StatusOK, b)
		return http.StatusOK
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v2/bot/profile/"):
		s.mu.Lock()
		p, ok := s.profiles[strings.TrimPrefix(path, "/v2/bot/profile/")]
		s.mu.Unlock()
		if !ok {
			return s.fail(w, http.StatusNotFound, "Not found")
		}
		b, _ := json.Marshal(p)
		s.writeJSON(w, http.StatusOK, b)
		return http.StatusOK
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v2/bot/message/") && strings.HasSuffix(path, "/content"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/v2/bot/message/"), "/content")
		s.mu.Lock()
		c, ok := s.contents[id]
		s.mu.Unlock()
		if !ok {
			return s.fail(w, http.StatusNotFound, "Not found")
		}
		w.Header().Set("Content-Type", c.ContentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(c.Body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(c.Body)
		return http.StatusOK
	}
	return s.fail(w, http.StatusNotFound, "Not found")
}

func (s *Server) takeFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.faults) > 0 {
		pf := &s.faults[0]
		if pf.left <= 0 {
			s.faults = s.faults[1:]
			continue
		}
		pf.left--
		f := pf.fault
		if pf.left == 0 {
			s.faults = s.faults[1:]
		}
		return f, true
	}
	return Fault{}, false
}

func (s *Server) fail(w http.ResponseWriter, status int, message string, details ...messaging_api.ErrorDetail) int {
	s.writeJSON(w, status, errorBody(message, details...))
	return status
}

func (s *Server) invalid(w http.ResponseWriter, details []messaging_api.ErrorDetail) int {
	msg := fmt.Sprintf("The request body has %d error(s)", len(details))
	return s.fail(w, http.StatusBadRequest, msg, details...)
}

func (s *Server) nextSent(n int) []messaging_api.SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]messaging_api.SentMessage, n)
	for i := range out {
		s.seq++
		out[i] = messaging_api.SentMessage{Id: strconv.FormatInt(500000000000000000+s.seq, 10), QuoteToken: randomHex(8)}
	}
	return out
}

func (s *Server) reply(w http.ResponseWriter, rec *Request) int {
	var req messaging_api.ReplyMessageRequest
	if err := json.Unmarshal(rec.Body, &req); err != nil {
		return s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", messaging_api.ErrorDetail{Message: err.Error()})
	}
	rec.Decoded = &req
	if details := validateMessages(req.Messages); len(details) > 0 {
		return s.invalid(w, details)
	}
	s.mu.Lock()
	used, known := s.replyTokens[req.ReplyToken]
	if known && !used {
		s.replyTokens[req.ReplyToken] = true
	}
	s.mu.Unlock()
	if !known || used {
		return s.fail(w, http.StatusBadRequest, "Invalid reply token")
	}
	b, _ := json.Marshal(messaging_api.ReplyMessageResponse{SentMessages: s.nextSent(len(req.Messages))})
	s.writeJSON(w, http.StatusOK, b)
	return http.StatusOK
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkRetryKey answers 400 for a malformed key and 409 for a reused one;
// it returns 0 when the request may proceed.
func (s *Server) checkRetryKey(w http.ResponseWriter, key string) int {
	if key == "" {
		return 0
	}
	if !uuidPattern.MatchString(key) {
		return s.fail(w, http.StatusBadRequest, "The retry key is invalid", messaging_api.ErrorDetail{Message: "must be a UUID", Property: "X-Line-Retry-Key"})
	}
	s.mu.Lock()
	sent, seen := s.retryKeys[strings.ToLower(key)]
	s.mu.Unlock()
	if !seen {
		return 0
	}
	b, _ := json.Marshal(messaging_api.ErrorResponse{Message: statusMessages[http.StatusConflict], SentMessages: sent})
	w.Header().Set("X-Line-Accepted-Request-Id", randomHex(16))
	s.writeJSON(w, http.StatusConflict, b)
	return http.StatusConflict
}

func (s *Server) rememberRetryKey(key string, sent []messaging_api.SentMessage) {
	if key == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retryKeys[strings.ToLower(key)] = sent
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, rec *Request) int {
	var req messaging_api.PushMessageRequest
	if err := json.Unmarshal(rec.Body, &req); err != nil {
		return s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", messaging_api.ErrorDetail{Message: err.Error()})
	}
	rec.Decoded = &req
	key := r.Header.Get("X-Line-Retry-Key")
	if status := s.checkRetryKey(w, key); status != 0 {
		return status
	}
	details := validateMessages(req.Messages)
	if req.To == "" {
		details = append(details, messaging_api.ErrorDetail{Message: "must be specified", Property: "to"})
	}
	if len(details) > 0 {
		return s.invalid(w, details)
	}
	sent := s.nextSent(len(req.Messages))
	s.rememberRetryKey(key, sent)
	b, _ := json.Marshal(messaging_api.PushMessageResponse{SentMessages: sent})
	s.writeJSON(w, http.StatusOK, b)
	return http.StatusOK
}

func (s *Server) multicast(w http.ResponseWriter, r *http.Request, rec *Request) int {
	var req messaging_api.MulticastRequest
	if err := json.Unmarshal(rec.Body, &req); err != nil {
		return s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", messaging_api.ErrorDetail{Message: err.Error()})
	}
	rec.Decoded = &req
	key := r.Header.Get("X-Line-Retry-Key")
	if status := s.checkRetryKey(w, key); status != 0 {
		return status
	}
	details := validateMessages(req.Messages)
	if len(req.To) == 0 || len(req.To) > 500 {
		details = append(details, messaging_api.ErrorDetail{Message: "size must be between 1 and 500", Property: "to"})
	}
	if len(details) > 0 {
		return s.invalid(w, details)
	}
	s.rememberRetryKey(key, nil)
	s.writeJSON(w, http.StatusOK, []byte("{}"))
	return http.StatusOK
}

func (s *Server) loading(w http.ResponseWriter, rec *Request) int {
	var req messaging_api.ShowLoadingAnimationRequest
	if err := json.Unmarshal(rec.Body, &req); err != nil {
		return s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", messaging_api.ErrorDetail{Message: err.Error()})
	}
	rec.Decoded = &req
	var details []messaging_api.ErrorDetail
	if req.ChatId == "" {
		details = append(details, messaging_api.ErrorDetail{Message: "must be specified", Property: "chatId"})
	}
	if req.LoadingSeconds != 0 && (req.LoadingSeconds < 5 || req.LoadingSeconds > 60 || req.LoadingSeconds%5 != 0) {
		details = append(details, messaging_api.ErrorDetail{Message: "must be a multiple of 5 between 5 and 60", Property: "loadingSeconds"})
	}
	if len(details) > 0 {
		return s.invalid(w, details)
	}
	s.writeJSON(w, http.StatusAccepted, []byte("{}"))
	return http.StatusAccepted
}

// TextLength is how LINE counts a text's length: UTF-16 code units.
func TextLength(s string) int { return len(utf16.Encode([]rune(s))) }

// validateMessages checks what the real API checks of message objects that
// this hub sends.
func validateMessages(msgs []messaging_api.MessageInterface) []messaging_api.ErrorDetail {
	var details []messaging_api.ErrorDetail
	add := func(i int, prop, msg string) {
		details = append(details, messaging_api.ErrorDetail{Message: msg, Property: fmt.Sprintf("messages[%d]%s", i, prop)})
	}
	if len(msgs) == 0 || len(msgs) > 5 {
		return []messaging_api.ErrorDetail{{Message: "size must be between 1 and 5", Property: "messages"}}
	}
	for i, m := range msgs {
		var qr *messaging_api.QuickReply
		switch m := m.(type) {
		case messaging_api.TextMessage:
			qr = m.QuickReply
			if m.Text == "" {
				add(i, ".text", "must be specified")
			}
			if TextLength(m.Text) > 5000 {
				add(i, ".text", "Length must be between 0 and 5000")
			}
		case messaging_api.ImageMessage:
			qr = m.QuickReply
			if !strings.HasPrefix(m.OriginalContentUrl, "https://") {
				add(i, ".originalContentUrl", "must be an HTTPS URL")
			}
			if !strings.HasPrefix(m.PreviewImageUrl, "https://") {
				add(i, ".previewImageUrl", "must be an HTTPS URL")
			}
		case messaging_api.VideoMessage:
			qr = m.QuickReply
			if !strings.HasPrefix(m.OriginalContentUrl, "https://") || !strings.HasPrefix(m.PreviewImageUrl, "https://") {
				add(i, ".originalContentUrl", "must be an HTTPS URL")
			}
		case messaging_api.AudioMessage:
			qr = m.QuickReply
			if !strings.HasPrefix(m.OriginalContentUrl, "https://") {
				add(i, ".originalContentUrl", "must be an HTTPS URL")
			}
			if m.Duration <= 0 {
				add(i, ".duration", "must be positive")
			}
		case messaging_api.LocationMessage:
			qr = m.QuickReply
			if m.Title == "" || TextLength(m.Title) > 100 {
				add(i, ".title", "Length must be between 1 and 100")
			}
			if m.Address == "" || TextLength(m.Address) > 100 {
				add(i, ".address", "Length must be between 1 and 100")
			}
		case messaging_api.StickerMessage:
			qr = m.QuickReply
			if m.PackageId == "" || m.StickerId == "" {
				add(i, ".stickerId", "must be specified")
			}
		case messaging_api.FlexMessage:
			qr = m.QuickReply
			if m.AltText == "" || TextLength(m.AltText) > 1500 {
				add(i, ".altText", "Length must be between 1 and 1500")
			}
			if m.Contents == nil {
				add(i, ".contents", "must be specified")
			}
		case messaging_api.TemplateMessage:
			qr = m.QuickReply
			if m.AltText == "" || TextLength(m.AltText) > 400 {
				add(i, ".altText", "Length must be between 1 and 400")
			}
			bt, ok := m.Template.(messaging_api.ButtonsTemplate)
			if !ok {
				add(i, ".template.type", "only buttons templates are supported by the fake")
				break
			}
			limit := 160
			if bt.Title != "" || bt.ThumbnailImageUrl != "" {
				limit = 60
			}
			if bt.Text == "" || TextLength(bt.Text) > limit {
				add(i, ".template.text", fmt.Sprintf("Length must be between 1 and %d", limit))
			}
			if len(bt.Actions) == 0 || len(bt.Actions) > 4 {
				add(i, ".template.actions", "size must be between 1 and 4")
			}
			for j, a := range bt.Actions {
				validateAction(a, func(prop, msg string) { add(i, fmt.Sprintf(".template.actions[%d]%s", j, prop), msg) })
			}
		default:
			add(i, ".type", fmt.Sprintf("unsupported message type %q", m.GetType()))
		}
		if qr == nil {
			continue
		}
		if len(qr.Items) == 0 || len(qr.Items) > 13 {
			add(i, ".quickReply.items", "size must be between 1 and 13")
		}
		for j, it := range qr.Items {
			prop := fmt.Sprintf(".quickReply.items[%d]", j)
			if it.Type != "action" {
				add(i, prop+".type", "must be action")
			}
			validateAction(it.Action, func(p, msg string) { add(i, prop+".action"+p, msg) })
		}
	}
	return details
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// DecodeJSON is a helper for tests: it decodes a recorded body into a
// generic JSON value, for comparisons against golden files.
func DecodeJSON(body []byte) (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(&v)
	return v, err
}

// validateAction checks an action of a quick reply item or a template as
// the real API does; add reports a problem at a property below the action.
func validateAction(a messaging_api.ActionInterface, add func(prop, msg string)) {
	switch a := a.(type) {
	case messaging_api.PostbackAction:
		if a.Label == "" || TextLength(a.Label) > 20 {
			add(".label", "Length must be between 1 and 20")
		}
		if a.Data == "" || TextLength(a.Data) > 300 {
			add(".data", "Length must be between 1 and 300")
		}
	case messaging_api.UriAction:
		if a.Label == "" || TextLength(a.Label) > 20 {
			add(".label", "Length must be between 1 and 20")
		}
		if a.Uri == "" {
			add(".uri", "must be specified")
		}
	case messaging_api.MessageAction:
		if a.Label == "" || a.Text == "" {
			add("", "label and text must be specified")
		}
	default:
		add("", "unsupported action")
	}
}
