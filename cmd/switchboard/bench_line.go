package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The bench does not reuse connectors/line/fake: fake.New needs a
// testing.TB (only package testing can make one), records every request
// without bound (memory of the bench, not of the hub, but still) and has no
// hook to time a delivery. benchLINE is the smallest stand-in of the LINE
// Messaging API that the hub's LINE connector needs under load: the same
// paths and answers as the fake for push, reply, profile and the loading
// animation, and a callback when a pushed or replied text arrives.

// benchLINE is an in-process stand-in of the LINE Messaging API.
type benchLINE struct {
	URL   string
	token string
	srv   *http.Server
	ln    net.Listener

	seq atomic.Int64
	// delivered is called with the text of every message pushed or replied.
	mu        sync.Mutex
	delivered func(text string, at time.Time)
	pushes    atomic.Int64
	replies   atomic.Int64
	profiles  atomic.Int64
}

func startBenchLINE(token string) (*benchLINE, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &benchLINE{URL: "http://" + ln.Addr().String(), token: token, ln: ln}
	l.srv = &http.Server{Handler: http.HandlerFunc(l.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

func (l *benchLINE) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = l.srv.Shutdown(ctx)
}

// onDelivered sets the delivery callback (nil: none).
func (l *benchLINE) onDelivered(fn func(text string, at time.Time)) {
	l.mu.Lock()
	l.delivered = fn
	l.mu.Unlock()
}

func (l *benchLINE) writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Line-Request-Id", strconv.FormatInt(l.seq.Add(1), 16))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (l *benchLINE) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if r.Header.Get("Authorization") != "Bearer "+l.token {
		l.writeJSON(w, http.StatusUnauthorized, `{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}`)
		return
	}
	path := r.URL.Path
	switch {
	case r.Method == http.MethodPost && (path == "/v2/bot/message/push" || path == "/v2/bot/message/reply"):
		at := time.Now()
		var req struct {
			Messages []struct {
				Text string `json:"text"`
			} `json:"messages"`
		}
		if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) == 0 {
			l.writeJSON(w, http.StatusBadRequest, `{"message":"The request body has 1 error(s)"}`)
			return
		}
		if path == "/v2/bot/message/push" {
			l.pushes.Add(1)
		} else {
			l.replies.Add(1)
		}
		var sent strings.Builder
		for i := range req.Messages {
			if i > 0 {
				sent.WriteByte(',')
			}
			sent.WriteString(`{"id":"` + strconv.FormatInt(500000000000000000+l.seq.Add(1), 10) + `","quoteToken":"q"}`)
		}
		l.writeJSON(w, http.StatusOK, `{"sentMessages":[`+sent.String()+`]}`)
		l.mu.Lock()
		fn := l.delivered
		l.mu.Unlock()
		if fn != nil {
			for _, m := range req.Messages {
				fn(m.Text, at)
			}
		}
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v2/bot/profile/"):
		l.profiles.Add(1)
		id := strings.TrimPrefix(path, "/v2/bot/profile/")
		b, _ := json.Marshal(map[string]string{"userId": id, "displayName": "Bench " + id[max(0, len(id)-6):], "language": "ja"})
		l.writeJSON(w, http.StatusOK, string(b))
	case r.Method == http.MethodPost && path == "/v2/bot/chat/loading/start":
		l.writeJSON(w, http.StatusAccepted, "{}")
	case r.Method == http.MethodGet && path == "/v2/bot/info":
		l.writeJSON(w, http.StatusOK, `{"userId":"U00000000000000000000000000000000","basicId":"@benchbot","displayName":"Bench Bot","chatMode":"chat","markAsReadMode":"manual"}`)
	default:
		l.writeJSON(w, http.StatusNotFound, `{"message":"Not found"}`)
	}
}

// lineWebhooks builds correctly signed LINE webhook bodies: one text
// message event each, from one of senders users, with a reply token, as
// LINE sends them (the shape line-bot-sdk-go's webhook types marshal).
type lineWebhooks struct {
	secret  []byte
	senders int
	run     string // distinguishes event ids of separate bench runs
}

const benchText = "こんにちは、営業時間を教えてください。Could you tell me your opening hours?"

// body returns the webhook body for event n of the given phase, its event
// id and its signature.
func (g *lineWebhooks) body(phase string, n int64, sender int) (body []byte, eventID, signature string) {
	eventID = g.run + "-" + phase + "-" + strconv.FormatInt(n, 10)
	user := benchUser(sender)
	now := time.Now().UnixMilli()
	b := make([]byte, 0, 512)
	b = append(b, `{"destination":"Uffffffffffffffffffffffffffffffff","events":[{"type":"message","message":{"type":"text","id":"`...)
	b = strconv.AppendInt(b, 100000000000000+n, 10)
	b = append(b, `","quoteToken":"qt`...)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, `","text":"`...)
	b = append(b, benchText...)
	b = append(b, ` #`...)
	b = append(b, eventID...)
	b = append(b, `"},"webhookEventId":"`...)
	b = append(b, eventID...)
	b = append(b, `","deliveryContext":{"isRedelivery":false},"timestamp":`...)
	b = strconv.AppendInt(b, now, 10)
	b = append(b, `,"source":{"type":"user","userId":"`...)
	b = append(b, user...)
	b = append(b, `"},"replyToken":"rt`...)
	b = append(b, eventID...)
	b = append(b, `","mode":"active"}]}`...)
	mac := hmac.New(sha256.New, g.secret)
	mac.Write(b)
	return b, eventID, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// benchUser is the LINE user id of sender i: "U" and 32 hex digits.
func benchUser(i int) string {
	s := strconv.FormatInt(int64(i), 16)
	return "U" + strings.Repeat("0", 32-len(s)) + s
}
