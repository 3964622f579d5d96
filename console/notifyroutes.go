package console

import (
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Notifications (issue 14): an operator's preferences and Web Push
// subscriptions, the VAPID key browsers subscribe with, and the
// notification log for admins and supervisors.
func (s *Server) notifyRoutes(mux *routeMux) {
	mux.HandleFunc("GET /api/v1/me/notifications", s.authed(s.getNotifyPreferences))
	mux.HandleFunc("PUT /api/v1/me/notifications", s.authed(s.putNotifyPreferences))
	mux.HandleFunc("POST /api/v1/me/push-subscriptions", s.authed(s.addPushSubscription))
	mux.HandleFunc("DELETE /api/v1/me/push-subscriptions", s.authed(s.deletePushSubscription))
	mux.HandleFunc("GET /api/v1/push/vapid-key", s.authed(s.vapidKey))
	mux.HandleFunc("GET /api/v1/notifications/log", s.authed(s.notificationLog))
}

func (s *Server) getNotifyPreferences(w http.ResponseWriter, r *http.Request) {
	p, ok := s.meOperator(w, r)
	if !ok {
		return
	}
	prefs, err := s.store.GetNotifyPreferences(r.Context(), p.WorkspaceID, p.OperatorID)
	if err != nil {
		s.writeStoreError(w, r, err, "notification preferences")
		return
	}
	writeJSON(w, http.StatusOK, prefs)
}

// notifyEventsRequest is one method's choices; fields left out keep their
// value.
type notifyEventsRequest struct {
	NewConversation *bool `json:"new_conversation"`
	NewMessage      *bool `json:"new_message"`
	Transfer        *bool `json:"transfer"`
	Waiting         *bool `json:"waiting"`
}

func (q *notifyEventsRequest) apply(e *switchboard.NotifyEvents) {
	if q == nil {
		return
	}
	for _, f := range []struct {
		dst *bool
		v   *bool
	}{{&e.NewConversation, q.NewConversation}, {&e.NewMessage, q.NewMessage}, {&e.Transfer, q.Transfer}, {&e.Waiting, q.Waiting}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
}

// putNotifyPreferences changes the caller's preferences: {"email": {...},
// "push": {...}}; what is left out keeps its value.
func (s *Server) putNotifyPreferences(w http.ResponseWriter, r *http.Request) {
	p, ok := s.meOperator(w, r)
	if !ok {
		return
	}
	var req struct {
		Email *notifyEventsRequest `json:"email"`
		Push  *notifyEventsRequest `json:"push"`
		SMS   *notifyEventsRequest `json:"sms"`
		Phone *string              `json:"phone"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if req.Phone != nil {
		*req.Phone = strings.TrimSpace(*req.Phone)
		if *req.Phone != "" && !phonePattern.MatchString(*req.Phone) {
			writeError(w, http.StatusBadRequest, "invalid_phone", fmt.Sprintf("phone: %q is not a phone number like +81 90 1234 5678", *req.Phone))
			return
		}
	}
	prefs, err := s.store.GetNotifyPreferences(r.Context(), p.WorkspaceID, p.OperatorID)
	if err != nil {
		s.writeStoreError(w, r, err, "notification preferences")
		return
	}
	req.Email.apply(&prefs.Email)
	req.Push.apply(&prefs.Push)
	req.SMS.apply(&prefs.SMS)
	if req.Phone != nil {
		prefs.Phone = *req.Phone
	}
	if err := s.store.PutNotifyPreferences(r.Context(), p.WorkspaceID, p.OperatorID, prefs); err != nil {
		s.writeStoreError(w, r, err, "notification preferences")
		return
	}
	writeJSON(w, http.StatusOK, prefs)
}

// pushSubscriptionRequest is the JSON of a browser's PushSubscription.
type pushSubscriptionRequest struct {
	Endpoint       string   `json:"endpoint"`
	ExpirationTime *float64 `json:"expirationTime"`
	Keys           struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// maxEndpointLen bounds a push endpoint (browsers' are a few hundred
// bytes).
const maxEndpointLen = 2048

// checkEndpoint validates a push endpoint: an absolute https URL of a
// host on the internet (the hub posts to it: never to itself or the
// private network it sits in).
func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.User != nil || len(endpoint) > maxEndpointLen {
		return fmt.Errorf("endpoint: %q is not an https URL of a push service (at most %d bytes)", endpoint, maxEndpointLen)
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || !strings.ContainsAny(host, ".:") {
		return fmt.Errorf("endpoint: %q is not a push service on the internet", endpoint)
	}
	if ip, err := netip.ParseAddr(host); err == nil && (!ip.IsGlobalUnicast() || ip.IsPrivate()) {
		return fmt.Errorf("endpoint: %q is not a push service on the internet", endpoint)
	}
	return nil
}

// decodeKey reads a base64url key (padding optional).
func decodeKey(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// check validates the subscription; the error names the bad field.
func (q pushSubscriptionRequest) check() error {
	if err := checkEndpoint(q.Endpoint); err != nil {
		return err
	}
	key, err := decodeKey(q.Keys.P256dh)
	if err != nil {
		return errors.New("keys.p256dh: not base64url")
	}
	if _, err := ecdh.P256().NewPublicKey(key); err != nil {
		return errors.New("keys.p256dh: not an uncompressed P-256 public key (65 bytes)")
	}
	auth, err := decodeKey(q.Keys.Auth)
	if err != nil || len(auth) != 16 {
		return errors.New("keys.auth: not a base64url secret of 16 bytes")
	}
	return nil
}

// addPushSubscription stores the caller's browser subscription (from
// PushManager.subscribe with the VAPID key); 201 with the endpoint.
func (s *Server) addPushSubscription(w http.ResponseWriter, r *http.Request) {
	p, ok := s.meOperator(w, r)
	if !ok {
		return
	}
	var req pushSubscriptionRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if err := req.check(); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_subscription", err.Error())
		return
	}
	sub := store.PushSubscription{WorkspaceID: p.WorkspaceID, OperatorID: p.OperatorID, Endpoint: req.Endpoint,
		P256dh: req.Keys.P256dh, Auth: req.Keys.Auth, CreatedAt: s.now().UTC()}
	if err := s.store.PutPushSubscription(r.Context(), sub); err != nil {
		s.writeStoreError(w, r, err, "operator")
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"endpoint": sub.Endpoint, "created_at": sub.CreatedAt})
}

// deletePushSubscription removes one of the caller's subscriptions:
// {"endpoint"}; 204.
func (s *Server) deletePushSubscription(w http.ResponseWriter, r *http.Request) {
	p, ok := s.meOperator(w, r)
	if !ok {
		return
	}
	var req struct {
		Endpoint string `json:"endpoint"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if req.Endpoint == "" {
		writeError(w, http.StatusBadRequest, "invalid_endpoint", "endpoint: required")
		return
	}
	if err := s.store.DeletePushSubscription(r.Context(), p.WorkspaceID, p.OperatorID, req.Endpoint); err != nil {
		s.writeStoreError(w, r, err, "push subscription")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// vapidKey answers the install's VAPID public key, the
// applicationServerKey of PushManager.subscribe.
func (s *Server) vapidKey(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Notifier == nil {
		writeError(w, http.StatusNotFound, "push_off", "Web Push is not available on this hub")
		return
	}
	key, err := s.cfg.Notifier.VAPIDPublicKey(r.Context())
	if err != nil {
		s.writeStoreError(w, r, err, "VAPID key")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"public_key": key})
}

// notificationView is a row of the notification log as the API shows it.
type notificationView struct {
	ID             int64                      `json:"id"`
	Event          switchboard.NotifyKind     `json:"event"`
	Key            string                     `json:"key"`
	Method         switchboard.NotifyMethod   `json:"method"`
	Recipient      string                     `json:"recipient"`
	RecipientID    switchboard.OperatorID     `json:"recipient_id"`
	ConversationID switchboard.ConversationID `json:"conversation_id,omitempty"`
	Subject        string                     `json:"subject"`
	Status         store.NotificationStatus   `json:"status"`
	Attempts       int                        `json:"attempts"`
	Error          string                     `json:"error"`
	NextAttemptAt  *time.Time                 `json:"next_attempt_at,omitempty"`
	CreatedAt      time.Time                  `json:"created_at"`
	SentAt         *time.Time                 `json:"sent_at"`
}

// notificationLog pages the workspace's notification log, newest first
// (admins and supervisors): what was sent to whom, what failed and why;
// ?status= selects one status.
func (s *Server) notificationLog(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	if !p.Role.SeesAllDepartments() {
		writeError(w, http.StatusForbidden, "forbidden", "only admins and supervisors see the notification log")
		return
	}
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	status := store.NotificationStatus(r.URL.Query().Get("status"))
	switch status {
	case "", store.NotificationPending, store.NotificationSent, store.NotificationFailed, store.NotificationSkipped:
	default:
		writeError(w, http.StatusBadRequest, "invalid_status", fmt.Sprintf("status: %q is not one of pending, sent, failed, skipped", status))
		return
	}
	page, err := s.store.ListNotifications(r.Context(), p.WorkspaceID, store.NotificationQuery{Status: status, Limit: limit, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		s.writeStoreError(w, r, err, "notification log")
		return
	}
	items := make([]notificationView, len(page.Items))
	for i, n := range page.Items {
		recipient := n.Address // e-mail; push goes to the operator's browsers
		if recipient == "" {
			recipient = s.operatorName(r.Context(), p.WorkspaceID, n.RecipientID)
		}
		items[i] = notificationView{ID: n.ID, Event: n.Kind, Key: n.Key, Method: n.Method, Recipient: recipient, RecipientID: n.RecipientID,
			ConversationID: n.ConversationID, Subject: n.Subject, Status: n.Status, Attempts: n.Attempts, Error: n.Error,
			NextAttemptAt: n.NextAttemptAt, CreatedAt: n.CreatedAt, SentAt: n.SentAt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": page.Next})
}
