package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// readStmts caches statements prepared on the read pool. database/sql
// prepares each once per connection and reuses it; without this, every
// query is prepared, run and finalised again, which measured ~12% of the
// hub's CPU under intake load (mostly GetMessage and GetConversation in the
// route handler).
type readStmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxReadStmts bounds the cache: queries built with a variable number of
// placeholders beyond it simply run unprepared.
const maxReadStmts = 256

// readStmt returns the cached statement for q on the read pool, or nil
// when it cannot be prepared (the caller then runs q directly).
func (s *Store) readStmt(ctx context.Context, q string) *sql.Stmt {
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	if st, ok := s.reads.m[q]; ok {
		return st
	}
	if s.reads.m == nil {
		s.reads.m = map[string]*sql.Stmt{}
	}
	if len(s.reads.m) >= maxReadStmts {
		return nil
	}
	st, err := s.r.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	s.reads.m[q] = st
	return st
}

// queryRow is s.r.QueryRowContext through a cached prepared statement.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.readStmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, q, args...)
}

// query is s.r.QueryContext through a cached prepared statement.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.readStmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, q, args...)
}

// closeReadStmts closes the cached statements (on Close).
func (s *Store) closeReadStmts() {
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	for _, st := range s.reads.m {
		st.Close()
	}
	s.reads.m = nil
}
