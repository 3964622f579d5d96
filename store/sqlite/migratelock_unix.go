//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlite

import (
	"context"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// migrateLock takes an exclusive advisory lock on a file beside the
// database, so that processes (or stores in one process) starting together
// migrate one after the other: goose reads the schema version outside its
// transactions, so two concurrent runs would both apply the first
// migration. It waits for the lock until ctx is done; unlock releases it.
func migrateLock(ctx context.Context, dbPath string) (unlock func(), err error) {
	f, err := os.OpenFile(dbPath+".migrate-lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migration lock: %w", err)
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() {
				_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
				f.Close()
			}, nil
		}
		if err != unix.EWOULDBLOCK && err != unix.EINTR {
			f.Close()
			return nil, fmt.Errorf("sqlite: migration lock: %w", err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("sqlite: waiting for another process's migration: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
