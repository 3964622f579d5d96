package console

import (
	"net/http"

	"github.com/switchboardhq/switchboard"
)

// retractMessage takes back a sent reply where the channel can (the
// connector is a Retracter): 200 with the message, retracted_at set; 409
// retract_unsupported naming the channel type, or not_sent while the
// provider has nothing to take back.
func (s *Server) retractMessage(w http.ResponseWriter, r *http.Request) {
	msg, conv, ok := s.messageInConversation(w, r)
	if !ok {
		return
	}
	msg, err := s.hub.Retract(r.Context(), conv, msg.ID)
	if err != nil {
		s.writeStoreError(w, r, err, "message")
		return
	}
	writeJSON(w, http.StatusOK, s.namedMessage(r.Context(), msg))
}

// deleteMessage removes a message's content from the hub (admins and
// supervisors only); a marker naming who deleted it stays in the history.
func (s *Server) deleteMessage(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	msg, conv, ok := s.messageInConversation(w, r)
	if !ok {
		return
	}
	if !p.Role.SeesAllDepartments() {
		writeError(w, http.StatusForbidden, "forbidden", "only admins and supervisors may delete messages")
		return
	}
	if msg.DeletedAt != nil {
		writeJSON(w, http.StatusOK, s.namedMessage(r.Context(), msg))
		return
	}
	msg, err := s.hub.DeleteMessage(r.Context(), conv, msg.ID, p.OperatorID)
	if err != nil {
		s.writeStoreError(w, r, err, "message")
		return
	}
	writeJSON(w, http.StatusOK, s.namedMessage(r.Context(), msg))
}

// hiddenFromVisitor reports whether the widget must not show a message:
// notes, activity entries, retracted and deleted messages.
func hiddenFromVisitor(m switchboard.Message) bool {
	return m.Direction == switchboard.DirectionNote || m.Direction == switchboard.DirectionActivity || m.RetractedAt != nil || m.DeletedAt != nil
}
