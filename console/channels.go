package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// channelView is a channel as the API shows it: its config without the
// secret keys, the webhook URL to paste at the provider, what it carries.
type channelView struct {
	ID           switchboard.ChannelID      `json:"id"`
	Type         string                     `json:"type"`
	Name         string                     `json:"name"`
	Paused       bool                       `json:"paused"`
	WebhookURL   string                     `json:"webhook_url"`
	Config       map[string]json.RawMessage `json:"config"`
	Running      bool                       `json:"running"`
	Capabilities *connectors.Capabilities   `json:"capabilities,omitempty"`
	// Status is the channel's health as its connector last reported it
	// (state ok when it never did).
	Status switchboard.ChannelStatus `json:"status"`
}

// viewChannel is ch's view with its status from statuses (by channel,
// as channelStatuses returns them).
func (s *Server) viewChannel(ctx context.Context, ch store.Channel, statuses map[switchboard.ChannelID]switchboard.ChannelStatus) channelView {
	v := channelView{
		ID: ch.ID, Type: ch.Type, Name: ch.Name, Paused: ch.Paused,
		WebhookURL: s.router.Channels.Deps(ch).WebhookURL, Config: s.router.Channels.PublicConfig(ch),
		Status: channelStatusView(ctx, ch, statuses),
	}
	if rc, ok := s.router.Channels.Get(ch.ID); ok {
		caps := rc.Connector.Capabilities()
		v.Capabilities, v.Running = &caps, true
	}
	return v
}

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	stored, err := s.store.ListChannels(r.Context(), p.WorkspaceID)
	if err != nil {
		s.writeStoreError(w, r, err, "channels")
		return
	}
	statuses := s.channelStatuses(r.Context(), p.WorkspaceID)
	out := make([]channelView, 0, len(stored))
	for _, ch := range stored {
		out = append(out, s.viewChannel(r.Context(), ch, statuses))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// channel loads a channel of the caller's workspace; otherwise it answers
// 404.
func (s *Server) channel(w http.ResponseWriter, r *http.Request) (store.Channel, bool) {
	p := principalFrom(r.Context())
	ch, err := s.store.GetChannel(r.Context(), switchboard.ChannelID(r.PathValue("id")))
	if err == nil && ch.WorkspaceID != p.WorkspaceID {
		err = store.ErrNotFound
	}
	if err != nil {
		s.writeStoreError(w, r, err, "channel")
		return ch, false
	}
	return ch, true
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) {
	if ch, ok := s.channel(w, r); ok {
		writeJSON(w, http.StatusOK, s.viewChannel(r.Context(), ch, s.channelStatuses(r.Context(), ch.WorkspaceID)))
	}
}

// adminOnly answers 403 unless the caller is an admin.
func adminOnly(w http.ResponseWriter, r *http.Request) bool {
	if principalFrom(r.Context()).Role != switchboard.RoleAdmin {
		writeError(w, http.StatusForbidden, "forbidden", "only admins manage channels")
		return false
	}
	return true
}

type createChannelRequest struct {
	ID     switchboard.ChannelID      `json:"id"`
	Type   string                     `json:"type"`
	Name   string                     `json:"name"`
	Paused bool                       `json:"paused"`
	Config map[string]json.RawMessage `json:"config"`
	// Check asks the provider whether the credentials work before storing.
	Check bool `json:"check"`
}

// createChannel adds a channel at run time: its config is validated by
// building the connector (and, with check, against the provider), secrets
// are sealed, and every instance runs it within seconds.
func (s *Server) createChannel(w http.ResponseWriter, r *http.Request) {
	if !adminOnly(w, r) {
		return
	}
	var req createChannelRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if !connectors.ValidChannelID(req.ID) {
		writeError(w, http.StatusBadRequest, "invalid_id", fmt.Sprintf("id: %q must be 1-63 lower-case letters, digits, - or _", req.ID))
		return
	}
	if _, ok := connectors.Lookup(req.Type); !ok {
		writeError(w, http.StatusBadRequest, "invalid_type", fmt.Sprintf("type: %q is not a channel type (known: %v)", req.Type, connectors.Types()))
		return
	}
	if _, err := s.store.GetChannel(r.Context(), req.ID); err == nil {
		writeError(w, http.StatusConflict, "conflict", "a channel with id "+string(req.ID)+" already exists")
		return
	}
	s.putChannel(w, r, store.Channel{ID: req.ID, WorkspaceID: principalFrom(r.Context()).WorkspaceID, Type: req.Type, Name: req.Name, Paused: req.Paused}, req.Config, req.Check, http.StatusCreated)
}

type patchChannelRequest struct {
	Name   *string `json:"name"`
	Paused *bool   `json:"paused"`
	// Config keys replace the stored ones; a key set to null is removed;
	// keys left out (secrets included) keep their value.
	Config map[string]json.RawMessage `json:"config"`
	Check  bool                       `json:"check"`
}

func (s *Server) patchChannel(w http.ResponseWriter, r *http.Request) {
	if !adminOnly(w, r) {
		return
	}
	var req patchChannelRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	ch, ok := s.channel(w, r)
	if !ok {
		return
	}
	cfg, err := s.router.Channels.Config(ch)
	if err != nil {
		s.writeStoreError(w, r, err, "channel")
		return
	}
	if missing := secretsForNewHost(ch.Type, cfg, req.Config); len(missing) > 0 {
		// A stored token must not be sent to a host the admin just named
		// without proving they hold it.
		writeError(w, http.StatusBadRequest, "secrets_required",
			"config.api_base_url: changing it needs the channel's secrets again: send "+strings.Join(missing, ", "))
		return
	}
	for k, v := range req.Config {
		if string(v) == "null" {
			delete(cfg, k)
		} else {
			cfg[k] = v
		}
	}
	if req.Name != nil {
		ch.Name = *req.Name
	}
	if req.Paused != nil {
		ch.Paused = *req.Paused
	}
	s.putChannel(w, r, ch, cfg, req.Check, http.StatusOK)
}

// putChannel validates, optionally checks with the provider, stores and
// starts a channel, then answers its view with status.
func (s *Server) putChannel(w http.ResponseWriter, r *http.Request, ch store.Channel, cfg map[string]json.RawMessage, check bool, status int) {
	if cfg == nil {
		cfg = map[string]json.RawMessage{}
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_config", "config: "+err.Error())
		return
	}
	ch.Config = raw
	if check {
		conn, err := s.router.Channels.Build(ch)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_config", err.Error())
			return
		}
		if checker, ok := conn.(connectors.CredentialChecker); ok {
			ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
			err := checker.CheckCredentials(ctx)
			cancel()
			if err != nil {
				writeError(w, http.StatusUnprocessableEntity, "credentials_refused", "the provider refused the credentials: "+err.Error())
				return
			}
		}
	}
	if _, err := s.router.Channels.Put(r.Context(), ch); err != nil {
		s.writeStoreError(w, r, err, "channel")
		return
	}
	if err := s.router.Channels.Sync(r.Context()); err != nil {
		s.log.WarnContext(r.Context(), "channel sync after change failed; the next sync picks it up", "err", err)
	}
	stored, err := s.store.GetChannel(r.Context(), ch.ID)
	if err != nil {
		s.writeStoreError(w, r, err, "channel")
		return
	}
	writeJSON(w, status, s.viewChannel(r.Context(), stored, s.channelStatuses(r.Context(), stored.WorkspaceID)))
}

// deleteChannel removes a channel: its webhooks stop being accepted; its
// conversations and messages stay.
func (s *Server) deleteChannel(w http.ResponseWriter, r *http.Request) {
	if !adminOnly(w, r) {
		return
	}
	ch, ok := s.channel(w, r)
	if !ok {
		return
	}
	if err := s.store.DeleteChannel(r.Context(), ch.WorkspaceID, ch.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.writeStoreError(w, r, err, "channel")
		return
	}
	if err := s.router.Channels.Sync(r.Context()); err != nil {
		s.log.WarnContext(r.Context(), "channel sync after delete failed; the next sync picks it up", "err", err)
	}
	w.WriteHeader(http.StatusNoContent)
}

// secretsForNewHost lists the secret keys of a channel of type channelType
// that a PATCH changing api_base_url (to another value) must send again:
// every secret the stored config holds that the patch does not set.
func secretsForNewHost(channelType string, stored, patch map[string]json.RawMessage) []string {
	next, ok := patch["api_base_url"]
	if !ok || jsonEqual(next, stored["api_base_url"]) {
		return nil
	}
	reg, ok := connectors.Lookup(channelType)
	if !ok {
		return nil
	}
	var missing []string
	for _, key := range reg.Secrets {
		if _, has := stored[key]; !has {
			continue
		}
		if v, sent := patch[key]; !sent || string(v) == "null" {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	return missing
}

// jsonEqual compares two JSON values by meaning (a missing value is null).
func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if len(a) == 0 {
		a = json.RawMessage("null")
	}
	if len(b) == 0 {
		b = json.RawMessage("null")
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
