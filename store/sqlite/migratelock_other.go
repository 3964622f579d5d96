//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlite

import "context"

// migrateLock is a no-op where advisory file locks are not available: start
// one process first there, or run `switchboard migrate` before the others.
func migrateLock(context.Context, string) (func(), error) { return func() {}, nil }
