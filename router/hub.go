package router

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/richtext"
	"github.com/switchboardhq/switchboard/store"
)

// ValidationError is input the hub refuses; Field names what is wrong.
// The console answers it with 400 (or 413/422 where the field says so).
type ValidationError struct {
	Field   string
	Message string
	// Err is a sentinel such as ErrTooLong, for errors.Is.
	Err error
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// Unwrap returns the sentinel, if any, and connectors.ErrRefused: to a
// connector, a validation error is a permanent refusal.
func (e *ValidationError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Err, connectors.ErrRefused}
	}
	return []error{connectors.ErrRefused}
}

// ErrTooLong is wrapped by a ValidationError for text over the channel's
// limit.
var ErrTooLong = errors.New("text too long for the channel")

// Hub is the hub's core seen by connectors and the console: it accepts
// customer events (Sink), stores operator replies, and answers the look-ups
// mirrors need (connectors.Hub). It never sends anything itself: sending
// happens in the outbound handler, after commit.
type Hub struct {
	store     store.Store
	channels  *Channels
	relay     *Relay
	intake    *intake
	log       *slog.Logger
	now       func() time.Time
	publicURL string
	// csatPostbacks takes customers' ratings out of a batch (Router.csatPostbacks).
	csatPostbacks func(context.Context, []switchboard.Inbound) []switchboard.Inbound
}

// HubConfig configures a Hub.
type HubConfig struct {
	PublicURL string
	// BatchItems caps a group commit (default 256).
	BatchItems int
	Now        func() time.Time
}

func newHub(st store.Store, relay *Relay, log *slog.Logger, cfg HubConfig) *Hub {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Hub{
		store:     st,
		relay:     relay,
		intake:    newIntake(st, cfg.BatchItems, writeConcurrency(st)),
		log:       log,
		now:       func() time.Time { return now().UTC() },
		publicURL: strings.TrimRight(cfg.PublicURL, "/"),
	}
}

// Store returns the hub's store, for the console's reads.
func (h *Hub) Store() store.Store { return h.store }

// Channels returns the registry of running channels.
func (h *Hub) Channels() *Channels { return h.channels }

// Accept validates and stores customer events in one (group) commit and
// returns after the commit. Redelivered events are no-ops. It is what
// connectors' webhooks and the site chat call; a ValidationError means the
// request was bad and nothing was stored.
func (h *Hub) Accept(ctx context.Context, events []switchboard.Inbound) error {
	if h.csatPostbacks != nil {
		events = h.csatPostbacks(ctx, events)
	}
	_, err := h.AcceptResults(ctx, events)
	return err
}

// AcceptResults is Accept that also says what was stored for each event.
func (h *Hub) AcceptResults(ctx context.Context, events []switchboard.Inbound) ([]store.AcceptResult, error) {
	if len(events) == 0 {
		return nil, nil
	}
	items := make([]store.AcceptItem, 0, len(events))
	for i, ev := range events {
		ch, ok := h.channels.Get(ev.ChannelID)
		if !ok {
			return nil, &ValidationError{Field: "channel", Message: fmt.Sprintf("unknown channel %q", ev.ChannelID)}
		}
		if err := validateInbound(ev, ch.Connector.Capabilities()); err != nil {
			if len(events) > 1 {
				err.Field = fmt.Sprintf("events[%d].%s", i, err.Field)
			}
			return nil, err
		}
		if ev.At.IsZero() {
			ev.At = h.now()
		}
		ev.At = ev.At.UTC()
		// Custom HTML from outside is stored sanitised, like operators'.
		ev.Parts = richtext.SanitizeParts(ev.Parts)
		if ev.Kind == switchboard.InboundMessage && !ch.Connector.Capabilities().Buttons {
			ev.Parts = h.numberedReply(ctx, ch.WorkspaceID, ev)
		}
		item := store.AcceptItem{
			WorkspaceID:    ch.WorkspaceID,
			ChannelType:    ch.Type,
			Inbound:        ev,
			MessageID:      switchboard.MessageID(switchboard.NewID("msg")),
			ContactID:      switchboard.ContactID(switchboard.NewID("ct")),
			ConversationID: switchboard.ConversationID(switchboard.NewID("cv")),
			// The notice is written leased to this process's relay, which
			// publishes it right after the commit without claiming it.
			Claim: h.relay.Lease,
		}
		notice := InboundNotice{
			WorkspaceID:     ch.WorkspaceID,
			Kind:            ev.Kind,
			ChannelID:       ev.ChannelID,
			ContactExternal: ev.Sender,
			ExternalID:      ev.ExternalID,
		}
		key := string(ev.ChannelID) + ":" + string(ev.ExternalID)
		if ev.Kind == switchboard.InboundEcho {
			key = string(ev.ChannelID) + ":echo:" + string(ev.ExternalID)
		}
		if ev.Kind == switchboard.InboundStatus && ev.ExternalID == "" {
			key = string(ev.ChannelID) + ":watermark:" + string(ev.Sender) + ":" + string(ev.Status) + ":" + ev.Watermark.UTC().Format(time.RFC3339Nano)
		}
		if ev.Kind == switchboard.InboundMessage || ev.Kind == switchboard.InboundEcho {
			item.OutboxFor = func(res store.AcceptResult) []store.OutboxEntry {
				n := storedNotice(notice, ev, res)
				stored := n
				if h.relay.local != nil {
					// In-process, the handler gets n itself; the row only
					// has to name the message for a republish after a
					// crash, when the handler reads it back. A fifth of
					// the bytes to encode and to write.
					stored.Message, stored.Conversation = nil, nil
				}
				return []store.OutboxEntry{{Topic: TopicInbound, Key: key, Payload: mustJSON(stored), Value: &n}}
			}
		} else if ev.Kind == switchboard.InboundStatus {
			// The route handler announces the messages it changed.
			item.OutboxFor = func(res store.AcceptResult) []store.OutboxEntry {
				n := notice
				n.ConversationID = res.ConversationID
				for _, m := range res.Messages {
					n.MessageIDs = append(n.MessageIDs, m.ID)
				}
				if len(n.MessageIDs) == 0 && res.MessageID != "" {
					n.MessageIDs = []switchboard.MessageID{res.MessageID}
				}
				return []store.OutboxEntry{{Topic: TopicInbound, Key: key, Payload: mustJSON(n), Value: &n}}
			}
		} else {
			item.Outbox = []store.OutboxEntry{{Topic: TopicInbound, Key: key, Payload: mustJSON(notice), Value: &notice}}
		}
		items = append(items, item)
	}
	results, err := h.intake.accept(ctx, items)
	if err != nil {
		return nil, fmt.Errorf("accept: %w", err)
	}
	var rows []store.OutboxRow
	for _, res := range results {
		rows = append(rows, res.Outbox...)
	}
	h.relay.Dispatch(rows)
	h.refInboundMedia(ctx, items, results)
	return results, nil
}

// numberedReply maps a customer's "2" on a channel without buttons (SMS)
// to the second of the numbered options the hub last sent there
// (connectors.Fallback): the message reads "2 (No)". Anything else, or
// when there is no such option, is returned as it came.
func (h *Hub) numberedReply(ctx context.Context, ws switchboard.WorkspaceID, ev switchboard.Inbound) []switchboard.Part {
	if len(ev.Parts) != 1 || ev.Parts[0].Kind != switchboard.PartText {
		return ev.Parts
	}
	reply := strings.TrimSpace(ev.Parts[0].Text)
	if len(reply) == 0 || len(reply) > 3 || strings.Trim(reply, "0123456789)") != "" {
		return ev.Parts
	}
	conv, err := h.store.FindConversation(ctx, ev.ChannelID, ev.Sender)
	if err != nil {
		return ev.Parts
	}
	last, err := h.store.LastOutgoing(ctx, ws, conv.ID)
	if err != nil {
		return ev.Parts
	}
	for i := len(last.Parts) - 1; i >= 0; i-- {
		if last.Parts[i].Kind != switchboard.PartButtons {
			continue
		}
		if b, ok := connectors.OptionFor(last.Parts[i], reply); ok {
			return switchboard.TextParts(fmt.Sprintf("%s (%s)", reply, b.Label))
		}
		break
	}
	return ev.Parts
}

// refInboundMedia ties media fetched for stored customer messages to their
// conversation, so that the console checks the department when serving it.
// A failure is logged: the messages are stored already.
func (h *Hub) refInboundMedia(ctx context.Context, items []store.AcceptItem, results []store.AcceptResult) {
	for i, res := range results {
		if res.Duplicate || i >= len(items) || res.ConversationID == "" {
			continue
		}
		for _, p := range items[i].Inbound.Parts {
			if p.Attachment == nil || p.Attachment.MediaID == "" {
				continue
			}
			if err := h.store.AddMediaRef(ctx, items[i].WorkspaceID, p.Attachment.MediaID, res.ConversationID); err != nil {
				h.log.WarnContext(ctx, "media reference not recorded", "err", err, "media_id", p.Attachment.MediaID)
			}
		}
	}
}

// storedNotice is the inbound notice of a stored customer message, with the
// message and its conversation as the accepting transaction left them.
func storedNotice(n InboundNotice, ev switchboard.Inbound, res store.AcceptResult) InboundNotice {
	n.MessageID, n.ConversationID = res.MessageID, res.ConversationID
	n.Message = &switchboard.Message{
		ID: res.MessageID, WorkspaceID: n.WorkspaceID, ConversationID: res.ConversationID, ChannelID: ev.ChannelID,
		Direction: switchboard.DirectionIn, Parts: ev.Parts, ExternalID: ev.ExternalID,
		Status: switchboard.StatusDelivered, CreatedAt: ev.At.Truncate(time.Microsecond),
	}
	if ev.Kind == switchboard.InboundEcho {
		n.Message.Direction, n.Message.Status, n.Message.Via = switchboard.DirectionOut, switchboard.StatusSent, ev.Via
	}
	if res.Conversation != nil {
		conv := *res.Conversation
		conv.Contact = &switchboard.Contact{
			ID: res.ContactID, WorkspaceID: n.WorkspaceID, Profile: ev.Profile,
			Identities: []switchboard.Identity{{ChannelID: ev.ChannelID, ExternalID: ev.Sender}},
		}
		n.Conversation = &conv
	}
	return n
}

func validateInbound(ev switchboard.Inbound, caps connectors.Capabilities) *ValidationError {
	switch ev.Kind {
	case switchboard.InboundMessage, switchboard.InboundFollow, switchboard.InboundUnfollow, switchboard.InboundStatus, switchboard.InboundEcho:
	default:
		return &ValidationError{Field: "kind", Message: fmt.Sprintf("unknown event kind %q", ev.Kind)}
	}
	watermark := ev.Kind == switchboard.InboundStatus && ev.ExternalID == "" && !ev.Watermark.IsZero()
	if ev.ExternalID == "" && !watermark {
		return &ValidationError{Field: "external_id", Message: "missing: every event needs the provider's id for deduplication (or, for a status, a watermark)"}
	}
	if ev.Kind == switchboard.InboundStatus {
		if !ev.Status.Valid() {
			return &ValidationError{Field: "status", Message: fmt.Sprintf("unknown delivery status %q", ev.Status)}
		}
		if watermark && ev.Sender == "" {
			return &ValidationError{Field: "sender", Message: "missing: a watermark raises the sender's messages"}
		}
		return nil
	}
	if ev.Sender == "" {
		return &ValidationError{Field: "sender", Message: "missing"}
	}
	if ev.Kind != switchboard.InboundMessage && ev.Kind != switchboard.InboundEcho {
		return nil
	}
	if len(ev.Parts) == 0 {
		return &ValidationError{Field: "parts", Message: "a message needs at least one part"}
	}
	return validateParts(ev.Parts, caps.MaxTextLength, nil)
}

// validateParts checks part kinds, UTF-8 and the text limit; when supports is
// set, it also checks that the channel can carry each kind.
func validateParts(parts []switchboard.Part, maxText int, supports func(switchboard.PartKind) bool) *ValidationError {
	total := 0
	for i, p := range parts {
		field := fmt.Sprintf("parts[%d]", i)
		if !p.Kind.Valid() {
			return &ValidationError{Field: field + ".kind", Message: fmt.Sprintf("unknown part kind %q", p.Kind)}
		}
		if supports != nil && !supports(p.Kind) {
			return &ValidationError{Field: field + ".kind", Message: fmt.Sprintf("the channel cannot carry %s parts", p.Kind)}
		}
		if !utf8.ValidString(p.Text) {
			return &ValidationError{Field: field + ".text", Message: "not valid UTF-8"}
		}
		if (p.Kind == switchboard.PartText || p.Kind == switchboard.PartMarkdown) && strings.TrimSpace(p.Text) == "" {
			return &ValidationError{Field: field + ".text", Message: "empty"}
		}
		if p.Kind == switchboard.PartReaction && (p.Reaction == nil || p.Reaction.To == "" || !utf8.ValidString(p.Reaction.Emoji)) {
			return &ValidationError{Field: field + ".reaction", Message: "a reaction needs the id of the message reacted to (and its emoji as UTF-8)"}
		}
		total += utf8.RuneCountInString(p.Text)
	}
	if maxText > 0 && total > maxText {
		return &ValidationError{Field: "text", Message: fmt.Sprintf("%d characters is over the channel's limit of %d", total, maxText), Err: ErrTooLong}
	}
	return nil
}

// Reply stores an operator's reply (sent through the conversation's channel
// by the outbound handler) or private note, and announces it. It returns the
// stored message: status pending for replies, delivered for notes.
func (h *Hub) Reply(ctx context.Context, req connectors.ReplyRequest) (switchboard.Message, error) {
	conv, err := h.store.GetConversation(ctx, req.WorkspaceID, req.ConversationID)
	if err != nil {
		return switchboard.Message{}, err
	}
	if len(req.Parts) == 0 {
		return switchboard.Message{}, &ValidationError{Field: "text", Message: "missing: a reply needs text"}
	}
	msg := switchboard.Message{
		ID:             switchboard.MessageID(switchboard.NewID("msg")),
		WorkspaceID:    conv.WorkspaceID,
		ConversationID: conv.ID,
		ChannelID:      conv.ChannelID,
		Parts:          req.Parts,
		AuthorID:       req.AuthorID,
		Via:            req.Via,
		CreatedAt:      h.now(),
	}
	var outbox []store.OutboxEntry
	if req.Note {
		if verr := validateParts(req.Parts, 65536, nil); verr != nil {
			return switchboard.Message{}, verr
		}
		msg.Direction = switchboard.DirectionNote
		msg.Status = switchboard.StatusDelivered
	} else {
		ch, ok := h.channels.Get(conv.ChannelID)
		if !ok {
			return switchboard.Message{}, &ValidationError{Field: "channel", Message: fmt.Sprintf("the conversation's channel %q is no longer configured", conv.ChannelID)}
		}
		caps := ch.Connector.Capabilities()
		if verr := validateParts(req.Parts, caps.MaxTextLength, caps.Supports); verr != nil {
			return switchboard.Message{}, verr
		}
		if verr := checkWindow(conv, caps, req.Parts, h.now()); verr != nil {
			return switchboard.Message{}, verr
		}
		if err := h.checkTemplates(ctx, conv.WorkspaceID, conv.ChannelID, req.Parts); err != nil {
			return switchboard.Message{}, err
		}
		msg.Direction = switchboard.DirectionOut
		msg.Status = switchboard.StatusPending
		outbox = append(outbox, store.OutboxEntry{Topic: TopicOutbound, Key: string(msg.ID), Payload: mustJSON(OutboundNotice{WorkspaceID: msg.WorkspaceID, MessageID: msg.ID, ConversationID: conv.ID})})
	}
	conv.LastMessage = msg.Text()
	conv.LastActivityAt = msg.CreatedAt
	h.channels.FillWindow(&conv)
	outbox = append(outbox, eventEntry(switchboard.Event{
		Type: switchboard.EventMessageCreated, WorkspaceID: msg.WorkspaceID, ConversationID: conv.ID,
		DepartmentID: conv.DepartmentID, Message: &msg, Conversation: &conv, At: msg.CreatedAt,
	}))
	if err := h.store.CreateMessage(ctx, msg, outbox); err != nil {
		return switchboard.Message{}, fmt.Errorf("store reply: %w", err)
	}
	h.relay.Kick()
	return msg, nil
}

// Retry puts a failed outgoing message back to pending and queues it again.
func (h *Hub) Retry(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.MessageID) (switchboard.Message, error) {
	msg, err := h.store.GetMessage(ctx, ws, id)
	if err != nil {
		return msg, err
	}
	if msg.Direction != switchboard.DirectionOut || msg.Status != switchboard.StatusFailed {
		return msg, &ValidationError{Field: "status", Message: "only failed outgoing messages can be retried"}
	}
	updated, _, err := h.store.UpdateMessageStatus(ctx, id, store.StatusUpdate{Status: switchboard.StatusPending},
		[]store.OutboxEntry{{Topic: TopicOutbound, Key: string(id) + ":retry:" + switchboard.NewID("r"), Payload: mustJSON(OutboundNotice{WorkspaceID: ws, MessageID: id, ConversationID: msg.ConversationID})}})
	if err != nil {
		return msg, err
	}
	h.relay.Kick()
	return updated, nil
}

func eventEntry(ev switchboard.Event) store.OutboxEntry {
	if ev.ID == "" {
		ev.ID = switchboard.EventID(switchboard.NewID("ev"))
	}
	return store.OutboxEntry{Topic: TopicEvents, Key: string(ev.ID), Payload: mustJSON(ev)}
}

// --- connectors.Hub, for mirrors ---

var _ connectors.Hub = (*Hub)(nil)

func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %w", connectors.ErrNotFound, err)
	}
	return err
}

// Conversation returns a conversation with its contact.
func (h *Hub) Conversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error) {
	c, err := h.store.GetConversation(ctx, ws, id)
	return c, notFound(err)
}

// LinkThread remembers a mirror thread of a conversation.
func (h *Hub) LinkThread(ctx context.Context, ws switchboard.WorkspaceID, mirror string, conv switchboard.ConversationID, threadRef string) error {
	return h.store.PutThreadLink(ctx, store.ThreadLink{WorkspaceID: ws, Mirror: mirror, ThreadRef: threadRef, ConversationID: conv, CreatedAt: h.now()})
}

// ThreadOf returns the mirror thread of a conversation.
func (h *Hub) ThreadOf(ctx context.Context, mirror string, conv switchboard.ConversationID) (string, error) {
	l, err := h.store.ThreadByConversation(ctx, mirror, conv)
	if err != nil {
		return "", notFound(err)
	}
	return l.ThreadRef, nil
}

// ConversationOfThread returns the conversation of a mirror thread.
func (h *Hub) ConversationOfThread(ctx context.Context, mirror, threadRef string) (switchboard.WorkspaceID, switchboard.ConversationID, error) {
	l, err := h.store.ConversationByThread(ctx, mirror, threadRef)
	if err != nil {
		return "", "", notFound(err)
	}
	return l.WorkspaceID, l.ConversationID, nil
}

// OperatorForAccount returns the operator linked to an external account.
func (h *Hub) OperatorForAccount(ctx context.Context, provider, externalUser string) (switchboard.OperatorID, error) {
	op, err := h.store.OperatorByAccount(ctx, provider, externalUser)
	if err != nil {
		return "", notFound(err)
	}
	return op.ID, nil
}

// LinkAccountByEmail links an external account to the enabled operator of
// ws with that e-mail (see connectors.AccountLinker).
func (h *Hub) LinkAccountByEmail(ctx context.Context, ws switchboard.WorkspaceID, provider, externalUser, email string) (switchboard.OperatorID, error) {
	op, _, err := h.store.OperatorByEmail(ctx, email)
	if err == nil && (op.WorkspaceID != ws || op.Disabled) {
		err = store.ErrNotFound
	}
	if err != nil {
		return "", notFound(err)
	}
	if err := h.store.LinkOperatorAccount(ctx, ws, op.ID, provider, externalUser); err != nil {
		return "", notFound(err)
	}
	h.log.InfoContext(ctx, "external account linked by verified e-mail", "provider", provider, "external_user", externalUser, "operator", op.ID)
	return op.ID, nil
}

// FirstSeen records key and reports whether it was new.
func (h *Hub) FirstSeen(ctx context.Context, key string) (bool, error) {
	return h.store.FirstSeen(ctx, key)
}

// ConsoleURL links to a conversation in the web console.
func (h *Hub) ConsoleURL(conv switchboard.ConversationID) string {
	return h.publicURL + "/#/conversations/" + string(conv)
}
