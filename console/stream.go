package console

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard"
)

// streamBuffer is how many frames a slow client may fall behind before it
// is dropped: a client that stops reading never slows others or grows memory
// without bound.
const streamBuffer = 256

// stream pushes events that keep(ev) accepts to a WebSocket as JSON frames
// until the client goes away, the request ends, or the client falls too far
// behind. It reads nothing from the client but control frames, unless
// onText is set, which receives text frames (the widget sends messages).
func (s *Server) stream(w http.ResponseWriter, r *http.Request, keep func(switchboard.Event) (any, bool), onText func(ctx context.Context, data []byte) any) {
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept answered the client
	}
	defer conn.CloseNow()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()

	frames := make(chan []byte, streamBuffer)
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
			slowOnce = true
			close(slow)
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
		case <-ctx.Done():
			conn.Close(websocket.StatusNormalClosure, "")
			return
		case <-slow:
			conn.Close(websocket.StatusPolicyViolation, "client too slow; reconnect and fetch history")
			return
		case b := <-frames:
			wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
			err := conn.Write(wctx, websocket.MessageText, b)
			wcancel()
			if err != nil {
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
	s.stream(w, r, func(ev switchboard.Event) (any, bool) {
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
