package console

import (
	"embed"
	"net/http"

	"github.com/switchboardhq/switchboard/console/web"
)

//go:embed assets/openapi.json
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

// widgetNotBuilt stands in for the widget in a tree where `make build` has
// not run (plain `go test`): it says so in the browser's console.
const widgetNotBuilt = `console.error("Switchboard: the site chat widget is not built into this hub; run make build");` + "\n"

// widgetScript serves the site chat widget a website embeds
// (console/widget, built into console/web/dist/widget). Any site may load
// the script; the widget API checks the channel's allowed origins. It is
// cached briefly so a new release reaches visitors within minutes.
func (s *Server) widgetScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	b, built := web.Widget()
	if !built {
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write([]byte(widgetNotBuilt))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(b)
}
