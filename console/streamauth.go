package console

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/switchboardhq/switchboard/store"
)

// streamSessions lets logout end the streams of a session on this
// instance at once (other instances notice at their next re-check, when
// the session is gone from the store).
type streamSessions struct {
	mu     sync.Mutex
	nextID int
	byHash map[string]map[int]chan struct{}
}

// register returns a channel closed when the session logs out here, and
// the function that unregisters it (call when the stream ends).
func (ss *streamSessions) register(hash string) (<-chan struct{}, func()) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.byHash == nil {
		ss.byHash = map[string]map[int]chan struct{}{}
	}
	id := ss.nextID
	ss.nextID++
	ch := make(chan struct{})
	if ss.byHash[hash] == nil {
		ss.byHash[hash] = map[int]chan struct{}{}
	}
	ss.byHash[hash][id] = ch
	return ch, func() {
		ss.mu.Lock()
		defer ss.mu.Unlock()
		delete(ss.byHash[hash], id)
		if len(ss.byHash[hash]) == 0 {
			delete(ss.byHash, hash)
		}
	}
}

// end closes the channels of a session's streams.
func (ss *streamSessions) end(hash string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for id, ch := range ss.byHash[hash] {
		close(ch)
		delete(ss.byHash[hash], id)
	}
	delete(ss.byHash, hash)
}

// errAccessChanged ends a stream whose operator's role or departments
// changed: the client reconnects and gets a stream of its new scope.
var errAccessChanged = errors.New("access changed; reconnect")

// recheck reports whether p's credentials still stand with the same
// access: the session has not expired or been deleted and its operator
// still may act (sessionPrincipal) with the same role and departments, or
// the API token is not revoked and has the same role. A store that does
// not answer is not a reason to cut the stream (the error is logged and
// the next re-check decides).
func (s *Server) recheck(ctx context.Context, p principal) error {
	switch {
	case p.viaSession:
		sess, err := s.store.SessionByHash(ctx, p.sessionHash, s.now())
		if err == nil {
			var now principal
			if now, err = s.sessionPrincipal(ctx, sess); err == nil && !sameAccess(p, now) {
				return errAccessChanged
			}
		}
		return s.recheckErr(ctx, err, "session ended; log in again")
	case p.tokenHash != "":
		tok, err := s.store.TokenByHash(ctx, p.tokenHash)
		if err == nil && tok.Role != p.Role {
			return errAccessChanged
		}
		return s.recheckErr(ctx, err, "API token revoked")
	}
	return nil
}

func (s *Server) recheckErr(ctx context.Context, err error, gone string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return errors.New(gone)
	case errors.Is(err, errOperatorDisabled):
		return errOperatorDisabled
	case ctx.Err() != nil:
		return ctx.Err()
	default:
		s.log.WarnContext(ctx, "stream re-check failed; keeping the stream until the next one", "err", err)
		return nil
	}
}

func sameAccess(a, b principal) bool {
	if a.Role != b.Role || a.WorkspaceID != b.WorkspaceID {
		return false
	}
	x := slices.Clone(a.DepartmentIDs)
	y := slices.Clone(b.DepartmentIDs)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
