package console

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/console/web"
)

// consoleCSP is the Content-Security-Policy of the operators' web app: its
// own scripts only (no inline script, no eval), its own API and stream, and
// images from itself, inline data/blob URLs (previews of uploads) and the
// map tile server of the visitor map (tileURL, a Leaflet template).
// Inline styles stay allowed for the style attributes React and the emoji
// picker set; they cannot run code.
func consoleCSP(tileURL string) string {
	img := "'self' data: blob:"
	if src := tileSource(tileURL); src != "" {
		img += " " + src
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src " + img + "; media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; frame-src 'none'"
}

// tileSource is the CSP source of a tile URL template's server
// ("https://{s}.tile.example/{z}/{x}/{y}.png" → "https://*.tile.example"),
// or "" when the template is no http(s) URL.
func tileSource(tmpl string) string {
	u, err := url.Parse(strings.ReplaceAll(tmpl, "{s}", "s"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(u.Host, "{}; '") {
		return ""
	}
	host := u.Host
	if strings.HasPrefix(tmpl, u.Scheme+"://{s}.") {
		host = "*" + strings.TrimPrefix(host, "s")
	}
	return u.Scheme + "://" + host
}

// notBuiltPage is served at / when the binary was built without the web app
// (a plain `go build` before `make build` ran `npm run build`).
const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard</title></head>
<body><h1>Switchboard</h1><p>The hub is running, but this binary was built without the operator web app.
Build it with <code>make build</code> (runs <code>npm ci</code> and <code>npm run build</code> in console/web before <code>go build</code>).
The JSON API lives under <code>/api/v1</code> (see <a href="/api/v1/openapi.json">the OpenAPI document</a>).</p></body></html>`

// webApp serves the built console app: hashed files under /assets/ cached
// for a year, index.html never cached, and every other GET path that is no
// file (a deep link such as /conversations/{id}) answered with index.html so
// the app's router takes it. Paths under /api/, /widget/ and /webhooks/
// never reach it (the mux routes them first).
type webApp struct {
	// csp is the Content-Security-Policy of the app's pages.
	csp     string
	files   fs.FS
	index   []byte
	modTime time.Time
}

// newWebApp reads index.html of files once; nil files (or no index.html)
// gives the "not built" page.
func newWebApp(files fs.FS) *webApp {
	a := &webApp{files: files, modTime: time.Now(), csp: consoleCSP(defaultMapTileURL)}
	if files != nil {
		if b, err := fs.ReadFile(files, "index.html"); err == nil {
			a.index = b
		}
	}
	return a
}

func defaultWebApp() *webApp {
	files, ok := web.App()
	if !ok {
		return newWebApp(nil)
	}
	return newWebApp(files)
}

// Built reports whether the app is embedded (false: only the notice page).
func (a *webApp) Built() bool { return a.index != nil }

func (a *webApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if a.index == nil {
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, notBuiltPage)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasPrefix(name, "assets/") {
		f, err := a.files.Open(name)
		if err != nil {
			writeError(w, http.StatusNotFound, "not_found", "no asset at "+r.URL.Path)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			writeError(w, http.StatusNotFound, "not_found", "no asset at "+r.URL.Path)
			return
		}
		// Vite puts a content hash into every name under assets/.
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		if rs, ok := f.(io.ReadSeeker); ok {
			http.ServeContent(w, r, name, a.modTime, rs)
			return
		}
		b, _ := io.ReadAll(f)
		http.ServeContent(w, r, name, a.modTime, bytes.NewReader(b))
		return
	}
	if name != "" && name != "index.html" && path.Ext(name) != "" {
		// A top-level file of the build (favicon and the like).
		if b, err := fs.ReadFile(a.files, name); err == nil {
			h.Set("Cache-Control", "no-cache")
			http.ServeContent(w, r, name, a.modTime, bytes.NewReader(b))
			return
		}
	}
	h.Set("Content-Security-Policy", a.csp)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(a.index)
	}
}
