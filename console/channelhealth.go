package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// Channels' health, provider templates and linking a device (issue 16).

// channelHealthRoutes mounts the channel sub-resources of issue 16.
func (s *Server) channelHealthRoutes(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/channels/{id}/templates", s.authed(s.listProviderTemplates))
	mux.HandleFunc("POST /api/v1/channels/{id}/templates/sync", s.authed(s.syncProviderTemplates))
	mux.HandleFunc("GET /api/v1/channels/{id}/link.png", s.authed(s.linkQR))
	mux.HandleFunc("POST /api/v1/channels/{id}/link", s.authed(s.linkPhone))
}

// channelStatuses returns the workspace's stored channel statuses by
// channel; when they cannot be read it logs and returns none (channels
// then show ok rather than the list failing).
func (s *Server) channelStatuses(ctx context.Context, ws switchboard.WorkspaceID) map[switchboard.ChannelID]switchboard.ChannelStatus {
	sts, err := s.store.ListChannelStatuses(ctx, ws)
	if err != nil {
		s.log.WarnContext(ctx, "channel statuses not read", "err", err)
	}
	out := make(map[switchboard.ChannelID]switchboard.ChannelStatus, len(sts))
	for _, st := range sts {
		out[st.ChannelID] = st
	}
	return out
}

// channelStatusView is ch's status for the caller: ok (since the
// channel's creation) when none was stored; the pairing codes only for
// admins (whoever holds them can link a phone to the channel).
func channelStatusView(ctx context.Context, ch store.Channel, statuses map[switchboard.ChannelID]switchboard.ChannelStatus) switchboard.ChannelStatus {
	st, ok := statuses[ch.ID]
	if !ok {
		st = switchboard.ChannelStatus{ChannelID: ch.ID, State: switchboard.ChannelOK, Since: ch.CreatedAt}
	}
	if principalFrom(ctx).Role != switchboard.RoleAdmin {
		st.QR, st.PairCode = "", ""
	}
	return st
}

// templatesAnswer is the body of both template routes.
type templatesAnswer struct {
	Items    []switchboard.ProviderTemplate `json:"items"`
	SyncedAt *time.Time                     `json:"synced_at"`
}

func newTemplatesAnswer(items []switchboard.ProviderTemplate, at time.Time) templatesAnswer {
	a := templatesAnswer{Items: items}
	if a.Items == nil {
		a.Items = []switchboard.ProviderTemplate{}
	}
	if !at.IsZero() {
		a.SyncedAt = &at
	}
	return a
}

// listProviderTemplates answers a channel's templates as last synced
// (every operator of the workspace: the composer offers them).
func (s *Server) listProviderTemplates(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.channel(w, r)
	if !ok {
		return
	}
	items, at, err := s.store.ListProviderTemplates(r.Context(), ch.WorkspaceID, ch.ID)
	if err != nil {
		s.writeStoreError(w, r, err, "templates")
		return
	}
	writeJSON(w, http.StatusOK, newTemplatesAnswer(items, at))
}

// syncProviderTemplates lists the channel's templates at the provider
// now (admins).
func (s *Server) syncProviderTemplates(w http.ResponseWriter, r *http.Request) {
	if !adminOnly(w, r) {
		return
	}
	ch, ok := s.channel(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	items, at, err := s.hub.SyncTemplates(ctx, ch.WorkspaceID, ch.ID)
	if err != nil {
		s.writeStoreError(w, r, err, "channel")
		return
	}
	writeJSON(w, http.StatusOK, newTemplatesAnswer(items, at))
}

// linkQR answers the QR code a linked-device channel waits to have
// scanned, as a PNG (admins).
func (s *Server) linkQR(w http.ResponseWriter, r *http.Request) {
	if !adminOnly(w, r) {
		return
	}
	ch, ok := s.channel(w, r)
	if !ok {
		return
	}
	st := s.channelStatuses(r.Context(), ch.WorkspaceID)[ch.ID]
	if st.State != switchboard.ChannelUnpaired || st.QR == "" {
		writeError(w, http.StatusNotFound, "not_pairing", "channel "+string(ch.ID)+" is not waiting to be paired: there is no QR code")
		return
	}
	png, err := qrcode.Encode(st.QR, qrcode.Medium, 320)
	if err != nil {
		s.writeStoreError(w, r, fmt.Errorf("qr code: %w", err), "channel")
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store") // short-lived, and a secret
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(png)
}

type linkRequest struct {
	Phone string `json:"phone"`
}

// linkPhone asks a linked-device channel for a pairing code to type on
// the phone with the number given (admins).
func (s *Server) linkPhone(w http.ResponseWriter, r *http.Request) {
	if !adminOnly(w, r) {
		return
	}
	var req linkRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	phone, ok := normalPhone(req.Phone)
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid_phone", fmt.Sprintf("phone: %q is not a phone number in international format (+ and 7 to 15 digits, like +819012345678)", req.Phone))
		return
	}
	ch, ok := s.channel(w, r)
	if !ok {
		return
	}
	rc, running := s.router.Channels.Get(ch.ID)
	if !running || rc.Paused {
		writeError(w, http.StatusConflict, "not_here", "channel "+string(ch.ID)+" does not run on this instance")
		return
	}
	pairer, ok := rc.Connector.(connectors.PhonePairer)
	if !ok {
		writeError(w, http.StatusConflict, "not_supported", "channel "+string(ch.ID)+" ("+ch.Type+") does not pair by phone number")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	code, err := pairer.PairPhone(ctx, phone)
	switch {
	case errors.Is(err, connectors.ErrNotFound):
		writeError(w, http.StatusConflict, "not_here", "channel "+string(ch.ID)+"'s device runs on another instance: "+err.Error())
	case err != nil:
		s.writeStoreError(w, r, fmt.Errorf("%w: %w", router.ErrProvider, err), "channel")
	default:
		writeJSON(w, http.StatusOK, map[string]string{"pair_code": code})
	}
}

// normalPhone returns a phone number as + and digits, without the spaces,
// dashes, dots and parentheses people write in it.
func normalPhone(s string) (string, bool) {
	var b strings.Builder
	for i, c := range strings.TrimSpace(s) {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == '+' && i == 0:
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	if len(d) < 7 || len(d) > 15 || d[0] == '0' {
		return "", false
	}
	return "+" + d, true
}
