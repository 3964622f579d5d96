package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	linefake "github.com/switchboardhq/switchboard/connectors/line/fake"
	"github.com/switchboardhq/switchboard/router/natstest"
	"github.com/switchboardhq/switchboard/store/storetest"
)

// cluster is several hub processes on one PostgreSQL database and one
// NATS namespace, with a LINE channel pointing at the LINE fake of this
// process.
type cluster struct {
	t     *testing.T
	nats  *natstest.Server
	line  *linefake.Server
	token string
	cfgs  []string
	urls  []string
	hubs  []*childHub
}

const clusterUsers = 4

// newCluster starts n instances at once (so they migrate the fresh
// database concurrently) and waits until each is ready. It skips, visibly,
// without PostgreSQL or a nats-server binary.
func newCluster(t *testing.T, n int) *cluster {
	t.Helper()
	dsn := storetest.PostgresURL(t)
	c := &cluster{t: t, nats: natstest.Start(t), line: linefake.New(t, lineToken)}
	for u := range clusterUsers {
		c.line.AddProfile(messaging_api.UserProfileResponse{UserId: lineUser(u), DisplayName: fmt.Sprintf("User %d", u)})
	}
	t.Setenv("SWITCHBOARD_CHANNEL_LINE_CHANNEL_SECRET", lineSecret)
	secret := hex.EncodeToString(randomBytes(32))
	namespace := fmt.Sprintf("sbtest_%x", randomBytes(4))
	dir := t.TempDir()
	for i := range n {
		port := freePort(t)
		url := fmt.Sprintf("http://127.0.0.1:%d", port)
		cfg := filepath.Join(dir, fmt.Sprintf("hub%d.yaml", i))
		writeFile(t, cfg, fmt.Sprintf(`listen: 127.0.0.1:%d
public_url: %s
data_dir: %s
secret_key: %s
shutdown_timeout: 10s
log:
  level: warn
store:
  driver: postgres
  dsn: %s
pubsub:
  driver: nats
  url: %s
  namespace: %s
  ack_wait: 2s
outbound:
  retry_initial: 10ms
  retry_max: 200ms
channels:
  - id: web
    type: webchat
  - id: line
    type: line
    channel_access_token: %s
    api_base_url: %s
    data_api_base_url: %s
`, port, url, filepath.Join(dir, fmt.Sprintf("data%d", i)), secret, dsn, c.nats.URL, namespace, lineToken, c.line.URL, c.line.URL))
		c.cfgs = append(c.cfgs, cfg)
		c.urls = append(c.urls, url)
	}
	for i := range n {
		c.hubs = append(c.hubs, launchChild(t, c.cfgs[i], c.urls[i]))
	}
	for i := range n {
		c.waitReady(i, 60*time.Second)
	}
	c.token = createToken(t, c.cfgs[0], "admin")
	return c
}

func lineUser(u int) string { return fmt.Sprintf("U%032x", u+1) }

// readiness is the /readyz answer.
type readiness struct {
	Code   int
	Status string `json:"status"`
	Broker string `json:"broker"`
	Store  string `json:"store"`
}

func readyz(url string) readiness {
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url + "/readyz")
	if err != nil {
		return readiness{}
	}
	defer resp.Body.Close()
	r := readiness{Code: resp.StatusCode}
	_ = json.NewDecoder(resp.Body).Decode(&r)
	return r
}

// waitReady waits until instance i says it is ready with the broker up
// (every subscription consuming).
func (c *cluster) waitReady(i int, within time.Duration) {
	c.t.Helper()
	eventually(c.t, within, fmt.Sprintf("instance %d to be ready", i), func() bool {
		if c.hubs[i].exited() {
			c.t.Fatalf("instance %d exited (%v):\n%s", i, c.hubs[i].err, c.hubs[i].logs.String())
		}
		r := readyz(c.urls[i])
		return r.Code == http.StatusOK && r.Status == "ok"
	})
}

// webhook posts one signed LINE message event to instance i and reports
// whether it was answered 200.
func (c *cluster) webhook(client *http.Client, i int, user int, eventID, text string) bool {
	body := linefake.Body(linefake.MessageEvent(
		linefake.Meta{EventID: eventID, UserID: lineUser(user), At: time.Now()},
		&webhook.TextMessageContent{Id: eventID, Text: text, QuoteToken: "q" + eventID},
	))
	req := linefake.SignedWebhook(c.urls[i]+"/webhooks/line", lineSecret, body)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// lineConversations lists the LINE conversations as instance i sees them.
func (c *cluster) lineConversations(i int) []conversationJSON {
	var convs list[conversationJSON]
	call(c.t, "GET", c.urls[i]+"/api/v1/conversations?channel=line&limit=200", c.token, nil, &convs)
	return convs.Items
}

// allMessages lists every message of a conversation through instance i.
func (c *cluster) allMessages(i int, conv string) []messageJSON {
	var out []messageJSON
	cursor := ""
	for {
		var page list[messageJSON]
		if code := call(c.t, "GET", c.urls[i]+"/api/v1/conversations/"+conv+"/messages?limit=500&cursor="+cursor, c.token, nil, &page); code != http.StatusOK {
			c.t.Fatalf("messages of %s: %d", conv, code)
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			return out
		}
		cursor = page.Next
	}
}

// pushed counts, per text, the pushes the LINE fake accepted (a resend with
// a retry key it already accepted gets 409 and is not counted).
func (c *cluster) pushed() map[string]int {
	out := map[string]int{}
	for _, r := range c.line.RequestsTo("/v2/bot/message/push") {
		if r.Status != http.StatusOK {
			continue
		}
		req, ok := r.Decoded.(*messaging_api.PushMessageRequest)
		if !ok {
			continue
		}
		for _, m := range req.Messages {
			if tm, ok := m.(messaging_api.TextMessage); ok {
				out[tm.Text]++
			}
		}
	}
	return out
}

// load sends signed LINE webhooks to the instances, round robin, from a
// few clients, and operator replies into the first user's conversation,
// until stop is closed. It records what was acknowledged.
type load struct {
	mu      sync.Mutex
	acked   map[string]bool // webhook texts answered 200
	replies map[string]bool // reply texts answered 202
	wg      sync.WaitGroup
	stop    chan struct{}
}

func (c *cluster) startLoad(prefix string, alive func(i int) bool, replyConv string) *load {
	l := &load{acked: map[string]bool{}, replies: map[string]bool{}, stop: make(chan struct{})}
	const clients = 3
	const maxPerClient = 400 // bounds the load whatever the timing
	for cl := range clients {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for n := 0; n < maxPerClient; n++ {
				select {
				case <-l.stop:
					return
				default:
				}
				i := (cl + n) % len(c.urls)
				if !alive(i) {
					continue
				}
				text := fmt.Sprintf("%s c%d n%d", prefix, cl, n)
				eventID := fmt.Sprintf("%s-%d-%d-%x", prefix, cl, n, randomBytes(4))
				if c.webhook(client, i, (cl+n)%clusterUsers, eventID, text) {
					l.mu.Lock()
					l.acked[text] = true
					l.mu.Unlock()
				}
			}
		}()
	}
	if replyConv != "" {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for n := 0; n < 200; n++ {
				select {
				case <-l.stop:
					return
				case <-time.After(20 * time.Millisecond): // a steady trickle of replies
				}
				i := n % len(c.urls)
				if !alive(i) {
					continue
				}
				text := fmt.Sprintf("%s reply %d", prefix, n)
				raw, _ := json.Marshal(map[string]string{"text": text})
				req, _ := http.NewRequest("POST", c.urls[i]+"/api/v1/conversations/"+replyConv+"/messages", bytes.NewReader(raw))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+c.token)
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted {
					l.mu.Lock()
					l.replies[text] = true
					l.mu.Unlock()
				}
			}
		}()
	}
	return l
}

func (l *load) finish() {
	close(l.stop)
	l.wg.Wait()
}

// checkStoredOnce asserts, through instance i, that every acknowledged
// webhook is stored exactly once and routed (its conversation has a
// department), and that every accepted reply reached LINE exactly once.
func (c *cluster) checkStoredOnce(i int, l *load, within time.Duration) {
	c.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.acked) == 0 {
		c.t.Fatal("no webhook was acknowledged: the load did not run")
	}
	count := map[string]int{}
	for _, conv := range c.lineConversations(i) {
		for _, m := range c.allMessages(i, conv.ID) {
			if m.Direction == "in" {
				count[m.Text]++
			}
		}
	}
	for text := range l.acked {
		if count[text] != 1 {
			c.t.Errorf("acknowledged webhook %q stored %d times", text, count[text])
		}
	}
	eventually(c.t, within, "every LINE conversation to be routed", func() bool {
		for _, conv := range c.lineConversations(i) {
			if conv.DepartmentID == "" {
				return false
			}
		}
		return true
	})
	eventually(c.t, within, fmt.Sprintf("the %d accepted replies to reach LINE", len(l.replies)), func() bool {
		pushed := c.pushed()
		for text := range l.replies {
			if pushed[text] == 0 {
				return false
			}
		}
		return true
	})
	for text, n := range c.pushed() {
		if n != 1 && l.replies[text] {
			c.t.Errorf("reply %q accepted by LINE %d times", text, n)
		}
	}
	c.t.Logf("%d acknowledged webhooks stored once, %d accepted replies sent once", len(l.acked), len(l.replies))
}

// firstConversation sends one webhook from the first LINE user and returns
// its conversation once routed.
func (c *cluster) firstConversation() string {
	c.t.Helper()
	if !c.webhook(http.DefaultClient, 0, 0, "first-"+hex.EncodeToString(randomBytes(4)), "hello") {
		c.t.Fatal("first webhook not acknowledged")
	}
	var conv string
	eventually(c.t, 20*time.Second, "the first LINE conversation", func() bool {
		for _, cv := range c.lineConversations(0) {
			if cv.DepartmentID != "" {
				conv = cv.ID
			}
		}
		return conv != ""
	})
	return conv
}

// TestClusterEventsReachEveryInstance: three instances on one database and
// one NATS namespace. A visitor connected to instance A's widget stream
// hears the operator's reply posted through instance B; a LINE user's
// message sent to instance C's webhook is in A's conversation list; a
// reply through A reaches LINE once. SIGTERM drains an instance: it exits
// 0 in time, and the others carry on.
func TestClusterEventsReachEveryInstance(t *testing.T) {
	began := time.Now()
	c := newCluster(t, 3)
	t.Logf("%v: three instances ready", time.Since(began).Round(time.Millisecond))
	a, b, cc := 0, 1, 2

	var sess struct {
		Token string `json:"token"`
	}
	if code := call(t, "POST", c.urls[a]+"/widget/v1/sessions", "", map[string]string{"channel": "web"}, &sess); code != http.StatusCreated {
		t.Fatalf("session on A: %d", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws := dialWidgetStream(t, ctx, c.urls[a], sess.Token)
	if code := call(t, "POST", c.urls[a]+"/widget/v1/messages", sess.Token, map[string]string{"text": "Is anyone there?"}, nil); code != http.StatusCreated {
		t.Fatalf("visitor message: %d", code)
	}
	var webConv string
	eventually(t, 20*time.Second, "the site-chat conversation on B", func() bool {
		var convs list[conversationJSON]
		call(t, "GET", c.urls[b]+"/api/v1/conversations?channel=web", c.token, nil, &convs)
		if len(convs.Items) == 1 && convs.Items[0].DepartmentID != "" {
			webConv = convs.Items[0].ID
		}
		return webConv != ""
	})
	if code := call(t, "POST", c.urls[b]+"/api/v1/conversations/"+webConv+"/messages", c.token, map[string]string{"text": "Yes, B here. How can I help?"}, nil); code != http.StatusAccepted {
		t.Fatalf("reply through B: %d", code)
	}
	readWidgetFrames(t, ctx, ws, func(texts []string) bool { return contains(texts, "Yes, B here. How can I help?") })
	t.Logf("%v: the visitor on A heard the reply posted through B", time.Since(began).Round(time.Millisecond))

	if !c.webhook(http.DefaultClient, cc, 1, "01HCLUSTERC000000000000001", "こんにちは from LINE via C") {
		t.Fatal("LINE webhook to C not acknowledged")
	}
	var lineConv conversationJSON
	eventually(t, 20*time.Second, "the LINE conversation in A's list", func() bool {
		for _, cv := range c.lineConversations(a) {
			if cv.LastMessage == "こんにちは from LINE via C" && cv.DepartmentID != "" {
				lineConv = cv
			}
		}
		return lineConv.ID != ""
	})
	if code := call(t, "POST", c.urls[a]+"/api/v1/conversations/"+lineConv.ID+"/messages", c.token, map[string]string{"text": "Reply from A"}, nil); code != http.StatusAccepted {
		t.Fatalf("reply through A: %d", code)
	}
	eventually(t, 20*time.Second, "the reply from A at LINE", func() bool { return c.pushed()["Reply from A"] == 1 })
	t.Logf("%v: C's LINE message listed by A; A's reply at LINE", time.Since(began).Round(time.Millisecond))

	// SIGTERM drains B: it exits 0 within shutdown_timeout; a reply
	// accepted by B just before is sent.
	if code := call(t, "POST", c.urls[b]+"/api/v1/conversations/"+lineConv.ID+"/messages", c.token, map[string]string{"text": "Reply from B before SIGTERM"}, nil); code != http.StatusAccepted {
		t.Fatalf("reply through B: %d", code)
	}
	start := time.Now()
	if err := c.hubs[b].cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.hubs[b].done:
		if err := c.hubs[b].err; err != nil {
			t.Fatalf("B exited with %v after SIGTERM:\n%s", err, c.hubs[b].logs.String())
		}
		t.Logf("B drained and exited 0 in %v", time.Since(start).Round(time.Millisecond))
	case <-time.After(20 * time.Second):
		t.Fatal("B did not exit within 20s of SIGTERM (shutdown_timeout is 10s)")
	}
	eventually(t, 20*time.Second, "the reply B accepted before SIGTERM at LINE", func() bool {
		return c.pushed()["Reply from B before SIGTERM"] == 1
	})
	if r := readyz(c.urls[a]); r.Code != http.StatusOK || r.Status != "ok" {
		t.Errorf("A after B left: readyz %+v", r)
	}
}

// TestClusterKill9: under a steady load of signed LINE webhooks spread
// over three instances and replies through their API, one instance is
// killed with SIGKILL at a random moment. Every webhook answered 200 is
// stored exactly once, and every reply answered 202 reaches LINE exactly
// once (the messages the dead instance held are redelivered to the others).
func TestClusterKill9(t *testing.T) {
	c := newCluster(t, 3)
	conv := c.firstConversation()
	victim := rand.IntN(3)
	var deadMu sync.Mutex
	dead := false
	alive := func(i int) bool {
		deadMu.Lock()
		defer deadMu.Unlock()
		return !(dead && i == victim)
	}
	l := c.startLoad("kill9", alive, conv)
	time.Sleep(time.Duration(300+rand.IntN(700)) * time.Millisecond) // the random moment
	deadMu.Lock()
	dead = true
	deadMu.Unlock()
	c.hubs[victim].kill()
	t.Logf("killed instance %d", victim)
	time.Sleep(500 * time.Millisecond) // load continues on the survivors
	l.finish()
	c.checkStoredOnce((victim+1)%3, l, 40*time.Second)
}

// TestClusterNATSRestart: the NATS server is killed and restarted during
// load. Webhooks are still acknowledged (into the outbox) while it is
// down and /readyz says degraded; once it is back, everything acknowledged
// is routed and every accepted reply reaches LINE exactly once, and events
// reach other instances' clients again, without restarting any hub.
func TestClusterNATSRestart(t *testing.T) {
	c := newCluster(t, 3)
	conv := c.firstConversation()
	l := c.startLoad("natsdown", func(int) bool { return true }, conv)
	time.Sleep(time.Duration(200+rand.IntN(400)) * time.Millisecond)
	c.nats.Kill()
	eventually(t, 10*time.Second, "readyz to say the broker is down", func() bool {
		r := readyz(c.urls[1])
		return r.Code == http.StatusOK && r.Status == "degraded" && r.Broker == "down"
	})
	// Webhooks are acknowledged while NATS is down.
	l.mu.Lock()
	before := len(l.acked)
	l.mu.Unlock()
	eventually(t, 10*time.Second, "webhooks acknowledged while NATS is down", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return len(l.acked) > before+10
	})
	c.nats.Restart()
	l.finish()
	for i := range c.hubs {
		c.waitReady(i, 30*time.Second)
	}
	c.checkStoredOnce(2, l, 40*time.Second)

	// Fan-out works again: a visitor on instance 0 hears a reply posted
	// through instance 1.
	var sess struct {
		Token string `json:"token"`
	}
	if code := call(t, "POST", c.urls[0]+"/widget/v1/sessions", "", map[string]string{"channel": "web"}, &sess); code != http.StatusCreated {
		t.Fatalf("session: %d", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws := dialWidgetStream(t, ctx, c.urls[0], sess.Token)
	if code := call(t, "POST", c.urls[0]+"/widget/v1/messages", sess.Token, map[string]string{"text": "after the outage"}, nil); code != http.StatusCreated {
		t.Fatalf("visitor message: %d", code)
	}
	var webConv string
	eventually(t, 20*time.Second, "the site-chat conversation", func() bool {
		var convs list[conversationJSON]
		call(t, "GET", c.urls[1]+"/api/v1/conversations?channel=web", c.token, nil, &convs)
		if len(convs.Items) == 1 && convs.Items[0].DepartmentID != "" {
			webConv = convs.Items[0].ID
		}
		return webConv != ""
	})
	if code := call(t, "POST", c.urls[1]+"/api/v1/conversations/"+webConv+"/messages", c.token, map[string]string{"text": "We are back"}, nil); code != http.StatusAccepted {
		t.Fatalf("reply: %d", code)
	}
	readWidgetFrames(t, ctx, ws, func(texts []string) bool { return contains(texts, "We are back") })
}
