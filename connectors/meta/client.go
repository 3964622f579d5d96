// Package meta is the thin Graph API client the three Meta channels share
// (WhatsApp Cloud API, Messenger, Instagram): versioned requests with a
// Bearer token, Graph's error body decoded and classified for the router,
// media downloads, and the webhook's signature check and subscription
// handshake. Meta publishes no Go SDK; this package is deliberately small:
// each channel builds its own request bodies.
package meta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

// Defaults of the Graph API.
const (
	// DefaultAPIVersion is the Graph API version the channels call unless
	// their api_version says otherwise.
	DefaultAPIVersion = "v26.0"
	// DefaultBaseURL is Graph's host, without the version.
	DefaultBaseURL = "https://graph.facebook.com"
	// maxResponse bounds the JSON answers read from Graph.
	maxResponse = 4 << 20
)

// Client calls the Graph API for one channel. It is safe for concurrent
// use; its fields must not change after the first call.
type Client struct {
	// BaseURL is the host without the version (DefaultBaseURL, a fake's URL
	// in tests); Version is "v26.0"; Token is the channel's access token
	// (never logged: it goes only into the Authorization header).
	BaseURL string
	Version string
	Token   string
	HTTP    *http.Client
	// Now is the clock for Retry-After dates; time.Now when nil.
	Now func() time.Time
}

// URL is the full URL of a Graph path ("/123/messages") at the client's
// version.
func (c *Client) URL(path string) string {
	return strings.TrimRight(c.BaseURL, "/") + "/" + c.Version + "/" + strings.TrimLeft(path, "/")
}

// Get calls GET path with query and decodes the JSON answer into out
// (which may be nil).
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) error {
	return c.Do(ctx, http.MethodGet, path, query, nil, out)
}

// Post calls POST path with body as JSON and decodes the answer into out.
func (c *Client) Post(ctx context.Context, path string, body any, out any) error {
	return c.Do(ctx, http.MethodPost, path, nil, body, out)
}

// Do does one Graph request. A non-2xx answer comes back as *Error (use
// Classify to turn it into the router's permanent or retryable error);
// transport failures come back classified as retryable. It never retries
// by itself.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body any, out any) error {
	u := c.URL(path)
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return connectors.Permanent("cannot encode Graph request", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return connectors.Permanent("cannot build Graph request", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return connectors.ClassifyTransport(redact(err, c.Token))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return connectors.ClassifyTransport(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return ParseError(resp.StatusCode, resp.Header, b, c.now())
	}
	if out == nil || len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return connectors.Retryable("unreadable Graph answer", 0, fmt.Errorf("%s %s: %w", method, path, err))
	}
	return nil
}

// Download fetches media (a WhatsApp media URL, a Messenger attachment
// URL) with the token, at most maxBytes. It returns the body and its
// content type.
func (c *Client) Download(ctx context.Context, rawURL string, maxBytes int64) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, "", connectors.Permanent("cannot build media request", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, "", connectors.ClassifyTransport(redact(err, c.Token))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return nil, "", ParseError(resp.StatusCode, resp.Header, b, c.now())
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, "", connectors.ClassifyTransport(err)
	}
	if int64(len(b)) > maxBytes {
		return nil, "", connectors.Permanent(fmt.Sprintf("media larger than %d bytes", maxBytes), nil)
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		ct = mt
	}
	return b, ct, nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// redact removes the token from an error's text (transport errors quote
// the URL, and a Graph URL may carry access_token).
func redact(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "[redacted]"))
}
