// Package fake is an in-process fake of the WhatsApp Cloud API for tests:
// POST /{version}/{phone_number_id}/messages (text, media by link or id,
// location, interactive buttons, lists and call-to-action URLs, templates
// among its configured ones, mark as read), GET /{version}/{phone_number_id}
// (the number's details), GET /{version}/{media-id} and the media URL it
// names (both behind the Bearer token), GET
// /{version}/{business_account_id}/message_templates with cursor paging.
// It checks the token, the version and ids in the path and the body's
// shape, and answers with Graph's documented error bodies: 190 for a bad
// token, 100 (subcode 33) for an unknown object, 131008/131009 for a bad
// body, 132001/132000 for templates, 131047 when it knows the recipient's
// 24-hour window is closed, 131026 for undeliverable recipients, and any
// code on demand (130429, 131056, ...). It records every request and
// builds, signs and posts webhooks to the hub (webhook.go).
//
// It is for tests only: it imports net/http/httptest.
package fake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/connectors/connectortest"
)

// Fault is what the fake answers instead of doing its work (an empty Body
// means Graph's error body for Status).
type Fault = connectortest.Fault

// Options configure a fake.
type Options struct {
	// Token is the access token the fake accepts (Bearer).
	Token string
	// AppSecret signs the webhooks the fake builds.
	AppSecret string
	// PhoneNumberID and BusinessAccountID are the ids the fake knows.
	PhoneNumberID     string
	BusinessAccountID string
	// Version is the Graph version in paths; default v26.0.
	Version string
	// DisplayPhoneNumber and VerifiedName answer the number's details.
	DisplayPhoneNumber string
	VerifiedName       string
	// TemplatePageSize is how many templates a page lists (default 25).
	TemplatePageSize int
}

// Template is a message template the fake's business account has.
type Template struct {
	Name     string
	Language string
	// Status defaults to APPROVED.
	Status   string
	Category string
	Header   string
	Body     string
	Footer   string
	Buttons  []string
}

// Media is content the fake serves for a media id.
type Media struct {
	ContentType string
	Body        []byte
}

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	// JSON is the decoded body of POSTs (nil when not JSON).
	JSON map[string]any
	// Status is what the fake answered; WAMID the message id it assigned.
	Status int
	WAMID  string
}

// Server is a running fake.
type Server struct {
	// URL is the base URL for api_base_url (no version).
	URL string
	Options

	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu            sync.Mutex
	requests      []Request
	faults        connectortest.FaultQueue
	media         map[string]Media
	templates     []Template
	lastInbound   map[string]time.Time
	closed        map[string]bool
	undeliverable map[string]bool
	downloadFault int
}

// New starts a fake and closes it when the test ends.
func New(tb testing.TB, opts Options) *Server {
	if opts.Version == "" {
		opts.Version = "v26.0"
	}
	if opts.TemplatePageSize <= 0 {
		opts.TemplatePageSize = 25
	}
	if opts.DisplayPhoneNumber == "" {
		opts.DisplayPhoneNumber = "+1 555-010-0000"
	}
	if opts.VerifiedName == "" {
		opts.VerifiedName = "Switchboard Test"
	}
	s := &Server{Options: opts, closing: make(chan struct{}), media: map[string]Media{},
		lastInbound: map[string]time.Time{}, closed: map[string]bool{}, undeliverable: map[string]bool{}}
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

// Reset forgets recorded requests, pending faults and what the fake knew
// about recipients. Media and templates are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.faults.Clear()
	s.lastInbound, s.closed, s.undeliverable = map[string]time.Time{}, map[string]bool{}, map[string]bool{}
}

// FailNext makes the next n requests (any path) answer with f.
func (s *Server) FailNext(n int, f Fault) { s.faults.FailNext(n, f) }

// FailNextCode makes the next n requests answer Graph's error with code
// (130429, 131056, 131048, ...) and its documented title, with status.
func (s *Server) FailNextCode(n, status, code int) {
	s.FailNext(n, Fault{Status: status, Body: string(ErrorBody(code, titles[code], ""))})
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Sends returns the message sends the fake accepted (not mark-as-read), in
// order.
func (s *Server) Sends() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/messages") && r.Status == http.StatusOK && r.WAMID != "" {
			out = append(out, r)
		}
	}
	return out
}

// AddMedia serves m for a media id.
func (s *Server) AddMedia(id string, m Media) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media[id] = m
}

// AddTemplate adds a template to the business account.
func (s *Server) AddTemplate(t Template) {
	if t.Status == "" {
		t.Status = "APPROVED"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.templates = append(s.templates, t)
}

// CustomerWrote records when recipient last wrote to the business: a
// free-form send more than 24 hours later is refused with 131047.
// Messages webhooks the fake builds record it too.
func (s *Server) CustomerWrote(recipient string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastInbound[recipient] = at
}

// CloseWindow makes free-form sends to recipient fail with 131047.
func (s *Server) CloseWindow(recipient string) {
	s.mark(func() map[string]bool { return s.closed }, recipient)
}

// Undeliverable makes sends to recipient fail with 131026.
func (s *Server) Undeliverable(recipient string) {
	s.mark(func() map[string]bool { return s.undeliverable }, recipient)
}

// mark adds recipient to the set set returns (read under the lock, as
// Reset replaces the sets).
func (s *Server) mark(set func() map[string]bool, recipient string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set()[recipient] = true
}

// FailDownloads makes media URLs answer status (0: serve again), as
// after the URL expired.
func (s *Server) FailDownloads(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.downloadFault = status
}

// titles are Graph's documented error titles of the codes the fake uses.
var titles = map[int]string{
	1:      "An unknown error occurred",
	2:      "Service temporarily unavailable",
	4:      "Application request limit reached",
	10:     "Permission denied",
	100:    "Invalid parameter",
	190:    "Invalid OAuth access token - Cannot parse access token",
	613:    "Calls to this api have exceeded the rate limit.",
	2500:   "Unknown path components",
	80007:  "Rate limit issues",
	130429: "Rate limit hit",
	131008: "Required parameter is missing",
	131009: "Parameter value is not valid",
	131026: "Message undeliverable",
	131047: "Re-engagement message",
	131048: "Spam rate limit hit",
	131056: "(Business Account, Consumer Account) pair rate limit hit",
	132000: "Number of parameters does not match the expected number of params",
	132001: "Template name does not exist in the translation",
}

// statusCodes is the Graph code the fake answers for a bare fault status.
var statusCodes = map[int]int{
	http.StatusBadRequest:          100,
	http.StatusUnauthorized:        190,
	http.StatusForbidden:           10,
	http.StatusNotFound:            100,
	http.StatusTooManyRequests:     130429,
	http.StatusInternalServerError: 1,
	http.StatusServiceUnavailable:  2,
}

// ErrorBody is Graph's error answer:
// {"error":{"message":"(#code) title","type":"OAuthException","code":...,
// "error_data":{"messaging_product":"whatsapp","details":...},"fbtrace_id":...}}.
func ErrorBody(code int, title, details string) []byte {
	if title == "" {
		title = http.StatusText(http.StatusBadRequest)
	}
	e := map[string]any{"message": fmt.Sprintf("(#%d) %s", code, title), "type": "OAuthException", "code": code, "fbtrace_id": "A" + randomHex(10)}
	if code == 190 {
		e["message"] = title
	}
	if details != "" {
		e["error_data"] = map[string]string{"messaging_product": "whatsapp", "details": details}
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return b
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) int {
	var b []byte
	switch v := v.(type) {
	case []byte:
		b = v
	default:
		b, _ = json.Marshal(v)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("X-Fb-Trace-Id", randomHex(8))
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}

func (s *Server) fail(w http.ResponseWriter, status, code int, details string) int {
	return s.writeJSON(w, status, ErrorBody(code, titles[code], details))
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	if len(body) > 0 {
		_ = json.Unmarshal(body, &rec.JSON)
	}
	rec.Status = s.handle(w, r, &rec)
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, rec *Request) int {
	if f, ok := s.faults.Take(); ok {
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
		if f.Body != "" {
			return s.writeJSON(w, f.Status, []byte(f.Body))
		}
		code, ok := statusCodes[f.Status]
		if !ok {
			code = 1
		}
		return s.fail(w, f.Status, code, "")
	}
	if r.Header.Get("Authorization") != "Bearer "+s.Token || s.Token == "" {
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"`)
		return s.fail(w, http.StatusUnauthorized, 190, "")
	}
	if strings.HasPrefix(r.URL.Path, mediaPath) {
		return s.download(w, r)
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+s.Version+"/")
	if !ok {
		return s.fail(w, http.StatusBadRequest, 2500, "Unknown path components: "+r.URL.Path)
	}
	segs := strings.Split(rest, "/")
	switch {
	case r.Method == http.MethodPost && len(segs) == 2 && segs[1] == "messages":
		if segs[0] != s.PhoneNumberID {
			return s.unknownObject(w, "post", segs[0])
		}
		return s.messages(w, rec)
	case r.Method == http.MethodGet && len(segs) == 2 && segs[1] == "message_templates":
		if segs[0] != s.BusinessAccountID || s.BusinessAccountID == "" {
			return s.unknownObject(w, "get", segs[0])
		}
		return s.listTemplates(w, r)
	case r.Method == http.MethodGet && len(segs) == 1 && segs[0] == s.PhoneNumberID:
		return s.writeJSON(w, http.StatusOK, map[string]string{
			"display_phone_number": s.DisplayPhoneNumber, "verified_name": s.VerifiedName, "id": s.PhoneNumberID,
		})
	case r.Method == http.MethodGet && len(segs) == 1:
		return s.mediaInfo(w, segs[0])
	}
	return s.unknownObject(w, strings.ToLower(r.Method), segs[0])
}

// unknownObject is Graph's answer for an id it does not know.
func (s *Server) unknownObject(w http.ResponseWriter, method, id string) int {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", method, id),
		"type":    "GraphMethodException", "code": 100, "error_subcode": 33, "fbtrace_id": "A" + randomHex(10),
	}})
	return s.writeJSON(w, http.StatusBadRequest, b)
}

// NewWAMID returns a message id shaped like WhatsApp's.
func NewWAMID() string {
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	return "wamid." + base64.StdEncoding.EncodeToString(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
