// Package slack is Switchboard's Slack connector: an operator-side mirror,
// not a customer channel. Every conversation of the workspace gets a thread
// in one Slack channel (opened by the customer's first message); customer
// messages and replies or notes written in the console are posted into that
// thread, and operators answer customers by replying in the thread. Replies
// arrive over the Events API (HandleWebhook) or Socket Mode (Run) and are
// stored through connectors.Hub.Reply exactly as the console's API stores
// them.
package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// MaxTextLength is the longest text Slack accepts in one message.
const MaxTextLength = 40000

// defaultHTTPTimeout bounds one Web API call when Deps gives no client.
const defaultHTTPTimeout = 10 * time.Second

// Connector is one configured Slack mirror. It implements connectors.Mirror,
// connectors.WebhookReceiver, connectors.Runner and
// connectors.CredentialChecker. It is safe for concurrent use.
type Connector struct {
	cfg  Config
	deps connectors.Deps
	log  *slog.Logger
	api  *slack.Client

	// threadLocks serialises Mirror per conversation, so concurrent first
	// messages open one thread and posts keep their order.
	threadLocks keyedMutex
	// echoLocks is held by the webhook from Hub.Reply until it has claimed
	// the new message's mirror key, and by Mirror while it claims a key, so
	// that Mirror on this process never sees a Slack-typed reply unclaimed.
	echoLocks keyedMutex
	// unfinished holds FirstSeen keys this process claimed but failed to
	// finish (a Slack post or a Hub.Reply failed): a retry of the same event
	// may proceed although FirstSeen answers "seen".
	unfinished keySet

	botMu     sync.Mutex
	botUserID string
	botID     string

	// background tracks notices posted after a webhook answered.
	background sync.WaitGroup
}

var (
	_ connectors.Mirror            = (*Connector)(nil)
	_ connectors.WebhookReceiver   = (*Connector)(nil)
	_ connectors.Runner            = (*Connector)(nil)
	_ connectors.CredentialChecker = (*Connector)(nil)
)

// New builds a Slack connector from its config keys (see Config). It
// validates the config and does no network I/O. deps.Hub is required: the
// connector acts for operators through it.
func New(raw json.RawMessage, deps connectors.Deps) (*Connector, error) {
	cfg, err := ParseConfig(raw)
	if err != nil {
		return nil, err
	}
	if deps.Hub == nil {
		return nil, errors.New("slack: Deps.Hub is required (the Slack connector is a mirror)")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	httpClient := deps.HTTPClient
	if httpClient == nil {
		httpClient = connectors.NewHTTPClient(defaultHTTPTimeout)
	}
	logger := deps.Logger // the hub gives it the channel and type as attributes
	opts := []slack.Option{
		slack.OptionHTTPClient(httpClient),
		slack.OptionAPIURL(cfg.APIBaseURL),
		// The SDK's own logger writes to stderr; ours never sees tokens
		// because debug output stays off.
		slack.OptionLog(sdkLogger{logger}),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	return &Connector{
		cfg:  cfg,
		deps: deps,
		log:  logger,
		api:  slack.New(cfg.BotToken, opts...),
	}, nil
}

// Type returns "slack". It does no I/O.
func (c *Connector) Type() string { return Type }

// Capabilities describes what a Slack message can carry. It does no I/O.
// Slack is an operator mirror: the hub never routes customer replies to it.
func (c *Connector) Capabilities() connectors.Capabilities {
	// SendRate 0: nothing is sent to customers through Slack (mirror
	// posts honour Slack's Retry-After instead).
	return connectors.Capabilities{Text: true, MaxTextLength: MaxTextLength, SendRate: 0}
}

// Send always fails permanently: Slack is where operators read and answer,
// not a channel customers write from, so no conversation is ever sent
// through it. Operator replies reach Slack through Mirror.
func (c *Connector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	return connectors.SendResult{}, connectors.Permanent("slack is an operator mirror, not a customer channel", nil)
}

// Wait blocks until notices started by HandleWebhook after it answered (the
// ephemeral "you are not linked" notice) are done. Tests and a graceful
// shutdown call it; the hub need not.
func (c *Connector) Wait() { c.background.Wait() }

// classify maps an error of the Slack SDK to the hub's error kinds:
// rate limits, 5xx, network errors and timeouts are retryable; ok:false
// answers such as channel_not_found, not_in_channel or invalid_auth are
// permanent.
func classify(method string, err error) error {
	if err == nil {
		return nil
	}
	var rateLimited *slack.RateLimitedError
	if errors.As(err, &rateLimited) {
		return connectors.Retryable("slack "+method+": rate limited", rateLimited.RetryAfter, err)
	}
	var status slack.StatusCodeError
	if errors.As(err, &status) {
		if status.Code >= 500 || status.Code == http.StatusTooManyRequests || status.Code == http.StatusRequestTimeout {
			return connectors.Retryable(fmt.Sprintf("slack %s: answered %d", method, status.Code), 0, err)
		}
		return connectors.Permanent(fmt.Sprintf("slack %s: answered %d", method, status.Code), err)
	}
	var apiErr slack.SlackErrorResponse
	if errors.As(err, &apiErr) {
		switch apiErr.Err {
		case "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org":
			return connectors.Retryable("slack "+method+": "+apiErr.Err, 0, err)
		}
		return connectors.Permanent("slack "+method+": "+apiErr.Err, err)
	}
	// Transport errors, timeouts, cancelled contexts and unreadable answers
	// (an HTML error page with status 200) may all pass on a later try.
	return connectors.Retryable("slack "+method+": unreachable", 0, err)
}

// sdkLogger routes the SDK's log lines to slog at debug level.
type sdkLogger struct{ log *slog.Logger }

func (l sdkLogger) Output(_ int, s string) error {
	l.log.Debug("slack sdk", "line", s)
	return nil
}

// keyedMutex is a set of mutexes by key whose Lock honours ctx. Entries
// are removed when no one holds or waits for them.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedEntry
}

type keyedEntry struct {
	ch   chan struct{} // holds one token while locked
	refs int
}

// Lock locks key and returns its unlock function, or ctx's error.
func (k *keyedMutex) Lock(ctx context.Context, key string) (func(), error) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedEntry{}
	}
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{ch: make(chan struct{}, 1)}
		k.locks[key] = e
	}
	e.refs++
	k.mu.Unlock()

	release := func() {
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
	select {
	case e.ch <- struct{}{}:
		return func() { <-e.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}

// keySet is a concurrency-safe set of strings.
type keySet struct {
	mu   sync.Mutex
	keys map[string]struct{}
}

func (s *keySet) add(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]struct{}{}
	}
	s.keys[key] = struct{}{}
}

func (s *keySet) remove(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
}

func (s *keySet) has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.keys[key]
	return ok
}

// claim records key with Hub.FirstSeen and reports whether this call should
// do the work: the key was new, or this process claimed it before and
// failed to finish (see unfinished).
func (c *Connector) claim(ctx context.Context, key string) (bool, error) {
	first, err := c.deps.Hub.FirstSeen(ctx, key)
	if err != nil {
		return false, fmt.Errorf("slack: first-seen %s: %w", key, err)
	}
	return first || c.unfinished.has(key), nil
}

// mirrorKey is the FirstSeen key of mirroring one message into Slack. The
// webhook claims it for replies typed in Slack so Mirror never echoes them.
func (c *Connector) mirrorKey(id switchboard.MessageID) string {
	return "slack-mirror:" + string(c.deps.ChannelID) + ":" + string(id)
}
