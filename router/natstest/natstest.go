// Package natstest runs a private nats-server with JetStream for tests:
// on a free loopback port, storing in a temporary directory, stoppable
// (kill -9) and restartable on the same port and storage.
package natstest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary is where the nats-server binary is looked for first (then PATH).
var Binary = "/usr/sbin/nats-server"

// Server is a nats-server child process.
type Server struct {
	t    *testing.T
	bin  string
	dir  string
	port int
	URL  string

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Start starts a nats-server with JetStream, or skips the test (visibly)
// when no nats-server binary is installed.
func Start(t *testing.T) *Server {
	t.Helper()
	bin := Binary
	if _, err := os.Stat(bin); err != nil {
		p, err := exec.LookPath("nats-server")
		if err != nil {
			t.Skip("SKIP: nats-server binary not found (install nats-server to run the NATS tests)")
		}
		bin = p
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{t: t, bin: bin, dir: t.TempDir(), port: port, URL: fmt.Sprintf("nats://127.0.0.1:%d", port)}
	s.Restart()
	t.Cleanup(s.Kill)
	return s
}

// Restart starts the server again (after Kill) on the same port and
// storage.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.t.Fatal("natstest: Restart while running")
	}
	cmd := exec.Command(s.bin, "-a", "127.0.0.1", "-p", fmt.Sprint(s.port), "-js", "-sd", filepath.Join(s.dir, "js"))
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start nats-server: %v", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("nats-server did not listen on %d within 10s", s.port)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Kill stops the server with SIGKILL; nothing is flushed beyond what
// JetStream already synced.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
	s.cmd = nil
}
