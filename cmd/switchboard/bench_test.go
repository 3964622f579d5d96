package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestBenchCommand runs `switchboard bench` with tiny settings (well under
// a second per phase) so the harness cannot rot: every field of the JSON
// report is there and every phase did some work.
func TestBenchCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a hub in a child process")
	}
	old := benchChildCommand
	benchChildCommand = func(args []string) (*exec.Cmd, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SWITCHBOARD_TEST_CHILD=1", "SWITCHBOARD_TEST_ARGS="+strings.Join(args, " "))
		return cmd, nil
	}
	t.Cleanup(func() { benchChildCommand = old })

	var out, errOut bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"bench", "--json", "--duration", "700ms", "--clients", "4",
		"--rate", "200", "--senders", "20", "--reply-clients", "2"}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("bench exited %d:\n%s", code, errOut.String())
	}
	t.Logf("bench took %s; table:\n%s", time.Since(start).Round(time.Millisecond), errOut.String())

	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out.String())
	}
	want := map[string][]string{
		"machine":     {"cpus", "os", "arch", "go"},
		"settings":    {"duration_s", "clients", "e2e_rate", "senders", "reply_clients", "store", "pubsub"},
		"baseline":    {"per_s", "ok", "errors", "p50_ms", "p99_ms"},
		"baseline_tx": {"per_s", "ok", "errors", "p50_ms", "p99_ms"},
		"ingest":      {"per_s", "ok", "errors", "p50_ms", "p99_ms", "routed_per_s", "drain_s", "cpu_ms_per_msg", "peak_rss_mb"},
		"e2e":         {"offered_per_s", "sent", "received", "lost", "errors", "p50_ms", "p99_ms", "peak_rss_mb"},
		"reply":       {"sends_per_s", "delivered", "errors", "p50_ms", "p99_ms", "peak_rss_mb"},
		"broadcast":   {"available", "note"},
	}
	for section, fields := range want {
		obj, ok := rep[section].(map[string]any)
		if !ok {
			t.Errorf("no object %q in the report", section)
			continue
		}
		for _, f := range fields {
			if _, ok := obj[f]; !ok {
				t.Errorf("%s.%s missing", section, f)
			}
		}
	}
	for _, f := range []string{"ingest_ratio", "ingest_tx_ratio", "peak_rss_mb"} {
		if v, ok := rep[f].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v, want a positive number", f, rep[f])
		}
	}
	if targets, _ := rep["targets"].([]any); len(targets) != 4 {
		t.Errorf("targets: %v, want 4", rep["targets"])
	}
	num := func(section, field string) float64 {
		v, _ := rep[section].(map[string]any)[field].(float64)
		return v
	}
	for _, f := range [][2]string{{"baseline", "ok"}, {"baseline_tx", "ok"}, {"ingest", "ok"}, {"e2e", "received"}, {"reply", "delivered"}, {"ingest", "peak_rss_mb"}} {
		if num(f[0], f[1]) <= 0 {
			t.Errorf("%s.%s = %v: the phase did nothing", f[0], f[1], num(f[0], f[1]))
		}
	}
	if num("ingest", "errors") != 0 || num("e2e", "lost") != 0 || num("reply", "errors") != 0 {
		t.Errorf("errors or losses: ingest %v, e2e lost %v, reply %v", num("ingest", "errors"), num("e2e", "lost"), num("reply", "errors"))
	}
}

// BenchmarkIntake is the webhook intake end to end in one process: signed
// LINE webhooks over HTTP/1.1 keep-alive into a hub on SQLite (signature
// check, normalisation, group commit, relay, routing, fan-out), each
// answered after its commit. It reports accepted webhooks per second;
// -cpuprofile shows where a regression went.
func BenchmarkIntake(b *testing.B) {
	line, err := startBenchLINE(benchLineToken)
	if err != nil {
		b.Fatal(err)
	}
	defer line.Close()
	dir := b.TempDir()
	cfgPath := filepath.Join(dir, "switchboard.yaml")
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
data_dir: %s
log:
  level: warn
channels:
  - id: line
    type: line
    channel_secret: %s
    channel_access_token: %s
    api_base_url: %s
    data_api_base_url: %s
`, filepath.Join(dir, "data"), benchLineSecret, benchLineToken, line.URL, line.URL)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
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
		b.Fatalf("hub did not start: %v\n%s", err, logs.String())
	}
	defer func() {
		cancel()
		<-done
	}()
	const senders = 1000
	gen := &lineWebhooks{secret: []byte(benchLineSecret), senders: senders, run: "gobench"}
	url := "http://" + addr + "/webhooks/line"
	client := benchClient(64)
	defer client.CloseIdleConnections()
	var seq atomic.Int64
	// Seed the conversations and the profile cache.
	if err := runPool(ctx, 32, senders, func(i int) error {
		body, _, sig := gen.body("seed", int64(i), i)
		status, err := postWebhook(ctx, client, url, body, sig)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("status %d", status)
		}
		return err
	}); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(16) // 16 × GOMAXPROCS concurrent webhooks
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			body, _, sig := gen.body("in", n, int(n%senders))
			status, err := postWebhook(ctx, client, url, body, sig)
			if err != nil || status != http.StatusOK {
				b.Errorf("webhook: %d %v", status, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "webhooks/s")
}
