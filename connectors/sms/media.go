package sms

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"github.com/switchboardhq/switchboard/connectors"
)

// MaxMediaBytes is the largest MMS media the hub downloads.
const MaxMediaBytes = 25 << 20

// FetchMedia downloads an MMS attachment; mediaID is the MediaUrl Twilio
// posted. It is called by the webhook handler and, for media it could not
// keep, later by the hub. Basic auth (account sid and auth token) is sent
// only to the configured API host, never to other hosts. It must not touch
// the store. Errors are classified like Send's.
func (c *Connector) FetchMedia(ctx context.Context, mediaID string) ([]byte, string, error) {
	u, err := url.Parse(mediaID)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, "", connectors.Permanent("media URL is not an absolute http(s) URL", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", connectors.Permanent("cannot build media request", err)
	}
	if u.Host == c.apiHost {
		req.SetBasicAuth(c.cfg.AccountSID, c.cfg.AuthToken)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, "", connectors.ClassifyTransport(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxAPIResponse))
		return nil, "", c.classify("media", resp.StatusCode, resp.Header, b)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxMediaBytes+1))
	if err != nil {
		return nil, "", connectors.ClassifyTransport(err)
	}
	if len(body) > MaxMediaBytes {
		return nil, "", connectors.Permanent("media larger than the hub keeps", nil)
	}
	return body, resp.Header.Get("Content-Type"), nil
}
