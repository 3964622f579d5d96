package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// latencies collects response times from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d ...time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d...)
	l.mu.Unlock()
}

// quantile returns the q-quantile (0..1) in milliseconds (0 without data).
func (l *latencies) quantile(q float64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	if !slices.IsSorted(l.d) {
		slices.Sort(l.d)
	}
	i := min(len(l.d)-1, int(q*float64(len(l.d))))
	return float64(l.d[i].Microseconds()) / 1000
}

func (l *latencies) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.d)
}

// benchClient is an HTTP/1.1 keep-alive client for conns concurrent
// connections to one host.
func benchClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        conns * 2,
			MaxIdleConnsPerHost: conns * 2,
			MaxConnsPerHost:     conns * 2,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
			ForceAttemptHTTP2:   false,
		},
	}
}

// postWebhook sends one signed LINE webhook and returns the status.
func postWebhook(ctx context.Context, client *http.Client, url string, body []byte, signature string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "LineBotWebhook/2.0")
	req.Header.Set("X-Line-Signature", signature)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// closedLoopResult is what a closed-loop webhook load measured.
type closedLoopResult struct {
	OK      int64
	Errors  int64
	Elapsed time.Duration
	Lat     *latencies
}

// closedLoop posts webhooks from clients goroutines, each sending the next
// as soon as the previous one was answered, for d; client c posts to
// urls[c % len(urls)] (one hub, or the instances of a cluster).
func closedLoop(ctx context.Context, client *http.Client, urls []string, gen *lineWebhooks, phase string, clients int, d time.Duration, seq *atomic.Int64) closedLoopResult {
	res := closedLoopResult{Lat: &latencies{}}
	var ok, bad atomic.Int64
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		url := urls[c%len(urls)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil && time.Now().Before(end) {
				n := seq.Add(1)
				body, _, sig := gen.body(phase, n, int(n%int64(gen.senders)))
				t0 := time.Now()
				status, err := postWebhook(ctx, client, url, body, sig)
				if err == nil && status == http.StatusOK {
					local = append(local, time.Since(t0))
					ok.Add(1)
				} else {
					bad.Add(1)
				}
			}
			res.Lat.add(local...)
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.OK, res.Errors = ok.Load(), bad.Load()
	return res
}

// openLoopResult is what the e2e phase measured.
type openLoopResult struct {
	Sent, Received, Errors int64
	Elapsed                time.Duration
	Lat                    *latencies
}

// openLoop offers webhooks at rate per second for d regardless of how fast
// the hub answers, and times each from its send to the event frame that
// announces the stored message on the console stream.
func openLoop(ctx context.Context, client *http.Client, hookURLs []string, streamURL, token string, gen *lineWebhooks, rate int, d time.Duration, seq *atomic.Int64) (openLoopResult, error) {
	res := openLoopResult{Lat: &latencies{}}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, _, err := websocket.Dial(dctx, streamURL, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	cancel()
	if err != nil {
		return res, fmt.Errorf("console stream: %w", err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(4 << 20)
	// Load starts once the stream says it is subscribed (its first frame),
	// so no event of the phase can come before it listens.
	rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
	_, first, err := conn.Read(rctx)
	rcancel()
	if err != nil || !strings.Contains(string(first), `"ready"`) {
		return res, fmt.Errorf("console stream: first frame %q (%v), want the ready frame", first, err)
	}

	var pending sync.Map // event id → time.Time of its send
	var received atomic.Int64
	readCtx, stopRead := context.WithCancel(ctx)
	defer stopRead()
	readErr := make(chan error, 1)
	go func() {
		for {
			_, data, err := conn.Read(readCtx)
			if err != nil {
				readErr <- err
				return
			}
			var frame struct {
				Type    string `json:"type"`
				Message *struct {
					ExternalID string `json:"external_id"`
					Direction  string `json:"direction"`
				} `json:"message"`
			}
			if json.Unmarshal(data, &frame) != nil || frame.Message == nil || frame.Message.Direction != "in" {
				continue
			}
			if v, ok := pending.LoadAndDelete(frame.Message.ExternalID); ok {
				res.Lat.add(time.Since(v.(time.Time)))
				received.Add(1)
			}
		}
	}()

	var sent, bad atomic.Int64
	work := make(chan int64, rate)
	var wg sync.WaitGroup
	for w := 0; w < 256; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				body, id, sig := gen.body("e2e", n, int(n%int64(gen.senders)))
				pending.Store(id, time.Now())
				status, err := postWebhook(ctx, client, hookURLs[int(n)%len(hookURLs)], body, sig)
				if err != nil || status != http.StatusOK {
					pending.Delete(id)
					bad.Add(1)
					continue
				}
				sent.Add(1)
			}
		}()
	}
	interval := time.Second / time.Duration(max(rate, 1))
	start := time.Now()
	total := int64(d / interval)
	for i := int64(0); i < total && ctx.Err() == nil; i++ {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		work <- seq.Add(1)
	}
	close(work)
	wg.Wait()
	res.Elapsed = time.Since(start)
	// Stragglers: wait until every acknowledged message was announced, or
	// 10s.
	deadline := time.Now().Add(10 * time.Second)
	for received.Load() < sent.Load() && time.Now().Before(deadline) {
		select {
		case err := <-readErr:
			return res, fmt.Errorf("console stream closed: %w", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	res.Sent, res.Received, res.Errors = sent.Load(), received.Load(), bad.Load()
	return res, nil
}

// replyResult is what the reply phase measured.
type replyResult struct {
	Delivered, Errors int64
	Elapsed           time.Duration
	Lat               *latencies
}

// replyLoop has clients operators each answer in their own conversation
// through the API, wait until LINE (the stand-in) received the answer, and
// answer again, for d. Latency is from the API's 202 to the stand-in
// receiving the push or reply.
func replyLoop(ctx context.Context, client *http.Client, hubURLs []string, token string, line *benchLINE, convs []string, d time.Duration) replyResult {
	res := replyResult{Lat: &latencies{}}
	var waiters sync.Map // text → chan time.Time
	line.onDelivered(func(text string, at time.Time) {
		if v, ok := waiters.LoadAndDelete(text); ok {
			v.(chan time.Time) <- at
		}
	})
	defer line.onDelivered(nil)
	var delivered, bad atomic.Int64
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for c, conv := range convs {
		hubURL := hubURLs[c%len(hubURLs)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil && time.Now().Before(end); i++ {
				text := "bench reply " + strconv.Itoa(c) + "/" + strconv.Itoa(i) + " — ご連絡ありがとうございます"
				got := make(chan time.Time, 1)
				waiters.Store(text, got)
				b, _ := json.Marshal(map[string]string{"text": text})
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hubURL+"/api/v1/conversations/"+conv+"/messages", bytes.NewReader(b))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					waiters.Delete(text)
					bad.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				accepted := time.Now()
				if resp.StatusCode != http.StatusAccepted {
					waiters.Delete(text)
					bad.Add(1)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				select {
				case at := <-got:
					res.Lat.add(max(0, at.Sub(accepted)))
					delivered.Add(1)
				case <-time.After(15 * time.Second):
					waiters.Delete(text)
					bad.Add(1)
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Delivered, res.Errors = delivered.Load(), bad.Load()
	return res
}

// lineConversations returns up to n conversation ids of the LINE channel.
func lineConversations(ctx context.Context, client *http.Client, hubURL, token string, n int) ([]string, error) {
	var out []string
	cursor := ""
	for len(out) < n {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hubURL+"/api/v1/conversations?channel=line&limit=500&cursor="+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			Next string `json:"next"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("list conversations: status %d: %v", resp.StatusCode, err)
		}
		for _, it := range page.Items {
			out = append(out, it.ID)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	return out[:min(n, len(out))], nil
}

// routedTotal sums switchboard_inbound_routed_total over the hubs' /metrics.
func routedTotal(ctx context.Context, client *http.Client, hubURLs []string) (int64, error) {
	var total int64
	for _, u := range hubURLs {
		n, err := routedOne(ctx, client, u)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// routedOne reads switchboard_inbound_routed_total from one hub's /metrics.
func routedOne(ctx context.Context, client *http.Client, hubURL string) (int64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hubURL+"/metrics", nil)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "switchboard_inbound_routed_total "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f), err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, nil // not yet incremented: the counter is not exported before
}

// waitRouted waits until the hub routed at least want customer messages
// in total, or timeout; it returns how long that took.
func waitRouted(ctx context.Context, client *http.Client, hubURLs []string, want int64, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	for {
		n, err := routedTotal(ctx, client, hubURLs)
		if err == nil && n >= want {
			return time.Since(start), nil
		}
		if time.Since(start) > timeout {
			return time.Since(start), fmt.Errorf("the hub routed %d of %d accepted messages within %s", n, want, timeout)
		}
		select {
		case <-ctx.Done():
			return time.Since(start), ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
