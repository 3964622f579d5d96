// Package fake is an in-process fake of the Graph API parts the Messenger
// and Instagram channels use: the Send API (POST /{version}/{page id or
// me or instagram account id}/messages) with its body rules (recipient,
// messaging_type and tag, text limits — Instagram's 1,000 bytes — quick
// reply and button template limits, sender actions), the 24-hour and
// HUMAN_AGENT windows when told when customers last wrote, profiles, GET
// /me, attachment URLs, Graph's documented error bodies (190, 551, 10 with
// the window subcodes, 613) and fault injection. It records every request
// and builds and posts signed webhooks.
//
// It is for tests only: it imports net/http/httptest.
package fake

import (
	"context"
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

	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// Options configure a fake.
type Options struct {
	// Token is the page access token the fake accepts.
	Token string
	// PageID and PageName answer GET /me; InstagramAccountID is also
	// accepted as the sender of messages.
	PageID             string
	PageName           string
	InstagramAccountID string
	// Instagram applies Instagram's text limit (1,000 UTF-8 bytes)
	// instead of Messenger's 2,000 characters.
	Instagram bool
	// Version is the Graph version paths must carry; default v26.0.
	Version string
	// HumanAgent says the Page has the Human Agent permission; without
	// it, HUMAN_AGENT tags are refused.
	HumanAgent bool
	// Now is the fake's clock for the windows; time.Now when nil.
	Now func() time.Time
}

// Fault is what the fake answers instead of doing its work; an empty Body
// means Graph's error body for Status.
type Fault = connectortest.Fault

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	// Decoded is the Send API body, for POST .../messages.
	Decoded *wire.SendRequest
	// Status is what the fake answered.
	Status int
}

// Send is a message the fake accepted.
type Send struct {
	MessageID string
	Request   wire.SendRequest
	// Path is the URL path it was posted to.
	Path string
}

// Server is a running fake.
type Server struct {
	// URL is the base URL (no trailing slash, no version) for api_base_url.
	URL  string
	opts Options

	srv     *httptest.Server
	stopped context.Context
	stop    context.CancelFunc

	mu          sync.Mutex
	requests    []Request
	sends       []Send
	faults      connectortest.FaultQueue
	delayed     *delayedFault
	profiles    map[string]map[string]string
	media       map[string]media
	lastWrote   map[string]time.Time
	unavailable map[string]bool
	seq         int
}

type delayedFault struct {
	pass  int
	fault Fault
}

type media struct {
	contentType string
	body        []byte
}

// New starts a fake; it stops (releasing hanging requests) when the test
// ends.
func New(tb testing.TB, opts Options) *Server {
	s := &Server{opts: opts.withDefaults(), profiles: map[string]map[string]string{}, media: map[string]media{}}
	s.stopped, s.stop = context.WithCancel(context.Background())
	s.resetLocked()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(func() {
		s.stop()
		s.srv.Close()
	})
	return s
}

func (o Options) withDefaults() Options {
	if o.Version == "" {
		o.Version = "v26.0"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Reset forgets requests, sends, faults, window times and unavailable
// recipients; profiles and media stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
}

func (s *Server) resetLocked() {
	s.requests, s.sends = nil, nil
	s.faults.Clear()
	s.delayed = nil
	s.lastWrote = map[string]time.Time{}
	s.unavailable = map[string]bool{}
}

// FailNext makes the next n requests (any path) answer with f.
func (s *Server) FailNext(n int, f Fault) {
	s.faults.FailNext(n, f)
}

// FailAfter lets the next pass requests through and answers the one
// after them with f (a failure in the middle of a multi-piece send).
func (s *Server) FailAfter(pass int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delayed = &delayedFault{pass: pass, fault: f}
}

// takeDelayed counts a request against FailAfter and reports whether it
// must fail.
func (s *Server) takeDelayed() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.delayed == nil {
		return Fault{}, false
	}
	if s.delayed.pass > 0 {
		s.delayed.pass--
		return Fault{}, false
	}
	f := s.delayed.fault
	s.delayed = nil
	return f, true
}

// AddProfile makes GET /{id} answer fields (first_name, last_name, name,
// username, profile_pic), only those the request asks for.
func (s *Server) AddProfile(id string, fields map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[id] = fields
}

// AddMedia serves body at the returned URL, as Meta's CDN serves
// attachments.
func (s *Server) AddMedia(name, contentType string, body []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media[name] = media{contentType, append([]byte(nil), body...)}
	return s.MediaURL(name)
}

// MediaURL is where media of that name is (or would be) served.
func (s *Server) MediaURL(name string) string { return s.URL + "/cdn/" + name }

// CustomerWrote tells the fake when a customer last wrote, so it enforces
// the windows for that recipient: RESPONSE up to 24 hours later,
// HUMAN_AGENT up to 7 days.
func (s *Server) CustomerWrote(id string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastWrote[id] = at
}

// Unavailable makes sends to id fail with 551 ("This person isn't
// available right now.").
func (s *Server) Unavailable(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unavailable[id] = true
}

// Requests returns every request so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Sends returns the messages the fake accepted (not sender actions).
func (s *Server) Sends() []Send {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Send(nil), s.sends...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	rec.Status = s.handle(w, r, &rec)
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, rec *Request) int {
	if f, ok := s.faults.Take(); ok {
		return s.answerFault(w, r, f)
	}
	if f, ok := s.takeDelayed(); ok {
		return s.answerFault(w, r, f)
	}
	if name, ok := strings.CutPrefix(r.URL.Path, "/cdn/"); ok && r.Method == http.MethodGet {
		s.mu.Lock()
		m, found := s.media[name]
		s.mu.Unlock()
		if !found {
			http.Error(w, "URL signature expired", http.StatusForbidden)
			return http.StatusForbidden
		}
		w.Header().Set("Content-Type", m.contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(m.body)))
		_, _ = w.Write(m.body)
		return http.StatusOK
	}
	if r.Header.Get("Authorization") != "Bearer "+s.opts.Token {
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token - Cannot parse access token"`)
		return s.graphError(w, http.StatusBadRequest, ErrorBody(190, 0, "OAuthException", "Invalid OAuth access token - Cannot parse access token"))
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+s.opts.Version+"/")
	if !ok {
		return s.graphError(w, http.StatusBadRequest, ErrorBody(2500, 0, "OAuthException", "Unknown path components: "+r.URL.Path))
	}
	segments := strings.Split(rest, "/")
	switch {
	case r.Method == http.MethodPost && len(segments) == 2 && segments[1] == "messages":
		if !s.isOwnNode(segments[0]) {
			return s.graphError(w, http.StatusBadRequest, ErrorBody(100, 33, "GraphMethodException",
				fmt.Sprintf("Unsupported post request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", segments[0])))
		}
		return s.messages(w, r, rec)
	case r.Method == http.MethodGet && len(segments) == 1 && segments[0] == "me":
		return s.writeJSON(w, http.StatusOK, map[string]string{"id": s.opts.PageID, "name": s.opts.PageName})
	case r.Method == http.MethodGet && len(segments) == 1:
		return s.profile(w, r, segments[0])
	}
	return s.graphError(w, http.StatusBadRequest, ErrorBody(100, 0, "GraphMethodException", "Unsupported "+strings.ToLower(r.Method)+" request."))
}

func (s *Server) isOwnNode(id string) bool {
	return id == "me" || id == s.opts.PageID || (s.opts.InstagramAccountID != "" && id == s.opts.InstagramAccountID)
}

// statusErrors are Graph's error bodies the fake answers for an injected
// status without a body.
var statusErrors = map[int][]byte{
	http.StatusBadRequest:          ErrorBody(100, 0, "OAuthException", "(#100) Invalid parameter"),
	http.StatusUnauthorized:        ErrorBody(190, 460, "OAuthException", "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons."),
	http.StatusForbidden:           ErrorBody(10, 0, "OAuthException", "(#10) Application does not have permission for this action"),
	http.StatusTooManyRequests:     ErrorBody(613, 0, "OAuthException", "(#613) Calls to this API have exceeded the rate limit."),
	http.StatusInternalServerError: ErrorBody(2, 0, "OAuthException", "An unexpected error has occurred. Please retry your request later."),
	http.StatusServiceUnavailable:  ErrorBody(2, 0, "OAuthException", "Service temporarily unavailable"),
}

func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, f Fault) int {
	if f.Hang {
		select {
		case <-r.Context().Done():
		case <-s.stopped.Done():
		}
		return 0
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	body := []byte(f.Body)
	if f.Body == "" {
		body = statusErrors[f.Status]
		if body == nil {
			body = ErrorBody(1, 0, "OAuthException", http.StatusText(f.Status))
		}
	}
	return s.graphError(w, f.Status, body)
}

// ErrorBody is Graph's error JSON.
func ErrorBody(code, subcode int, typ, message string) []byte {
	e := map[string]any{"message": message, "type": typ, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return b
}

// Documented Send API errors, for FailNext bodies.
var (
	// ErrUnavailable is 551: the person blocked the Page or cannot be
	// reached.
	ErrUnavailable = ErrorBody(551, 1545041, "OAuthException", "This person isn't available right now.")
	// ErrOutsideWindow is 10 / 2018278: sent outside the allowed window.
	ErrOutsideWindow = ErrorBody(10, 2018278, "OAuthException", "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview")
	// ErrInvalidToken is 190: the page access token is invalid.
	ErrInvalidToken = ErrorBody(190, 460, "OAuthException", "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.")
	// ErrRateLimit is 613.
	ErrRateLimit = ErrorBody(613, 0, "OAuthException", "(#613) Calls to this API have exceeded the rate limit.")
)

func (s *Server) graphError(w http.ResponseWriter, status int, body []byte) int {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("x-fb-trace-id", "AbCdEfGhIjK")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) int {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request, id string) int {
	s.mu.Lock()
	fields, ok := s.profiles[id]
	s.mu.Unlock()
	if !ok {
		return s.graphError(w, http.StatusBadRequest, ErrorBody(100, 33, "GraphMethodException",
			fmt.Sprintf("Unsupported get request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", id)))
	}
	out := map[string]string{"id": id}
	for _, f := range strings.Split(r.URL.Query().Get("fields"), ",") {
		if v, ok := fields[f]; ok {
			out[f] = v
		}
	}
	return s.writeJSON(w, http.StatusOK, out)
}
