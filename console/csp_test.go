package console

import (
	"strings"
	"testing"
)

// TestConsoleCSPTiles: the visitor map's tile server may serve images to
// the console, nothing else is loosened.
func TestConsoleCSPTiles(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "img-src 'self' data: blob: https://tile.openstreetmap.org;"},
		{"https://{s}.tiles.example.com:8443/{z}/{x}/{y}.png", "img-src 'self' data: blob: https://*.tiles.example.com:8443;"},
		{"http://127.0.0.1:9/{z}/{x}/{y}.png", "img-src 'self' data: blob: http://127.0.0.1:9;"},
		{"javascript:alert(1)", "img-src 'self' data: blob:;"},
		{"https://evil.example; script-src *", "img-src 'self' data: blob:;"},
	} {
		csp := consoleCSP(tc.tmpl)
		if !strings.Contains(csp, tc.want) || !strings.Contains(csp, "script-src 'self';") {
			t.Errorf("consoleCSP(%q) = %q, want %q in it", tc.tmpl, csp, tc.want)
		}
	}
}
