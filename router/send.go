package router

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// handleOutbound sends one stored outgoing message through its
// conversation's connector, paced by the channel's rate limit. Only a
// pending message is sent, so a redelivered notice for a message already
// sent does nothing; a notice redelivered after a crash between the
// provider's answer and the status update sends again with the same
// MessageID, which connectors pass to providers as their idempotency key
// (LINE's X-Line-Retry-Key), so the customer gets it once. A permanent provider error
// ends the message as failed at once; a retryable one is returned so the
// retry middleware tries again with backoff (after the provider's
// Retry-After, when it named one), and the poison queue marks it failed once
// retries are exhausted.
func (r *Router) handleOutbound(msg *message.Message) ([]*message.Message, error) {
	var n OutboundNotice
	if err := jsonUnmarshal(msg.Payload, &n); err != nil {
		r.log.Error("outbound: unreadable notice dropped", "err", err)
		return nil, nil
	}
	ctx := msg.Context()
	m, err := r.store.GetMessage(ctx, n.WorkspaceID, n.MessageID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if m.Direction != switchboard.DirectionOut || m.Status != switchboard.StatusPending {
		return nil, nil
	}
	target, err := r.store.DeliveryTarget(ctx, m.ConversationID)
	if err != nil {
		return nil, err
	}
	if target.OptedOut {
		return nil, r.markFailed(ctx, m.ID, connectors.ErrOptedOut.Reason)
	}
	ch, ok := r.Channels.Get(target.ChannelID)
	if !ok {
		return nil, r.markFailed(ctx, m.ID, "channel "+string(target.ChannelID)+" is not configured any more")
	}
	if ch.Paused {
		return nil, errors.New("channel " + string(ch.ID) + " is paused")
	}
	// The channel's rate limit holds for the cluster: the slot is reserved
	// in the store. One conversation's replies stay in order: the next one
	// is handed out only after this one is done.
	if err := r.waitForSendSlot(ctx, ch); err != nil {
		return nil, err
	}
	token, err := r.store.TakeReplyToken(ctx, m.ConversationID, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	authorName := ""
	if m.AuthorID != "" {
		if op, err := r.store.GetOperator(ctx, m.WorkspaceID, m.AuthorID); err == nil {
			authorName = op.Name
		}
	}
	var customerLastAt time.Time
	if target.CustomerLastAt != nil {
		customerLastAt = *target.CustomerLastAt
	}
	sendCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	res, err := ch.Connector.Send(sendCtx, connectors.OutboundMessage{
		MessageID:      m.ID,
		ConversationID: m.ConversationID,
		ChannelID:      target.ChannelID,
		Recipient:      target.Recipient,
		Parts:          connectors.Fallback(m.Parts, ch.Connector.Capabilities()),
		ReplyToken:     token,
		ThreadRef:      target.ThreadRef,
		AuthorName:     authorName,
		CustomerLastAt: customerLastAt,
	})
	cancel()
	if err != nil && errors.Is(err, connectors.ErrNotHere) {
		return nil, r.handBack(ctx, m, n, err)
	}
	if err != nil {
		r.log.Warn("send failed", "message", m.ID, "channel", target.ChannelID, "err", err, "permanent", connectors.IsPermanent(err), "correlation_id", middleware.MessageCorrelationID(msg))
		r.Channels.health.sendFailed(target.WorkspaceID, target.ChannelID, err)
		if errors.Is(err, connectors.ErrWindowClosed) {
			return nil, r.markFailed(ctx, m.ID, windowClosedReason(err))
		}
		if connectors.IsPermanent(err) {
			return nil, r.markFailed(ctx, m.ID, err.Error())
		}
		outboundRetried.Inc()
		if wait, ok := connectors.RetryAfter(err); ok {
			wait = min(wait, r.cfg.MaxRetryAfter)
			r.log.Info("provider asked to wait", "message", m.ID, "retry_after", wait, "correlation_id", middleware.MessageCorrelationID(msg))
			r.sleep(ctx, wait)
		}
		return nil, err
	}
	status := res.Status
	if !status.Valid() || status == switchboard.StatusPending {
		status = switchboard.StatusSent
	}
	updated, changed, err := r.store.UpdateMessageStatus(ctx, m.ID, store.StatusUpdate{Status: status, ExternalID: res.ExternalID}, nil)
	if err != nil {
		return nil, err
	}
	outboundSent.Inc()
	r.Channels.health.sendOK(ctx, target.WorkspaceID, target.ChannelID)
	if !changed {
		return nil, nil
	}
	conv, err := r.store.GetConversation(ctx, m.WorkspaceID, m.ConversationID)
	if err != nil {
		return nil, err
	}
	r.Channels.FillWindow(&conv)
	return nil, r.publishEvent(switchboard.Event{
		Type: switchboard.EventMessageUpdated, WorkspaceID: m.WorkspaceID, ConversationID: m.ConversationID,
		DepartmentID: conv.DepartmentID, Message: &updated, Conversation: &conv, At: time.Now().UTC(),
	})
}

// windowClosedReason is the failure reason of a send refused outside the
// customer-service window: what to do, then the provider's words.
func windowClosedReason(err error) string {
	return "outside the customer-service window: send an approved template instead (" + providerReason(err) + ")"
}

// Sends whose connection runs elsewhere (issue 16): a WhatsApp linked
// device keeps one connection per channel across the cluster (a lease), so
// an instance without it cannot send. Retrying here would never reach the
// holder; the notice is handed back to the outbox instead, a little later,
// and the broker gives it to some instance again until the holder gets it.
// The message stays pending meanwhile (also while the device reconnects or
// waits to be linked) and fails only after handBackFor.
var (
	handBackDelay = 2 * time.Second
	handBackFor   = 24 * time.Hour
)

// handBack defers the outbound notice n of m, or fails m once it has
// waited handBackFor.
func (r *Router) handBack(ctx context.Context, m switchboard.Message, n OutboundNotice, cause error) error {
	if time.Since(m.CreatedAt) > handBackFor {
		return r.markFailed(ctx, m.ID, cause.Error())
	}
	r.log.Debug("send handed back: the channel's connection runs elsewhere", "message", m.ID, "err", cause)
	return r.store.DeferOutbox(ctx, []store.OutboxEntry{{Topic: TopicOutbound, Key: string(m.ID) + ":handback:" + switchboard.NewID("h"), Payload: mustJSON(n)}},
		time.Now().Add(handBackDelay))
}
