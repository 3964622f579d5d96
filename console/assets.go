package console

import (
	"embed"
	"net/http"
)

//go:embed assets/openapi.json assets/widget.js assets/index.html
var assets embed.FS

func serveAsset(w http.ResponseWriter, name, contentType string) {
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		writeError(w, http.StatusNotFound, "not_found", name+" not found")
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// openapi serves the OpenAPI 3 document of /api/v1 and /widget/v1.
func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, "openapi.json", "application/json")
}

// widgetScript serves the script a website embeds to show the site chat.
func (s *Server) widgetScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	serveAsset(w, "widget.js", "text/javascript; charset=utf-8")
}

// consoleApp serves the operators' web app.
func (s *Server) consoleApp(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path)
		return
	}
	if r.URL.Path != "/" && r.URL.Path != "/index.html" {
		writeError(w, http.StatusNotFound, "not_found", "no page at "+r.URL.Path)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:")
	serveAsset(w, "index.html", "text/html; charset=utf-8")
}
