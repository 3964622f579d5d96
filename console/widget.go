package console

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/store"
)

// widgetMessage is a message as a visitor sees it: never notes, never
// internal fields.
type widgetMessage struct {
	ID        switchboard.MessageID      `json:"id"`
	Direction switchboard.Direction      `json:"direction"`
	Text      string                     `json:"text"`
	Parts     []switchboard.Part         `json:"parts"`
	Status    switchboard.DeliveryStatus `json:"status"`
	CreatedAt time.Time                  `json:"created_at"`
	// RetractedAt is set (and text and parts empty) in the frame that
	// tells the widget to drop a message taken back or deleted.
	RetractedAt *time.Time `json:"retracted_at,omitempty"`
	// Author names the operator who wrote an outgoing message.
	Author *widgetAuthor `json:"author,omitempty"`
}

// viewWidgetMessage is what a visitor may see of m: never notes nor
// activity entries, and of a retracted or deleted message only that it is
// gone (ok false for history).
func viewWidgetMessage(m switchboard.Message) (widgetMessage, bool) {
	if m.Direction == switchboard.DirectionNote || m.Direction == switchboard.DirectionActivity {
		return widgetMessage{}, false
	}
	if hiddenFromVisitor(m) {
		gone := m.RetractedAt
		if gone == nil {
			gone = m.DeletedAt
		}
		return widgetMessage{ID: m.ID, Direction: m.Direction, Parts: []switchboard.Part{}, Status: m.Status, CreatedAt: m.CreatedAt, RetractedAt: gone}, false
	}
	return widgetMessage{ID: m.ID, Direction: m.Direction, Text: m.Text(), Parts: m.Parts, Status: m.Status, CreatedAt: m.CreatedAt}, true
}

// webchatChannel finds a site-chat channel by id; it writes the error
// answer itself.
func (s *Server) webchatChannel(w http.ResponseWriter, id switchboard.ChannelID) (*webchat.Connector, bool) {
	if id == "" {
		writeError(w, http.StatusBadRequest, "invalid_channel", "channel: missing")
		return nil, false
	}
	ch, ok := s.router.Channels.Get(id)
	if !ok {
		writeError(w, http.StatusNotFound, "unknown_channel", "no channel with id "+string(id))
		return nil, false
	}
	wc, ok := ch.Connector.(*webchat.Connector)
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid_channel", "channel "+string(id)+" is not a site chat channel")
		return nil, false
	}
	if ch.Paused {
		writeError(w, http.StatusServiceUnavailable, "channel_paused", "this chat is paused")
		return nil, false
	}
	return wc, true
}

// widgetCORS lets the widget on a business's site call the hub: the
// origin is echoed when the channel allows it (checked again per request
// once the channel is known).
func (s *Server) widgetCORS(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodOptions && throttled(w, s.widgetIP, s.clientIP(r), "requests from this address") {
			return
		}
		// An Origin is echoed only when a site chat channel may be embedded
		// there; originOK takes the headers back when the request's own
		// channel refuses it, so a refused origin is never echoed.
		if origin := r.Header.Get("Origin"); origin != "" && s.someWidgetAllows(origin) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Vary", "Origin")
			w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			w.Header().Set("Access-Control-Max-Age", "600")
		}
		next(w, r)
	}
}

// someWidgetAllows reports whether any running site chat channel may be
// embedded on origin (the preflight names no channel).
func (s *Server) someWidgetAllows(origin string) bool {
	for _, ch := range s.router.Channels.All() {
		if wc, ok := ch.Connector.(*webchat.Connector); ok && wc.OriginAllowed(origin) {
			return true
		}
	}
	return false
}

func originOK(w http.ResponseWriter, r *http.Request, wc *webchat.Connector) bool {
	if origin := r.Header.Get("Origin"); origin != "" && !wc.OriginAllowed(origin) {
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Max-Age"} {
			w.Header().Del(h)
		}
		writeError(w, http.StatusForbidden, "origin_not_allowed", "this site may not embed the chat: "+origin)
		return false
	}
	return true
}

type widgetSessionRequest struct {
	Channel switchboard.ChannelID `json:"channel"`
	Name    string                `json:"name"`
	Email   string                `json:"email"`
}

func (s *Server) widgetSession(w http.ResponseWriter, r *http.Request) {
	var req widgetSessionRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	wc, ok := s.webchatChannel(w, req.Channel)
	if !ok || !originOK(w, r, wc) {
		return
	}
	token, visitor := wc.IssueSession()
	out := s.widgetConfig(req.Channel, wc)
	out["availability"] = s.availability(r.Context(), req.Channel, widgetLanguage(r, wc))
	out["token"], out["visitor_id"] = token, visitor
	writeJSON(w, http.StatusCreated, out)
}

// visitor authenticates a widget call by its Bearer token (or, for the
// WebSocket, the token query parameter browsers can send).
func (s *Server) visitor(w http.ResponseWriter, r *http.Request) (*webchat.Connector, switchboard.ChannelID, switchboard.ExternalID, bool) {
	token := ""
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			writeError(w, http.StatusUnauthorized, "unauthorized", "Authorization must be 'Bearer <visitor token>'")
			return nil, "", "", false
		}
		token = strings.TrimSpace(rest)
	} else {
		token = r.URL.Query().Get("token")
	}
	if token == "" {
		writeError(w, http.StatusUnauthorized, "unauthorized", "missing visitor token: start a session with POST /widget/v1/sessions")
		return nil, "", "", false
	}
	channel := switchboard.ChannelID(r.URL.Query().Get("channel"))
	if channel == "" {
		channel = tokenChannel(token)
	}
	if channel == "" {
		// Not a token this hub made: 401 like any other bad credential.
		writeError(w, http.StatusUnauthorized, "unauthorized", "malformed visitor token: start a session with POST /widget/v1/sessions")
		return nil, "", "", false
	}
	wc, ok := s.webchatChannel(w, channel)
	if !ok {
		return nil, "", "", false
	}
	visitor, err := wc.Visitor(token)
	if err != nil {
		writeError(w, http.StatusUnauthorized, "unauthorized", err.Error())
		return nil, "", "", false
	}
	return wc, channel, visitor, originOK(w, r, wc)
}

// tokenChannel reads the (unverified) channel a token names, to find the
// connector that verifies it.
func tokenChannel(token string) switchboard.ChannelID {
	payload, _, _ := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return ""
	}
	var cl struct {
		C switchboard.ChannelID `json:"c"`
	}
	if json.Unmarshal(raw, &cl) != nil {
		return ""
	}
	return cl.C
}

type widgetPostRequest struct {
	Text     string `json:"text"`
	ClientID string `json:"client_id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	// Parts carries a form_response part (a visitor's answer to a form)
	// instead of text, or image and file parts naming media the visitor
	// uploaded (POST /widget/v1/uploads), with Text as their caption.
	Parts []switchboard.Part `json:"parts"`
}

// visitorMessage authenticates and throttles a visitor's message and
// reads its body; false: the answer is written.
func (s *Server) visitorMessage(w http.ResponseWriter, r *http.Request) (*webchat.Connector, switchboard.ExternalID, widgetPostRequest, bool) {
	var req widgetPostRequest
	wc, _, visitor, ok := s.visitor(w, r)
	if !ok || throttled(w, s.widgetVisitor, string(visitor), "messages") || !s.decodeJSON(w, r, &req) {
		return nil, "", req, false
	}
	return wc, visitor, req, true
}

func (s *Server) widgetPost(w http.ResponseWriter, r *http.Request) {
	wc, visitor, req, ok := s.visitorMessage(w, r)
	if !ok {
		return
	}
	if len(req.Parts) > 0 && req.Parts[0].Kind == switchboard.PartFormResponse {
		s.widgetFormResponse(w, r, wc, visitor, req)
		return
	}
	msg, status, errAnswer := s.acceptVisitorText(r.Context(), wc, visitor, req)
	if errAnswer != nil {
		writeJSON(w, status, errAnswer)
		return
	}
	writeJSON(w, status, msg)
}

// acceptVisitorText stores what a visitor wrote and answers after commit.
// It returns the answer body and status, or an apiError body on failure.
func (s *Server) acceptVisitorText(ctx context.Context, wc *webchat.Connector, visitor switchboard.ExternalID, req widgetPostRequest) (any, int, *apiError) {
	fail := func(status int, code, msg string) (any, int, *apiError) {
		var e apiError
		e.Error.Code, e.Error.Message = code, msg
		return nil, status, &e
	}
	profile := switchboard.Profile{Name: req.Name, Email: req.Email}
	var in switchboard.Inbound
	var err error
	if len(req.Parts) == 0 {
		if in, err = wc.VisitorMessage(visitor, req.Text, req.ClientID, profile); err != nil {
			return fail(http.StatusBadRequest, "invalid_text", err.Error())
		}
	} else {
		ch, found := s.router.Channels.Get(wc.ChannelID())
		if !found {
			return fail(http.StatusNotFound, "unknown_channel", "no channel with id "+string(wc.ChannelID()))
		}
		parts, err := s.visitorAttachments(ctx, ch.WorkspaceID, wc.ChannelID(), visitor, req.Parts)
		if err != nil {
			return fail(http.StatusBadRequest, "invalid_parts", err.Error())
		}
		if strings.TrimSpace(req.Text) != "" {
			parts = append(switchboard.TextParts(req.Text), parts...)
		}
		if in, err = wc.VisitorParts(visitor, parts, req.ClientID, profile); err != nil {
			return fail(http.StatusBadRequest, "invalid_parts", err.Error())
		}
	}
	results, err := s.hub.AcceptResults(ctx, []switchboard.Inbound{in})
	if err != nil {
		return fail(s.errorAnswer(ctx, err, "message"))
	}
	res := results[0]
	// What the visitor sent is no longer a draft.
	if res.Conversation != nil && !res.NewConversation {
		s.drafts.clear(visitor)
		s.publishTyping(ctx, *res.Conversation, "")
	}
	return map[string]any{"id": res.MessageID, "conversation_id": res.ConversationID, "direction": switchboard.DirectionIn,
		"text": req.Text, "parts": s.visitorParts(in.Parts), "duplicate": res.Duplicate}, http.StatusCreated, nil
}

func (s *Server) widgetHistory(w http.ResponseWriter, r *http.Request) {
	_, channel, visitor, ok := s.visitor(w, r)
	if !ok {
		return
	}
	conv, err := s.store.FindConversation(r.Context(), channel, visitor)
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusOK, map[string]any{"items": []widgetMessage{}, "next": ""})
		return
	}
	if err != nil {
		s.writeStoreError(w, r, err, "conversation")
		return
	}
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	page, err := s.store.ListMessages(r.Context(), conv.WorkspaceID, conv.ID, store.MessageQuery{Limit: limit, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		s.writeStoreError(w, r, err, "messages")
		return
	}
	items := make([]widgetMessage, 0, len(page.Items))
	for _, m := range page.Items {
		if v, ok := s.widgetView(r.Context(), m); ok {
			items = append(items, v)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next": page.Next, "conversation_id": conv.ID, "read_at": conv.LastReadAt})
}

// widgetStream is the visitor's WebSocket: it pushes the visitor's and the
// operators' messages (never notes) of the visitor's conversation, and
// accepts {"type":"message","text":"..."} frames from the visitor.
func (s *Server) widgetStream(w http.ResponseWriter, r *http.Request) {
	if throttled(w, s.widgetIP, s.clientIP(r), "requests from this address") {
		return
	}
	wc, channel, visitor, ok := s.visitor(w, r)
	if !ok {
		return
	}
	var mu sync.Mutex
	var convID switchboard.ConversationID
	if conv, err := s.store.FindConversation(r.Context(), channel, visitor); err == nil {
		convID = conv.ID
	}
	// mine reports whether an event belongs to this visitor's conversation.
	// Until the visitor has one, the event's contact identities tell.
	mine := func(ev switchboard.Event) bool {
		if ev.Conversation == nil || ev.Conversation.ChannelID != channel {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		if convID == "" && ev.Conversation.Contact != nil {
			for _, id := range ev.Conversation.Contact.Identities {
				if id.ChannelID == channel && id.ExternalID == visitor {
					convID = ev.Conversation.ID
				}
			}
		}
		return convID != "" && ev.ConversationID == convID
	}
	presence := s.newContactPresence()
	wake := make(chan struct{}, 1)
	var known *switchboard.Conversation
	if conv, err := s.store.FindConversation(r.Context(), channel, visitor); err == nil {
		known = &conv
		wake <- struct{}{}
	}
	// The first event of a visitor without a conversation yet names it:
	// the stream's goroutine then takes the presence lease.
	learn := func(ev switchboard.Event) {
		mu.Lock()
		defer mu.Unlock()
		if known == nil && ev.Conversation != nil && ev.ConversationID == convID {
			c := *ev.Conversation
			known = &c
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}
	// The visitor's place in the queue: recomputed off the fan-out
	// goroutine whenever the workspace's queues or the conversation change.
	queueWake, queuePush := make(chan struct{}, 1), make(chan any, 1)
	wakeQueue := func() {
		select {
		case queueWake <- struct{}{}:
		default:
		}
	}
	var workspace switchboard.WorkspaceID
	if ch, found := s.router.Channels.Get(channel); found {
		workspace = ch.WorkspaceID
		qctx, qcancel := context.WithCancel(r.Context())
		defer qcancel()
		go s.visitorQueue(qctx, ch.WorkspaceID, func() switchboard.ConversationID {
			mu.Lock()
			defer mu.Unlock()
			return convID
		}, queueWake, queuePush)
		if convID != "" {
			wakeQueue()
		}
	}
	s.stream(w, r, streamSpec{crossOrigin: true, push: queuePush, keep: func(ev switchboard.Event) (any, bool) {
		if (ev.Type == switchboard.EventQueueUpdated || ev.Type == switchboard.EventOperatorPresence) && ev.WorkspaceID == workspace {
			wakeQueue()
			return nil, false
		}
		if !mine(ev) {
			return nil, false
		}
		if ev.Type == switchboard.EventConversationUpdated || ev.Type == switchboard.EventMessageCreated {
			wakeQueue()
		}
		switch {
		case ev.Type == switchboard.EventOperatorTyping:
			return map[string]any{"type": "typing", "typing": ev.Typing, "name": ev.Name}, true
		case ev.Type == switchboard.EventConversationUpdated && ev.Message == nil:
			// The team read the visitor's messages up to LastReadAt.
			if ev.Conversation.LastReadAt == nil {
				return nil, false
			}
			return map[string]any{"type": "read", "at": *ev.Conversation.LastReadAt}, true
		case ev.Message == nil || ev.Ephemeral():
			return nil, false
		}
		learn(ev)
		m, visible := s.widgetView(r.Context(), *ev.Message)
		if !visible && (m.RetractedAt == nil || ev.Type != switchboard.EventMessageUpdated) {
			return nil, false
		}
		return map[string]any{"type": ev.Type, "message": m}, true
	}, onText: func(ctx context.Context, data []byte) any {
		if ok, wait := s.widgetVisitor.allow(string(visitor), time.Now()); !ok {
			return map[string]any{"type": "error", "error": map[string]string{"code": "rate_limited", "message": "too many messages; retry in " + wait.Round(time.Second).String()}}
		}
		var frame struct {
			Type string `json:"type"`
			widgetPostRequest
		}
		if err := json.Unmarshal(data, &frame); err != nil || frame.Type != "message" {
			return map[string]any{"type": "error", "error": map[string]string{"code": "invalid_frame", "message": `expected {"type":"message","text":"..."}`}}
		}
		body, _, e := s.acceptVisitorText(ctx, wc, visitor, frame.widgetPostRequest)
		if e != nil {
			return map[string]any{"type": "error", "error": e.Error}
		}
		return map[string]any{"type": "ack", "message": body}
	}, tick: func(ctx context.Context) error {
		mu.Lock()
		conv := known
		mu.Unlock()
		if conv == nil {
			return nil
		}
		if !presence.started {
			presence.start(ctx, *conv)
		} else {
			presence.renew(ctx)
		}
		return nil
	}, tickEvery: s.cfg.PresenceLease / 3, wake: wake, onClose: presence.stop})
}
