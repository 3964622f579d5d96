package connectors

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// PermanentError is a send the provider refused for good (bad recipient,
// invalid token, blocked user): retrying cannot help. The message ends as
// failed with Reason shown to operators.
type PermanentError struct {
	Reason string
	Err    error
}

func (e *PermanentError) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *PermanentError) Unwrap() error { return e.Err }

// RetryableError is a send that may succeed later (5xx, 429, timeout).
// RetryAfter is the provider's requested wait, zero when it named none.
type RetryableError struct {
	Reason     string
	RetryAfter time.Duration
	Err        error
}

func (e *RetryableError) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *RetryableError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError with a reason for operators.
func Permanent(reason string, err error) error { return &PermanentError{Reason: reason, Err: err} }

// Retryable wraps err as a RetryableError.
func Retryable(reason string, retryAfter time.Duration, err error) error {
	return &RetryableError{Reason: reason, RetryAfter: retryAfter, Err: err}
}

// IsPermanent reports whether err (or what it wraps) is a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// RetryAfter returns the provider's requested wait carried by err, if any.
func RetryAfter(err error) (time.Duration, bool) {
	var r *RetryableError
	if errors.As(err, &r) && r.RetryAfter > 0 {
		return r.RetryAfter, true
	}
	return 0, false
}

// ErrRefused is wrapped by the errors the hub's Sink returns for events it
// refuses for good (invalid, over a limit): answering the provider with a
// 4xx is right, since redelivering cannot help. It is permanent.
var ErrRefused = &PermanentError{Reason: "refused by the hub"}

// ErrOptedOut is returned by Send when the recipient opted out of messages
// (LINE unfollow, SMS STOP). It is permanent.
var ErrOptedOut = &PermanentError{Reason: "recipient opted out of messages"}

// ErrWindowClosed is wrapped (in a PermanentError whose Reason says which
// window and what to do) by Send when a free-form message falls outside
// the channel's customer-service window, whether the connector saw it
// first or the provider said so (WhatsApp 131047). The hub shows it with
// an offer to send an approved template.
var ErrWindowClosed = errors.New("outside the customer-service window")

// ErrCredentials is wrapped (in a PermanentError) by Send and
// CheckCredentials when the provider refused the channel's credentials
// (Meta 190, an invalid bot token). The hub marks the channel's status
// credentials_broken, visible in the console, until a send succeeds.
var ErrCredentials = errors.New("credentials refused by the provider")

// ErrNotHere is returned (or wrapped) by calls a connector can only serve
// on the hub instance that holds its connection (a linked device's pairing,
// a send): another instance runs it. The console answers 409 not_here.
var ErrNotHere = errors.New("the channel's connection runs on another hub instance")

// ErrAlreadyLinked is returned by PhonePairer.PairPhone when the device is
// already paired.
var ErrAlreadyLinked = errors.New("the device is already linked")

// ClassifyHTTP turns a provider's non-2xx answer into a PermanentError or a
// RetryableError: 429 and 5xx are retryable (honouring Retry-After in seconds
// or as an HTTP date), 408 too; every other 4xx is permanent. The body (at
// most 512 bytes of it) becomes part of the reason. It returns nil for 2xx.
func ClassifyHTTP(resp *http.Response, now time.Time) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	reason := fmt.Sprintf("provider answered %d", resp.StatusCode)
	if msg := strings.TrimSpace(string(body)); msg != "" {
		reason += ": " + msg
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		return Retryable(reason, ParseRetryAfter(resp.Header.Get("Retry-After"), now), nil)
	default:
		return Permanent(reason, nil)
	}
}

// ClassifyTransport classifies an error from http.Client.Do (timeouts,
// refused or reset connections): all are retryable.
func ClassifyTransport(err error) error {
	if err == nil {
		return nil
	}
	return Retryable("provider unreachable", 0, err)
}

// ParseRetryAfter reads a Retry-After header value: delay seconds or an HTTP
// date. It returns 0 when the value is empty or unreadable.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
