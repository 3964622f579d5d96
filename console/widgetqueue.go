package console

// The site chat's side of routing (issue 14): whether the department is
// open (GET /widget/v1/config's "availability"), the offline form
// (POST /widget/v1/offline) and the visitor's place in the queue
// ({"type":"queue"} frames on the widget stream).
//
// Which department: a site chat channel's new conversations land in the
// workspace's default department unless a rule routes them elsewhere. A
// rule can depend on the first message, which the widget does not have
// when it asks; so availability is the department of the first rule that
// matches on what is known before anyone writes (the channel, its type,
// the page's language), else the default department's. Once the visitor
// has a conversation, its queue place is in the department the
// conversation is actually in.

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	switchboard "github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors/webchat"
	"github.com/switchboardhq/switchboard/router/hours"
	"github.com/switchboardhq/switchboard/router/rules"
	"github.com/switchboardhq/switchboard/store"
)

// offlineLabel marks conversations left through the offline form.
const offlineLabel = "offline"

// localized picks the text of lang, else English, else Japanese, else any.
func localized(texts map[string]string, lang string) string {
	for _, l := range []string{lang, "en", "ja"} {
		if v := texts[l]; v != "" {
			return v
		}
	}
	for _, v := range texts {
		return v
	}
	return ""
}

// widgetHours is the weekly schedule as the widget shows it.
type widgetHours struct {
	Day    string                  `json:"day"`
	Ranges []switchboard.TimeRange `json:"ranges"`
}

// availability is the "availability" of GET /widget/v1/config: whether
// the chat is open and, when not, what the widget shows.
func (s *Server) availability(ctx context.Context, channel switchboard.ChannelID, lang string) map[string]any {
	out := map[string]any{"open": true, "mode": "chat"}
	ch, found := s.router.Channels.Get(channel)
	if !found {
		return out
	}
	dept, err := s.widgetDepartment(ctx, ch.WorkspaceID, channel, ch.Type, lang)
	if err != nil {
		s.log.WarnContext(ctx, "availability: department not read", "channel", channel, "err", err)
		return out
	}
	open := hours.Open(dept.Hours, time.Now())
	if open && dept.Offline.WhenNobodyOnline && !s.anyMemberOnline(ctx, ch.WorkspaceID, dept.MemberIDs) {
		open = false
	}
	if dept.Hours != nil {
		hours := []widgetHours{}
		for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
			if r := dept.Hours.Weekly[d]; len(r) > 0 {
				hours = append(hours, widgetHours{Day: d, Ranges: r})
			}
		}
		out["hours"], out["time_zone"] = hours, dept.Hours.TimeZone
	}
	out["open"] = open
	if msg := localized(dept.Offline.Message, lang); msg != "" {
		out["message"] = msg
	}
	if !open && (dept.Offline.Mode == switchboard.OfflineForm || dept.Offline.Mode == switchboard.OfflineBanner) {
		out["mode"] = string(dept.Offline.Mode)
	}
	return out
}

// widgetDepartment is the department a new visitor of channel would
// reach (see the top of this file).
func (s *Server) widgetDepartment(ctx context.Context, ws switchboard.WorkspaceID, channel switchboard.ChannelID, channelType, lang string) (switchboard.Department, error) {
	id := switchboard.DepartmentID("")
	if list, err := s.store.ListRoutingRules(ctx, ws); err == nil {
		if rule, ok := rules.First(list, switchboard.RoutingInput{Channel: channel, ChannelType: channelType, Language: lang}); ok {
			id = rule.Action.DepartmentID
		}
	}
	if id != "" {
		if d, err := s.store.GetDepartment(ctx, ws, id); err == nil {
			return d, nil
		}
	}
	d, err := s.store.DefaultDepartment(ctx, ws)
	if err != nil {
		return d, err
	}
	return s.store.GetDepartment(ctx, ws, d.ID)
}

// anyMemberOnline reports whether one of the operators is online.
func (s *Server) anyMemberOnline(ctx context.Context, ws switchboard.WorkspaceID, members []switchboard.OperatorID) bool {
	all, err := s.store.OperatorPresence(ctx, ws)
	if err != nil {
		s.log.WarnContext(ctx, "presence not read", "err", err)
		return false
	}
	return slices.ContainsFunc(members, func(op switchboard.OperatorID) bool { return all[op] == switchboard.PresenceOnline })
}

// widgetOffline serves POST /widget/v1/offline: a message left while the
// chat is closed. It goes through the hub's normal intake (durable, one
// transaction) as the visitor's message, with the name and e-mail on the
// contact, and the conversation gets the label "offline". The body is
// {"name","email","text"} (a widget message without parts).
func (s *Server) widgetOffline(w http.ResponseWriter, r *http.Request) {
	wc, visitor, req, ok := s.visitorMessage(w, r)
	if !ok {
		return
	}
	req.Name, req.Email, req.Text = strings.TrimSpace(req.Name), strings.TrimSpace(req.Email), strings.TrimSpace(req.Text)
	switch {
	case req.Text == "":
		writeError(w, http.StatusBadRequest, "invalid_text", "text: write a message")
		return
	case req.Email == "":
		writeError(w, http.StatusBadRequest, "invalid_email", "email: an e-mail address to answer to is required")
		return
	}
	if _, err := profileUpdate(req.Name, req.Email, "", ""); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_"+strings.SplitN(err.Error(), ":", 2)[0], err.Error())
		return
	}
	body, status, e := s.acceptVisitorText(r.Context(), wc, visitor, widgetPostRequest{Text: req.Text, Name: req.Name, Email: req.Email, ClientID: req.ClientID})
	if e != nil {
		writeJSON(w, status, e)
		return
	}
	if answer, ok := body.(map[string]any); ok {
		if id, ok := answer["conversation_id"].(switchboard.ConversationID); ok && id != "" {
			s.labelOffline(r.Context(), wc, id)
			if n := s.offlineTicket(r.Context(), wc, id, req.Text); n > 0 {
				answer["ticket_number"] = n
			}
		}
	}
	writeJSON(w, http.StatusCreated, body)
}

// offlineTicket makes the offline form's conversation a ticket (source
// widget, subject from the message) and returns its number; a
// conversation that is one already keeps it. 0 when it could not be made
// (logged: the message is stored already).
func (s *Server) offlineTicket(ctx context.Context, wc *webchat.Connector, id switchboard.ConversationID, text string) int64 {
	ch, found := s.router.Channels.Get(wc.ChannelID())
	if !found {
		return 0
	}
	if t, err := s.store.GetTicket(ctx, ch.WorkspaceID, id); err == nil {
		return t.Number
	}
	conv, err := s.store.GetConversation(ctx, ch.WorkspaceID, id)
	if err == nil {
		var t switchboard.Ticket
		if t, err = s.hub.MakeTicket(ctx, conv, switchboard.TicketSubject(text), "", switchboard.TicketFromWidget); err == nil {
			return t.Number
		}
		if errors.Is(err, store.ErrConflict) {
			if t, err = s.store.GetTicket(ctx, ch.WorkspaceID, id); err == nil {
				return t.Number
			}
		}
	}
	s.log.WarnContext(ctx, "offline form: ticket not made", "conversation", id, "err", err)
	return 0
}

// labelOffline adds the "offline" label so the team sees the message first.
func (s *Server) labelOffline(ctx context.Context, wc *webchat.Connector, id switchboard.ConversationID) {
	ch, found := s.router.Channels.Get(wc.ChannelID())
	if !found {
		return
	}
	conv, err := s.store.GetConversation(ctx, ch.WorkspaceID, id)
	if err != nil {
		s.log.WarnContext(ctx, "offline label: conversation not read", "conversation", id, "err", err)
		return
	}
	if slices.Contains(conv.Labels, offlineLabel) {
		return
	}
	labels := append(slices.Clone(conv.Labels), offlineLabel)
	if _, err := s.hub.UpdateConversation(ctx, conv, store.ConversationUpdate{Labels: &labels}); err != nil {
		s.log.WarnContext(ctx, "offline label not set", "conversation", id, "err", err)
	}
}

// queueFrame is the visitor's place in their department's queue (the
// router's QueuePlace): position 0 when nobody needs to wait (an operator
// has it, or it is not queued).
func (s *Server) queueFrame(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) (map[string]any, error) {
	conv, err := s.store.GetConversation(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	position, wait, err := s.hub.QueuePlace(ctx, conv)
	if err != nil {
		return nil, err
	}
	return map[string]any{"type": "queue", "position": position, "wait_seconds": int(wait.Round(time.Second) / time.Second)}, nil
}

// visitorQueue sends the visitor's queue frames: it recomputes the place
// whenever wake fires (queue.updated of the workspace, a change of the
// visitor's conversation) and pushes a frame when the figures changed.
// It runs until ctx ends; conv reports the visitor's conversation (empty
// while there is none).
func (s *Server) visitorQueue(ctx context.Context, ws switchboard.WorkspaceID, conv func() switchboard.ConversationID, wake <-chan struct{}, push chan<- any) {
	lastPosition, lastWait := 0, -1
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		}
		id := conv()
		if id == "" {
			continue
		}
		frame, err := s.queueFrame(ctx, ws, id)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				s.log.WarnContext(ctx, "queue place not computed", "conversation", id, "err", err)
			}
			continue
		}
		position, wait := frame["position"].(int), frame["wait_seconds"].(int)
		if position == lastPosition && (position == 0 || wait == lastWait) {
			continue
		}
		lastPosition, lastWait = position, wait
		select {
		case push <- frame:
		case <-ctx.Done():
			return
		}
	}
}

// widgetLanguage is the language the widget asks texts in (?lang=, else
// the channel's configured language), as its base ("ja-JP" → "ja").
func widgetLanguage(r *http.Request, wc *webchat.Connector) string {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = wc.Config().Language
	}
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	return base
}
