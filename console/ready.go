package console

import (
	"context"
	"net/http"
	"time"
)

// readyz tells a load balancer whether to send this instance traffic:
//
//   - 503 {"status":"draining"} while the instance shuts down (SIGTERM);
//   - 503 {"status":"down","store":"down",…} when the database does not
//     answer or the message router is not running: nothing can be accepted;
//   - 200 {"status":"degraded","store":"up","broker":"down",…} when the
//     message broker (NATS) is unreachable: webhooks and replies are still
//     accepted into the outbox and published once the broker is back, so
//     the instance should keep getting traffic;
//   - 200 {"status":"ok","store":"up","broker":"up"} otherwise.
//
// /healthz (liveness) stays as it was: it fails only when the process
// should be restarted.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.router.Draining() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "down", "store": "down", "error": "store does not answer: " + err.Error()})
		return
	}
	if !s.router.Healthy() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "down", "store": "up", "router": "down", "error": "message router is not running"})
		return
	}
	if err := s.router.BrokerError(); err != nil {
		writeJSON(w, http.StatusOK, map[string]string{"status": "degraded", "store": "up", "broker": "down", "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": "up", "broker": "up"})
}
