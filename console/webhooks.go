package console

import (
	"net/http"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// webhook hands a provider's call to its channel's connector, which
// verifies it before anything is stored. Bodies are capped at MaxBodyBytes.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	id := switchboard.ChannelID(r.PathValue("channel"))
	ch, ok := s.router.Channels.Get(id)
	if !ok {
		writeError(w, http.StatusNotFound, "unknown_channel", "no channel with id "+string(id))
		return
	}
	recv, ok := ch.Connector.(connectors.WebhookReceiver)
	if !ok {
		writeError(w, http.StatusNotFound, "no_webhook", "channel "+string(id)+" ("+ch.Type+") takes no webhooks")
		return
	}
	if ch.Paused {
		// The provider retries later; nothing is lost while paused.
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusServiceUnavailable, "channel_paused", "channel "+string(id)+" is paused")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	recv.HandleWebhook(w, r)
}
