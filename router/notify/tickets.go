package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// Tickets (issue 15) tell two kinds of people:
//
//   - operators: a ticket.breached event tells the ticket's assignee, or
//     its department's members while nobody holds it, by the department's
//     waiting methods (else its transfer methods) and each operator's
//     waiting preference; one row per (ticket, target, recipient, method).
//   - customers: an operator's reply (not a note) in a ticket whose
//     contact has an e-mail address sends "[#1042] subject" with the
//     reply and a link to the ticket in the portal. A burst of replies
//     within Config.Collapse is one e-mail (the first reply's text; the
//     portal has the rest); nothing goes to an opted-out or erased
//     contact. The CSAT question of a ticket on the portal channel (the
//     hub's, without an author) is its own e-mail, with the rating link:
//     a reply just before it does not swallow it.

// ticketBreached stores the notifications of a ticket.breached event.
func (n *Notifier) ticketBreached(ctx context.Context, ev switchboard.Event) error {
	if ev.Ticket == nil {
		return nil
	}
	t := *ev.Ticket
	conv, err := n.store.GetConversation(ctx, t.WorkspaceID, t.ConversationID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("conversation: %w", err)
	}
	e := pending{kind: switchboard.NotifyTicketBreached, key: "breach:" + string(t.ConversationID) + ":" + ev.Reason, ticket: &t, breach: ev.Reason, conv: conv}
	if conv.AssigneeID != "" {
		e.recipients = []switchboard.OperatorID{conv.AssigneeID}
	} else if e.recipients, err = n.members(ctx, conv.WorkspaceID, conv.DepartmentID); err != nil {
		return err
	}
	if len(e.recipients) == 0 {
		return nil
	}
	policy, deptName, err := n.policy(ctx, conv.WorkspaceID, conv.DepartmentID)
	if err != nil {
		return err
	}
	e.deptName, e.methods = deptName, policy.Methods(e.kind)
	rows, err := n.rows(ctx, e)
	if err != nil {
		return err
	}
	stored, err := n.store.EnqueueNotifications(ctx, rows)
	if err != nil {
		return fmt.Errorf("enqueue breach notifications: %w", err)
	}
	if stored > 0 {
		n.Kick()
	}
	return nil
}

// PortalTicketURL is where a ticket's customer reads it in the portal.
func (n *Notifier) PortalTicketURL(t switchboard.Ticket) string {
	return n.cfg.PublicURL + "/portal/" + string(t.WorkspaceID) + "/tickets/" + strconv.FormatInt(t.Number, 10)
}

// ticketReply stores the customer's e-mail of an operator's reply m when
// conv is a ticket; done is false when it is not one (the caller then
// treats the reply as it treats any other).
func (n *Notifier) ticketReply(ctx context.Context, conv switchboard.Conversation, m switchboard.Message) (bool, error) {
	t, err := n.store.GetTicket(ctx, conv.WorkspaceID, conv.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("ticket: %w", err)
	}
	if !n.cfg.SMTP.Enabled() {
		return true, nil
	}
	contact, err := n.store.GetContact(ctx, conv.WorkspaceID, conv.ContactID)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return true, fmt.Errorf("contact: %w", err)
	}
	if contact.ErasedAt != nil || contact.Email == "" || optedOut(contact) {
		return true, nil
	}
	question := csatQuestion(m)
	if question != nil && conv.ChannelType != "portal" {
		return true, nil // the channel itself asked the customer
	}
	reply := strings.TrimSpace(m.Text())
	if question != nil && question.CSAT.URL == "" {
		return true, nil
	}
	if reply == "" && question == nil {
		return true, nil
	}
	if utf8.RuneCountInString(reply) > copyRunes {
		reply = string([]rune(reply)[:copyRunes]) + "…"
	}
	ja := strings.HasPrefix(contact.Language, "ja")
	link := n.PortalTicketURL(t)
	// One e-mail per burst: later replies within the window share the key.
	key := fmt.Sprintf("ticket-reply:%s:%d", conv.ID, m.CreatedAt.UnixNano()/int64(n.cfg.Collapse))
	if question != nil {
		// The rating link is never collapsed into a reply's e-mail; a
		// conversation has one survey, so one rating e-mail.
		key = "ticket-csat:" + string(conv.ID)
		reply = strings.TrimSpace(reply + "\n\n" + pick(ja, "評価する: ", "Rate: ") + question.CSAT.URL)
	}
	body := reply + "\n\n" + pick(ja, "お問い合わせ "+t.SubjectTag()+" の全文と返信はこちら: ", "Read and answer your request "+t.SubjectTag()+" here: ") + link + "\n"
	row := store.Notification{
		WorkspaceID: conv.WorkspaceID, Kind: switchboard.NotifyTicketReply, Method: switchboard.NotifyEmail,
		Key: key, ConversationID: conv.ID, Address: contact.Email, Subject: t.SubjectTag() + " " + t.Subject, Body: body, URL: link,
		CreatedAt: n.cfg.Now().UTC(),
	}
	stored, err := n.store.EnqueueNotifications(ctx, []store.Notification{row})
	if err != nil {
		return true, fmt.Errorf("enqueue ticket reply: %w", err)
	}
	if stored > 0 {
		n.Kick()
	}
	return true, nil
}

// csatQuestion is m's CSAT question part (the rating card), or nil.
func csatQuestion(m switchboard.Message) *switchboard.Part {
	for i, p := range m.Parts {
		if p.Kind == switchboard.PartCSAT && p.CSAT != nil {
			return &m.Parts[i]
		}
	}
	return nil
}

// optedOut reports whether the customer opted out anywhere (unfollowed,
// sent STOP): then the hub writes to them by no other way either.
func optedOut(c switchboard.Contact) bool {
	for _, id := range c.Identities {
		if id.OptedOut {
			return true
		}
	}
	return false
}
