package connectors

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard"
)

// DefaultHTTPTimeout bounds provider calls of a connector whose Deps came
// without an HTTP client.
const DefaultHTTPTimeout = 30 * time.Second

// ProviderIdleConns is how many idle keep-alive connections NewHTTPClient
// keeps to each provider host: enough for the hub's concurrent sends and
// lookups (http.DefaultTransport keeps 2, so a burst of replies to one
// provider opened, and for HTTPS handshook, a new connection for all but
// two of them).
const ProviderIdleConns = 64

// NewHTTPClient returns the client for provider calls: timeout bounds each
// call, and the transport (http.DefaultTransport's settings: proxy from the
// environment, dial and TLS timeouts, HTTP/2) keeps ProviderIdleConns idle
// connections per host.
func NewHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = ProviderIdleConns
	t.MaxIdleConns = 4 * ProviderIdleConns
	return &http.Client{Timeout: timeout, Transport: t}
}

// WithDefaults returns deps with an HTTP client, a logger (discarding) and
// the wall clock filled in where they are nil, so connectors built outside
// the hub (tests, commands) need not check each.
func (d Deps) WithDefaults() Deps {
	if d.HTTPClient == nil {
		d.HTTPClient = NewHTTPClient(DefaultHTTPTimeout)
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Status == nil {
		d.Status = discardStatus{}
	}
	return d
}

// discardStatus is the StatusReporter of connectors built without a hub
// (the CLI's channels check and simulate).
type discardStatus struct{}

func (discardStatus) ReportStatus(context.Context, switchboard.ChannelStatus) {}

// ReadWebhookBody reads a provider's POST body of at most max bytes, for
// webhooks whose signature covers the raw body. When it cannot, it answers
// (405 for another method, 413 for a body over max, 400 otherwise) and
// returns false; the caller then stops.
func ReadWebhookBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
		}
		return nil, false
	}
	return body, true
}
