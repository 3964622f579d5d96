package sqlite

import (
	"context"
	"database/sql"
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
		return errors.New("sqlite: put thread link: empty mirror or thread ref")
	}
	return mapErr("put thread link", s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO thread_links (mirror, conversation_id, thread_ref, workspace_id, created_at)
			SELECT ?, id, ?, workspace_id, ? FROM conversations WHERE workspace_id = ? AND id = ?
			ON CONFLICT (mirror, conversation_id) DO UPDATE SET thread_ref = excluded.thread_ref`,
			l.Mirror, l.ThreadRef, ts(orNow(l.CreatedAt)), l.WorkspaceID, l.ConversationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	}))
}

func (s *Store) threadLink(ctx context.Context, what, where string, args ...any) (store.ThreadLink, error) {
	var l store.ThreadLink
	var at int64
	err := s.r.QueryRowContext(ctx, `SELECT workspace_id, mirror, thread_ref, conversation_id, created_at FROM thread_links WHERE `+where, args...).
		Scan(&l.WorkspaceID, &l.Mirror, &l.ThreadRef, &l.ConversationID, &at)
	if err != nil {
		return store.ThreadLink{}, mapErr(what, err)
	}
	l.CreatedAt = fromTS(at)
	return l, nil
}

// ThreadByConversation finds the thread of a conversation in a mirror.
func (s *Store) ThreadByConversation(ctx context.Context, mirror string, conv switchboard.ConversationID) (store.ThreadLink, error) {
	return s.threadLink(ctx, "thread by conversation", `mirror = ? AND conversation_id = ?`, mirror, conv)
}

// ConversationByThread finds the conversation a mirror thread belongs to.
func (s *Store) ConversationByThread(ctx context.Context, mirror, threadRef string) (store.ThreadLink, error) {
	return s.threadLink(ctx, "conversation by thread", `mirror = ? AND thread_ref = ?`, mirror, threadRef)
}

// FirstSeen records key and reports whether it was new.
func (s *Store) FirstSeen(ctx context.Context, key string) (bool, error) {
	var first bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO seen_keys (key, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, ts(time.Now()))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		first = n == 1
		return err
	})
	return first, mapErr("first seen", err)
}

// PruneDedup deletes FirstSeen keys and processed event ids made before
// before.
func (s *Store) PruneDedup(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM seen_keys WHERE created_at < ?`, `DELETE FROM processed_events WHERE created_at < ?`} {
			r, err := tx.ExecContext(ctx, q, ts(before))
			if err != nil {
				return err
			}
			k, err := r.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	return int(n), mapErr("prune dedup", err)
}

// PutMedia stores media bytes under id (replacing earlier content): the
// bytes in a content-addressed file under the data dir (mediafiles.go),
// the row naming it.
func (s *Store) PutMedia(ctx context.Context, m store.Media) error {
	if m.ID == "" {
		return errors.New("sqlite: put media: empty id")
	}
	body := m.Body
	if body == nil {
		body = []byte{}
	}
	return mapErr("put media", s.write(ctx, func(tx *sql.Tx) error {
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT sha256 FROM media WHERE id = ?`, m.ID).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		sum, err := s.writeMediaFile(body)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO media (id, workspace_id, content_type, body, created_at, uploader_id, filename, sha256) VALUES (?, ?, ?, x'', ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET workspace_id = excluded.workspace_id, content_type = excluded.content_type,
				body = x'', sha256 = excluded.sha256`, m.ID, m.WorkspaceID, m.ContentType, ts(orNow(m.CreatedAt)), m.UploaderID, m.Filename, sum); err != nil {
			return err
		}
		if old != "" && old != sum {
			return s.dropMediaFiles(tx, []string{old})
		}
		return nil
	}))
}

// GetMedia returns stored media (from its file; rows stored before media
// files carry their body).
func (s *Store) GetMedia(ctx context.Context, id string) (store.Media, error) {
	var m store.Media
	var at int64
	var sum string
	err := s.r.QueryRowContext(ctx, `SELECT id, workspace_id, content_type, body, created_at, uploader_id, filename, sha256 FROM media WHERE id = ?`, id).
		Scan(&m.ID, &m.WorkspaceID, &m.ContentType, &m.Body, &at, &m.UploaderID, &m.Filename, &sum)
	if err != nil {
		return store.Media{}, mapErr("get media", err)
	}
	if sum != "" {
		if m.Body, err = s.readMediaFile(sum); err != nil {
			return store.Media{}, fmt.Errorf("sqlite: get media: %w", err)
		}
	}
	m.CreatedAt = fromTS(at)
	return m, nil
}
