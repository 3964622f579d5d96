package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// benchSettings are the bench's knobs (flags of `switchboard bench`).
type benchSettings struct {
	Duration     time.Duration `json:"-"`
	DurationS    float64       `json:"duration_s"`
	Clients      int           `json:"clients"`
	Rate         int           `json:"e2e_rate"`
	Senders      int           `json:"senders"`
	ReplyClients int           `json:"reply_clients"`
	Store        string        `json:"store"`
	StoreDSN     string        `json:"-"`
	PubSub       string        `json:"pubsub"`
	PubSubURL    string        `json:"-"`
	// Instances is how many hubs share the store and the bus (more than
	// one needs postgres and nats); load is spread over them.
	Instances int `json:"instances"`
	// Phases are the measured phases that run (ingest, e2e, reply); the
	// baselines always run.
	Phases     []string `json:"phases"`
	JSON       bool     `json:"-"`
	CPUProfile string   `json:"-"`
	Trace      string   `json:"-"`
}

// benchPhases are the measured phases, in the order they run.
var benchPhases = []string{"ingest", "e2e", "reply"}

// runs reports whether the phase was asked for.
func (s benchSettings) runs(phase string) bool { return slices.Contains(s.Phases, phase) }

// benchReport is everything one run measured; --json prints it.
type benchReport struct {
	Machine  benchMachine  `json:"machine"`
	Settings benchSettings `json:"settings"`
	// Baseline is a bare net/http handler (reads the body, answers 200)
	// under the same client as ingest.
	Baseline benchThroughput `json:"baseline"`
	// BaselineTx verifies the signature and commits one SQLite
	// transaction per request: the design's "HMAC + one transaction".
	BaselineTx    benchThroughput `json:"baseline_tx"`
	Ingest        benchIngest     `json:"ingest"`
	IngestRatio   float64         `json:"ingest_ratio"`
	IngestTxRatio float64         `json:"ingest_tx_ratio"`
	E2E           benchE2E        `json:"e2e"`
	Reply         benchReply      `json:"reply"`
	Broadcast     benchMissing    `json:"broadcast"`
	PeakRSSMB     float64         `json:"peak_rss_mb"`
	Targets       []benchTarget   `json:"targets"`
}

type benchMachine struct {
	CPUs int    `json:"cpus"`
	OS   string `json:"os"`
	Arch string `json:"arch"`
	Go   string `json:"go"`
}

type benchThroughput struct {
	PerSec float64 `json:"per_s"`
	OK     int64   `json:"ok"`
	Errors int64   `json:"errors"`
	P50MS  float64 `json:"p50_ms"`
	P99MS  float64 `json:"p99_ms"`
}

type benchIngest struct {
	benchThroughput
	// RoutedPerSec is how fast the router announced what was accepted:
	// messages routed during the phase and its drain, over that time.
	RoutedPerSec float64 `json:"routed_per_s"`
	DrainS       float64 `json:"drain_s"`
	// CPUMSPerMsg is the hub's CPU time (user + system) during the phase
	// and its drain over the messages accepted: the cost of one message
	// through intake, routing and fan-out, whatever the hub deferred.
	CPUMSPerMsg float64 `json:"cpu_ms_per_msg"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
}

type benchE2E struct {
	OfferedPerSec float64 `json:"offered_per_s"`
	Sent          int64   `json:"sent"`
	Received      int64   `json:"received"`
	Lost          int64   `json:"lost"`
	Errors        int64   `json:"errors"`
	P50MS         float64 `json:"p50_ms"`
	P99MS         float64 `json:"p99_ms"`
	PeakRSSMB     float64 `json:"peak_rss_mb"`
}

type benchReply struct {
	SendsPerSec float64 `json:"sends_per_s"`
	Delivered   int64   `json:"delivered"`
	Errors      int64   `json:"errors"`
	P50MS       float64 `json:"p50_ms"`
	P99MS       float64 `json:"p99_ms"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
}

type benchMissing struct {
	Available bool   `json:"available"`
	Note      string `json:"note"`
}

// benchTarget is one target of the issue and whether this run met it.
type benchTarget struct {
	Name   string  `json:"name"`
	Target string  `json:"target"`
	Value  float64 `json:"value"`
	Ratio  float64 `json:"ratio"` // value / target
	Met    bool    `json:"met"`
}

const (
	benchLineSecret = "bench-line-channel-secret"
	benchLineToken  = "bench-line-access-token"
)

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "hub" {
		return cmdBenchHub(ctx, args[1:], stderr)
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var s benchSettings
	fs.DurationVar(&s.Duration, "duration", 10*time.Second, "how long each phase runs")
	fs.IntVar(&s.Clients, "clients", 32, "concurrent webhook clients (HTTP/1.1 keep-alive) in ingest")
	fs.IntVar(&s.Rate, "rate", 1000, "webhooks per second offered in e2e")
	fs.IntVar(&s.Senders, "senders", 1000, "distinct LINE users the webhooks come from")
	fs.IntVar(&s.ReplyClients, "reply-clients", 16, "operators replying at once in reply")
	fs.StringVar(&s.Store, "store", "sqlite", "sqlite or postgres")
	fs.StringVar(&s.StoreDSN, "store-dsn", "", "postgres DSN (default: a fresh database on postgres://postgres@127.0.0.1:5432, dropped afterwards)")
	fs.StringVar(&s.PubSub, "pubsub", "gochannel", "gochannel or nats")
	fs.StringVar(&s.PubSubURL, "pubsub-url", "", "NATS URL (default nats://127.0.0.1:4222, with a namespace of its own)")
	fs.IntVar(&s.Instances, "instances", 1, "hub instances sharing the store and bus (more than 1 needs --store postgres --pubsub nats)")
	fs.BoolVar(&s.JSON, "json", false, "print one JSON object on stdout (the table goes to stderr)")
	fs.StringVar(&s.CPUProfile, "cpuprofile", "", "write the hub's CPU profile to this file")
	fs.StringVar(&s.Trace, "trace", "", "write the hub's execution trace (go tool trace) to this file")
	phases := fs.String("phases", strings.Join(benchPhases, ","), "the phases to run, comma-separated (ingest, e2e, reply)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("bench: unexpected argument " + pos[0])
	}
	switch {
	case s.Duration < 100*time.Millisecond:
		return usageError("--duration: at least 100ms")
	case s.Clients < 1 || s.Clients > 4096:
		return usageError("--clients: 1..4096")
	case s.Rate < 1 || s.Rate > 100000:
		return usageError("--rate: 1..100000")
	case s.Senders < 1 || s.Senders > 1000000:
		return usageError("--senders: 1..1000000")
	case s.ReplyClients < 1 || s.ReplyClients > 1024:
		return usageError("--reply-clients: 1..1024")
	case s.Store != "sqlite" && s.Store != "postgres":
		return usageError(fmt.Sprintf("--store: %q is not sqlite or postgres", s.Store))
	case s.PubSub != "gochannel" && s.PubSub != "nats":
		return usageError(fmt.Sprintf("--pubsub: %q is not gochannel or nats", s.PubSub))
	case s.Instances < 1 || s.Instances > 16:
		return usageError("--instances: 1..16")
	case s.Instances > 1 && (s.Store != "postgres" || s.PubSub != "nats"):
		return usageError("--instances: several hubs share their state through --store postgres and --pubsub nats")
	}
	for p := range strings.SplitSeq(*phases, ",") {
		p = strings.TrimSpace(p)
		switch {
		case !slices.Contains(benchPhases, p):
			return usageError(fmt.Sprintf("--phases: %q is not one of %s", p, strings.Join(benchPhases, ", ")))
		case !s.runs(p):
			s.Phases = append(s.Phases, p)
		}
	}
	s.DurationS = s.Duration.Seconds()
	rep, err := runBench(ctx, s, stderr)
	if err != nil {
		return err
	}
	if s.JSON {
		// The table still goes to stderr, for whoever watches the run.
		printBenchTable(stderr, rep)
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printBenchTable(stdout, rep)
	return nil
}

func runBench(ctx context.Context, s benchSettings, progress io.Writer) (*benchReport, error) {
	rep := &benchReport{
		Machine:   benchMachine{CPUs: runtime.NumCPU(), OS: runtime.GOOS, Arch: runtime.GOARCH, Go: runtime.Version()},
		Settings:  s,
		Broadcast: benchMissing{Note: "broadcasts do not exist in the hub yet"},
	}
	say := func(format string, a ...any) { fmt.Fprintf(progress, "bench: "+format+"\n", a...) }
	dir, err := os.MkdirTemp("", "switchboard-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	gen := &lineWebhooks{secret: []byte(benchLineSecret), senders: s.Senders, run: "b" + hex.EncodeToString(randomBytes(4))}
	client := benchClient(max(s.Clients, s.ReplyClients, 256))
	defer client.CloseIdleConnections()
	var seq atomic.Int64

	// Baselines, with the same client and bodies.
	say("baseline: bare net/http handler, %d clients, %s", s.Clients, s.Duration)
	base, err := benchBaseline(ctx, client, gen, s, &seq, false, dir)
	if err != nil {
		return nil, err
	}
	rep.Baseline = base
	say("baseline_tx: HMAC check + one SQLite transaction per request")
	if rep.BaselineTx, err = benchBaseline(ctx, client, gen, s, &seq, true, dir); err != nil {
		return nil, err
	}

	// The hub, with a LINE channel against the stand-in.
	line, err := startBenchLINE(benchLineToken)
	if err != nil {
		return nil, err
	}
	defer line.Close()
	cfgPaths, hubURLs, cleanup, err := writeBenchConfig(ctx, dir, s, line.URL)
	if cleanup != nil {
		defer cleanup()
	}
	if err != nil {
		return nil, err
	}
	cfgPath, hubURL := cfgPaths[0], hubURLs[0]
	var tokOut bytes.Buffer
	if err := cmdTokensCreate(ctx, []string{"--name", "bench", "--role", "admin", "--config", cfgPath}, &tokOut); err != nil {
		return nil, fmt.Errorf("bench: create API token: %w", err)
	}
	token := strings.TrimSpace(tokOut.String())
	say("starting %d hub(s) (%s, %s)", len(cfgPaths), s.Store, s.PubSub)
	var hub benchHubs
	defer func() { hub.Stop() }()
	for i, path := range cfgPaths {
		args := []string{"serve", "--config", path}
		if i == 0 && (s.CPUProfile != "" || s.Trace != "") {
			args = []string{"bench", "hub"}
			for _, f := range [][2]string{{"--cpuprofile", s.CPUProfile}, {"--trace", s.Trace}} {
				if f[1] == "" {
					continue
				}
				abs, err := filepath.Abs(f[1])
				if err != nil {
					return nil, err
				}
				args = append(args, f[0], abs)
			}
			args = append(args, "--config", path)
		}
		h, err := startBenchHub(ctx, args, hubURLs[i])
		if err != nil {
			return nil, fmt.Errorf("bench: hub %d: %w", i, err)
		}
		hub = append(hub, h)
	}
	hookURLs := make([]string, len(hubURLs))
	for i, u := range hubURLs {
		hookURLs[i] = u + "/webhooks/line"
	}

	// Seed: one message from each sender, so the phases find contacts,
	// conversations and cached profiles, as a running hub would.
	say("seeding %d conversations", s.Senders)
	var seeded atomic.Int64
	seedErr := runPool(ctx, min(s.Clients, s.Senders), s.Senders, func(i int) error {
		body, _, sig := gen.body("seed", int64(i), i)
		status, err := postWebhook(ctx, client, hookURLs[i%len(hookURLs)], body, sig)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("seed webhook answered %d", status)
		}
		seeded.Add(1)
		return nil
	})
	if seedErr != nil {
		return nil, fmt.Errorf("bench: seed: %w\n%s", seedErr, hub[0].logs.String())
	}
	if _, err := waitRouted(ctx, client, hubURLs, seeded.Load(), 120*time.Second); err != nil {
		return nil, fmt.Errorf("bench: seed: %w", err)
	}
	routedBefore, _ := routedTotal(ctx, client, hubURLs)

	// ingest
	if s.runs("ingest") {
		say("ingest: signed LINE webhooks, %d clients, %s", s.Clients, s.Duration)
		hub.resetPeak()
		cpu0 := hub.cpuTime()
		in := closedLoop(ctx, client, hookURLs, gen, "in", s.Clients, s.Duration, &seq)
		rep.Ingest.benchThroughput = throughputOf(in)
		drain, err := waitRouted(ctx, client, hubURLs, routedBefore+in.OK, 300*time.Second)
		if err != nil {
			return nil, fmt.Errorf("bench: ingest: %w", err)
		}
		rep.Ingest.DrainS = round(drain.Seconds(), 2)
		if in.OK > 0 {
			rep.Ingest.CPUMSPerMsg = round(float64((hub.cpuTime()-cpu0).Microseconds())/1000/float64(in.OK), 3)
		}
		routedAfter, _ := routedTotal(ctx, client, hubURLs)
		rep.Ingest.RoutedPerSec = round(float64(routedAfter-routedBefore)/(in.Elapsed+drain).Seconds(), 0)
		rep.Ingest.PeakRSSMB = mb(hub.peak())
		rep.IngestRatio = ratio(rep.Ingest.PerSec, rep.Baseline.PerSec)
		rep.IngestTxRatio = ratio(rep.Ingest.PerSec, rep.BaselineTx.PerSec)
	}

	// e2e
	if s.runs("e2e") {
		say("e2e: %d webhooks/s to the console stream, %s", s.Rate, s.Duration)
		hub.resetPeak()
		streamURL := "ws" + strings.TrimPrefix(hubURL, "http") + "/api/v1/stream"
		e2e, err := openLoop(ctx, client, hookURLs, streamURL, token, gen, s.Rate, s.Duration, &seq)
		if err != nil {
			return nil, fmt.Errorf("bench: e2e: %w", err)
		}
		rep.E2E = benchE2E{
			OfferedPerSec: round(float64(e2e.Sent+e2e.Errors)/e2e.Elapsed.Seconds(), 0),
			Sent:          e2e.Sent, Received: e2e.Received, Lost: e2e.Sent - e2e.Received, Errors: e2e.Errors,
			P50MS: e2e.Lat.quantile(0.50), P99MS: e2e.Lat.quantile(0.99), PeakRSSMB: mb(hub.peak()),
		}
	}

	// reply
	if s.runs("reply") {
		say("reply: %d operators answering through the API, %s", s.ReplyClients, s.Duration)
		hub.resetPeak()
		convs, err := lineConversations(ctx, client, hubURL, token, s.ReplyClients)
		if err != nil {
			return nil, fmt.Errorf("bench: reply: %w", err)
		}
		if len(convs) == 0 {
			return nil, errors.New("bench: reply: the hub lists no LINE conversation")
		}
		rp := replyLoop(ctx, client, hubURLs, token, line, convs, s.Duration)
		rep.Reply = benchReply{
			SendsPerSec: round(float64(rp.Delivered)/rp.Elapsed.Seconds(), 0),
			Delivered:   rp.Delivered, Errors: rp.Errors,
			P50MS: rp.Lat.quantile(0.50), P99MS: rp.Lat.quantile(0.99), PeakRSSMB: mb(hub.peak()),
		}
	}

	rep.PeakRSSMB = max(rep.Ingest.PeakRSSMB, rep.E2E.PeakRSSMB, rep.Reply.PeakRSSMB)
	hub.Stop()
	if s.CPUProfile != "" {
		say("hub CPU profile written to %s", s.CPUProfile)
	}
	if s.Trace != "" {
		say("hub execution trace written to %s", s.Trace)
	}

	if s.runs("ingest") {
		rep.Targets = append(rep.Targets,
			target("ingest accepted/s", "≥ 5000", rep.Ingest.PerSec, 5000, true),
			target("ingest / bare handler", "≥ 0.25", rep.IngestRatio, 0.25, true))
	}
	if s.runs("e2e") {
		rep.Targets = append(rep.Targets, target(fmt.Sprintf("e2e p99 ms at %d/s", s.Rate), "≤ 50", rep.E2E.P99MS, 50, false))
	}
	rep.Targets = append(rep.Targets, target("peak RSS MB", "≤ 200", rep.PeakRSSMB, 200, false))
	return rep, nil
}

func target(name, text string, value, limit float64, atLeast bool) benchTarget {
	met := value <= limit
	if atLeast {
		met = value >= limit
	}
	return benchTarget{Name: name, Target: text, Value: value, Ratio: ratio(value, limit), Met: met}
}

func throughputOf(r closedLoopResult) benchThroughput {
	return benchThroughput{
		PerSec: round(float64(r.OK)/r.Elapsed.Seconds(), 0), OK: r.OK, Errors: r.Errors,
		P50MS: r.Lat.quantile(0.50), P99MS: r.Lat.quantile(0.99),
	}
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return round(a/b, 3)
}

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

func mb(b int64) float64 { return round(float64(b)/(1<<20), 1) }

// runPool runs fn(0..n-1) on workers goroutines and returns the first error.
func runPool(ctx context.Context, workers, n int, fn func(i int) error) error {
	var next atomic.Int64
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					errc <- ctx.Err()
					return
				}
				if err := fn(i); err != nil {
					next.Store(int64(n))
					errc <- err
					return
				}
			}
		}()
	}
	var first error
	for w := 0; w < workers; w++ {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// benchBaseline runs the ingest client against a handler in this process:
// bare (read the body, answer 200) or, with tx, one that also checks the
// LINE signature and commits one SQLite transaction per request.
func benchBaseline(ctx context.Context, client *http.Client, gen *lineWebhooks, s benchSettings, seq *atomic.Int64, tx bool, dir string) (benchThroughput, error) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})
	if tx {
		db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "baseline.db")+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000&_txlock=immediate")
		if err != nil {
			return benchThroughput{}, err
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, body BLOB NOT NULL)`); err != nil {
			return benchThroughput{}, err
		}
		ins, err := db.PrepareContext(ctx, `INSERT INTO events (id, body) VALUES (?, ?)`)
		if err != nil {
			return benchThroughput{}, err
		}
		defer ins.Close()
		secret := []byte(benchLineSecret)
		var n atomic.Int64
		handler = func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "read", http.StatusBadRequest)
				return
			}
			mac := hmac.New(sha256.New, secret)
			mac.Write(body)
			want, _ := base64.StdEncoding.DecodeString(r.Header.Get("X-Line-Signature"))
			if !hmac.Equal(mac.Sum(nil), want) {
				http.Error(w, "signature", http.StatusUnauthorized)
				return
			}
			t, err := db.BeginTx(r.Context(), nil)
			if err == nil {
				_, err = t.Stmt(ins).ExecContext(r.Context(), fmt.Sprint(n.Add(1)), body)
				if err == nil {
					err = t.Commit()
				} else {
					t.Rollback()
				}
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusOK)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return benchThroughput{}, err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	res := closedLoop(ctx, client, []string{"http://" + ln.Addr().String() + "/webhooks/line"}, gen, "base", s.Clients, s.Duration, seq)
	client.CloseIdleConnections()
	return throughputOf(res), nil
}

// writeBenchConfig writes the hub's config: a free loopback port, the
// chosen store and pub/sub, one LINE channel against the stand-in.
func writeBenchConfig(ctx context.Context, dir string, s benchSettings, lineURL string) (paths, hubURLs []string, cleanup func(), err error) {
	var shared strings.Builder
	fmt.Fprintf(&shared, "secret_key: %s\nlog:\n  level: warn\n", hex.EncodeToString(randomBytes(32)))
	if s.Store == "postgres" {
		dsn := s.StoreDSN
		if dsn == "" {
			var drop func()
			dsn, drop, err = freshPostgres(ctx, "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
			if err != nil {
				return nil, nil, nil, err
			}
			cleanup = drop
		}
		fmt.Fprintf(&shared, "store:\n  driver: postgres\n  dsn: %q\n", dsn)
	}
	if s.PubSub == "nats" {
		u := s.PubSubURL
		if u == "" {
			u = "nats://127.0.0.1:4222"
		}
		fmt.Fprintf(&shared, "pubsub:\n  driver: nats\n  url: %q\n  namespace: bench-%s\n", u, hex.EncodeToString(randomBytes(4)))
	}
	fmt.Fprintf(&shared, "channels:\n  - id: line\n    type: line\n    channel_secret: %s\n    channel_access_token: %s\n    api_base_url: %s\n    data_api_base_url: %s\n",
		benchLineSecret, benchLineToken, lineURL, lineURL)
	for i := 0; i < max(1, s.Instances); i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, cleanup, err
		}
		addr := ln.Addr().String()
		ln.Close()
		hubURL := "http://" + addr
		cfg := fmt.Sprintf("listen: %s\npublic_url: %s\ndata_dir: %s\n", addr, hubURL, filepath.Join(dir, fmt.Sprintf("data-%d", i))) + shared.String()
		path := filepath.Join(dir, fmt.Sprintf("switchboard-%d.yaml", i))
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			return nil, nil, cleanup, err
		}
		paths, hubURLs = append(paths, path), append(hubURLs, hubURL)
	}
	return paths, hubURLs, cleanup, nil
}

func printBenchTable(w io.Writer, r *benchReport) {
	s := r.Settings
	fmt.Fprintf(w, "switchboard bench — store %s, pubsub %s, %d instance(s); %d CPUs, %s/%s, %s; %s per phase, %d clients, %d senders\n\n",
		s.Store, s.PubSub, max(1, s.Instances), r.Machine.CPUs, r.Machine.OS, r.Machine.Arch, r.Machine.Go, s.Duration, s.Clients, s.Senders)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(cols ...string) { fmt.Fprintln(tw, strings.Join(cols, "\t")+"\t") }
	f0 := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	f2 := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	lat := func(p50, p99 float64) string { return f2(p50) + " / " + f2(p99) }
	row("phase", "figure", "value", "baseline", "ratio")
	row("baseline", "bare handler req/s", f0(r.Baseline.PerSec), "", "")
	row("", "p50 / p99 ms", lat(r.Baseline.P50MS, r.Baseline.P99MS), "", "")
	row("baseline_tx", "HMAC + 1 SQLite tx req/s", f0(r.BaselineTx.PerSec), "", "")
	row("", "p50 / p99 ms", lat(r.BaselineTx.P50MS, r.BaselineTx.P99MS), "", "")
	if r.Settings.runs("ingest") {
		row("ingest", "accepted/s", f0(r.Ingest.PerSec), f0(r.Baseline.PerSec), fmt.Sprintf("%.3f", r.IngestRatio))
		row("", "accepted/s vs baseline_tx", f0(r.Ingest.PerSec), f0(r.BaselineTx.PerSec), fmt.Sprintf("%.3f", r.IngestTxRatio))
		row("", "p50 / p99 ms", lat(r.Ingest.P50MS, r.Ingest.P99MS), lat(r.Baseline.P50MS, r.Baseline.P99MS), "")
		row("", "errors", fmt.Sprint(r.Ingest.Errors), "", "")
		row("", "routed/s, drain s", f0(r.Ingest.RoutedPerSec)+", "+f2(r.Ingest.DrainS), "", "")
		row("", "hub CPU ms per message", fmt.Sprintf("%.3f", r.Ingest.CPUMSPerMsg), "", "")
		row("", "peak RSS MB", fmt.Sprintf("%.1f", r.Ingest.PeakRSSMB), "", "")
	}
	if r.Settings.runs("e2e") {
		row("e2e", "offered/s", f0(r.E2E.OfferedPerSec), "", "")
		row("", "webhook → stream p50 / p99 ms", lat(r.E2E.P50MS, r.E2E.P99MS), "", "")
		row("", "sent, received, lost, errors", fmt.Sprintf("%d, %d, %d, %d", r.E2E.Sent, r.E2E.Received, r.E2E.Lost, r.E2E.Errors), "", "")
		row("", "peak RSS MB", fmt.Sprintf("%.1f", r.E2E.PeakRSSMB), "", "")
	}
	if r.Settings.runs("reply") {
		row("reply", "sends/s", f0(r.Reply.SendsPerSec), "", "")
		row("", "202 → LINE p50 / p99 ms", lat(r.Reply.P50MS, r.Reply.P99MS), "", "")
		row("", "delivered, errors", fmt.Sprintf("%d, %d", r.Reply.Delivered, r.Reply.Errors), "", "")
		row("", "peak RSS MB", fmt.Sprintf("%.1f", r.Reply.PeakRSSMB), "", "")
	}
	row("broadcast", "not available", "", "", "")
	tw.Flush()
	fmt.Fprintf(w, "(%s)\n\n", r.Broadcast.Note)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row("target", "wanted", "measured", "ratio", "")
	for _, t := range r.Targets {
		met := "met"
		if !t.Met {
			met = "MISSED"
		}
		row(t.Name, t.Target, strconv.FormatFloat(t.Value, 'f', -1, 64), fmt.Sprintf("%.2f", t.Ratio), met)
	}
	tw.Flush()
	if r.Settings.Store != "sqlite" || r.Settings.PubSub != "gochannel" {
		fmt.Fprintln(w, "\n(the targets are set for SQLite with the embedded pub/sub)")
	}
}
