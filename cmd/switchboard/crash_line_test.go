package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	linefake "github.com/switchboardhq/switchboard/connectors/line/fake"
)

// TestLINEIntakeAndRepliesSurviveKill9: signed LINE webhooks arrive from
// several users while operators reply; the hub is killed with SIGKILL at
// random moments and restarted on the same data. Every webhook answered
// 200 is stored exactly once, and every reply answered 202 reaches LINE
// exactly once (LINE deduplicates a resend by its X-Line-Retry-Key).
func TestLINEIntakeAndRepliesSurviveKill9(t *testing.T) {
	line := linefake.New(t, lineToken)
	dir := t.TempDir()
	port := freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	cfg := filepath.Join(dir, "switchboard.yaml")
	writeFile(t, cfg, fmt.Sprintf(`listen: 127.0.0.1:%d
public_url: %s
data_dir: %s
log:
  level: warn
outbound:
  retry_initial: 10ms
  retry_max: 100ms
channels:
  - id: line
    type: line
    channel_secret: %s
    channel_access_token: %s
    api_base_url: %s
    data_api_base_url: %s
`, port, url, filepath.Join(dir, "data"), lineSecret, lineToken, line.URL, line.URL))
	token := createToken(t, cfg, "admin")

	const users = 3
	var mu sync.Mutex
	ackedEvents := map[string]string{}  // webhook event id → text, answered 200
	ackedReplies := map[string]string{} // message id → text, answered 202
	seq := 0

	for round := 0; round < 3; round++ {
		startChild(t, cfg, url)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for u := 0; u < users; u++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for {
					select {
					case <-stop:
						return
					default:
					}
					mu.Lock()
					seq++
					n := seq
					mu.Unlock()
					eventID := fmt.Sprintf("01HCRASH%018d", n)
					text := fmt.Sprintf("user %d says %d", u, n)
					body := linefake.Body(linefake.MessageEvent(linefake.Meta{EventID: eventID, UserID: fmt.Sprintf("Ucrash%d", u), At: time.Now()},
						&webhook.TextMessageContent{Id: fmt.Sprint(n), Text: text, QuoteToken: "q"}))
					resp, err := client.Do(linefake.SignedWebhook(url+"/webhooks/line", lineSecret, body))
					if err != nil {
						return
					}
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						mu.Lock()
						ackedEvents[eventID] = text
						mu.Unlock()
					}
				}
			}()
		}
		// Operators answer whatever conversations exist.
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var convs list[conversationJSON]
				if code := callQuiet(url+"/api/v1/conversations", token, &convs); code != http.StatusOK || len(convs.Items) == 0 {
					if code == 0 {
						return
					}
					continue
				}
				conv := convs.Items[rand.IntN(len(convs.Items))]
				text := fmt.Sprintf("reply %d in round %d", i, round)
				var m messageJSON
				if postQuiet(url+"/api/v1/conversations/"+conv.ID+"/messages", token, fmt.Sprintf(`{"text":%q}`, text), &m) == http.StatusAccepted {
					mu.Lock()
					ackedReplies[m.ID] = text
					mu.Unlock()
				}
			}
		}()
		time.Sleep(time.Duration(200+rand.IntN(500)) * time.Millisecond)
		killChild(t, url)
		close(stop)
		wg.Wait()
	}
	startChild(t, cfg, url)

	// Every acknowledged webhook stored exactly once.
	stored := map[string]int{}
	var convs list[conversationJSON]
	call(t, "GET", url+"/api/v1/conversations?limit=200", token, nil, &convs)
	for _, c := range convs.Items {
		cursor := ""
		for {
			var page list[messageJSON]
			call(t, "GET", url+"/api/v1/conversations/"+c.ID+"/messages?limit=500&cursor="+cursor, token, nil, &page)
			for _, m := range page.Items {
				if m.Direction == "in" {
					stored[m.Text]++
				}
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
	}
	for id, text := range ackedEvents {
		if stored[text] != 1 {
			t.Errorf("webhook %s (%q) answered 200 but stored %d times", id, text, stored[text])
		}
	}
	if len(ackedEvents) == 0 || len(ackedReplies) == 0 {
		t.Fatalf("the load did not run: %d webhooks, %d replies acknowledged", len(ackedEvents), len(ackedReplies))
	}

	// Every accepted reply reaches LINE exactly once.
	accepted := func() map[string]int {
		seen := map[string]int{}
		for _, r := range line.RequestsTo("/v2/bot/message/push") {
			if r.Status != http.StatusOK {
				continue
			}
			if req, ok := r.Decoded.(*messaging_api.PushMessageRequest); ok {
				for _, m := range req.Messages {
					if tm, ok := m.(messaging_api.TextMessage); ok {
						seen[tm.Text]++
					}
				}
			}
		}
		return seen
	}
	eventually(t, 30*time.Second, "every accepted reply to reach LINE", func() bool {
		seen := accepted()
		for _, text := range ackedReplies {
			if seen[text] == 0 {
				return false
			}
		}
		return true
	})
	seen := accepted()
	for id, text := range ackedReplies {
		if seen[text] != 1 {
			t.Errorf("reply %s (%q) reached LINE %d times", id, text, seen[text])
		}
	}
	t.Logf("%d webhooks and %d replies acknowledged across 3 kills; all stored once and delivered once", len(ackedEvents), len(ackedReplies))
}

var children sync.Map // url → *childHub

func killChild(t *testing.T, url string) {
	t.Helper()
	if c, ok := children.Load(url); ok {
		c.(*childHub).kill()
	}
}

func callQuiet(url, bearer string, out any) int {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	return doQuiet(req, out)
}

func postQuiet(url, bearer, body string, out any) int {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/json")
	return doQuiet(req, out)
}

// doQuiet makes a request that may fail because the hub was killed: it
// returns 0 then instead of failing the test.
func doQuiet(req *http.Request, out any) int {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if out != nil {
		_ = jsonDecode(resp, out)
	}
	return resp.StatusCode
}
