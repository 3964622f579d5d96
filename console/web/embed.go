// Package web holds the operator console's built web app (console/web, a
// Vite + React + TypeScript app) and the site chat widget (console/widget)
// for embedding into the binary.
//
// `make build` runs `npm ci` and `npm run build` before `go build`, so the
// binary carries the app in dist/app and needs no Node at run time. A tree
// where the app was never built still compiles (dist/.keep is committed);
// the console then answers / with a page saying how to build it.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// App returns the built app (index.html, assets/...) and whether it was
// built. It is called once when the console's handler is made.
func App() (fs.FS, bool) {
	sub, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return nil, false
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil, false
	}
	return sub, true
}

// Widget returns the built site chat widget (console/widget, bundled by
// `npm run build:widget` into dist/widget/widget.js) and whether it was
// built. The console serves it as /widget.js.
func Widget() ([]byte, bool) {
	b, err := dist.ReadFile("dist/widget/widget.js")
	if err != nil || len(b) == 0 {
		return nil, false
	}
	return b, true
}
