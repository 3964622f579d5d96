package sqlite_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBuildWithoutFTS5TagFails: a plain `go build` (no sqlite_fts5 tag)
// stops at compile time with a message naming the tag, instead of building
// a binary that dies at start with "no such module: fts5".
func TestBuildWithoutFTS5TagFails(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package without the tag")
	}
	cmd := exec.Command("go", "vet", ".")
	cmd.Env = append(cmd.Environ(), "GOFLAGS=-buildvcs=false")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet without -tags sqlite_fts5 succeeded; want a compile error naming the tag")
	}
	if !strings.Contains(string(out), "sqlite_fts5") {
		t.Fatalf("the error does not name the tag:\n%s", out)
	}
}
