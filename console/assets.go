package console

import (
	"embed"
	"net/http"
)

//go:embed assets/openapi.json assets/widget.js
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
