package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Copies of replies to customers: a site-chat visitor who gave an e-mail
// address or phone number and agreed (switchboard.ReplyCopyAttribute
// "email" or "sms") and left before an operator's reply reached them gets
// it by e-mail or SMS (through the workspace's SMS channel). The row is due
// Config.CopyDelay after the reply; the sender skips it when the visitor
// is in the chat then or has read the reply.

// copyRunes is how much of a reply a copy carries.
const copyRunes = 4000

// presenceSubject is the presence lease of a site-chat conversation's
// visitor (the console's widget streams hold "conv:<id>").
func presenceSubject(conv switchboard.ConversationID) string { return "conv:" + string(conv) }

// replyCopy stores the copy of an operator's reply m when the customer
// asked for copies.
func (n *Notifier) replyCopy(ctx context.Context, conv switchboard.Conversation, m switchboard.Message) error {
	contact, err := n.store.GetContact(ctx, conv.WorkspaceID, conv.ContactID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("contact: %w", err)
	}
	if contact.ErasedAt != nil {
		return nil
	}
	method, address := switchboard.NotifyEmail, contact.Email
	switch contact.Attributes[switchboard.ReplyCopyAttribute] {
	case "email":
		if !n.cfg.SMTP.Enabled() {
			return nil
		}
	case "sms":
		if n.cfg.SMS == nil {
			return nil
		}
		method, address = switchboard.NotifySMS, contact.Phone
	default:
		return nil
	}
	if address == "" {
		return nil
	}
	reply := strings.TrimSpace(m.Text())
	if reply == "" {
		return nil
	}
	if utf8.RuneCountInString(reply) > copyRunes {
		reply = string([]rune(reply)[:copyRunes]) + "…"
	}
	ja := strings.HasPrefix(contact.Language, "ja")
	page := ""
	if conv.Context != nil {
		page = conv.Context.PageURL
	} else if contact.Context != nil {
		page = contact.Context.PageURL
	}
	body := pick(ja, "チャットでお返事しましたが、ご覧になる前に閉じられたようです。", "We answered you in the chat after you had left:") + "\n\n" + reply + "\n"
	if page != "" {
		body += "\n" + pick(ja, "チャットに戻る: ", "Back to the chat: ") + page + "\n"
	}
	due := m.CreatedAt.Add(n.cfg.CopyDelay).UTC()
	row := store.Notification{WorkspaceID: conv.WorkspaceID, Key: "copy:" + string(m.ID), Kind: switchboard.NotifyReplyCopy, Method: method,
		ConversationID: conv.ID, Address: address, Subject: pick(ja, "お問い合わせへの返信", "A reply to your message"), Body: body, URL: page,
		NextAttemptAt: &due, CreatedAt: n.cfg.Now().UTC()}
	if _, err := n.store.EnqueueNotifications(ctx, []store.Notification{row}); err != nil {
		return fmt.Errorf("enqueue reply copy: %w", err)
	}
	return nil
}

// copyStale says why a due reply copy is not needed ("" when it is).
func (n *Notifier) copyStale(ctx context.Context, row store.Notification) (string, error) {
	present, err := n.store.PresentSubjects(ctx, []string{presenceSubject(row.ConversationID)}, n.cfg.Now())
	if err != nil {
		return "", err
	}
	if present[presenceSubject(row.ConversationID)] {
		return "the visitor is in the chat", nil
	}
	m, err := n.store.GetMessage(ctx, row.WorkspaceID, switchboard.MessageID(strings.TrimPrefix(row.Key, "copy:")))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "the reply is gone", nil
	case err != nil:
		return "", err
	case m.Status == switchboard.StatusRead:
		return "the visitor read the reply", nil
	case m.DeletedAt != nil || m.RetractedAt != nil:
		return "the reply was taken back", nil
	}
	return "", nil
}
