//go:build !sqlite_fts5

package sqlite

// The SQLite store indexes messages and articles with FTS5 and its trigram
// tokenizer, which mattn/go-sqlite3 compiles in only with the build tag
// sqlite_fts5. Without it the binary would build and then die at start
// with "no such module: fts5"; this file makes such a build fail at once,
// with the tag in the compiler's message. Build with
//
//	go build -tags sqlite_fts5 ./cmd/switchboard   (make build does it)
var _ = build_with_tags_sqlite_fts5__see_README_go_build_tags_sqlite_fts5
