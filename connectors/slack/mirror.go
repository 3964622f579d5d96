package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/richtext"
)

// Mirror shows one hub event in Slack. The router calls it for every
// committed event of the connector's workspace, possibly more than once for
// the same event (after a crash) and concurrently for different events.
//
// Only message.created events matter:
//
//   - an inbound customer message opens the conversation's thread when it
//     has none (a root naming the channel, the contact and the console link,
//     remembered with Hub.LinkThread), then is posted into the thread;
//   - an operator reply or note is posted into the existing thread, unless
//     it was typed in that thread (the webhook claimed its mirror key);
//     replies in conversations without a thread open none, so broadcasts do
//     not flood the channel.
//
// Each message is claimed once with Hub.FirstSeen("slack-mirror:<channel
// id>:<message id>") before it is posted, so a redelivered event posts
// nothing. A failed post returns the classified error (connectors.Retryable
// or connectors.Permanent) and the router's retry in this process posts it
// then; a crash between the claim and the post loses that one Slack line
// (the console keeps the conversation). Mirror does not touch the store
// other than through the Hub, and holds a per-conversation lock only
// while it posts that conversation's lines. The hub must call it from the
// router, never synchronously from inside Hub.Reply: the webhook holds the
// conversation's echo lock while Reply runs.
func (c *Connector) Mirror(ctx context.Context, ev switchboard.Event) error {
	if ev.Type != switchboard.EventMessageCreated || ev.Message == nil {
		return nil
	}
	msg := *ev.Message
	ws := firstNonEmpty(msg.WorkspaceID, ev.WorkspaceID, c.deps.WorkspaceID)
	if c.deps.WorkspaceID != "" && ws != c.deps.WorkspaceID {
		return nil // another workspace's event: never mirror across workspaces
	}
	convID := firstNonEmpty(msg.ConversationID, ev.ConversationID)
	if msg.ID == "" || convID == "" || !msg.Direction.Valid() || msg.Direction == switchboard.DirectionActivity {
		return nil
	}
	if !c.mirrorsDepartment(ev.DepartmentID) {
		return nil // another department's Slack channel mirrors it
	}

	unlock, err := c.threadLocks.Lock(ctx, string(convID))
	if err != nil {
		return connectors.Retryable("slack mirror: waiting for the conversation", 0, err)
	}
	defer unlock()

	key := c.mirrorKey(msg.ID)
	claimed, err := c.claimMirror(ctx, convID, key)
	if err != nil || !claimed {
		return err
	}
	if err := c.mirrorMessage(ctx, ws, convID, ev.Conversation, msg); err != nil {
		c.unfinished.add(key)
		c.log.WarnContext(ctx, "slack mirror failed", "conversation", string(convID), "message", string(msg.ID), "error", err)
		return err
	}
	c.unfinished.remove(key)
	return nil
}

// claimMirror claims a message's mirror key under the conversation's echo
// lock, so a reply the webhook is storing right now is claimed by the
// webhook first.
func (c *Connector) claimMirror(ctx context.Context, convID switchboard.ConversationID, key string) (bool, error) {
	unlock, err := c.echoLocks.Lock(ctx, string(convID))
	if err != nil {
		return false, connectors.Retryable("slack mirror: waiting for the conversation", 0, err)
	}
	defer unlock()
	return c.claim(ctx, key)
}

func (c *Connector) mirrorMessage(ctx context.Context, ws switchboard.WorkspaceID, convID switchboard.ConversationID, conv *switchboard.Conversation, msg switchboard.Message) error {
	c.learnBotIdentity(ctx)

	threadTS, err := c.deps.Hub.ThreadOf(ctx, c.cfg.Channel, convID)
	switch {
	case err == nil:
	case errors.Is(err, connectors.ErrNotFound):
		if msg.Direction != switchboard.DirectionIn {
			return nil // nothing to mirror into; only customers open threads
		}
		if conv, err = c.conversation(ctx, ws, convID, conv); err != nil {
			return err
		}
		if threadTS, err = c.openThread(ctx, ws, *conv); err != nil {
			return err
		}
	default:
		return fmt.Errorf("slack mirror: thread of %s: %w", convID, err)
	}

	if msg.Direction == switchboard.DirectionIn && (conv == nil || conv.Contact == nil) {
		if conv, err = c.conversation(ctx, ws, convID, conv); err != nil {
			return err
		}
	}
	_, _, err = c.api.PostMessageContext(ctx, c.cfg.Channel,
		slack.MsgOptionText(threadText(conv, msg), false),
		slack.MsgOptionTS(threadTS),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	)
	return classify("chat.postMessage", err)
}

// openThread posts a conversation's thread root and links it. The caller
// holds the conversation's thread lock.
func (c *Connector) openThread(ctx context.Context, ws switchboard.WorkspaceID, conv switchboard.Conversation) (string, error) {
	text, blocks := rootMessage(conv, c.deps.Hub.ConsoleURL(conv.ID), c.cfg.NotePrefix)
	_, ts, err := c.api.PostMessageContext(ctx, c.cfg.Channel,
		slack.MsgOptionText(text, false),
		slack.MsgOptionBlocks(blocks...),
		slack.MsgOptionDisableLinkUnfurl(),
	)
	if err != nil {
		return "", classify("chat.postMessage", err)
	}
	if ts == "" {
		return "", connectors.Retryable("slack chat.postMessage: answer without ts", 0, nil)
	}
	if err := c.deps.Hub.LinkThread(ctx, ws, c.cfg.Channel, conv.ID, ts); err != nil {
		return "", fmt.Errorf("slack mirror: link thread %s of %s: %w", ts, conv.ID, err)
	}
	c.log.InfoContext(ctx, "slack thread opened", "conversation", string(conv.ID), "slack_channel", c.cfg.Channel, "thread_ts", ts)
	return ts, nil
}

// conversation returns known if it carries its contact, else asks the hub.
func (c *Connector) conversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID, known *switchboard.Conversation) (*switchboard.Conversation, error) {
	if known != nil && known.Contact != nil && known.ID == id {
		return known, nil
	}
	conv, err := c.deps.Hub.Conversation(ctx, ws, id)
	if errors.Is(err, connectors.ErrNotFound) {
		return nil, connectors.Permanent("slack mirror: conversation "+string(id)+" not found", err)
	}
	if err != nil {
		return nil, fmt.Errorf("slack mirror: conversation %s: %w", id, err)
	}
	return &conv, nil
}

// learnBotIdentity calls auth.test once, so the webhook knows the bot's own
// user id. Failure only costs that filter (bot_id still marks bot posts).
func (c *Connector) learnBotIdentity(ctx context.Context) {
	if _, _, err := c.botIdentity(ctx); err != nil {
		c.log.DebugContext(ctx, "slack auth.test failed", "error", err)
	}
}

// rootMessage is the thread root: fallback text plus Block Kit blocks.
func rootMessage(conv switchboard.Conversation, consoleURL, notePrefix string) (string, []slack.Block) {
	contact := escapeText(contactName(conv))
	channel := escapeText(channelLabel(conv))
	link := "<" + linkURL(consoleURL) + "|Open in Switchboard>"
	text := fmt.Sprintf("New conversation on %s from %s — %s", channel, contact, link)
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType,
			fmt.Sprintf(":speech_balloon: *New conversation* from *%s*\nChannel: %s", contact, channel), false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, link+" · reply in this thread to answer the customer; start with "+escapeText(notePrefix)+" for an internal note", false, false)),
	}
	return text, blocks
}

// threadText renders one message as a thread line: who wrote it, then its
// text and links to its attachments.
func threadText(conv *switchboard.Conversation, msg switchboard.Message) string {
	var who string
	switch msg.Direction {
	case switchboard.DirectionIn:
		name := "Customer"
		if conv != nil {
			name = contactName(*conv)
		}
		who = "*" + escapeText(name) + ":*"
	case switchboard.DirectionNote:
		who = "*Note by " + escapeText(authorLabel(msg.AuthorID)) + ":*"
	default:
		who = "*Reply by " + escapeText(authorLabel(msg.AuthorID)) + ":*"
	}
	body := partsText(msg.Parts)
	if body == "" {
		body = "_(empty message)_"
	}
	return truncate(who+" "+body, MaxTextLength)
}

// partsText renders message parts as escaped mrkdwn.
func partsText(parts []switchboard.Part) string {
	var lines []string
	for _, p := range parts {
		var line string
		switch p.Kind {
		case switchboard.PartText, switchboard.PartMarkdown:
			line = escapeText(p.Text)
		case switchboard.PartLocation:
			line = ":round_pushpin: " + locationText(p)
		case switchboard.PartSticker:
			line = ":frame_with_picture: sticker"
			if p.Sticker != nil && p.Sticker.URL != "" {
				line += " <" + linkURL(p.Sticker.URL) + "|view>"
			}
		case switchboard.PartButtons:
			labels := make([]string, 0, len(p.Buttons))
			for _, btn := range p.Buttons {
				labels = append(labels, escapeText(btn.Label))
			}
			line = strings.TrimSpace(escapeText(p.Text) + "\n[" + strings.Join(labels, " | ") + "]")
		case switchboard.PartTemplate:
			name := ""
			if p.Template != nil {
				name = p.Template.Name
			}
			line = strings.TrimSpace("[template " + escapeText(name) + "] " + escapeText(p.Text))
		case switchboard.PartHTML:
			line = escapeText(richtext.PlainText(p.Text))
		case switchboard.PartForm:
			line = ":clipboard: " + escapeText(connectors.FormText(p))
		case switchboard.PartFormResponse:
			line = ":clipboard: " + escapeText(connectors.FormResponseText(p))
		case switchboard.PartLink:
			if p.Link != nil {
				line = ":link: <" + linkURL(p.Link.URL) + "|" + escapeText(firstNonEmpty(p.Link.Title, p.Link.URL)) + ">"
				if p.Link.Description != "" {
					line += "\n" + escapeText(p.Link.Description)
				}
			}
		default: // image, file, audio, video
			line = attachmentText(p)
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

func attachmentText(p switchboard.Part) string {
	name := string(p.Kind)
	link := ""
	if a := p.Attachment; a != nil {
		if a.Filename != "" {
			name = a.Filename
		}
		if a.URL != "" {
			link = "<" + linkURL(a.URL) + "|" + escapeText(name) + ">"
		}
	}
	if link == "" {
		link = escapeText(name) + " (not available in Slack)"
	}
	line := ":paperclip: " + link
	if p.Text != "" {
		line = escapeText(p.Text) + "\n" + line
	}
	return line
}

func locationText(p switchboard.Part) string {
	if p.Location == nil {
		return "location"
	}
	l := p.Location
	coords := strconv.FormatFloat(l.Latitude, 'f', -1, 64) + "," + strconv.FormatFloat(l.Longitude, 'f', -1, 64)
	label := strings.TrimSpace(strings.Join(nonEmpty(l.Title, l.Address), ", "))
	link := "<https://www.google.com/maps?q=" + coords + "|" + coords + ">"
	if label == "" {
		return link
	}
	return escapeText(label) + " " + link
}

// linkURL escapes a URL for the inside of <url|text>.
func linkURL(u string) string {
	return strings.ReplaceAll(escapeText(u), "|", "%7C")
}

func contactName(conv switchboard.Conversation) string {
	if ct := conv.Contact; ct != nil {
		for _, s := range []string{ct.Name, ct.Email, ct.Phone} {
			if s = strings.TrimSpace(s); s != "" {
				return s
			}
		}
	}
	if conv.ContactID != "" {
		return string(conv.ContactID)
	}
	return "Customer"
}

func channelLabel(conv switchboard.Conversation) string {
	switch {
	case conv.ChannelType != "" && conv.ChannelID != "":
		return conv.ChannelType + " (" + string(conv.ChannelID) + ")"
	case conv.ChannelType != "":
		return conv.ChannelType
	case conv.ChannelID != "":
		return string(conv.ChannelID)
	}
	return "unknown channel"
}

func authorLabel(id switchboard.OperatorID) string {
	if id == "" {
		return "Switchboard"
	}
	return string(id)
}

// truncate cuts s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	const mark = "…"
	runes := []rune(s)
	return string(runes[:n-1]) + mark
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func firstNonEmpty[T ~string](vs ...T) T {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// mirrorsDepartment reports whether conversations of dept belong to this
// Slack channel (config departments; all when none are named).
func (c *Connector) mirrorsDepartment(dept switchboard.DepartmentID) bool {
	if len(c.cfg.Departments) == 0 {
		return true
	}
	for _, d := range c.cfg.Departments {
		if d == dept {
			return true
		}
	}
	return false
}
