// Package notify tells operators what needs them (issue 14): it turns
// committed events into rows of the notification log (the store's
// NotifyStore), one per event, recipient and method, and sends them by
// e-mail (SMTP) and Web Push (VAPID). Everything it knows lives in the
// store: events arrive through the outbox and the bus, the log is the
// queue, and senders on every instance claim rows with a lease, so a
// restart or a crash loses nothing and no timer lives only in memory.
package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// SMTPConfig is the mail server notifications are sent through.
type SMTPConfig struct {
	// Addr is host:port.
	Addr     string
	Username string
	// Password is a secret: never logged.
	Password string
	// From is the sender address.
	From string
	// TLS is "starttls" (default), "tls" (implicit TLS, port 465) or
	// "none".
	TLS string
	// TLSConfig, when set, replaces the default (tests trust their own
	// server with it).
	TLSConfig *tls.Config
}

// Enabled reports whether e-mail can be sent.
func (c SMTPConfig) Enabled() bool { return c.Addr != "" && c.From != "" }

// Config configures a Notifier.
type Config struct {
	// PublicURL is the hub's public base URL; notifications link to
	// <PublicURL>/conversations/<id>.
	PublicURL string
	SMTP      SMTPConfig
	// HTTPClient posts Web Push messages (default 15s timeout).
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Lease is how long a claimed row stays invisible to other senders
	// (default 2m; longer than one send can take).
	Lease time.Duration
	// Poll is how often the sender looks for due rows when not kicked
	// (default 1s): retries and rows other instances enqueued.
	Poll time.Duration
	// MaxAttempts is how often a row is tried before it stays failed
	// (default 8); RetryInitial and RetryMax bound the backoff between
	// attempts (defaults 10s and 30m).
	MaxAttempts            int
	RetryInitial, RetryMax time.Duration
	// Collapse is the window in which a burst of customer messages in
	// one conversation makes one notification (default 5m).
	Collapse time.Duration
	// Secrets, when set, seals the VAPID private key in the store
	// (router.Sealer, with the hub's secret key); nil stores it plain.
	Secrets Sealer
	// SMS, when set, sends the SMS copies of replies customers asked for
	// and operators' SMS notifications (router.Channels.SendSMS: through
	// the workspace's SMS channel).
	SMS SMSSender
	// CopyDelay is how long after an operator's reply a site-chat visitor
	// who agreed to copies and left gets it by e-mail (default 2m).
	CopyDelay time.Duration
	// Now tells the time (tests); default time.Now.
	Now func() time.Time
}

// Sealer encrypts secrets kept in the store and opens them again.
type Sealer interface {
	SealString(key, v string) (string, error)
	OpenString(key, v string) (string, error)
}

// SMSSender sends a text message to a phone number through one of the
// workspace's channels.
type SMSSender interface {
	SendSMS(ctx context.Context, ws switchboard.WorkspaceID, phone, text string) error
}

// Notifier turns events into notifications and sends them.
type Notifier struct {
	store store.Store
	cfg   Config
	log   *slog.Logger
	kick  chan struct{}

	vapidMu sync.Mutex
	vapid   store.VAPIDKeys
}

// New returns a notifier over st; HandleEvent feeds it, Run sends.
func New(st store.Store, cfg Config) *Notifier {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = connectors.NewHTTPClient(15 * time.Second)
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.RetryInitial <= 0 {
		cfg.RetryInitial = 10 * time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = 30 * time.Minute
	}
	if cfg.Collapse <= 0 {
		cfg.Collapse = 5 * time.Minute
	}
	if cfg.CopyDelay <= 0 {
		cfg.CopyDelay = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SMTP.TLS == "" {
		cfg.SMTP.TLS = "starttls"
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Notifier{store: st, cfg: cfg, log: cfg.Logger, kick: make(chan struct{}, 1)}
}

// ConversationURL is where a notification about conv links to.
func (n *Notifier) ConversationURL(conv switchboard.ConversationID) string {
	return n.cfg.PublicURL + "/conversations/" + string(conv)
}

// Kick wakes the sender. It never blocks.
func (n *Notifier) Kick() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

// HandleEvent stores the notifications ev calls for. It is idempotent:
// an event handled twice (a redelivery) stores nothing new. The router
// calls it for every committed event on one instance (Router.OnEvent).
func (n *Notifier) HandleEvent(ctx context.Context, ev switchboard.Event) error {
	if ev.Type == switchboard.EventTicketBreached {
		return n.ticketBreached(ctx, ev)
	}
	if ev.Type == switchboard.EventChannelStatus {
		return n.channelTrouble(ctx, ev)
	}
	if ev.Type != switchboard.EventMessageCreated || ev.Message == nil {
		return nil
	}
	m := *ev.Message
	var conv switchboard.Conversation
	if ev.Conversation != nil {
		conv = *ev.Conversation
	} else {
		var err error
		if conv, err = n.store.GetConversation(ctx, m.WorkspaceID, m.ConversationID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			return err
		}
	}
	if m.Direction == switchboard.DirectionOut && (m.AuthorID != "" || csatQuestion(m) != nil) {
		if done, err := n.ticketReply(ctx, conv, m); done || err != nil {
			return err
		}
		if conv.ChannelType == "webchat" && m.AuthorID != "" {
			return n.replyCopy(ctx, conv, m)
		}
	}
	e, err := n.pendingOf(ctx, conv, m)
	if err != nil {
		return err
	}
	if len(e.recipients) == 0 {
		return nil
	}
	dept := conv.DepartmentID
	if e.activity != nil && e.activity.DepartmentID != "" {
		dept = e.activity.DepartmentID
	}
	policy, deptName, err := n.policy(ctx, conv.WorkspaceID, dept)
	if err != nil {
		return err
	}
	e.conv, e.msg, e.deptName, e.methods = conv, m, deptName, policy.Methods(e.kind)
	rows, err := n.rows(ctx, e)
	if err != nil {
		return err
	}
	if e.kind == switchboard.NotifyNewConversation && policy.WaitingMinutes > 0 && len(policy.Waiting) > 0 {
		// Told only if nobody took the conversation by then: the row is
		// due later and the sender checks before sending (a row in the
		// store, not a timer in memory).
		w := e
		w.kind, w.key, w.methods, w.waitMinutes = switchboard.NotifyWaiting, "wait:"+string(conv.ID), policy.Waiting, policy.WaitingMinutes
		more, err := n.rows(ctx, w)
		if err != nil {
			return err
		}
		due := m.CreatedAt.Add(time.Duration(policy.WaitingMinutes) * time.Minute).UTC()
		for i := range more {
			more[i].NextAttemptAt = &due
		}
		rows = append(rows, more...)
	}
	stored, err := n.store.EnqueueNotifications(ctx, rows)
	if err != nil {
		return fmt.Errorf("enqueue notifications: %w", err)
	}
	if stored > 0 {
		n.log.Debug("notifications enqueued", "event", ev.ID, "kind", e.kind, "rows", stored)
		n.Kick()
	}
	return nil
}

// pendingOf says whom a message tells what: a customer's message the
// assignee (a burst within Config.Collapse is one notification, by key),
// or the department's members when it opens an unassigned conversation;
// a transfer the operator or department it went to (not who moved it).
// Nothing (no recipients) for the rest.
func (n *Notifier) pendingOf(ctx context.Context, conv switchboard.Conversation, m switchboard.Message) (pending, error) {
	var (
		e   pending
		err error
	)
	switch {
	case m.Direction == switchboard.DirectionIn && conv.AssigneeID != "":
		e = pending{kind: switchboard.NotifyNewMessage, key: fmt.Sprintf("msg:%s:%d", conv.ID, m.CreatedAt.UnixNano()/int64(n.cfg.Collapse)),
			recipients: []switchboard.OperatorID{conv.AssigneeID}}
	case m.Direction == switchboard.DirectionIn && conv.UnreadCount <= 1:
		// The first customer message of an unassigned conversation; the
		// key makes later ones (and redeliveries) no-ops.
		e = pending{kind: switchboard.NotifyNewConversation, key: "conv:" + string(conv.ID)}
		e.recipients, err = n.members(ctx, conv.WorkspaceID, conv.DepartmentID)
	case m.Direction == switchboard.DirectionActivity && m.Activity != nil && m.Activity.Kind == switchboard.ActivityTransferred:
		e = pending{kind: switchboard.NotifyTransfer, key: "transfer:" + string(m.ID), activity: m.Activity}
		if m.Activity.OperatorID != "" {
			e.recipients = []switchboard.OperatorID{m.Activity.OperatorID}
		} else {
			e.recipients, err = n.members(ctx, conv.WorkspaceID, m.Activity.DepartmentID)
		}
		e.recipients = slices.DeleteFunc(e.recipients, func(id switchboard.OperatorID) bool { return id == m.Activity.ActorID })
	}
	return e, err
}

// pending is what an event asks to tell, before it is made into rows.
type pending struct {
	kind       switchboard.NotifyKind
	key        string
	recipients []switchboard.OperatorID
	methods    []switchboard.NotifyMethod
	conv       switchboard.Conversation
	msg        switchboard.Message
	activity   *switchboard.Activity
	deptName   string
	// waitMinutes is the department's waiting limit (kind waiting).
	waitMinutes int
	// ticket and breach are the ticket and the target it missed
	// ("first_reply", "resolution") of kind ticket_breached.
	ticket *switchboard.Ticket
	breach string
	// channel and channelName are the status of kind channel_trouble;
	// url, when set, is where the notification links instead of the
	// conversation.
	channel     *switchboard.ChannelStatus
	channelName string
	url         string
}

// members lists the enabled operators of a department.
func (n *Notifier) members(ctx context.Context, ws switchboard.WorkspaceID, dept switchboard.DepartmentID) ([]switchboard.OperatorID, error) {
	if dept == "" {
		return nil, nil
	}
	ops, err := n.store.ListOperators(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("list operators: %w", err)
	}
	var out []switchboard.OperatorID
	for _, op := range ops {
		if !op.Disabled && slices.Contains(op.DepartmentIDs, dept) {
			out = append(out, op.ID)
		}
	}
	return out, nil
}

// policy returns a department's notification policy (the default when it
// never set one) and its name.
func (n *Notifier) policy(ctx context.Context, ws switchboard.WorkspaceID, dept switchboard.DepartmentID) (switchboard.NotifyPolicy, string, error) {
	depts, err := n.store.ListDepartments(ctx, ws)
	if err != nil {
		return switchboard.NotifyPolicy{}, "", fmt.Errorf("list departments: %w", err)
	}
	for _, d := range depts {
		if d.ID == dept {
			if d.Notify.IsZero() {
				return switchboard.DefaultNotifyPolicy(), d.Name, nil
			}
			return d.Notify, d.Name, nil
		}
	}
	return switchboard.DefaultNotifyPolicy(), "", nil
}

// rows makes the notification rows of e: one per recipient and method the
// department's policy uses and the recipient's preferences keep, in the
// recipient's language.
func (n *Notifier) rows(ctx context.Context, e pending) ([]store.Notification, error) {
	now := n.cfg.Now().UTC()
	var out []store.Notification
	for _, id := range e.recipients {
		op, err := n.store.GetOperator(ctx, e.conv.WorkspaceID, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if op.Disabled {
			continue
		}
		prefs, err := n.store.GetNotifyPreferences(ctx, op.WorkspaceID, op.ID)
		if err != nil {
			return nil, err
		}
		settings, err := n.store.GetOperatorSettings(ctx, op.WorkspaceID, op.ID)
		if err != nil {
			return nil, err
		}
		url := e.url
		if url == "" {
			url = n.ConversationURL(e.conv.ID)
		}
		text := render(settings.Language, e, url)
		for _, method := range e.methods {
			if !prefs.Wants(method, e.kind) {
				continue
			}
			row := store.Notification{WorkspaceID: op.WorkspaceID, Key: e.key, Kind: e.kind, Method: method, RecipientID: op.ID,
				ConversationID: e.conv.ID, Subject: text.subject, Body: text.body, URL: text.url, CreatedAt: now}
			switch method {
			case switchboard.NotifyEmail:
				if op.Email == "" || !n.cfg.SMTP.Enabled() {
					continue
				}
				row.Address, row.Body = op.Email, text.mailBody
			case switchboard.NotifyPush:
				subs, err := n.store.ListPushSubscriptions(ctx, op.WorkspaceID, op.ID)
				if err != nil {
					return nil, err
				}
				if len(subs) == 0 {
					continue
				}
			case switchboard.NotifySMS:
				if n.cfg.SMS == nil {
					continue
				}
				// A text message is short: what happened and the link.
				row.Address, row.Body = prefs.Phone, text.subject+" "+text.url
			default:
				// The console shows browser notifications itself from the
				// event stream.
				continue
			}
			out = append(out, row)
		}
	}
	return out, nil
}
