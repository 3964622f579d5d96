package sqlite

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Media content lives in files under the data dir, named by the SHA-256 of
// the bytes (media/ab/ab12…): the same upload twice is one file, and the
// database holds only what names it. Files are written and removed inside
// the single writer's transaction, so a put and a delete of the same
// content never interleave.

// mediaDir is where the store keeps media files: beside the database.
func (s *Store) mediaDir() string { return filepath.Join(filepath.Dir(s.path), "media") }

func (s *Store) mediaPath(sum string) string {
	return filepath.Join(s.mediaDir(), sum[:2], sum)
}

// writeMediaFile stores body under its hash (durably: written to a
// temporary file, synced, renamed, the folder synced) unless a file of
// that name is there already, and returns the hash.
func (s *Store) writeMediaFile(body []byte) (string, error) {
	h := sha256.Sum256(body)
	sum := hex.EncodeToString(h[:])
	path := s.mediaPath(sum)
	if fi, err := os.Stat(path); err == nil && fi.Size() == int64(len(body)) {
		return sum, nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("media dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", fmt.Errorf("media file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return "", fmt.Errorf("media file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("media file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("media file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("media file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return sum, nil
}

// readMediaFile returns the bytes of the file named sum.
func (s *Store) readMediaFile(sum string) ([]byte, error) {
	b, err := os.ReadFile(s.mediaPath(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("media file %s is missing from %s: %w", sum, s.mediaDir(), err)
	}
	return b, err
}

// dropMediaFiles removes the files of sums that no media row names any
// more; called in the writer's transaction after rows were deleted.
func (s *Store) dropMediaFiles(tx *sql.Tx, sums []string) error {
	for _, sum := range sums {
		if sum == "" {
			continue
		}
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM media WHERE sha256 = ?`, sum).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if err := os.Remove(s.mediaPath(sum)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("media file: %w", err)
			}
		}
	}
	return nil
}

// Path is the database file the store was opened on; media files live in
// the media folder beside it.
func (s *Store) Path() string { return s.path }
