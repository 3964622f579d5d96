package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// claimBatch is the most rows one claim takes.
const claimBatch = 16

// Run sends due notifications until ctx is done: it claims rows with a
// lease (like the outbox relay, so senders on every instance share the
// work and never send a row twice at once), sends each and records the
// outcome. A failed send is tried again with backoff; the row shows the
// last error meanwhile.
func (n *Notifier) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	prune := time.NewTicker(pruneEvery)
	defer prune.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-prune.C:
			n.prune(ctx)
			continue
		case <-n.kick:
		case <-timer.C:
		}
		for ctx.Err() == nil {
			rows, err := n.store.ClaimNotifications(ctx, claimBatch, n.cfg.Lease, n.cfg.Now())
			if err != nil {
				if ctx.Err() == nil {
					n.log.Error("notification claim failed", "err", err)
				}
				break
			}
			for _, row := range rows {
				n.deliver(ctx, row)
			}
			if len(rows) < claimBatch {
				break
			}
		}
		timer.Reset(n.cfg.Poll)
	}
}

// The log keeps finished rows a month (what the console's log shows),
// checked hourly; every instance may prune, deleting is idempotent.
const (
	pruneEvery = time.Hour
	keepLog    = 30 * 24 * time.Hour
)

func (n *Notifier) prune(ctx context.Context) {
	deleted, err := n.store.PruneNotifications(ctx, n.cfg.Now().Add(-keepLog))
	switch {
	case err != nil && ctx.Err() == nil:
		n.log.Warn("notification log prune failed", "err", err)
	case deleted > 0:
		n.log.Debug("notification log pruned", "rows", deleted)
	}
}

// deliver sends one claimed row and records the outcome.
func (n *Notifier) deliver(ctx context.Context, row store.Notification) {
	sendCtx, cancel := context.WithTimeout(ctx, n.cfg.Lease/2)
	skip, err := n.stale(sendCtx, row)
	if skip == "" && err == nil {
		err = n.send(sendCtx, row)
	}
	cancel()
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and a sender takes it again
	}
	res := store.NotificationResult{Sent: err == nil && skip == "", Skipped: skip != "", Error: skip, At: n.cfg.Now().UTC()}
	log := n.log.With("notification", row.ID, "method", row.Method, "kind", row.Kind, "recipient", row.RecipientID)
	if err != nil {
		res.Error = err.Error()
		attempt := row.Attempts + 1
		if !connectors.IsPermanent(err) && attempt < n.cfg.MaxAttempts {
			retry := res.At.Add(n.backoff(attempt))
			res.RetryAt = &retry
			log.Warn("notification not sent; will retry", "attempt", attempt, "retry_at", retry, "err", err)
		} else {
			log.Error("notification failed; giving up", "attempt", attempt, "err", err)
		}
	} else {
		log.Debug("notification done", "skipped", skip)
	}
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer fcancel()
	if err := n.store.FinishNotification(fctx, row.ID, res); err != nil {
		log.Warn("recording a notification's outcome failed; it is tried again after its lease", "err", err)
	}
}

// stale says why a due row is no longer worth sending ("" when it is):
// a waiting conversation that someone took, or that was resolved, since;
// a reply copy the visitor does not need.
func (n *Notifier) stale(ctx context.Context, row store.Notification) (string, error) {
	switch row.Kind {
	case switchboard.NotifyReplyCopy:
		return n.copyStale(ctx, row)
	case switchboard.NotifyWaiting:
	default:
		return "", nil
	}
	conv, err := n.store.GetConversation(ctx, row.WorkspaceID, row.ConversationID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "the conversation is gone", nil
	case err != nil:
		return "", err
	case conv.AssigneeID != "":
		return "the conversation was taken", nil
	case conv.Status != switchboard.ConversationOpen:
		return "the conversation is " + string(conv.Status), nil
	}
	return "", nil
}

// backoff is the wait before attempt+1: RetryInitial doubled per attempt,
// at most RetryMax.
func (n *Notifier) backoff(attempt int) time.Duration {
	d := n.cfg.RetryInitial
	for i := 1; i < attempt && d < n.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, n.cfg.RetryMax)
}

// send hands one row to its method.
func (n *Notifier) send(ctx context.Context, row store.Notification) error {
	switch row.Method {
	case switchboard.NotifyEmail:
		return n.sendEmail(ctx, row)
	case switchboard.NotifyPush:
		return n.sendPush(ctx, row)
	case switchboard.NotifySMS:
		if n.cfg.SMS == nil {
			return connectors.Permanent("no SMS channel configured", nil)
		}
		return n.cfg.SMS.SendSMS(ctx, row.WorkspaceID, row.Address, row.Body)
	}
	return connectors.Permanent(fmt.Sprintf("method %q cannot be sent", row.Method), nil)
}

// errNoSMTP is the error of an e-mail row while no SMTP server is
// configured (rows are only made with one; the config changed since).
var errNoSMTP = errors.New("no smtp server configured")
