package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// maxBodyBytes bounds an Events API request body; Slack's are a few KiB.
const maxBodyBytes = 1 << 20

// botLookupTimeout bounds the one auth.test a webhook may make to learn the
// bot's user id; Slack wants an answer within 3 seconds.
const botLookupTimeout = time.Second

// noticeTimeout bounds a notice posted after the webhook answered.
const noticeTimeout = 10 * time.Second

// errBadPayload marks a verified body that is not an Events API payload.
var errBadPayload = errors.New("not an Events API payload")

// HandleWebhook receives Slack's Events API requests (the console mounts it
// at POST /webhooks/{channel id}). It verifies the v0 signature and the
// timestamp (at most five minutes off) before anything else and answers 401
// without doing anything when they are wrong. It answers url_verification
// with the challenge, and turns a thread reply by an operator into
// Hub.Reply (a note with the note prefix). Its only work in the request is
// the hub's commit (and, once, an auth.test bounded to a second); notices
// to Slack users are posted after the answer. A 5xx answer makes Slack
// retry; retries (X-Slack-Retry-Num) are deduplicated by event_id.
func (c *Connector) HandleWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if len(body) > maxBodyBytes {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := verifySignature(r.Header, body, c.cfg.SigningSecret); err != nil {
		c.log.WarnContext(r.Context(), "slack webhook rejected", "reason", err.Error(), "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		c.log.DebugContext(r.Context(), "slack event redelivered", "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
	}

	challenge, err := c.handlePayload(r.Context(), body)
	switch {
	case errors.Is(err, errBadPayload):
		http.Error(w, err.Error(), http.StatusBadRequest)
	case err != nil:
		c.log.ErrorContext(r.Context(), "slack event not handled", "error", err)
		http.Error(w, "temporarily unavailable", http.StatusInternalServerError)
	case challenge != "":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, challenge)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// verifySignature checks X-Slack-Signature over "v0:timestamp:body" with
// the SDK's verifier, which also rejects timestamps more than five minutes
// from now.
func verifySignature(header http.Header, body []byte, secret string) error {
	sv, err := slack.NewSecretsVerifier(header, secret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}

// handlePayload handles one verified Events API payload, from HTTP or
// Socket Mode. It returns the challenge of a url_verification, an error
// wrapping errBadPayload for an unreadable payload, and other errors when
// the hub failed (the delivery should be retried).
func (c *Connector) handlePayload(ctx context.Context, body []byte) (challenge string, err error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return "", fmt.Errorf("%w: %v", errBadPayload, err)
	}
	switch head.Type {
	case slackevents.URLVerification:
		var v slackevents.EventsAPIURLVerificationEvent
		if err := json.Unmarshal(body, &v); err != nil || v.Challenge == "" {
			return "", fmt.Errorf("%w: url_verification without challenge", errBadPayload)
		}
		return v.Challenge, nil
	case slackevents.CallbackEvent:
		var cb slackevents.EventsAPICallbackEvent
		if err := json.Unmarshal(body, &cb); err != nil {
			return "", fmt.Errorf("%w: %v", errBadPayload, err)
		}
		return "", c.handleCallback(ctx, cb)
	case slackevents.AppRateLimited:
		c.log.WarnContext(ctx, "slack is dropping events: the app is rate limited")
		return "", nil
	default:
		return "", nil
	}
}

// messageEvent holds the fields of a Slack message event the connector
// reads, with the JSON names of slackevents.MessageEvent. Decoding only
// these keeps an odd block or file in an operator's message from making
// the reply unreadable.
type messageEvent struct {
	Type     string `json:"type"`
	SubType  string `json:"subtype"`
	User     string `json:"user"`
	BotID    string `json:"bot_id"`
	Text     string `json:"text"`
	Channel  string `json:"channel"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts"`
}

func (c *Connector) handleCallback(ctx context.Context, cb slackevents.EventsAPICallbackEvent) error {
	if cb.InnerEvent == nil {
		return nil
	}
	var m messageEvent
	if err := json.Unmarshal(*cb.InnerEvent, &m); err != nil {
		return fmt.Errorf("%w: event: %v", errBadPayload, err)
	}
	if m.Type != string(slackevents.Message) {
		return nil
	}
	eventID := cb.EventID
	if eventID == "" {
		eventID = m.Channel + ":" + m.TS
	}
	return c.handleThreadReply(ctx, eventID, m)
}

// handleThreadReply turns an operator's reply in a linked thread into
// Hub.Reply. Everything else is ignored without error.
func (c *Connector) handleThreadReply(ctx context.Context, eventID string, m messageEvent) error {
	switch m.SubType {
	case "", "thread_broadcast", "file_share":
	default:
		return nil // edits, deletions, joins, bot_message, …
	}
	if m.BotID != "" || m.User == "" || m.Channel == "" || m.ThreadTS == "" || m.ThreadTS == m.TS {
		return nil
	}
	ws, convID, err := c.deps.Hub.ConversationOfThread(ctx, m.Channel, m.ThreadTS)
	if errors.Is(err, connectors.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("slack: conversation of thread %s: %w", m.ThreadTS, err)
	}
	if c.deps.WorkspaceID != "" && ws != c.deps.WorkspaceID {
		c.log.WarnContext(ctx, "slack thread belongs to another workspace", "thread_ts", m.ThreadTS)
		return nil
	}
	if c.isBot(ctx, m.User) {
		return nil
	}

	key := "slack-event:" + eventID
	claimed, err := c.claim(ctx, key)
	if err != nil || !claimed {
		return err
	}
	if err := c.reply(ctx, ws, convID, m); err != nil {
		c.unfinished.add(key)
		return err
	}
	c.unfinished.remove(key)
	return nil
}

func (c *Connector) reply(ctx context.Context, ws switchboard.WorkspaceID, convID switchboard.ConversationID, m messageEvent) error {
	author, err := c.deps.Hub.OperatorForAccount(ctx, Type, m.User)
	if errors.Is(err, connectors.ErrNotFound) {
		author, err = c.linkByEmail(ctx, ws, m.User)
	}
	switch {
	case err == nil:
	case errors.Is(err, connectors.ErrNotFound) && c.cfg.FallbackOperator != "":
		author = c.cfg.FallbackOperator
	case errors.Is(err, connectors.ErrNotFound):
		c.log.InfoContext(ctx, "slack reply from an unlinked user rejected", "conversation", string(convID), "slack_user", m.User)
		c.notify(ctx, m, "Your Slack account is not linked to a Switchboard operator, so this reply was not sent to the customer. Link your account in the Switchboard console and write it again.")
		return nil
	default:
		return fmt.Errorf("slack: operator of %s: %w", m.User, err)
	}

	text := strings.TrimSpace(plainText(m.Text))
	note := strings.HasPrefix(text, c.cfg.NotePrefix)
	if note {
		text = strings.TrimSpace(strings.TrimPrefix(text, c.cfg.NotePrefix))
	}
	if text == "" {
		return nil // a file alone, or only the prefix: nothing to send
	}

	unlock, err := c.echoLocks.Lock(ctx, string(convID))
	if err != nil {
		return err
	}
	defer unlock()
	msg, err := c.deps.Hub.Reply(ctx, connectors.ReplyRequest{
		WorkspaceID:    ws,
		ConversationID: convID,
		AuthorID:       author,
		Parts:          switchboard.TextParts(text),
		Note:           note,
		Via:            "slack",
	})
	if err != nil {
		if connectors.IsPermanent(err) {
			c.notify(ctx, m, "Switchboard did not accept this reply: "+err.Error())
			return nil
		}
		return fmt.Errorf("slack: reply in %s: %w", convID, err)
	}
	// The reply came from this thread: claim its mirror key so Mirror does
	// not post it back into the thread.
	if first, err := c.deps.Hub.FirstSeen(ctx, c.mirrorKey(msg.ID)); err != nil {
		c.log.WarnContext(ctx, "slack reply may be echoed", "message", string(msg.ID), "error", err)
	} else if !first {
		c.log.WarnContext(ctx, "slack reply was mirrored before it was claimed", "message", string(msg.ID))
	}
	c.log.InfoContext(ctx, "slack reply stored", "conversation", string(convID), "message", string(msg.ID), "note", note)
	return nil
}

// isBot reports whether user is this app's bot user, learning the bot's id
// with auth.test (bounded) the first time.
// linkByEmail links an unlinked Slack user to the operator with the same
// e-mail, when Slack says (users.info) the address is confirmed; it
// returns ErrNotFound when that is not possible, so the caller falls back.
func (c *Connector) linkByEmail(ctx context.Context, ws switchboard.WorkspaceID, user string) (switchboard.OperatorID, error) {
	linker, ok := c.deps.Hub.(connectors.AccountLinker)
	if !ok {
		return "", connectors.ErrNotFound
	}
	u, err := c.api.GetUserInfoContext(ctx, user)
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) || strings.Contains(err.Error(), "user_not_found") {
			return "", connectors.ErrNotFound
		}
		return "", fmt.Errorf("slack: users.info %s: %w", user, err)
	}
	email := strings.TrimSpace(u.Profile.Email)
	if email == "" || !u.IsEmailConfirmed || u.Deleted || u.IsBot {
		c.log.InfoContext(ctx, "slack user has no confirmed e-mail to link by", "slack_user", user)
		return "", connectors.ErrNotFound
	}
	return linker.LinkAccountByEmail(ctx, ws, Type, user, email)
}

func (c *Connector) isBot(ctx context.Context, user string) bool {
	ctx, cancel := context.WithTimeout(ctx, botLookupTimeout)
	defer cancel()
	botUser, _, err := c.botIdentity(ctx)
	if err != nil {
		c.log.DebugContext(ctx, "slack bot identity unknown", "error", err)
		return false
	}
	return user == botUser
}

// notify posts an ephemeral notice to the Slack user in the thread, after
// the webhook answered (it must not delay the answer).
func (c *Connector) notify(ctx context.Context, m messageEvent, text string) {
	ctx = context.WithoutCancel(ctx)
	c.background.Go(func() {
		ctx, cancel := context.WithTimeout(ctx, noticeTimeout)
		defer cancel()
		_, err := c.api.PostEphemeralContext(ctx, m.Channel, m.User,
			slack.MsgOptionText(escapeText(text), false),
			slack.MsgOptionTS(m.ThreadTS),
		)
		if err != nil {
			c.log.WarnContext(ctx, "slack notice not posted", "slack_user", m.User, "error", classify("chat.postEphemeral", err))
		}
	})
}
