package fake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// ThreadMessage is a Slack "message" event as the Events API delivers it
// inside an event_callback. Empty fields are left out of the JSON.
type ThreadMessage struct {
	EventID  string // event_id of the callback, e.g. "Ev0001"
	TeamID   string // default "TFAKE"
	Channel  string // the channel id
	User     string // the author's user id
	Text     string // mrkdwn, as Slack sends it (&amp; &lt; &gt; escaped)
	TS       string // the message's ts; default: a fresh one
	ThreadTS string // the thread root's ts
	BotID    string // set for messages posted by apps
	SubType  string // "", "bot_message", "message_changed", …
}

var tsSeq struct {
	sync.Mutex
	n    int64
	base int64
}

// NewTS returns a fresh Slack-like ts ("1712345678.500001") for events. It
// never equals a ts the Server assigns (those end below .500000). It is
// safe for concurrent use.
func NewTS() string {
	tsSeq.Lock()
	defer tsSeq.Unlock()
	if tsSeq.base == 0 {
		tsSeq.base = time.Now().Unix()
	}
	tsSeq.n++
	return fmt.Sprintf("%d.%06d", tsSeq.base+tsSeq.n/500000, 500000+tsSeq.n%500000)
}

// MessageEvent returns the JSON body of an event_callback carrying m.
func MessageEvent(m ThreadMessage) []byte {
	if m.TeamID == "" {
		m.TeamID = "TFAKE"
	}
	if m.TS == "" {
		m.TS = NewTS()
	}
	if m.EventID == "" {
		m.EventID = "Ev" + m.TS
	}
	inner := map[string]any{
		"type":         "message",
		"channel":      m.Channel,
		"text":         m.Text,
		"ts":           m.TS,
		"event_ts":     m.TS,
		"channel_type": "channel",
	}
	if m.User != "" {
		inner["user"] = m.User
		inner["team"] = m.TeamID
	}
	if m.ThreadTS != "" {
		inner["thread_ts"] = m.ThreadTS
		inner["parent_user_id"] = "UFAKEBOT"
	}
	if m.BotID != "" {
		inner["bot_id"] = m.BotID
	}
	if m.SubType != "" {
		inner["subtype"] = m.SubType
	}
	outer := map[string]any{
		"token":        "fake-verification-token",
		"team_id":      m.TeamID,
		"api_app_id":   "AFAKEAPP",
		"event":        inner,
		"type":         "event_callback",
		"event_id":     m.EventID,
		"event_time":   time.Now().Unix(),
		"authed_users": []string{"UFAKEBOT"},
		"authorizations": []map[string]any{{
			"team_id": m.TeamID, "user_id": "UFAKEBOT", "is_bot": true,
		}},
		"event_context": "4-fake",
	}
	b, err := json.Marshal(outer)
	if err != nil {
		panic(err) // only strings and numbers: cannot fail
	}
	return b
}

// URLVerification returns the body Slack sends when a request URL is set.
func URLVerification(challenge string) []byte {
	b, _ := json.Marshal(map[string]string{
		"token":     "fake-verification-token",
		"challenge": challenge,
		"type":      "url_verification",
	})
	return b
}

// Sign returns the X-Slack-Request-Timestamp and X-Slack-Signature headers
// Slack sends for body at time at: v0=hex(HMAC-SHA256(secret,
// "v0:<timestamp>:<body>")).
func Sign(secret string, at time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", timestamp)
	mac.Write(body)
	return timestamp, "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// NewEventsRequest builds the POST Slack's Events API sends to url, signed
// with secret at time at (use time.Now(); older than five minutes is
// rejected by receivers).
func NewEventsRequest(ctx context.Context, url, secret string, body []byte, at time.Time) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	ts, sig := Sign(secret, at, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	return req, nil
}

// SetRetry marks req as Slack's n-th redelivery (X-Slack-Retry-Num,
// X-Slack-Retry-Reason), as Slack does when an answer was late or not 2xx.
func SetRetry(req *http.Request, n int, reason string) {
	if reason == "" {
		reason = "http_timeout"
	}
	req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(n))
	req.Header.Set("X-Slack-Retry-Reason", reason)
}
