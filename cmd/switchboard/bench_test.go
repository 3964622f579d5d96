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
	useTestChild(t)
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

// useTestChild makes the bench start its hub as this test binary (which
// runs main's command from SWITCHBOARD_TEST_ARGS).
func useTestChild(t *testing.T) {
	old := benchChildCommand
	benchChildCommand = func(args []string) (*exec.Cmd, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SWITCHBOARD_TEST_CHILD=1", "SWITCHBOARD_TEST_ARGS="+strings.Join(args, " "))
		return cmd, nil
	}
	t.Cleanup(func() { benchChildCommand = old })
}

// TestBenchPhases: --phases runs only the phases named, and their targets;
// a phase that does not exist is refused before anything runs.
func TestBenchPhases(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a hub in a child process")
	}
	useTestChild(t)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"bench", "--json", "--phases", "ingest", "--duration", "300ms", "--clients", "4",
		"--senders", "20"}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("bench exited %d:\n%s", code, errOut.String())
	}
	var rep struct {
		Settings struct {
			Phases []string `json:"phases"`
		} `json:"settings"`
		Ingest  struct{ OK int64 }        `json:"ingest"`
		E2E     struct{ Sent int64 }      `json:"e2e"`
		Reply   struct{ Delivered int64 } `json:"reply"`
		Targets []struct{ Name string }   `json:"targets"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out.String())
	}
	if len(rep.Settings.Phases) != 1 || rep.Settings.Phases[0] != "ingest" {
		t.Errorf("settings.phases = %v, want [ingest]", rep.Settings.Phases)
	}
	if rep.Ingest.OK == 0 || rep.E2E.Sent != 0 || rep.Reply.Delivered != 0 {
		t.Errorf("ingest ok %d, e2e sent %d, reply delivered %d: want only ingest to run", rep.Ingest.OK, rep.E2E.Sent, rep.Reply.Delivered)
	}
	for _, tg := range rep.Targets {
		if strings.HasPrefix(tg.Name, "e2e") {
			t.Errorf("target %q of a phase that did not run", tg.Name)
		}
	}
	if table := errOut.String(); strings.Contains(table, "webhook → stream") || strings.Contains(table, "202 → LINE") {
		t.Errorf("the table shows phases that did not run:\n%s", table)
	}

	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"bench", "--phases", "ingest,warp"}, nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), `"warp"`) {
		t.Errorf("--phases ingest,warp: exit %d, %q; want 2 naming warp", code, errOut.String())
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
