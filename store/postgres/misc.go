package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// PutThreadLink links a conversation to a thread in a mirror, replacing the
// thread ref of an existing link. ErrNotFound when the conversation is not in
// the link's workspace; ErrConflict when the thread belongs to another
// conversation.
func (s *Store) PutThreadLink(ctx context.Context, l store.ThreadLink) error {
	if l.Mirror == "" || l.ThreadRef == "" {
		return errors.New("postgres: put thread link: empty mirror or thread ref")
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO thread_links (mirror, conversation_id, thread_ref, workspace_id, created_at)
		SELECT $1, id, $2, workspace_id, $3 FROM conversations WHERE workspace_id = $4 AND id = $5
		ON CONFLICT (mirror, conversation_id) DO UPDATE SET thread_ref = excluded.thread_ref`,
		l.Mirror, l.ThreadRef, orNow(l.CreatedAt), l.WorkspaceID, l.ConversationID)
	if err != nil {
		return mapErr("put thread link", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: put thread link: conversation %s: %w", l.ConversationID, store.ErrNotFound)
	}
	return nil
}

func (s *Store) threadLink(ctx context.Context, what, where string, args ...any) (store.ThreadLink, error) {
	var l store.ThreadLink
	err := s.pool.QueryRow(ctx, `SELECT workspace_id, mirror, thread_ref, conversation_id, created_at FROM thread_links WHERE `+where, args...).
		Scan(&l.WorkspaceID, &l.Mirror, &l.ThreadRef, &l.ConversationID, &l.CreatedAt)
	if err != nil {
		return store.ThreadLink{}, mapErr(what, err)
	}
	l.CreatedAt = utc(l.CreatedAt)
	return l, nil
}

// ThreadByConversation finds the thread of a conversation in a mirror.
func (s *Store) ThreadByConversation(ctx context.Context, mirror string, conv switchboard.ConversationID) (store.ThreadLink, error) {
	return s.threadLink(ctx, "thread by conversation", `mirror = $1 AND conversation_id = $2`, mirror, conv)
}

// ConversationByThread finds the conversation a mirror thread belongs to.
func (s *Store) ConversationByThread(ctx context.Context, mirror, threadRef string) (store.ThreadLink, error) {
	return s.threadLink(ctx, "conversation by thread", `mirror = $1 AND thread_ref = $2`, mirror, threadRef)
}

// FirstSeen records key and reports whether it was new.
func (s *Store) FirstSeen(ctx context.Context, key string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO seen_keys (key, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, key, time.Now().UTC())
	if err != nil {
		return false, mapErr("first seen", err)
	}
	return tag.RowsAffected() == 1, nil
}

// PruneDedup deletes FirstSeen keys and processed event ids made before
// before.
func (s *Store) PruneDedup(ctx context.Context, before time.Time) (int, error) {
	var n int64
	for _, q := range []string{`DELETE FROM seen_keys WHERE created_at < $1`, `DELETE FROM processed_events WHERE created_at < $1`} {
		tag, err := s.pool.Exec(ctx, q, before.UTC())
		if err != nil {
			return int(n), mapErr("prune dedup", err)
		}
		n += tag.RowsAffected()
	}
	return int(n), nil
}

// PutMedia stores media bytes under id (replacing earlier content).
func (s *Store) PutMedia(ctx context.Context, m store.Media) error {
	if m.ID == "" {
		return errors.New("postgres: put media: empty id")
	}
	body := m.Body
	if body == nil {
		body = []byte{}
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO media (id, workspace_id, content_type, body, created_at, uploader_id, filename) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET workspace_id = excluded.workspace_id, content_type = excluded.content_type,
			body = excluded.body`, m.ID, m.WorkspaceID, m.ContentType, body, orNow(m.CreatedAt), m.UploaderID, m.Filename)
	return mapErr("put media", err)
}

// GetMedia returns stored media.
func (s *Store) GetMedia(ctx context.Context, id string) (store.Media, error) {
	var m store.Media
	err := s.pool.QueryRow(ctx, `SELECT id, workspace_id, content_type, body, created_at, uploader_id, filename FROM media WHERE id = $1`, id).
		Scan(&m.ID, &m.WorkspaceID, &m.ContentType, &m.Body, &m.CreatedAt, &m.UploaderID, &m.Filename)
	if err != nil {
		return store.Media{}, mapErr("get media", err)
	}
	m.CreatedAt = utc(m.CreatedAt)
	return m, nil
}
