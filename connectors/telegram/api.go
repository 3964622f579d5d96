package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

// maxAPIAnswer bounds a Bot API answer read into memory.
const maxAPIAnswer = 4 << 20

// envelope is every Bot API answer: {"ok":true,"result":...} or
// {"ok":false,"error_code":429,"description":"...","parameters":{"retry_after":7}}.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result,omitempty"`
	ErrorCode   int             `json:"error_code,omitempty"`
	Description string          `json:"description,omitempty"`
	Parameters  *struct {
		RetryAfter      int   `json:"retry_after,omitempty"`
		MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	} `json:"parameters,omitempty"`
}

// APIError is a Bot API call that answered ok:false (or a non-2xx status
// without the envelope). It never carries the bot token.
type APIError struct {
	Method      string
	Status      int
	Code        int
	Description string
	RetryAfter  time.Duration
}

func (e *APIError) Error() string {
	return fmt.Sprintf("Telegram %s: %d %s", e.Method, e.Code, e.Description)
}

// methodURL is {base}/bot<token>/<method>.
func (c *Connector) methodURL(method string) string {
	return c.cfg.APIBaseURL + "/bot" + c.cfg.BotToken + "/" + method
}

// fileURL is {base}/file/bot<token>/<file_path>.
func (c *Connector) fileURL(filePath string) string {
	return c.cfg.APIBaseURL + "/file/bot" + c.cfg.BotToken + "/" + strings.TrimLeft(filePath, "/")
}

// call posts params as JSON to a Bot API method and decodes the result into
// out (when non-nil). Errors are classified (connectors.Permanent or
// Retryable) and have the token removed.
func (c *Connector) call(ctx context.Context, method string, params any, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return connectors.Permanent("Telegram "+method+": cannot encode the request", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.methodURL(method), bytes.NewReader(body))
	if err != nil {
		return connectors.Permanent("Telegram "+method+": cannot build the request", c.redact(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return connectors.ClassifyTransport(c.redact(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIAnswer))
	if err != nil {
		return connectors.ClassifyTransport(c.redact(err))
	}
	var env envelope
	if jerr := json.Unmarshal(raw, &env); jerr != nil || (!env.OK && env.ErrorCode == 0) {
		env = envelope{ErrorCode: resp.StatusCode, Description: strings.TrimSpace(string(raw[:min(len(raw), 200)]))}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return connectors.Retryable("Telegram "+method+": unreadable answer", 0, errors.New(c.redactString(env.Description)))
		}
	}
	if !env.OK || resp.StatusCode >= 300 {
		apiErr := &APIError{Method: method, Status: resp.StatusCode, Code: env.ErrorCode, Description: c.redactString(env.Description)}
		if env.Parameters != nil && env.Parameters.RetryAfter > 0 {
			apiErr.RetryAfter = time.Duration(env.Parameters.RetryAfter) * time.Second
		} else {
			apiErr.RetryAfter = connectors.ParseRetryAfter(resp.Header.Get("Retry-After"), c.now())
		}
		return classify(apiErr)
	}
	if out != nil {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return connectors.Retryable("Telegram "+method+": unreadable result", 0, err)
		}
	}
	return nil
}

// classify turns an API error into the kinds the router knows: 429 and
// 5xx retryable (429 honouring retry_after); 401, and 404 on a method
// (Telegram's answer to an unknown token), a broken credential; 403 (the
// user blocked the bot, or never started it) an opt-out; other 4xx
// permanent.
func classify(e *APIError) error {
	code := e.Code
	if code == 0 {
		code = e.Status
	}
	switch {
	case code == http.StatusTooManyRequests:
		return connectors.Retryable("Telegram is rate limiting the bot", e.RetryAfter, e)
	case code >= 500 || code == http.StatusRequestTimeout:
		return connectors.Retryable("Telegram failed", e.RetryAfter, e)
	case code == http.StatusUnauthorized || code == http.StatusNotFound:
		return connectors.Permanent("Telegram refused the bot token ("+e.Description+")", fmt.Errorf("%w: %w", connectors.ErrCredentials, e))
	case code == http.StatusForbidden:
		return &connectors.PermanentError{Reason: "Telegram: the user blocked the bot or never started it (" + e.Description + ")", Err: errors.Join(connectors.ErrOptedOut, e)}
	default:
		return connectors.Permanent("Telegram refused the request ("+e.Description+")", e)
	}
}

// redact removes the bot token from an error's text: the token is part of
// every Bot API URL, and http.Client errors quote the URL.
func (c *Connector) redact(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = c.redactString(ue.URL)
	}
	if strings.Contains(err.Error(), c.cfg.BotToken) {
		return errors.New(c.redactString(err.Error()))
	}
	return err
}

func (c *Connector) redactString(s string) string {
	if c.cfg.BotToken == "" {
		return s
	}
	return strings.ReplaceAll(s, c.cfg.BotToken, "<bot-token>")
}
