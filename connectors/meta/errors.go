package meta

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

// Error is Graph's error answer:
//
//	{"error": {"message": "...", "type": "OAuthException", "code": 190,
//	  "error_subcode": 460, "error_data": {"details": "..."}, "fbtrace_id": "..."}}
//
// WhatsApp's Cloud API puts its own codes (131047, 130429, ...) in code.
type Error struct {
	// Status is the HTTP status of the answer.
	Status    int
	Code      int
	Subcode   int
	Type      string
	Message   string
	Details   string
	FBTraceID string
	// RetryAfter is the answer's Retry-After, when it had one.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Graph answered %d", e.Status)
	if e.Code != 0 {
		fmt.Fprintf(&b, " (code %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, ", subcode %d", e.Subcode)
		}
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Details != "" && e.Details != e.Message {
		b.WriteString(" — " + e.Details)
	}
	return b.String()
}

type errorBody struct {
	Error struct {
		Message   string `json:"message"`
		Type      string `json:"type"`
		Code      int    `json:"code"`
		Subcode   int    `json:"error_subcode"`
		FBTraceID string `json:"fbtrace_id"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	} `json:"error"`
}

// ParseError decodes a non-2xx Graph answer. A body that is not Graph's
// error shape still gives an *Error with the HTTP status and the text.
func ParseError(status int, header http.Header, body []byte, now time.Time) *Error {
	e := &Error{Status: status}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err == nil && (eb.Error.Code != 0 || eb.Error.Message != "") {
		e.Code, e.Subcode, e.Type = eb.Error.Code, eb.Error.Subcode, eb.Error.Type
		e.Message, e.FBTraceID, e.Details = eb.Error.Message, eb.Error.FBTraceID, eb.Error.ErrorData.Details
	} else {
		txt := strings.TrimSpace(string(body))
		if len(txt) > 300 {
			txt = txt[:300]
		}
		e.Message = txt
	}
	if header != nil {
		e.RetryAfter = connectors.ParseRetryAfter(header.Get("Retry-After"), now)
	}
	return e
}

// Codes with a meaning the hub acts on.
const (
	CodeTooManyCalls       = 4      // application request limit reached
	CodeUserTooManyCalls   = 17     // user request limit reached
	CodePageTooManyCalls   = 32     // page request limit reached
	CodeRateLimit          = 613    // calls to this API exceeded the rate limit
	CodeAccessToken        = 190    // access token expired, revoked or invalid
	CodeBusinessRateLimit  = 80007  // WhatsApp Business Account rate limit
	CodeCloudThroughput    = 130429 // Cloud API throughput reached
	CodePairRateLimit      = 131056 // too many messages to one recipient
	CodeReengagement       = 131047 // more than 24 hours since the customer replied
	CodeUndeliverable      = 131026 // recipient cannot receive (not on WhatsApp, old app)
	CodeSpamRateLimit      = 131048 // quality: messages to this number limited
	CodeTemporary          = 2      // temporary service problem
	CodeUnknown            = 1      // unknown error, may be temporary
	CodeServiceUnavailable = 131016 // service unavailable
)

// PairPacing is how long the hub waits before the next message to a
// recipient that hit WhatsApp's pair rate limit (about one message every
// six seconds to the same user).
const PairPacing = 6 * time.Second

// throttleBackoff is the wait after a rate-limit code that named no
// Retry-After.
const throttleBackoff = 30 * time.Second

// Classify turns an error of Do into the router's kinds: Graph's rate-limit
// codes (4, 17, 32, 613, 80007, 130429) retry after a backoff, 131056 after
// the pair pacing, 190 is permanent and wraps connectors.ErrCredentials,
// 131047 is permanent and wraps connectors.ErrWindowClosed, 131026 and
// 131048 and other 4xx are permanent, 5xx retryable. Errors that are not
// *Error (already classified transport failures) pass through. what names
// the call for the reason ("WhatsApp send").
func Classify(what string, err error) error {
	if err == nil {
		return nil
	}
	var ge *Error
	if !errors.As(err, &ge) {
		return err
	}
	reason := what + ": " + ge.Error()
	wait := func(d time.Duration) time.Duration {
		if ge.RetryAfter > 0 {
			return ge.RetryAfter
		}
		return d
	}
	switch ge.Code {
	case CodeTooManyCalls, CodeUserTooManyCalls, CodePageTooManyCalls, CodeRateLimit, CodeBusinessRateLimit, CodeCloudThroughput:
		return connectors.Retryable(reason, wait(throttleBackoff), ge)
	case CodePairRateLimit:
		return connectors.Retryable(reason, wait(PairPacing), ge)
	case CodeAccessToken:
		return connectors.Permanent(reason, errors.Join(connectors.ErrCredentials, ge))
	case CodeReengagement:
		return connectors.Permanent(reason+" (send an approved template)", errors.Join(connectors.ErrWindowClosed, ge))
	case CodeUndeliverable, CodeSpamRateLimit:
		return connectors.Permanent(reason, ge)
	case CodeTemporary, CodeUnknown, CodeServiceUnavailable:
		return connectors.Retryable(reason, ge.RetryAfter, ge)
	}
	if ge.Status == http.StatusUnauthorized && ge.Code == 0 {
		return connectors.Permanent(reason, errors.Join(connectors.ErrCredentials, ge))
	}
	if ge.Status == http.StatusTooManyRequests || ge.Status >= 500 || ge.Status == http.StatusRequestTimeout {
		return connectors.Retryable(reason, ge.RetryAfter, ge)
	}
	return connectors.Permanent(reason, ge)
}
