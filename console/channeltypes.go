package console

import (
	"net/http"

	"github.com/switchboardhq/switchboard/connectors"
)

// channelTypeView is a registered channel type with the description of its
// config, from which the console builds its "add channel" form.
type channelTypeView struct {
	Type   string                   `json:"type"`
	Name   string                   `json:"name"`
	Fields []connectors.ConfigField `json:"fields"`
}

// listChannelTypes answers GET /api/v1/channel-types (admins: only they
// add channels).
func (s *Server) listChannelTypes(w http.ResponseWriter, r *http.Request) {
	if !requireAdmin(w, r, "channels") {
		return
	}
	types := connectors.Types()
	out := make([]channelTypeView, 0, len(types))
	for _, t := range types {
		reg, _ := connectors.Lookup(t)
		v := channelTypeView{Type: t, Name: reg.Name, Fields: connectors.DescribeConfig(reg)}
		if v.Name == "" {
			v.Name = t
		}
		if v.Fields == nil {
			v.Fields = []connectors.ConfigField{}
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}
