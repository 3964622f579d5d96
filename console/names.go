package console

import (
	"context"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard"
)

// operatorNames caches the operators' names per workspace, for the
// author_name and deleted_by_name of message views (the stream shows
// them too, so a lookup per frame must not hit the store). A name missing
// from the cache reloads it, at most once per nameRetry; a renamed
// operator shows the new name within nameTTL.
type operatorNames struct {
	mu   sync.Mutex
	byWS map[switchboard.WorkspaceID]*nameSet
}

type nameSet struct {
	loaded time.Time
	names  map[switchboard.OperatorID]string
}

const (
	nameTTL   = 30 * time.Second
	nameRetry = 2 * time.Second
)

// operatorName returns an operator's name, "" when unknown.
func (s *Server) operatorName(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.OperatorID) string {
	if id == "" {
		return ""
	}
	s.names.mu.Lock()
	defer s.names.mu.Unlock()
	if s.names.byWS == nil {
		s.names.byWS = map[switchboard.WorkspaceID]*nameSet{}
	}
	set := s.names.byWS[ws]
	now := time.Now()
	if set != nil {
		name, ok := set.names[id]
		age := now.Sub(set.loaded)
		if (ok && age < nameTTL) || (!ok && age < nameRetry) {
			return name
		}
	}
	ops, err := s.store.ListOperators(ctx, ws)
	if err != nil {
		s.log.WarnContext(ctx, "operator names not loaded", "err", err)
		if set != nil {
			return set.names[id]
		}
		return ""
	}
	set = &nameSet{loaded: now, names: make(map[switchboard.OperatorID]string, len(ops))}
	for _, op := range ops {
		set.names[op.ID] = op.Name
	}
	s.names.byWS[ws] = set
	return set.names[id]
}

// named fills the names of a message view.
func (s *Server) named(ctx context.Context, v messageView) messageView {
	if v.Direction != switchboard.DirectionIn {
		v.AuthorName = s.operatorName(ctx, v.WorkspaceID, v.AuthorID)
	}
	v.DeletedByName = s.operatorName(ctx, v.WorkspaceID, v.DeletedBy)
	return v
}

func (s *Server) namedMessage(ctx context.Context, m switchboard.Message) messageView {
	return s.named(ctx, viewMessage(m))
}

func (s *Server) namedMessages(ctx context.Context, _ switchboard.WorkspaceID, vs []messageView) []messageView {
	for i := range vs {
		vs[i] = s.named(ctx, vs[i])
	}
	return vs
}
