package console

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// maxDraftRunes caps a typing preview; a longer draft is cut (it is a
// preview, not a message: nothing is refused).
const maxDraftRunes = 1000

type typingRequest struct {
	Text string `json:"text"`
}

// widgetTyping passes the visitor's draft to the operators who can see the
// conversation's department as an ephemeral typing.preview frame; it is
// never stored. Empty text clears the preview. Drafts are throttled per
// visitor (Config.TypingEvery): within a burst only the latest is passed
// on, once the interval has elapsed.
func (s *Server) widgetTyping(w http.ResponseWriter, r *http.Request) {
	_, channel, visitor, ok := s.visitor(w, r)
	if !ok {
		return
	}
	var req typingRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	text := req.Text
	if utf8.RuneCountInString(text) > maxDraftRunes {
		text = string([]rune(text)[:maxDraftRunes])
	}
	conv, err := s.store.FindConversation(r.Context(), channel, visitor)
	if errors.Is(err, store.ErrNotFound) {
		// No conversation yet: no operator could see the preview.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "conversation")
		return
	}
	s.drafts.offer(visitor, text, time.Now(), s.cfg.TypingEvery, func(text string) {
		s.publishTyping(context.WithoutCancel(r.Context()), conv, text)
	})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) publishTyping(ctx context.Context, conv switchboard.Conversation, text string) {
	if err := s.router.PublishEphemeral(switchboard.Event{
		Type: switchboard.EventTypingPreview, WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID,
		DepartmentID: conv.DepartmentID, Text: text, At: s.now(),
	}); err != nil {
		s.log.WarnContext(ctx, "typing preview not broadcast", "conversation", conv.ID, "err", err)
	}
}

// typingThrottle passes on at most one draft per visitor per interval,
// the latest of a burst at the end of it; an empty draft (cleared) goes
// at once and drops a pending one.
type typingThrottle struct {
	mu        sync.Mutex
	visitors  map[switchboard.ExternalID]*draftState
	lastSweep time.Time
}

type draftState struct {
	last    time.Time
	pending string
	send    func(string)
	timer   *time.Timer
}

func (t *typingThrottle) offer(visitor switchboard.ExternalID, text string, now time.Time, every time.Duration, send func(string)) {
	if t.hold(visitor, text, now, every, send) {
		send(text)
	}
}

// hold queues a draft that comes too soon and reports whether it is to
// be sent now instead.
func (t *typingThrottle) hold(visitor switchboard.ExternalID, text string, now time.Time, every time.Duration, send func(string)) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.visitors == nil {
		t.visitors = map[switchboard.ExternalID]*draftState{}
	}
	t.sweep(now)
	st := t.visitors[visitor]
	if st == nil {
		st = &draftState{}
		t.visitors[visitor] = st
	}
	if text == "" || now.Sub(st.last) >= every {
		if st.timer != nil {
			st.timer.Stop()
			st.timer = nil
		}
		st.last = now
		return true
	}
	st.pending, st.send = text, send
	if st.timer == nil {
		st.timer = time.AfterFunc(every-now.Sub(st.last), func() {
			t.mu.Lock()
			text, send := st.pending, st.send
			st.timer, st.last = nil, time.Now()
			t.mu.Unlock()
			send(text)
		})
	}
	return false
}

// clear drops a visitor's pending draft (the visitor sent the message).
func (t *typingThrottle) clear(visitor switchboard.ExternalID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if st := t.visitors[visitor]; st != nil && st.timer != nil {
		st.timer.Stop()
		st.timer = nil
	}
}

// sweep forgets visitors idle for a minute (at most once a minute).
func (t *typingThrottle) sweep(now time.Time) {
	if now.Sub(t.lastSweep) < time.Minute {
		return
	}
	t.lastSweep = now
	for v, st := range t.visitors {
		if st.timer == nil && now.Sub(st.last) > time.Minute {
			delete(t.visitors, v)
		}
	}
}
