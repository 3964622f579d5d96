package switchboard

// NotifyEvents says which events an operator wants to hear of by one
// method.
type NotifyEvents struct {
	// NewConversation: a new conversation in one of my departments.
	NewConversation bool `json:"new_conversation"`
	// NewMessage: a customer wrote in a conversation assigned to me.
	NewMessage bool `json:"new_message"`
	// Transfer: a conversation was transferred to me or my department.
	Transfer bool `json:"transfer"`
	// Waiting: a conversation of my department waits longer than the
	// department's NotifyPolicy.WaitingMinutes.
	Waiting bool `json:"waiting"`
}

// Wants reports whether the operator wants to hear of kind.
func (e NotifyEvents) Wants(kind NotifyKind) bool {
	switch kind {
	case NotifyNewConversation:
		return e.NewConversation
	case NotifyNewMessage:
		return e.NewMessage
	case NotifyTransfer:
		return e.Transfer
	case NotifyChannelTrouble:
		// An admin is told when a channel stops working whatever else
		// they chose: nobody else would notice until customers complain.
		return true
	case NotifyWaiting, NotifyTicketBreached:
		// A ticket past its SLA target waits too long: the operator's
		// waiting choice covers it.
		return e.Waiting
	}
	return false
}

// NotifyPreferences are an operator's own choices of what reaches them by
// e-mail, Web Push and SMS; a department's NotifyPolicy decides which
// methods are used at all, these can only turn them off.
type NotifyPreferences struct {
	Email NotifyEvents `json:"email"`
	Push  NotifyEvents `json:"push"`
	SMS   NotifyEvents `json:"sms"`
	// Phone is where SMS notifications go (through the workspace's SMS
	// channel); empty: none.
	Phone string `json:"phone"`
}

// Wants reports whether the operator wants kind by method. Methods the
// preferences do not cover (browser) follow the department's policy.
func (p NotifyPreferences) Wants(method NotifyMethod, kind NotifyKind) bool {
	switch method {
	case NotifyEmail:
		return p.Email.Wants(kind)
	case NotifyPush:
		return p.Push.Wants(kind)
	case NotifySMS:
		return p.Phone != "" && p.SMS.Wants(kind)
	}
	return true
}

// DefaultNotifyPreferences are the preferences of an operator who never
// saved any: everything the department's policy sends (SMS once they
// give a phone number).
func DefaultNotifyPreferences() NotifyPreferences {
	all := NotifyEvents{NewConversation: true, NewMessage: true, Transfer: true, Waiting: true}
	return NotifyPreferences{Email: all, Push: all, SMS: all}
}

// NotifyKind names what a notification tells.
type NotifyKind string

const (
	NotifyNewConversation NotifyKind = "new_conversation"
	NotifyNewMessage      NotifyKind = "new_message"
	NotifyTransfer        NotifyKind = "transfer"
	NotifyWaiting         NotifyKind = "waiting"
	// NotifyReplyCopy is an e-mail copy of an operator's reply to a
	// site-chat visitor who left before reading it.
	NotifyReplyCopy NotifyKind = "reply_copy"
	// NotifyTicketBreached tells a ticket's assignee (else its
	// department) that it missed an SLA target (issue 15).
	NotifyTicketBreached NotifyKind = "ticket_breached"
	// NotifyTicketReply is the e-mail a ticket's customer gets when an
	// operator replies ("[#1042] subject", with a link to the portal).
	NotifyTicketReply NotifyKind = "ticket_reply"
	// NotifyChannelTrouble tells a workspace's admins that a channel
	// stopped working (credentials refused, a linked device logged out,
	// an outdated client, a temporary ban), by e-mail and Web Push.
	NotifyChannelTrouble NotifyKind = "channel_trouble"
)

// ReplyCopyAttribute is the contact attribute by which a site-chat visitor
// agrees to get copies of replies they miss: "email" sends them to the
// contact's e-mail address, "sms" to its phone number (set by the host
// site's identify call or the widget's form when the visitor ticks the
// box).
const ReplyCopyAttribute = "reply_copies"

// Methods returns the methods the policy uses for kind.
func (p NotifyPolicy) Methods(kind NotifyKind) []NotifyMethod {
	switch kind {
	case NotifyNewConversation:
		return p.NewConversation
	case NotifyNewMessage:
		return p.NewMessage
	case NotifyTransfer:
		return p.Transfer
	case NotifyWaiting:
		return p.Waiting
	case NotifyTicketBreached:
		// The waiting methods when the department set them, else those
		// of transfers (e-mail, push and the console by default).
		if len(p.Waiting) > 0 {
			return p.Waiting
		}
		return p.Transfer
	}
	return nil
}

// IsZero reports whether no method is set for any event (a department
// that never configured its policy: DefaultNotifyPolicy applies).
func (p NotifyPolicy) IsZero() bool {
	return p.NewConversation == nil && p.NewMessage == nil && p.Transfer == nil && p.Waiting == nil && p.WaitingMinutes == 0
}
