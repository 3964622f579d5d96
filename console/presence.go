package console

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard"
)

// Presence.
//
// Operator presence is what the operator chose (online, away, offline),
// stored per operator (store.SetOperatorPresence) so every instance
// answers GET /api/v1/me and the operator list alike; a change is
// broadcast as an ephemeral operator.presence frame to every operator of
// the workspace on every instance. Logging out sets it to offline.
//
// Contact presence is whether a site-chat visitor has a widget stream open
// on any instance: each open stream holds a lease in the store
// (TouchPresenceLease, subject "conv:<conversation id>", holder one id
// per stream), renewed every third of Config.PresenceLease and dropped
// when the stream ends; a conversation's contact_online is whether any
// lease is live. The change is broadcast as contact.presence (online when
// a stream opens; offline when the last one closes). A lease of an
// instance that died ends by itself after PresenceLease, without a frame:
// clients see it on their next read.

type presenceRequest struct {
	Presence switchboard.Presence `json:"presence"`
}

func (s *Server) putPresence(w http.ResponseWriter, r *http.Request) {
	var req presenceRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if !req.Presence.Valid() {
		writeError(w, http.StatusBadRequest, "invalid_presence", fmt.Sprintf("presence: %q is not one of online, away, offline", req.Presence))
		return
	}
	p := principalFrom(r.Context())
	if p.OperatorID == "" {
		writeError(w, http.StatusBadRequest, "invalid_presence", "presence: only operators have a presence, not API tokens")
		return
	}
	if err := s.store.SetOperatorPresence(r.Context(), p.WorkspaceID, p.OperatorID, req.Presence, s.now()); err != nil {
		s.writeStoreError(w, r, err, "operator")
		return
	}
	s.announcePresence(r.Context(), p, req.Presence)
	if req.Presence == switchboard.PresenceOnline {
		// An operator coming online takes what waits in their queues.
		if err := s.hub.OperatorFreed(r.Context(), p.WorkspaceID, p.OperatorID); err != nil {
			s.log.WarnContext(r.Context(), "queue not pulled for an operator coming online", "operator", p.OperatorID, "err", err)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"operator_id": p.OperatorID, "presence": req.Presence})
}

// setPresence records and announces an operator's presence, logging
// (not answering) a failure: used on logout.
func (s *Server) setPresence(ctx context.Context, p principal, presence switchboard.Presence) {
	if p.OperatorID == "" {
		return
	}
	if err := s.store.SetOperatorPresence(ctx, p.WorkspaceID, p.OperatorID, presence, s.now()); err != nil {
		s.log.WarnContext(ctx, "presence not recorded", "operator", p.OperatorID, "err", err)
		return
	}
	s.announcePresence(ctx, p, presence)
}

func (s *Server) announcePresence(ctx context.Context, p principal, presence switchboard.Presence) {
	if err := s.router.PublishEphemeral(switchboard.Event{
		Type: switchboard.EventOperatorPresence, WorkspaceID: p.WorkspaceID, OperatorID: p.OperatorID,
		Name: p.Name, Presence: presence, At: s.now(),
	}); err != nil {
		s.log.WarnContext(ctx, "presence not broadcast", "operator", p.OperatorID, "err", err)
	}
}

// presenceOf is an operator's recorded presence (offline when none).
func (s *Server) presenceOf(ctx context.Context, ws switchboard.WorkspaceID, op switchboard.OperatorID) switchboard.Presence {
	all, err := s.store.OperatorPresence(ctx, ws)
	if err != nil {
		s.log.WarnContext(ctx, "presence not read", "err", err)
	}
	if p, ok := all[op]; ok {
		return p
	}
	return switchboard.PresenceOffline
}

// contactPresence holds a site-chat visitor's presence lease for one
// widget stream: start it once the visitor's conversation is known,
// stop it when the stream ends.
type contactPresence struct {
	s       *Server
	holder  string
	conv    switchboard.Conversation
	started bool
}

func (s *Server) newContactPresence() *contactPresence {
	return &contactPresence{s: s, holder: s.instance + ":" + switchboard.NewID("ws")}
}

// start takes the lease and announces the contact online; renew extends
// it. They run on the stream's own goroutine.
func (c *contactPresence) start(ctx context.Context, conv switchboard.Conversation) {
	if c.started {
		return
	}
	c.conv, c.started = conv, true
	c.renew(ctx)
	c.announce(ctx, true)
}

func (c *contactPresence) renew(ctx context.Context) {
	if !c.started {
		return
	}
	if err := c.s.store.TouchPresenceLease(ctx, contactSubject(c.conv.ID), c.holder, c.s.now().Add(c.s.cfg.PresenceLease)); err != nil {
		c.s.log.WarnContext(ctx, "contact presence lease not renewed", "conversation", c.conv.ID, "err", err)
	}
}

// stop drops the lease and, when no other stream of the visitor holds
// one, announces the contact offline. ctx may be done (the stream ended):
// it uses its own short deadline.
func (c *contactPresence) stop() {
	if !c.started {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	subject := contactSubject(c.conv.ID)
	if err := c.s.store.DropPresenceLease(ctx, subject, c.holder); err != nil {
		c.s.log.WarnContext(ctx, "contact presence lease not dropped", "conversation", c.conv.ID, "err", err)
	}
	online, err := c.s.store.PresentSubjects(ctx, []string{subject}, c.s.now())
	if err == nil && !online[subject] {
		c.announce(ctx, false)
	}
}

func (c *contactPresence) announce(ctx context.Context, online bool) {
	if err := c.s.router.PublishEphemeral(switchboard.Event{
		Type: switchboard.EventContactPresence, WorkspaceID: c.conv.WorkspaceID, ConversationID: c.conv.ID,
		DepartmentID: c.conv.DepartmentID, ContactID: c.conv.ContactID, Online: online, At: c.s.now(),
	}); err != nil {
		c.s.log.WarnContext(ctx, "contact presence not broadcast", "conversation", c.conv.ID, "err", err)
	}
}
