package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testHub is a hub serving on a loopback port, in this process.
type testHub struct {
	t       *testing.T
	URL     string
	DataDir string
	Logs    *logBuffer
	Config  string
	stop    func()
}

// writeConfig writes a config file for a hub on a free loopback port with
// its data in dir. extra is appended YAML (channels, limits).
func writeConfig(t *testing.T, dir, extra string) string {
	t.Helper()
	path := filepath.Join(dir, "switchboard.yaml")
	cfg := fmt.Sprintf("listen: 127.0.0.1:0\ndata_dir: %s\nlog:\n  level: warn\n%s", filepath.Join(dir, "data"), extra)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startHub serves the config in this process and returns once it answers.
func startHub(t *testing.T, cfgPath string) *testHub {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	logs := &logBuffer{}
	go func() {
		done <- cmdServe(ctx, []string{"--config", cfgPath}, logs, func(addr string) { addrc <- addr })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		cancel()
		t.Fatalf("hub did not start: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("hub did not start within 30s")
	}
	h := &testHub{t: t, URL: "http://" + addr, Config: cfgPath, Logs: logs}
	stopped := false
	h.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	}
	t.Cleanup(func() {
		h.stop()
		if t.Failed() {
			t.Logf("hub logs:\n%s", logs.String())
		}
	})
	return h
}

// logBuffer collects a hub's logs; they are printed when a test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// call makes a JSON request and decodes the answer into out (when not
// nil). It returns the status.
func call(t *testing.T, method, url, bearer string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: answer %d is not JSON: %v: %s", method, url, resp.StatusCode, err, raw)
		}
	}
	return resp.StatusCode
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// createToken makes an API token with the CLI, as an admin would.
func createToken(t *testing.T, cfgPath, role string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"tokens", "create", "--name", "test", "--role", role, "--config", cfgPath}, nil, &out, &errOut); code != 0 {
		t.Fatalf("tokens create exited %d: %s", code, errOut.String())
	}
	return strings.TrimSpace(out.String())
}

type apiErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type conversationJSON struct {
	ID           string         `json:"id"`
	Channel      string         `json:"channel"`
	Status       string         `json:"status"`
	DepartmentID string         `json:"department_id"`
	Contact      map[string]any `json:"contact"`
	UnreadCount  int            `json:"unread_count"`
	LastMessage  string         `json:"last_message"`
}

type messageJSON struct {
	ID            string `json:"id"`
	Direction     string `json:"direction"`
	Text          string `json:"text"`
	Status        string `json:"status"`
	FailureReason string `json:"failure_reason"`
}

type list[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next"`
}

func decodeBody(t *testing.T, resp *http.Response, out any) {
	t.Helper()
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) == 0 {
		return
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("answer %d is not JSON: %s", resp.StatusCode, raw)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func jsonDecode(resp *http.Response, out any) error {
	return json.NewDecoder(resp.Body).Decode(out)
}
