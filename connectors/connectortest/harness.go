// Package connectortest is the conformance suite every channel connector
// passes. A connector's test describes the connector, its fake provider and
// the documented inbound and outbound kinds in a Harness and calls Run:
//
//	func TestConformance(t *testing.T) {
//		fk := fake.New(t, token)
//		connectortest.Run(t, connectortest.Harness{
//			Type: "line",
//			New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
//				c, err := line.New(config(fk.URL), deps)
//				if err != nil {
//					t.Fatal(err)
//				}
//				return c
//			},
//			Reset:           fk.Reset,
//			SignatureHeader: "X-Line-Signature",
//			Inbound:         []connectortest.InboundCase{...},
//			Outbound:        []connectortest.OutboundCase{...},
//			InjectFault:     func(f connectortest.Fault) { fk.FailNext(1, fake.Fault(f)) },
//			FaultMessage:    connectors.OutboundMessage{Recipient: "U1", Parts: switchboard.TextParts("hi")},
//		})
//	}
//
// Sections whose inputs are missing (a connector that is not a
// WebhookReceiver, no outbound cases, no fault injection) are reported as
// skipped subtests with the reason, never as passing checks.
package connectortest

import (
	"net/http"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Harness describes a connector under test. Only New is required; every
// other section runs when its inputs are given and is skipped otherwise.
type Harness struct {
	// Type is the registered channel type. When set, the suite checks that
	// the type is registered, that Connector.Type returns it and that the
	// factory refuses unknown config keys, naming them.
	Type string

	// New builds the connector under test from deps, which the suite fills:
	// ChannelID, WorkspaceID, a recording Sink, a recording MediaStore
	// (Hub is left nil), PublicURL, WebhookURL, an HTTPClient with
	// HTTPTimeout, a Logger whose output is checked for Secrets, and a
	// fixed clock Now. The connector must use deps.HTTPClient for all
	// provider calls. New is called once per subtest.
	New func(t *testing.T, deps connectors.Deps) connectors.Connector

	// ChannelID defaults to "ch_conformance"; PublicURL to
	// "https://hub.example.test"; WebhookURL is PublicURL + "/webhooks/" +
	// ChannelID.
	ChannelID switchboard.ChannelID
	PublicURL string
	// Now is the fixed clock given in Deps.Now; defaults to
	// 2025-06-01T12:00:00Z.
	Now time.Time
	// HTTPTimeout is Deps.HTTPClient.Timeout; the "hang" fault takes this
	// long. Defaults to 750ms.
	HTTPTimeout time.Duration
	// Secrets are credential values that must never appear in the
	// connector's logs or in the errors Send returns.
	Secrets []string
	// Reset, when set, is called before every subtest so the fake provider
	// forgets recorded requests, pending faults and idempotency state.
	Reset func()

	// SignatureHeader is the request header carrying the provider's
	// signature. The suite deletes it, replaces it with garbage, corrupts
	// it, and changes the body under it; each must answer 401 and reach
	// neither the Sink nor the MediaStore. Required for Request cases.
	SignatureHeader string
	// SharedSecret says SignatureHeader carries a shared secret rather than
	// a signature over the body (Telegram's X-Telegram-Bot-Api-Secret-Token):
	// the "body changed under signature" check does not apply.
	SharedSecret bool
	// Inbound lists each documented inbound kind.
	Inbound []InboundCase
	// Redelivery, when set, builds the provider's redelivery of the first
	// Inbound case that stores something (for instance with a redelivery
	// flag set). When nil the suite sends that case's request twice.
	Redelivery func(t *testing.T, deps connectors.Deps) *http.Request

	// Outbound lists each outbound kind with a check of what the fake
	// provider received, in the provider's own wire format.
	Outbound []OutboundCase

	// InjectFault makes the fake provider answer the next request with f.
	// Without it the fault section is skipped.
	InjectFault func(f Fault)
	// FaultMessage is sent after each injected fault. It should reach the
	// provider in exactly one request (no reply token).
	FaultMessage connectors.OutboundMessage
	// Faults defaults to StandardFaults().
	Faults []FaultCase
}

// InboundCase is one documented inbound kind: a provider request and the
// events it must normalise to.
type InboundCase struct {
	Name string
	// Request builds the provider's correctly signed webhook request for
	// deps (sign over deps.WebhookURL where the provider signs the URL). It
	// is called afresh whenever the suite needs the request.
	Request func(t *testing.T, deps connectors.Deps) *http.Request
	// Deliver is the alternative for connectors that are not
	// WebhookReceivers (sockets, polling): it makes the connector receive
	// the event and returns what the connector answered the provider or
	// client. It must return an error when the connector reports a failure
	// (the Sink failed), nil when the event was accepted. Signature checks
	// do not apply to Deliver cases.
	Deliver func(t *testing.T, c connectors.Connector, deps connectors.Deps) error
	// Want is the events the Sink must have stored, in order. An empty
	// ChannelID means deps.ChannelID. Times are compared in UTC. Media the
	// connector fetched has MediaID connectortest.MediaID(body). An empty
	// Want means the request is accepted (2xx) and nothing is stored.
	Want []switchboard.Inbound
}

// OutboundCase is one outbound kind.
type OutboundCase struct {
	Name string
	// Message is sent with Send; an empty ChannelID or MessageID is filled
	// by the suite (deps.ChannelID, "msg_conformance_<n>").
	Message connectors.OutboundMessage
	// Check inspects what the fake provider received (and the result). The
	// suite has already checked that Send returned no error and a sent or
	// delivered status.
	Check func(t *testing.T, res connectors.SendResult)
}

// Fault is what the fake provider answers instead of doing its work.
type Fault struct {
	// Status is the HTTP status to answer (ignored when Hang).
	Status int
	// RetryAfter is the Retry-After header value, if any.
	RetryAfter string
	// Body is the answer's body; empty means the fake's usual error body
	// for Status in the provider's format.
	Body string
	// Hang holds the request until the client gives up.
	Hang bool
}

// Class is how a send error must be classified.
type Class int

const (
	// Permanent: connectors.IsPermanent(err).
	Permanent Class = iota + 1
	// Retryable: a *connectors.RetryableError, not permanent.
	Retryable
)

func (c Class) String() string {
	switch c {
	case Permanent:
		return "permanent"
	case Retryable:
		return "retryable"
	}
	return "unknown"
}

// FaultCase is a provider fault and the classification Send must give it.
type FaultCase struct {
	Name  string
	Fault Fault
	Want  Class
	// WantRetryAfter, when non-zero, is what connectors.RetryAfter(err)
	// must report.
	WantRetryAfter time.Duration
}

// StandardFaults are the provider faults every HTTP connector must classify:
// 400, 401, 403 permanent; 429 with Retry-After, 500, 503 and a hang past
// the client timeout retryable.
func StandardFaults() []FaultCase {
	return []FaultCase{
		{Name: "400 bad request", Fault: Fault{Status: http.StatusBadRequest}, Want: Permanent},
		{Name: "401 unauthorized", Fault: Fault{Status: http.StatusUnauthorized}, Want: Permanent},
		{Name: "403 forbidden", Fault: Fault{Status: http.StatusForbidden}, Want: Permanent},
		{Name: "429 with Retry-After", Fault: Fault{Status: http.StatusTooManyRequests, RetryAfter: "7"}, Want: Retryable, WantRetryAfter: 7 * time.Second},
		{Name: "500 server error", Fault: Fault{Status: http.StatusInternalServerError}, Want: Retryable},
		{Name: "503 unavailable", Fault: Fault{Status: http.StatusServiceUnavailable}, Want: Retryable},
		{Name: "hang past client timeout", Fault: Fault{Hang: true}, Want: Retryable},
	}
}

func (h Harness) withDefaults() Harness {
	if h.ChannelID == "" {
		h.ChannelID = "ch_conformance"
	}
	if h.PublicURL == "" {
		h.PublicURL = "https://hub.example.test"
	}
	if h.Now.IsZero() {
		h.Now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	}
	if h.HTTPTimeout == 0 {
		h.HTTPTimeout = 750 * time.Millisecond
	}
	if h.Faults == nil {
		h.Faults = StandardFaults()
	}
	return h
}
