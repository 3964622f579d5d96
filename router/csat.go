package router

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// Satisfaction surveys (issue 15). When a conversation is resolved the
// hub creates its survey (once per conversation) and asks the customer
// in the channel they used: a rating card in the site chat, five postback
// buttons on LINE, the question and a link to /csat/{token} elsewhere
// (connectors.Fallback turns the card into that text). The token is an
// HMAC of the survey id and its expiry under a key derived from the hub
// secret; the answer is recorded once.

// DefaultCSATExpiry is how long a rating link works when Config.CSATExpiry
// is zero.
const DefaultCSATExpiry = 7 * 24 * time.Hour

// CSATPostbackPrefix starts the data of a LINE rating button:
// "csat:<token>:<score>".
const CSATPostbackPrefix = "csat:"

// Errors of the rating link. The console answers ErrCSATToken with 404,
// ErrCSATExpired with 410 and ErrCSATAnswered with 409.
var (
	ErrCSATToken    = errors.New("csat: invalid rating link")
	ErrCSATExpired  = errors.New("csat: the rating link has expired")
	ErrCSATAnswered = errors.New("csat: the conversation was already rated")
)

// maxCSATComment bounds a rating's comment, in characters.
const maxCSATComment = 2000

func (r *Router) csatKey() []byte {
	if len(r.cfg.HubSecret) == 0 {
		return nil
	}
	key := hmac.New(sha256.New, r.cfg.HubSecret)
	key.Write([]byte("switchboard csat link v1"))
	return key.Sum(nil)
}

func (r *Router) csatExpiry() time.Duration {
	if r.cfg.CSATExpiry > 0 {
		return r.cfg.CSATExpiry
	}
	return DefaultCSATExpiry
}

func csatSig(key []byte, payload string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18])
}

// CSATToken is the signed token of survey id, valid until expires; ""
// when the hub has no secret. It is short enough for a LINE postback.
func (r *Router) CSATToken(id switchboard.CSATSurveyID, expires time.Time) string {
	key := r.csatKey()
	if key == nil {
		return ""
	}
	payload := string(id) + "." + strconv.FormatInt(expires.Unix(), 36)
	return payload + "." + csatSig(key, payload)
}

// parseCSATToken checks tok's signature and returns the survey id and
// expiry it names; ErrCSATToken when it is not one the hub signed.
func (r *Router) parseCSATToken(tok string) (switchboard.CSATSurveyID, time.Time, error) {
	key := r.csatKey()
	i := strings.LastIndexByte(tok, '.')
	if key == nil || i < 0 {
		return "", time.Time{}, ErrCSATToken
	}
	payload, sig := tok[:i], tok[i+1:]
	if !hmac.Equal([]byte(csatSig(key, payload)), []byte(sig)) {
		return "", time.Time{}, ErrCSATToken
	}
	id, exp, ok := strings.Cut(payload, ".")
	secs, err := strconv.ParseInt(exp, 36, 64)
	if !ok || id == "" || err != nil {
		return "", time.Time{}, ErrCSATToken
	}
	return switchboard.CSATSurveyID(id), time.Unix(secs, 0).UTC(), nil
}

// CSATSurvey opens a rating link: the survey it names. The survey is
// returned with ErrCSATAnswered or ErrCSATExpired too, so a page can say
// which; ErrCSATToken for a forged or unknown token.
func (r *Router) CSATSurvey(ctx context.Context, tok string) (switchboard.CSATSurvey, error) {
	id, exp, err := r.parseCSATToken(tok)
	if err != nil {
		return switchboard.CSATSurvey{}, err
	}
	s, err := r.store.GetCSATSurvey(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return s, ErrCSATToken
	}
	if err != nil {
		return s, fmt.Errorf("csat survey: %w", err)
	}
	switch {
	case s.Answered():
		return s, ErrCSATAnswered
	case !r.Hub.now().Before(exp):
		return s, ErrCSATExpired
	}
	return s, nil
}

// AnswerCSAT records a customer's rating through a rating link (via is
// switchboard.CSATViaWidget, CSATViaLine or CSATViaLink): score 1–5 and
// an optional comment. A bad score or comment is a ValidationError and
// records nothing; a second answer is ErrCSATAnswered and the first
// stands. The answer is noted in the conversation ("CSAT ★4"), which
// announces it to the consoles; the conversation is not reopened.
func (r *Router) AnswerCSAT(ctx context.Context, tok string, score int, comment, via string) (switchboard.CSATSurvey, error) {
	if score < 1 || score > 5 {
		return switchboard.CSATSurvey{}, &ValidationError{Field: "score", Message: "must be a whole number from 1 to 5"}
	}
	comment = strings.TrimSpace(comment)
	if !utf8.ValidString(comment) || utf8.RuneCountInString(comment) > maxCSATComment {
		return switchboard.CSATSurvey{}, &ValidationError{Field: "comment", Message: fmt.Sprintf("must be text of at most %d characters", maxCSATComment)}
	}
	s, err := r.CSATSurvey(ctx, tok)
	if err != nil {
		return s, err
	}
	s, err = r.store.AnswerCSATSurvey(ctx, s.WorkspaceID, s.ID, store.CSATAnswer{Score: score, Comment: comment, Via: via, At: r.Hub.now()})
	if errors.Is(err, store.ErrConflict) {
		return s, ErrCSATAnswered
	}
	if err != nil {
		return s, fmt.Errorf("answer csat: %w", err)
	}
	note := "CSAT ★" + strconv.Itoa(score)
	if comment != "" {
		note += "\n" + comment
	}
	if _, err := r.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: s.WorkspaceID, ConversationID: s.ConversationID, Note: true,
		Parts: switchboard.TextParts(note)}); err != nil {
		// The rating is recorded; only its note in the history is missing.
		r.log.WarnContext(ctx, "csat: noting the rating in the conversation", "conversation", s.ConversationID, "err", err)
	}
	return s, nil
}

// csatOnEvent is the "csat" event hook: a conversation's resolution
// (its activity entry, announced as message.created) asks for a rating.
// Asking is at least once: the survey is unique per conversation and
// records its question once stored, so a redelivery (and a later
// resolution of the reopened conversation) of a conversation asked
// already asks nothing, while one whose question was never stored (a
// crash or a failed Reply after the survey was created) asks now.
func (r *Router) csatOnEvent(ctx context.Context, ev switchboard.Event) error {
	m := ev.Message
	if ev.Type != switchboard.EventMessageCreated || m == nil || m.Direction != switchboard.DirectionActivity ||
		m.Activity == nil || m.Activity.Kind != switchboard.ActivityResolved {
		return nil
	}
	// A ticket resolved by merging it into another is not rated: its
	// customer rates the ticket it went into.
	if strings.Contains(strings.ToLower(m.Activity.Reason), "merge") {
		return nil
	}
	return r.askCSAT(ctx, ev.WorkspaceID, ev.ConversationID)
}

// askCSAT creates conv's survey (or takes the one it has whose question
// was never stored), sends the question and records it on the survey;
// unless the department turned surveys off, the hub cannot sign links,
// or conv was asked already. An error (the event is redelivered) when
// the question could not be stored for a reason that may pass; a crash
// between the Reply and the mark asks twice, never zero times.
func (r *Router) askCSAT(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) error {
	conv, err := r.store.GetConversation(ctx, ws, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("csat: %w", err)
	}
	if conv.Status != switchboard.ConversationResolved || r.csatKey() == nil || r.mergedTicket(ctx, conv) {
		return nil
	}
	var settings *switchboard.CSATSettings
	if conv.DepartmentID != "" {
		d, err := r.store.GetDepartment(ctx, ws, conv.DepartmentID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("csat: %w", err)
		}
		settings = d.CSAT
	}
	if !settings.On() {
		return nil
	}
	now := r.Hub.now()
	s := switchboard.CSATSurvey{
		ID: switchboard.CSATSurveyID(switchboard.NewID("cs")), WorkspaceID: ws, ConversationID: conv.ID, ContactID: conv.ContactID,
		ChannelID: conv.ChannelID, ChannelType: conv.ChannelType, OperatorID: conv.AssigneeID, DepartmentID: conv.DepartmentID,
		AskedAt: now, ExpiresAt: now.Add(r.csatExpiry()),
	}
	if err := r.store.CreateCSATSurvey(ctx, s); errors.Is(err, store.ErrConflict) {
		// Asked before, or the question of that survey was never stored.
		s, err = r.store.CSATSurveyOfConversation(ctx, ws, conv.ID)
		if err != nil {
			return fmt.Errorf("csat: survey of the conversation: %w", err)
		}
		if s.QuestionAt != nil || s.Answered() || !now.Before(s.ExpiresAt) {
			return nil
		}
	} else if err != nil {
		return fmt.Errorf("csat: create survey: %w", err)
	}
	lang := contactLanguage(conv.Contact)
	if ch, ok := r.Channels.Get(conv.ChannelID); ok {
		// A site chat set to one language speaks it, whatever the browser's.
		if l, ok := ch.Connector.(interface{ Language() string }); ok && l.Language() != "" {
			lang = l.Language()
		}
	}
	question := ""
	if settings != nil {
		question = pickLanguage(settings.Question, lang)
	}
	if question == "" {
		question = csatQuestion(lang)
	}
	tok := r.CSATToken(s.ID, s.ExpiresAt)
	msg, err := r.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: ws, ConversationID: conv.ID,
		Parts: r.csatParts(conv.ChannelType, question, tok)})
	if err != nil {
		var verr *ValidationError
		if errors.As(err, &verr) {
			// The channel is gone or cannot carry it: nothing to retry
			// now (a later resolution asks again).
			r.log.WarnContext(ctx, "csat: the question could not be sent", "conversation", conv.ID, "err", err)
			return nil
		}
		return fmt.Errorf("csat: ask: %w", err)
	}
	if err := r.store.MarkCSATAsked(ctx, ws, s.ID, msg.ID, msg.CreatedAt); err != nil {
		// Redelivered, the event asks again: twice rather than never.
		return fmt.Errorf("csat: record the question: %w", err)
	}
	return nil
}

// ticketGetter is store.TicketStore's look-up (asserted: the CSAT code
// does not need the ticket store to be there).
type ticketGetter interface {
	GetTicket(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.ConversationID) (switchboard.Ticket, error)
}

// mergedTicket reports whether conv is a ticket merged into another
// (Hub.MergeTicket sets MergedInto before it resolves the conversation).
func (r *Router) mergedTicket(ctx context.Context, conv switchboard.Conversation) bool {
	tg, ok := r.store.(ticketGetter)
	if !ok {
		return false
	}
	t, err := tg.GetTicket(ctx, conv.WorkspaceID, conv.ID)
	return err == nil && t.MergedInto != ""
}

// csatParts is the question as the channel type asks it.
func (r *Router) csatParts(channelType, question, tok string) []switchboard.Part {
	switch channelType {
	case "line":
		p := switchboard.Part{Kind: switchboard.PartButtons, Text: question, QuickReply: true}
		for n := 1; n <= 5; n++ {
			p.Buttons = append(p.Buttons, switchboard.Button{Label: "★" + strconv.Itoa(n), Payload: CSATPostbackPrefix + tok + ":" + strconv.Itoa(n)})
		}
		return []switchboard.Part{p}
	}
	// The site chat renders the card and WhatsApp sends it as a list of
	// five ratings whose row ids are the postbacks above (its connector
	// has Capabilities.CSAT); every other channel gets the question and
	// the link (connectors.Fallback).
	return []switchboard.Part{{Kind: switchboard.PartCSAT, Text: question,
		CSAT: &switchboard.CSATCard{Token: tok, URL: r.Hub.publicURL + "/csat/" + tok}}}
}

// contactLanguage is the customer's language: their profile's, else
// what their browser reported (site chat).
func contactLanguage(c *switchboard.Contact) string {
	switch {
	case c == nil:
		return ""
	case c.Language != "":
		return c.Language
	case c.Context != nil:
		return c.Context.Language
	}
	return ""
}

// csatQuestion is the default question in the customer's language.
func csatQuestion(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "ja") {
		return "今回の対応はいかがでしたか？ 1〜5で評価してください。"
	}
	return "How did we do? Please rate this conversation from 1 to 5."
}

// csatPostbacks takes the LINE rating postbacks ("csat:<token>:<score>"
// with a token the hub signed) out of events and records them; the rest
// are returned to be stored as messages. A rating must not reopen the
// resolved conversation, so it is never stored as a customer message: the
// answer's note in the history reads "CSAT ★4". A postback delivered
// twice is recorded once; a replayed or expired one is refused, and the
// customer told so once.
func (r *Router) csatPostbacks(ctx context.Context, events []switchboard.Inbound) []switchboard.Inbound {
	out := events[:0:0]
	for _, ev := range events {
		if !r.csatPostback(ctx, ev) {
			out = append(out, ev)
		}
	}
	return out
}

func (r *Router) csatPostback(ctx context.Context, ev switchboard.Inbound) bool {
	if ev.Kind != switchboard.InboundMessage || len(ev.Parts) != 1 || ev.Parts[0].Kind != switchboard.PartText ||
		!strings.HasPrefix(ev.Parts[0].Text, CSATPostbackPrefix) {
		return false
	}
	rest := strings.TrimPrefix(strings.TrimSpace(ev.Parts[0].Text), CSATPostbackPrefix)
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return false
	}
	tok, scoreText := rest[:i], rest[i+1:]
	score, err := strconv.Atoi(scoreText)
	if err != nil {
		return false
	}
	s, err := r.CSATSurvey(ctx, tok)
	if errors.Is(err, ErrCSATToken) || (s.ID != "" && !r.surveyOf(ctx, s, ev.ChannelID, ev.Sender)) {
		return false // not a rating of this customer: an ordinary message
	}
	if first, ferr := r.store.FirstSeen(ctx, "csat:in:"+string(ev.ChannelID)+":"+string(ev.ExternalID)); ferr == nil && !first {
		return true // LINE redelivered it
	}
	_, err = r.AnswerCSAT(ctx, tok, score, "", switchboard.CSATViaLine)
	switch {
	case err == nil:
		r.tellCustomer(ctx, s, csatThanks)
	case errors.Is(err, ErrCSATAnswered):
		r.tellCustomer(ctx, s, csatAlready)
	case errors.Is(err, ErrCSATExpired):
		r.tellCustomer(ctx, s, csatExpired)
	default:
		r.log.WarnContext(ctx, "csat: LINE rating not recorded", "survey", s.ID, "err", err)
	}
	return true
}

// surveyOf reports whether s is of a conversation of the customer known
// on channel as sender.
func (r *Router) surveyOf(ctx context.Context, s switchboard.CSATSurvey, channel switchboard.ChannelID, sender switchboard.ExternalID) bool {
	if s.ChannelID != channel {
		return false
	}
	conv, err := r.store.GetConversation(ctx, s.WorkspaceID, s.ConversationID)
	if err != nil || conv.Contact == nil {
		return false
	}
	for _, id := range conv.Contact.Identities {
		if id.ChannelID == channel && id.ExternalID == sender {
			return true
		}
	}
	return false
}

var (
	csatThanks  = map[string]string{"en": "Thank you for your rating!", "ja": "ご評価ありがとうございました。"}
	csatAlready = map[string]string{"en": "You have already rated this conversation. Thank you!", "ja": "この会話はすでに評価済みです。ありがとうございました。"}
	csatExpired = map[string]string{"en": "This rating has expired.", "ja": "この評価の受付期間は終了しました。"}
)

// tellCustomer sends s's customer a short text in their language.
func (r *Router) tellCustomer(ctx context.Context, s switchboard.CSATSurvey, texts map[string]string) {
	lang := ""
	if conv, err := r.store.GetConversation(ctx, s.WorkspaceID, s.ConversationID); err == nil {
		lang = contactLanguage(conv.Contact)
	}
	if _, err := r.Hub.Reply(ctx, connectors.ReplyRequest{WorkspaceID: s.WorkspaceID, ConversationID: s.ConversationID,
		Parts: switchboard.TextParts(pickLanguage(texts, lang))}); err != nil {
		r.log.WarnContext(ctx, "csat: answering the customer", "conversation", s.ConversationID, "err", err)
	}
}
