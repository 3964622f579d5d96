package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/switchboardhq/switchboard/connectors"
)

// maxAPIResponse bounds the JSON answers read from LINE.
const maxAPIResponse = 1 << 20

// apiResponse is a LINE answer, read in full.
type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r apiResponse) ok() bool { return r.status >= 200 && r.status < 300 }

// lineError decodes LINE's error body ({"message": ..., "details": [...]}).
func (r apiResponse) lineError() messaging_api.ErrorResponse {
	var e messaging_api.ErrorResponse
	_ = json.Unmarshal(r.body, &e)
	return e
}

// call does one request to LINE with the channel access token. payload, if
// not nil, is sent as JSON. Transport failures come back classified as
// retryable; any HTTP answer comes back as apiResponse for the caller to
// judge.
func (c *Connector) call(ctx context.Context, method, url string, payload any, header http.Header) (apiResponse, error) {
	var body io.Reader
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return apiResponse{}, connectors.Permanent("cannot encode LINE request", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return apiResponse{}, connectors.Permanent("cannot build LINE request", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.ChannelAccessToken)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return apiResponse{}, connectors.ClassifyTransport(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIResponse))
	if err != nil {
		return apiResponse{}, connectors.ClassifyTransport(err)
	}
	return apiResponse{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// classify turns a non-2xx LINE answer into a PermanentError or a
// RetryableError (connectors.ClassifyHTTP rules) whose reason carries LINE's
// message and details.
func (c *Connector) classify(what string, r apiResponse) error {
	e := r.lineError()
	reason := e.Message
	if reason == "" {
		reason = strings.TrimSpace(string(r.body))
	}
	var details []string
	for _, d := range e.Details {
		if d.Property != "" {
			details = append(details, d.Property+": "+d.Message)
		} else if d.Message != "" {
			details = append(details, d.Message)
		}
	}
	if len(details) > 0 {
		reason += " (" + strings.Join(details, "; ") + ")"
	}
	resp := &http.Response{StatusCode: r.status, Header: r.header, Body: io.NopCloser(strings.NewReader(reason))}
	err := connectors.ClassifyHTTP(resp, c.now())
	if err == nil {
		return nil
	}
	return fmt.Errorf("LINE %s: %w", what, err)
}

// errInvalidReplyToken is LINE's 400 for an expired, used or unknown reply
// token.
var errInvalidReplyToken = errors.New("invalid reply token")

func (c *Connector) apiURL(path string) string  { return c.cfg.APIBaseURL + path }
func (c *Connector) dataURL(path string) string { return c.cfg.DataAPIBaseURL + path }
