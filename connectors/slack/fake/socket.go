package fake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// socketState is the fake's Socket Mode side: apps.connections.open hands
// out ws://…/socket, where the fake says hello, pings every second, sends
// events_api envelopes on request and records the client's acks.
type socketState struct {
	upgrader websocket.Upgrader

	mu      sync.Mutex
	conn    *websocket.Conn
	writeMu sync.Mutex // serialises data frames on conn
	acks    map[string]bool
	seq     int
	changed chan struct{} // closed and replaced on every change
	closed  bool
}

func (st *socketState) init() {
	// The SDK dials with Origin https://api.slack.com.
	st.upgrader.CheckOrigin = func(*http.Request) bool { return true }
	st.acks = map[string]bool{}
	st.changed = make(chan struct{})
}

// notifyLocked wakes waiters; st.mu is held.
func (st *socketState) notifyLocked() {
	close(st.changed)
	st.changed = make(chan struct{})
}

func (st *socketState) close() {
	st.mu.Lock()
	st.closed = true
	conn := st.conn
	st.mu.Unlock()
	if conn != nil {
		_ = conn.Close()
	}
}

// waitFor blocks until cond (called with st.mu held) is true or ctx ends.
func (st *socketState) waitFor(ctx context.Context, cond func() bool) error {
	for {
		st.mu.Lock()
		ok, changed := cond(), st.changed
		st.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) connectionsOpen(w http.ResponseWriter, r *http.Request) {
	params, err := readParams(r)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	if !s.begin(w, r, "apps.connections.open", params, s.opts.AppToken) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "url": s.wsURL() + "?ticket=fake-ticket"})
}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	st := &s.socket
	if r.URL.Query().Get("ticket") != "fake-ticket" {
		http.Error(w, "bad ticket", http.StatusUnauthorized)
		return
	}
	conn, err := st.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	hello := map[string]any{
		"type":            "hello",
		"num_connections": 1,
		"connection_info": map[string]any{"app_id": "AFAKEAPP"},
		"debug_info":      map[string]any{"host": "fake", "approximate_connection_time": 3600},
	}
	if err := conn.WriteJSON(hello); err != nil {
		_ = conn.Close()
		return
	}
	st.mu.Lock()
	if st.closed {
		st.mu.Unlock()
		_ = conn.Close()
		return
	}
	if st.conn != nil {
		_ = st.conn.Close()
	}
	st.conn = conn
	st.notifyLocked()
	st.mu.Unlock()

	done := make(chan struct{})
	go func() { // Slack pings; the SDK reconnects when pings stop.
		ticker := time.NewTicker(time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				if conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
					return
				}
			}
		}
	}()
	_ = conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))

	defer func() {
		close(done)
		_ = conn.Close()
		st.mu.Lock()
		if st.conn == conn {
			st.conn = nil
			st.notifyLocked()
		}
		st.mu.Unlock()
	}()
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if json.Unmarshal(data, &ack) == nil && ack.EnvelopeID != "" {
			st.mu.Lock()
			st.acks[ack.EnvelopeID] = true
			st.notifyLocked()
			st.mu.Unlock()
		}
	}
}

// WaitSocketConnected blocks until a Socket Mode client is connected.
func (s *Server) WaitSocketConnected(ctx context.Context) error {
	st := &s.socket
	return st.waitFor(ctx, func() bool { return st.conn != nil })
}

// SendSocketEvent sends an Events API payload (as built by MessageEvent)
// over the connected Socket Mode client as an events_api envelope and
// returns its envelope id.
func (s *Server) SendSocketEvent(payload []byte, retryAttempt int) (string, error) {
	st := &s.socket
	st.mu.Lock()
	conn := st.conn
	st.seq++
	id := fmt.Sprintf("fake-envelope-%d", st.seq)
	st.mu.Unlock()
	if conn == nil {
		return "", errors.New("fake slack: no socket mode client connected")
	}
	if !json.Valid(payload) {
		return "", errors.New("fake slack: payload is not JSON")
	}
	env := map[string]any{
		"type":                     "events_api",
		"envelope_id":              id,
		"payload":                  json.RawMessage(payload),
		"accepts_response_payload": false,
		"retry_attempt":            retryAttempt,
		"retry_reason":             "",
	}
	if retryAttempt > 0 {
		env["retry_reason"] = "timeout"
	}
	st.writeMu.Lock()
	defer st.writeMu.Unlock()
	if err := conn.WriteJSON(env); err != nil {
		return "", fmt.Errorf("fake slack: send envelope: %w", err)
	}
	return id, nil
}

// Acked reports whether the client acknowledged the envelope.
func (s *Server) Acked(envelopeID string) bool {
	st := &s.socket
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.acks[envelopeID]
}

// WaitAck blocks until the client acknowledged the envelope or ctx ends.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) error {
	st := &s.socket
	return st.waitFor(ctx, func() bool { return st.acks[envelopeID] })
}
