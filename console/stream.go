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

// streamSpec says what one WebSocket stream carries and how it is kept.
type streamSpec struct {
	// crossOrigin allows pages of other sites to connect (the widget,
	// whose origin the caller checked); otherwise the page must come from
	// the hub itself, so another site cannot ride an operator's session
	// cookie.
	crossOrigin bool
	// keep turns an event into the frame to send, or rejects it. It runs
	// on the fan-out goroutine: it must not block.
	keep func(switchboard.Event) (any, bool)
	// onText, when set, receives the client's text frames (the widget
	// sends messages); what it returns is sent back.
	onText func(ctx context.Context, data []byte) any
	// tick, when set, runs on the stream's goroutine every tickEvery and
	// whenever wake receives; an error ends the stream, its text the close
	// reason (the operator's access was lost).
	tick      func(ctx context.Context) error
	tickEvery time.Duration
	wake      <-chan struct{}
	// ended, when set, ends the stream once closed (logout here).
	ended <-chan struct{}
	// onClose runs when the stream ends.
	onClose func()
	// push, when set, carries frames the caller makes on its own
	// goroutine (the widget's queue place); they are sent in order with
	// the events' frames.
	push <-chan any
}

// stream pushes events that spec.keep accepts to a WebSocket as JSON
// frames until the client goes away, the request ends, the client falls
// too far behind, or spec.tick / spec.ended end it. It reads nothing from
// the client but control frames, unless spec.onText is set.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, spec streamSpec) {
	opts := &websocket.AcceptOptions{InsecureSkipVerify: spec.crossOrigin}
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
	if spec.onClose != nil {
		defer spec.onClose()
	}
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
		frame, ok := spec.keep(ev)
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

	if spec.onText != nil {
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
				if reply := spec.onText(ctx, data); reply != nil {
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
	var tickC <-chan time.Time
	if spec.tick != nil && spec.tickEvery > 0 {
		t := time.NewTicker(spec.tickEvery)
		defer t.Stop()
		tickC = t.C
	}
	runTick := func() bool {
		if spec.tick == nil {
			return true
		}
		if err := spec.tick(ctx); err != nil {
			if ctx.Err() == nil {
				conn.Close(websocket.StatusPolicyViolation, err.Error())
			}
			return false
		}
		return true
	}
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
		case <-spec.ended:
			conn.Close(websocket.StatusPolicyViolation, "logged out")
			return
		case <-tickC:
			if !runTick() {
				return
			}
		case <-spec.wake:
			if !runTick() {
				return
			}
		case v := <-spec.push:
			if b, err := json.Marshal(v); err == nil {
				select {
				case frames <- b:
				default: // full: the next change sends a newer frame
				}
			}
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
// caller's workspace in departments the caller may see, typing previews
// and contact presence of those departments, and the presence of the
// workspace's operators. It re-checks the caller's session or token every
// Config.StreamRecheck and ends when it expired, was revoked or the
// operator's role or departments changed (the client reconnects with its
// new scope, or logs in again); logging out ends it at once.
func (s *Server) operatorStream(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	var ended <-chan struct{}
	var unregister func()
	if p.viaSession {
		ended, unregister = s.sessions.register(p.sessionHash)
	}
	s.stream(w, r, streamSpec{
		keep: func(ev switchboard.Event) (any, bool) { return s.operatorFrame(p, ev) },
		tick: func(ctx context.Context) error { return s.recheck(ctx, p) }, tickEvery: s.cfg.StreamRecheck,
		ended: ended, onClose: unregister,
	})
}

// operatorFrame is the frame an operator's stream sends for ev, if any.
func (s *Server) operatorFrame(p principal, ev switchboard.Event) (any, bool) {
	if ev.WorkspaceID != p.WorkspaceID {
		return nil, false
	}
	switch ev.Type {
	case switchboard.EventOperatorPresence:
		return map[string]any{"type": ev.Type, "operator_id": ev.OperatorID, "name": ev.Name, "presence": ev.Presence, "at": ev.At}, true
	case switchboard.EventTypingPreview:
		if !p.canSee(ev.DepartmentID) {
			return nil, false
		}
		return map[string]any{"type": ev.Type, "conversation_id": ev.ConversationID, "text": ev.Text, "at": ev.At}, true
	case switchboard.EventContactPresence:
		if !p.canSee(ev.DepartmentID) {
			return nil, false
		}
		return map[string]any{"type": ev.Type, "conversation_id": ev.ConversationID, "contact_id": ev.ContactID, "online": ev.Online, "at": ev.At}, true
	case switchboard.EventOperatorTyping:
		// Another operator writing to the same visitor (the console can
		// warn before two answer at once).
		if !p.canSee(ev.DepartmentID) || ev.OperatorID == p.OperatorID {
			return nil, false
		}
		return map[string]any{"type": ev.Type, "conversation_id": ev.ConversationID, "operator_id": ev.OperatorID, "name": ev.Name, "typing": ev.Typing, "at": ev.At}, true
	}
	// A contact.updated with no department (a contact without
	// conversations yet) reaches only those who see every department:
	// canSee("") is false for operators restricted to theirs.
	if !p.canSee(ev.DepartmentID) {
		return nil, false
	}
	if ev.Type == switchboard.EventChannelStatus && p.Role != switchboard.RoleAdmin {
		return nil, false // channels' health is for admins
	}
	if ev.Conversation != nil {
		conv := *ev.Conversation
		if conv.Labels == nil {
			conv.Labels = []string{}
		}
		s.router.Channels.FillWindow(&conv)
		ev.Conversation = &conv
	}
	if ev.Message != nil {
		return struct {
			switchboard.Event
			Message messageView `json:"message"`
		}{ev, s.named(context.Background(), viewMessage(*ev.Message))}, true
	}
	return ev, true
}
