package router

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
)

// TestWatermillLogLevels: Watermill's info and debug lines appear at debug
// level, its trace lines only below it, and nothing of them at info.
func TestWatermillLogLevels(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		want  []string
	}{
		{slog.LevelInfo, nil},
		{slog.LevelDebug, []string{"info line", "debug line"}},
		{watermill.LevelTrace, []string{"info line", "debug line", "trace line"}},
	} {
		var buf bytes.Buffer
		l := watermillLog(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tc.level}))).With(watermill.LogFields{"handler": "h"})
		l.Info("info line", watermill.LogFields{"k": 1})
		l.Debug("debug line", nil)
		l.Trace("trace line", nil)
		l.Error("error line", nil, nil)
		out := buf.String()
		for _, line := range []string{"info line", "debug line", "trace line"} {
			if got, want := strings.Contains(out, line), slices.Contains(tc.want, line); got != want {
				t.Errorf("at %v: %q logged = %v, want %v\n%s", tc.level, line, got, want, out)
			}
		}
		if !strings.Contains(out, "error line") || !strings.Contains(out, "handler=h") {
			t.Errorf("at %v: the error line with its fields is missing:\n%s", tc.level, out)
		}
	}
}
