package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchChildCommand makes the command that runs the hub under test with
// args (e.g. serve --config FILE). Tests replace it: their binary is the
// test binary.
var benchChildCommand = func(args []string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.Command(exe, args...), nil
}

// benchHub is the hub under test, a child process.
type benchHub struct {
	cmd  *exec.Cmd
	URL  string
	logs *tailBuffer
	done chan struct{}
	err  error

	mu      sync.Mutex
	peakRSS int64 // bytes, sampled VmRSS since the last resetPeak
	stop    chan struct{}
}

// startBenchHub starts the hub with args and waits until /healthz answers.
func startBenchHub(ctx context.Context, args []string, hubURL string) (*benchHub, error) {
	cmd, err := benchChildCommand(args)
	if err != nil {
		return nil, err
	}
	logs := &tailBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start hub: %w", err)
	}
	h := &benchHub{cmd: cmd, URL: hubURL, logs: logs, done: make(chan struct{}), stop: make(chan struct{})}
	go func() { h.err = cmd.Wait(); close(h.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-h.done:
			return nil, fmt.Errorf("the hub exited before it answered (%v):\n%s", h.err, logs.String())
		case <-ctx.Done():
			h.Stop()
			return nil, ctx.Err()
		default:
		}
		resp, err := http.Get(hubURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			h.Stop()
			return nil, fmt.Errorf("the hub did not answer /healthz within 60s:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	go h.sample()
	return h, nil
}

// Stop ends the hub: SIGTERM (it finishes in-flight work and, with
// --cpuprofile, writes the profile), SIGKILL after 30s.
func (h *benchHub) Stop() {
	select {
	case <-h.stop:
	default:
		close(h.stop)
	}
	select {
	case <-h.done:
		return
	default:
	}
	_ = h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.done:
	case <-time.After(30 * time.Second):
		_ = h.cmd.Process.Kill()
		<-h.done
	}
}

// sample records the highest VmRSS seen, every 20ms.
func (h *benchHub) sample() {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-h.done:
			return
		case <-t.C:
		}
		if rss, _, err := procMemory(h.cmd.Process.Pid); err == nil {
			h.mu.Lock()
			h.peakRSS = max(h.peakRSS, rss)
			h.mu.Unlock()
		}
	}
}

// resetPeak starts a new phase: the kernel's high-water mark (VmHWM) is
// reset through clear_refs where allowed, and the sampled peak restarts.
func (h *benchHub) resetPeak() {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", h.cmd.Process.Pid), []byte("5"), 0)
	rss, _, _ := procMemory(h.cmd.Process.Pid)
	h.mu.Lock()
	h.peakRSS = rss
	h.mu.Unlock()
}

// peak returns the phase's peak resident memory in bytes: the larger of
// the sampled VmRSS and the kernel's VmHWM (exact, when clear_refs reset
// it at the phase start).
func (h *benchHub) peak() int64 {
	h.mu.Lock()
	p := h.peakRSS
	h.mu.Unlock()
	if _, hwm, err := procMemory(h.cmd.Process.Pid); err == nil {
		p = max(p, hwm)
	}
	return p
}

// cpuTime returns the CPU time (user + system) the hub used so far.
func (h *benchHub) cpuTime() time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(h.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}

// procMemory reads VmRSS and VmHWM (bytes) of a process.
func procMemory(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		var dst *int64
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			dst = &rss
		case strings.HasPrefix(line, "VmHWM:"):
			dst = &hwm
		default:
			continue
		}
		f := strings.Fields(line)
		if len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			*dst = kb << 10
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS in /proc status")
	}
	return rss, hwm, nil
}

// tailBuffer keeps the last max bytes written (a child's logs).
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// cmdBenchHub is `switchboard bench hub [--cpuprofile FILE] [--trace FILE]
// serve-flags…`: the hub under test when the bench profiles or traces it;
// it serves until SIGTERM and writes the profile and the trace on the way
// out.
func cmdBenchHub(ctx context.Context, args []string, stderr io.Writer) error {
	recorders := map[string]struct {
		start func(io.Writer) error
		stop  func()
	}{
		"--cpuprofile": {pprof.StartCPUProfile, pprof.StopCPUProfile},
		"--trace":      {trace.Start, trace.Stop},
	}
	for len(args) >= 2 {
		r, ok := recorders[args[0]]
		if !ok {
			break
		}
		stop, err := record(args[1], r.start, r.stop)
		if err != nil {
			return err
		}
		defer stop()
		args = args[2:]
	}
	return cmdServe(ctx, args, stderr, nil)
}

// record has start write to a new file at path until the returned function
// stops it and closes the file.
func record(path string, start func(io.Writer) error, stop func()) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		stop()
		f.Close()
	}, nil
}

// freshPostgres creates a database for one bench run on the server of
// baseDSN and returns its DSN and a function that drops it.
func freshPostgres(ctx context.Context, baseDSN string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, baseDSN)
	if err != nil {
		return "", nil, fmt.Errorf("postgres at %s: %w (pass --store-dsn)", redactDSN(baseDSN), err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "switchboard_bench_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("postgres: create database %s: %w", name, err)
	}
	u, err := url.Parse(baseDSN)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(dctx, baseDSN)
		if err != nil {
			return
		}
		defer c.Close(dctx)
		_, _ = c.Exec(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return u.String(), drop, nil
}

func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return u.Redacted()
}

// benchHubs are the hubs of one run: one, or the instances of a cluster.
// Memory is reported per instance (the largest), CPU time summed.
type benchHubs []*benchHub

// Stop stops every hub.
func (hs benchHubs) Stop() {
	for _, h := range hs {
		h.Stop()
	}
}

func (hs benchHubs) resetPeak() {
	for _, h := range hs {
		h.resetPeak()
	}
}

// peak is the largest instance's peak resident memory in bytes.
func (hs benchHubs) peak() int64 {
	var p int64
	for _, h := range hs {
		p = max(p, h.peak())
	}
	return p
}

// cpuTime is the CPU time all instances used so far.
func (hs benchHubs) cpuTime() time.Duration {
	var t time.Duration
	for _, h := range hs {
		t += h.cpuTime()
	}
	return t
}
