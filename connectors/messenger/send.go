package messenger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// sendTimeout bounds one Send (all its Graph calls).
const sendTimeout = 20 * time.Second

// Limits the connector enforces before sending.
const (
	maxQuickReplies    = wire.MaxQuickReplies
	maxTemplateButtons = wire.MaxTemplateButtons
)

// Send delivers one outgoing message. It is called by the outbound
// handler, possibly concurrently and again for the same MessageID after a
// failure. Each text, media or button piece is one Send API call to POST
// /{page id}/messages; quick replies ride on the last one; the result
// names the last piece's mid (Instagram's seen receipt names the newest
// message seen). The Send API has no idempotency key: when a send failed
// after some pieces went out, a retry in this process resumes after them
// (a retry after a crash, or after a lost answer, may repeat pieces).
// Inside 24 hours of the customer's last message (or when that is
// unknown) it goes as RESPONSE; later, with the Human Agent permission and
// inside 7 days, as MESSAGE_TAG with tag HUMAN_AGENT; otherwise it is
// refused before anything is sent with a PermanentError wrapping
// connectors.ErrWindowClosed. It must not touch the store. Errors are
// PermanentError (Meta refused: window, token, recipient, content) or
// RetryableError (rate limits, 5xx, timeouts).
func (c *Connector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if msg.Recipient == "" {
		return connectors.SendResult{}, connectors.Permanent(c.flavor.Name+" message has no recipient", nil)
	}
	messagingType, tag, err := c.messagingType(msg.CustomerLastAt)
	if err != nil {
		return connectors.SendResult{}, err
	}
	messages, err := c.buildMessages(msg.Parts)
	if err != nil {
		return connectors.SendResult{}, err
	}
	done := c.progress.get(msg.MessageID, len(messages))
	for i := done.pieces; i < len(messages); i++ {
		m := messages[i]
		if !c.flavor.Instagram && msg.MessageID != "" {
			m.Metadata = MetadataPrefix + string(msg.MessageID)
		}
		req := wire.SendRequest{Recipient: wire.Party{ID: string(msg.Recipient)}, MessagingType: messagingType, Tag: tag, Message: m}
		var resp wire.SendResponse
		if err := c.graph.Post(ctx, c.messagesPath(), req, &resp); err != nil {
			err = classify(c.flavor.Name+" send", err)
			if i > 0 {
				c.progress.put(msg.MessageID, done)
				err = fmt.Errorf("after %d of %d pieces were sent: %w", i, len(messages), err)
			}
			return connectors.SendResult{}, err
		}
		done.pieces++
		if resp.MessageID != "" {
			c.sent.add(resp.MessageID)
			done.last = switchboard.ExternalID(resp.MessageID)
		}
	}
	c.progress.forget(msg.MessageID)
	return connectors.SendResult{ExternalID: done.last, Status: switchboard.StatusSent}, nil
}

// sendProgress is how far a failed multi-piece send got.
type sendProgress struct {
	pieces int
	last   switchboard.ExternalID
}

// progressMap keeps the progress of sends that failed part-way, by hub
// message id, so a retry resumes. It is bounded: past its size it forgets
// everything (a retry then repeats pieces, as after a restart).
type progressMap struct {
	mu  sync.Mutex
	max int
	m   map[switchboard.MessageID]sendProgress
}

func newProgressMap(max int) *progressMap {
	return &progressMap{max: max, m: make(map[switchboard.MessageID]sendProgress)}
}

// get returns the progress of id, if it is for a message of n pieces.
func (p *progressMap) get(id switchboard.MessageID, n int) sendProgress {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pr, ok := p.m[id]; ok && id != "" && pr.pieces < n {
		return pr
	}
	return sendProgress{}
}

func (p *progressMap) put(id switchboard.MessageID, pr sendProgress) {
	if id == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.m) >= p.max {
		clear(p.m)
	}
	p.m[id] = pr
}

func (p *progressMap) forget(id switchboard.MessageID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, id)
}

// messagesPath is the Send API's path: the Page's messages edge (also for
// Instagram, which sends through the linked Page).
func (c *Connector) messagesPath() string { return "/" + c.cfg.PageID + "/messages" }

// messagingType chooses RESPONSE or the HUMAN_AGENT tag by the customer's
// last message, or refuses a send outside the window.
func (c *Connector) messagingType(customerLastAt time.Time) (string, string, error) {
	if customerLastAt.IsZero() {
		return wire.TypeResponse, "", nil
	}
	age := c.now().Sub(customerLastAt)
	switch {
	case age <= standardWindow:
		return wire.TypeResponse, "", nil
	case c.cfg.HumanAgent && age <= humanAgentWindow:
		return wire.TypeMessageTag, wire.TagHumanAgent, nil
	}
	closed := customerLastAt.Add(c.window()).UTC().Format(time.RFC3339)
	reason := fmt.Sprintf("%s reply window closed at %s (%s after the customer's last message)", c.flavor.Name, closed, windowName(c.window()))
	if !c.cfg.HumanAgent {
		reason += "; pages with the Human Agent permission may answer for 7 days (human_agent: true)"
	}
	return "", "", connectors.Permanent(reason, connectors.ErrWindowClosed)
}

func windowName(d time.Duration) string {
	if d == humanAgentWindow {
		return "7 days"
	}
	return "24 hours"
}

// Graph codes of the Messenger Platform the connector acts on beyond
// meta.Classify.
const (
	codePermission      = 10   // permission error; with the subcodes below, the window
	codeUserUnavailable = 551  // "This person isn't available right now."
	codeTemporarySend   = 1200 // "Temporary send message failure. Please try again later."
)

// windowSubcodes of code 10 mean "This message is sent outside of allowed
// window" (Messenger 2018278 and 2018065; Instagram 2534022).
var windowSubcodes = map[int]bool{2018278: true, 2018065: true, 2534022: true}

// classify maps Graph errors: the window subcodes wrap ErrWindowClosed,
// 551 says the person cannot be reached, 1200 is retryable; everything
// else is meta.Classify's (190 credentials, rate limits retry, 4xx
// permanent, 5xx retryable).
func classify(what string, err error) error {
	var ge *meta.Error
	if !errors.As(err, &ge) {
		return meta.Classify(what, err)
	}
	reason := what + ": " + ge.Error()
	switch {
	case ge.Code == codePermission && windowSubcodes[ge.Subcode]:
		return connectors.Permanent(reason+" (the customer has not written for too long)", errors.Join(connectors.ErrWindowClosed, ge))
	case ge.Code == codeUserUnavailable:
		return connectors.Permanent(reason+" (the customer blocked the Page, left, or cannot receive messages)", ge)
	case ge.Code == codeTemporarySend:
		return connectors.Retryable(reason, ge.RetryAfter, ge)
	}
	return meta.Classify(what, err)
}

// SendTyping shows the customer a typing indicator (sender_action
// typing_on). The hub calls it while an operator types; it must not touch
// the store.
func (c *Connector) SendTyping(ctx context.Context, recipient switchboard.ExternalID) error {
	return c.senderAction(ctx, recipient, "typing_on")
}

// MarkRead marks the customer's messages seen (sender_action mark_seen;
// the Send API marks the whole conversation, so upTo is not needed). The
// hub calls it when an operator opens the conversation.
func (c *Connector) MarkRead(ctx context.Context, recipient switchboard.ExternalID, upTo switchboard.ExternalID) error {
	return c.senderAction(ctx, recipient, "mark_seen")
}

func (c *Connector) senderAction(ctx context.Context, recipient switchboard.ExternalID, action string) error {
	if recipient == "" {
		return connectors.Permanent(c.flavor.Name+" "+action+" has no recipient", nil)
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	req := wire.SendRequest{Recipient: wire.Party{ID: string(recipient)}, SenderAction: action}
	if err := c.graph.Post(ctx, c.messagesPath(), req, nil); err != nil {
		return classify(c.flavor.Name+" "+action, err)
	}
	return nil
}

// textLimitReason says which limit a text broke.
func (c *Connector) textLimitReason() string {
	if c.flavor.MaxTextBytes > 0 {
		return fmt.Sprintf("%d bytes", c.flavor.MaxTextBytes)
	}
	return fmt.Sprintf("%d characters", c.flavor.MaxTextChars)
}

// fitsText reports whether s fits one text message.
func (c *Connector) fitsText(s string) bool {
	if c.flavor.MaxTextBytes > 0 && len(s) > c.flavor.MaxTextBytes {
		return false
	}
	return utf8.RuneCountInString(s) <= c.flavor.MaxTextChars
}

// splitText cuts s into pieces that fit one text message each, on rune
// boundaries, preferring to break after a newline or a space in the second
// half of a piece.
func (c *Connector) splitText(s string) []string {
	var pieces []string
	for rest := s; rest != ""; {
		n := c.pieceLen(rest)
		pieces, rest = append(pieces, rest[:n]), rest[n:]
	}
	return pieces
}

// pieceLen is how many bytes of s go into the next piece: all of s when it
// fits, else the longest prefix that fits, shortened to a word break when
// one lies in its second half.
func (c *Connector) pieceLen(s string) int {
	if c.fitsText(s) {
		return len(s)
	}
	end, chars := 0, 0
	for i := range s {
		_, size := utf8.DecodeRuneInString(s[i:])
		next := i + size
		if chars == c.flavor.MaxTextChars || (c.flavor.MaxTextBytes > 0 && next > c.flavor.MaxTextBytes) {
			break
		}
		end, chars = next, chars+1
	}
	if end == 0 {
		// Not even one character fits (a limit below 4 bytes): take one.
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	if brk := strings.LastIndexAny(s[:end], "\n "); brk >= end/2 {
		return brk + 1
	}
	return end
}
