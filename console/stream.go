package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/switchboardhq/switchboard"
)

var (
	streamClients = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "switchboard_stream_clients", Help: "WebSocket clients (consoles and widgets) connected to this instance.",
	})
	streamDropped = promauto.NewCounter(prometheus.CounterOpts{
		Name: "switchboard_stream_dropped_total", Help: "WebSocket clients dropped for falling too far behind.",
	})
)

// streamBuffer is how many frames a slow client may fall behind before it
// is dropped: a client that stops reading never slows others or grows memory
// without bound.
const streamBuffer = 256

// stream pushes events that keep(ev) accepts to a WebSocket as JSON frames
// until the client goes away, the request ends, or the client falls too far
// behind. It reads nothing from the client but control frames, unless
// onText is set, which receives text frames (the widget sends messages).
//
// crossOrigin allows pages of other sites to connect (the widget, whose
// origin the caller checked); otherwise the page must come from the hub
// itself, so another site cannot ride an operator's session cookie.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, crossOrigin bool, keep func(switchboard.Event) (any, bool), onText func(ctx context.Context, data []byte) any) {
	opts := &websocket.AcceptOptions{InsecureSkipVerify: crossOrigin}
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && u.Host != "" {
		opts.OriginPatterns = []string{u.Host}
	}
	conn, err := websocket.Accept(w, r, opts)
	if err != nil {
		return // Accept answered the client
	}
	defer conn.CloseNow()
	streamClients.Inc()
	defer streamClients.Dec()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()

	frames := make(chan []byte, streamBuffer)
	// The first frame says the stream is subscribed: every event from the
	// moment the client reads it is delivered, so a client that fetches
	// history after it misses nothing. It is queued before the listener is
	// registered, so it goes out first, and the writer below starts after
	// the registration.
	frames <- []byte(`{"type":"ready"}`)
	slow := make(chan struct{})
	var slowOnce bool
	unlisten := s.router.Listen(func(ev switchboard.Event) {
		frame, ok := keep(ev)
		if !ok || slowOnce {
			return
		}
		b, err := json.Marshal(frame)
		if err != nil {
			return
		}
		select {
		case frames <- b:
		default:
			// Too far behind: stop now, also interrupting a write that is
			// blocked on the client's full buffers.
			slowOnce = true
			close(slow)
			cancel()
		}
	})
	defer unlisten()

	if onText != nil {
		go func() {
			defer cancel()
			for {
				typ, data, err := conn.Read(ctx)
				if err != nil {
					return
				}
				if typ != websocket.MessageText {
					continue
				}
				if reply := onText(ctx, data); reply != nil {
					b, _ := json.Marshal(reply)
					select {
					case frames <- b:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	} else {
		ctx = conn.CloseRead(ctx)
	}

	ping := time.NewTicker(30 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-slow:
			// The peer is not reading, so no close handshake: drop the
			// connection (deferred CloseNow); the client reconnects and
			// fetches history.
			streamDropped.Inc()
			return
		case <-ctx.Done():
			select {
			case <-slow:
				streamDropped.Inc()
			default:
				conn.Close(websocket.StatusNormalClosure, "")
			}
			return
		case b := <-frames:
			wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
			err := conn.Write(wctx, websocket.MessageText, b)
			wcancel()
			if err != nil {
				select {
				case <-slow:
					streamDropped.Inc()
				default:
					if errors.Is(err, context.DeadlineExceeded) {
						streamDropped.Inc()
					}
				}
				return
			}
		case <-ping.C:
			pctx, pcancel := context.WithTimeout(ctx, 10*time.Second)
			err := conn.Ping(pctx)
			pcancel()
			if err != nil {
				return
			}
		}
	}
}

// operatorStream is the console's event stream: every event of the
// caller's workspace in departments the caller may see.
func (s *Server) operatorStream(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	s.stream(w, r, false, func(ev switchboard.Event) (any, bool) {
		if ev.WorkspaceID != p.WorkspaceID || !p.canSee(ev.DepartmentID) {
			return nil, false
		}
		if ev.Message != nil {
			return struct {
				switchboard.Event
				Message messageView `json:"message"`
			}{ev, viewMessage(*ev.Message)}, true
		}
		return ev, true
	}, nil)
}
