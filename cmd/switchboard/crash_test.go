package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary double as the hub: with
// SWITCHBOARD_TEST_CHILD set it runs `switchboard` with the arguments in
// SWITCHBOARD_TEST_ARGS, so crash tests can kill -9 a real process.
func TestMain(m *testing.M) {
	if os.Getenv("SWITCHBOARD_TEST_CHILD") == "1" {
		// SIGTERM drains, as in main.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, strings.Fields(os.Getenv("SWITCHBOARD_TEST_ARGS")), os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// childHub is a hub in a child process.
type childHub struct {
	cmd  *exec.Cmd
	URL  string
	logs *logBuffer
	done chan struct{} // closed when the process has exited
	err  error         // cmd.Wait's answer, set before done is closed
}

var (
	portsMu sync.Mutex
	ports   = map[int]bool{} // handed out by freePort in this test process
)

// freePort returns a loopback port nothing listens on that no earlier call
// in this process returned: the kernel may hand a just-closed port out
// again, and two hubs given the same port would answer for each other.
func freePort(t *testing.T) int {
	t.Helper()
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if !ports[port] {
			ports[port] = true
			return port
		}
	}
	t.Fatal("no fresh loopback port in 100 tries")
	return 0
}

// launchChild starts `switchboard serve --config cfg` as a child process
// without waiting for it to listen. The process is killed when the test
// ends, and its output is logged if the test failed.
func launchChild(t *testing.T, cfg, url string) *childHub {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SWITCHBOARD_TEST_CHILD=1", "SWITCHBOARD_TEST_ARGS=serve --config "+cfg)
	logs := &logBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &childHub{cmd: cmd, URL: url, logs: logs, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		c.kill()
		if t.Failed() {
			t.Logf("logs of the hub at %s:\n%s", url, logs.String())
		}
	})
	return c
}

// exited reports whether the child process has ended.
func (c *childHub) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// startChild starts `switchboard serve --config cfg` as a child process and
// waits until /healthz answers 200. It fails at once, with the child's
// output, if the child exits instead.
func startChild(t *testing.T, cfg, url string) *childHub {
	t.Helper()
	c := launchChild(t, cfg, url)
	children.Store(url, c)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c.exited() {
			t.Fatalf("child hub exited (%v) before it was healthy:\n%s", c.err, c.logs.String())
		}
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("child hub not healthy within 30s:\n%s", c.logs.String())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// kill sends SIGKILL (no shutdown code runs) and waits for the exit.
func (c *childHub) kill() {
	if !c.exited() {
		_ = c.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-c.done
}

// TestAcknowledgedSurvivesKill9 posts visitor messages from several
// visitors at once and kill -9s the hub at a random moment, several times
// over the same data: every message the hub answered 201 is stored exactly
// once after the restart, and a reply answered 202 right before the kill
// is sent after the restart.
func TestAcknowledgedSurvivesKill9(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	cfg := filepath.Join(dir, "switchboard.yaml")
	// The load comes from four visitors on one address: abuse limits off.
	writeFile(t, cfg, fmt.Sprintf("listen: 127.0.0.1:%d\npublic_url: %s\ndata_dir: %s\nlog:\n  level: warn\nlimits:\n  widget_per_ip_per_minute: 0\n  widget_per_visitor_per_minute: 0\n", port, url, filepath.Join(dir, "data")))
	token := createToken(t, cfg, "admin")

	const visitors = 4
	acked := map[string]map[string]bool{} // visitor token → texts answered 201
	var ackedMu sync.Mutex
	var tokens []string
	var lastReply string
	var replyConv string

	for round := 0; round < 3; round++ {
		hub := startChild(t, cfg, url)
		if round == 0 {
			for v := 0; v < visitors; v++ {
				var sess struct{ Token string }
				if code := call(t, "POST", url+"/widget/v1/sessions", "", map[string]string{"channel": "web"}, &sess); code != http.StatusCreated {
					t.Fatalf("session: %d", code)
				}
				tokens = append(tokens, sess.Token)
				acked[sess.Token] = map[string]bool{}
			}
		}
		if round > 0 {
			checkAllStored(t, url, token, tokens, acked, replyConv, lastReply)
		}

		// Load: each visitor posts as fast as the hub answers.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for v, vt := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					text := fmt.Sprintf("round %d visitor %d message %d", round, v, i)
					req, _ := http.NewRequest("POST", url+"/widget/v1/messages", bytes.NewReader([]byte(fmt.Sprintf(`{"text":%q,"client_id":"r%dv%dm%d"}`, text, round, v, i))))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+vt)
					resp, err := client.Do(req)
					if err != nil {
						return // the hub died
					}
					resp.Body.Close()
					if resp.StatusCode == http.StatusCreated {
						ackedMu.Lock()
						acked[vt][text] = true
						ackedMu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)

		// An operator reply accepted just before the crash.
		var convs list[conversationJSON]
		call(t, "GET", url+"/api/v1/conversations?limit=1", token, nil, &convs)
		if len(convs.Items) > 0 {
			var reply messageJSON
			text := fmt.Sprintf("operator reply in round %d", round)
			if code := call(t, "POST", url+"/api/v1/conversations/"+convs.Items[0].ID+"/messages", token, map[string]string{"text": text}, &reply); code == http.StatusAccepted {
				lastReply, replyConv = reply.ID, convs.Items[0].ID
			}
		}
		hub.kill()
		close(stop)
		wg.Wait()
	}
	startChild(t, cfg, url)
	checkAllStored(t, url, token, tokens, acked, replyConv, lastReply)
}

// checkAllStored asserts that every acknowledged text of every visitor is
// in the visitor's conversation exactly once, and that the reply gets sent.
func checkAllStored(t *testing.T, url, token string, tokens []string, acked map[string]map[string]bool, replyConv, replyID string) {
	t.Helper()
	total := 0
	for _, vt := range tokens {
		count := map[string]int{}
		cursor := ""
		for {
			var page list[messageJSON]
			if code := call(t, "GET", url+"/widget/v1/messages?limit=500&cursor="+cursor, vt, nil, &page); code != http.StatusOK {
				t.Fatalf("history: %d", code)
			}
			for _, m := range page.Items {
				if m.Direction == "in" {
					count[m.Text]++
				}
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		for text := range acked[vt] {
			if count[text] != 1 {
				t.Errorf("acknowledged %q stored %d times", text, count[text])
			}
		}
		total += len(acked[vt])
	}
	if total == 0 {
		t.Fatal("no message was acknowledged: the load did not run")
	}
	t.Logf("%d acknowledged messages all stored exactly once", total)
	if replyID == "" {
		return
	}
	eventually(t, 20*time.Second, "the reply accepted before the crash to be sent", func() bool {
		var msgs list[messageJSON]
		cursor := ""
		for {
			call(t, "GET", url+"/api/v1/conversations/"+replyConv+"/messages?limit=500&cursor="+cursor, token, nil, &msgs)
			for _, m := range msgs.Items {
				if m.ID == replyID {
					return m.Status == "sent"
				}
			}
			if msgs.Next == "" {
				return false
			}
			cursor = msgs.Next
		}
	})
}
