// Package fake is an in-process fake of Twilio's Programmable Messaging REST
// API for tests: POST /2010-04-01/Accounts/{AccountSid}/Messages.json
// (form-encoded, answering Twilio's message resource JSON), GET
// /2010-04-01/Accounts/{AccountSid}.json, media URLs, HTTP basic auth
// (401 with Twilio's error JSON, code 20003), recording of every request,
// MessageSid generation (SM + 32 hex), unsubscribed recipients (21610) and
// fault injection. It also signs webhook and status-callback requests as
// Twilio does.
//
// It is for tests only: it imports net/http/httptest.
package fake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Fault is what the fake answers instead of doing its work. Its fields match
// connectortest.Fault, so one converts to the other.
type Fault struct {
	Status     int
	RetryAfter string
	// Body is the answer's body; empty means Twilio's error JSON for Status.
	Body string
	Hang bool
}

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// Form is the decoded form body of POSTs.
	Form url.Values
	// Status is what the fake answered.
	Status int
	// Sid is the MessageSid the fake assigned, for accepted messages.
	Sid string
}

// Media is content served at a media URL.
type Media struct {
	ContentType string
	Body        []byte
}

// Server is a running fake.
type Server struct {
	// URL is the base URL for api_base_url.
	URL        string
	AccountSID string
	AuthToken  string

	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu           sync.Mutex
	requests     []Request
	faults       []pendingFault
	media        map[string]Media
	unsubscribed map[string]bool
	callbacks    map[string]string // MessageSid -> StatusCallback
}

type pendingFault struct {
	fault Fault
	left  int
}

// New starts a fake for one account and closes it when the test ends.
func New(tb testing.TB, accountSID, authToken string) *Server {
	s := &Server{AccountSID: accountSID, AuthToken: authToken, closing: make(chan struct{}),
		media: map[string]Media{}, unsubscribed: map[string]bool{}, callbacks: map[string]string{}}
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

// Reset forgets recorded requests and pending faults. Media and
// unsubscribed numbers are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.faults = nil, nil
	s.callbacks = map[string]string{}
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

// Messages returns the accepted and refused POSTs to Messages.json.
func (s *Server) Messages() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/Messages.json") {
			out = append(out, r)
		}
	}
	return out
}

// AddMedia serves content at path (behind basic auth, like Twilio's media
// URLs) and returns its absolute URL.
func (s *Server) AddMedia(path string, m Media) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media[path] = m
	return s.URL + path
}

// MediaPath is where Twilio keeps media of an inbound message.
func (s *Server) MediaPath(messageSid, mediaSid string) string {
	return "/2010-04-01/Accounts/" + s.AccountSID + "/Messages/" + messageSid + "/Media/" + mediaSid
}

// Unsubscribe makes sends to number fail with 21610, as after a STOP.
func (s *Server) Unsubscribe(number string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unsubscribed[number] = true
}

// NewMessageSid returns a MessageSid: SM and 32 hex digits.
func NewMessageSid() string { return "SM" + randomHex(16) }

// restError is Twilio's error JSON.
func restError(status, code int, message string) []byte {
	b, _ := json.Marshal(client.TwilioRestError{
		Code: code, Message: message, Status: status,
		MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
	})
	return b
}

var faultCodes = map[int]struct {
	code    int
	message string
}{
	http.StatusBadRequest:          {21211, "Invalid 'To' Phone Number"},
	http.StatusUnauthorized:        {20003, "Authenticate"},
	http.StatusForbidden:           {20003, "Permission Denied"},
	http.StatusNotFound:            {20404, "The requested resource was not found"},
	http.StatusTooManyRequests:     {20429, "Too Many Requests"},
	http.StatusInternalServerError: {20500, "Internal Server Error"},
	http.StatusServiceUnavailable:  {20503, "Service Unavailable"},
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, body []byte) int {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Twilio-Request-Id", "RQ"+randomHex(16))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}

func (s *Server) fail(w http.ResponseWriter, status, code int, message string) int {
	return s.writeJSON(w, status, restError(status, code, message))
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	rec := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	if r.Method == http.MethodPost {
		rec.Form, _ = url.ParseQuery(string(body))
	}
	rec.Status = s.handle(w, r, &rec)
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
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
		if f.Body != "" {
			return s.writeJSON(w, f.Status, []byte(f.Body))
		}
		fc, ok := faultCodes[f.Status]
		if !ok {
			fc.code, fc.message = 20000+f.Status, http.StatusText(f.Status)
		}
		return s.fail(w, f.Status, fc.code, fc.message)
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.AccountSID || pass != s.AuthToken {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		return s.fail(w, http.StatusUnauthorized, 20003, "Authenticate")
	}
	accountPrefix := "/2010-04-01/Accounts/" + s.AccountSID
	switch {
	case r.Method == http.MethodPost && r.URL.Path == accountPrefix+"/Messages.json":
		return s.createMessage(w, rec)
	case r.Method == http.MethodGet && r.URL.Path == accountPrefix+".json":
		sid, name, status, typ, uri := s.AccountSID, "Fake account", "active", "Full", accountPrefix+".json"
		b, _ := json.Marshal(openapi.ApiV2010Account{Sid: &sid, FriendlyName: &name, Status: &status, Type: &typ, Uri: &uri, OwnerAccountSid: &sid})
		return s.writeJSON(w, http.StatusOK, b)
	case r.Method == http.MethodGet:
		s.mu.Lock()
		m, ok := s.media[r.URL.Path]
		s.mu.Unlock()
		if ok {
			w.Header().Set("Content-Type", m.ContentType)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(m.Body)
			return http.StatusOK
		}
	}
	return s.fail(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
}

func (s *Server) createMessage(w http.ResponseWriter, rec *Request) int {
	f := rec.Form
	to, from, service, body := f.Get("To"), f.Get("From"), f.Get("MessagingServiceSid"), f.Get("Body")
	media := f["MediaUrl"]
	switch {
	case to == "":
		return s.fail(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
	case from == "" && service == "":
		return s.fail(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
	case body == "" && len(media) == 0:
		return s.fail(w, http.StatusBadRequest, 21602, "Message body is required.")
	case utf8.RuneCountInString(body) > 1600:
		return s.fail(w, http.StatusBadRequest, 21617, "The concatenated message body exceeds the 1600 character limit.")
	case len(media) > 10:
		return s.fail(w, http.StatusBadRequest, 21623, "Number of media files exceeds allowed limit.")
	case service != "" && !strings.HasPrefix(service, "MG"):
		return s.fail(w, http.StatusBadRequest, 21701, "The Messaging Service Sid "+service+" is invalid.")
	}
	s.mu.Lock()
	unsubscribed := s.unsubscribed[to]
	s.mu.Unlock()
	if unsubscribed {
		return s.fail(w, http.StatusBadRequest, 21610, "Attempt to send to unsubscribed recipient")
	}
	sid := NewMessageSid()
	rec.Sid = sid
	if cb := f.Get("StatusCallback"); cb != "" {
		s.mu.Lock()
		s.callbacks[sid] = cb
		s.mu.Unlock()
	}
	status, direction, version := "queued", "outbound-api", "2010-04-01"
	if service != "" {
		status = "accepted"
	}
	numMedia, segments := strconv.Itoa(len(media)), strconv.Itoa(segmentsOf(body))
	created := time.Now().UTC().Format(time.RFC1123Z)
	uri := "/2010-04-01/Accounts/" + s.AccountSID + "/Messages/" + sid + ".json"
	acct := s.AccountSID
	msg := openapi.ApiV2010Message{
		Sid: &sid, AccountSid: &acct, To: &to, Body: &body, Status: &status, Direction: &direction,
		ApiVersion: &version, NumMedia: &numMedia, NumSegments: &segments, DateCreated: &created, DateUpdated: &created, Uri: &uri,
	}
	if from != "" {
		msg.From = &from
	}
	if service != "" {
		msg.MessagingServiceSid = &service
	}
	b, _ := json.Marshal(msg)
	return s.writeJSON(w, http.StatusCreated, b)
}

// segmentsOf estimates SMS segments: 153 GSM characters or 67 UCS-2
// characters per segment of a concatenated message.
func segmentsOf(body string) int {
	n := utf8.RuneCountInString(body)
	per, single := 153, 160
	for _, r := range body {
		if r > 0x7f {
			per, single = 67, 70
			break
		}
	}
	if n <= single {
		return 1
	}
	return (n + per - 1) / per
}

// StatusCallbackRequest builds the signed status callback Twilio posts for
// an accepted message to the StatusCallback URL the hub gave, with
// MessageStatus status and, when not empty, ErrorCode.
func (s *Server) StatusCallbackRequest(messageSid, status, errorCode string) *http.Request {
	s.mu.Lock()
	cb := s.callbacks[messageSid]
	s.mu.Unlock()
	if cb == "" {
		panic("fake: no StatusCallback known for " + messageSid)
	}
	var to, from string
	for _, r := range s.Messages() {
		if r.Sid == messageSid {
			to, from = r.Form.Get("To"), r.Form.Get("From")
		}
	}
	return SignedWebhook(cb, s.AuthToken, StatusForm(s.AccountSID, messageSid, from, to, status, errorCode))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
