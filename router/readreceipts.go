package router

import (
	"context"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// readReceiptTimeout bounds one read receipt to the provider.
const readReceiptTimeout = 15 * time.Second

// sendReadReceipt tells the customer's provider that an operator read the
// conversation (connectors.ReadMarker: WhatsApp's mark as read, a linked
// device's read receipt, Messenger's mark_seen), up to the customer's
// newest message. It is called after an operator's read of a conversation
// that had unread customer messages was committed. It runs in the
// background: a slow or failing provider never holds up the operator, and
// a failure is only logged (a read receipt is a courtesy, not retried).
func (h *Hub) sendReadReceipt(conv switchboard.Conversation) {
	ch, ok := h.channels.Get(conv.ChannelID)
	if !ok || ch.Paused {
		return
	}
	rm, ok := ch.Connector.(connectors.ReadMarker)
	if !ok {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), readReceiptTimeout)
		defer cancel()
		last, err := h.store.LatestInbound(ctx, conv.WorkspaceID, conv.ID)
		if errors.Is(err, store.ErrNotFound) {
			return
		}
		if err == nil {
			var target store.DeliveryTarget
			if target, err = h.store.DeliveryTarget(ctx, conv.ID); err == nil {
				err = rm.MarkRead(ctx, target.Recipient, last.ExternalID)
			}
		}
		if err != nil {
			h.log.Warn("read receipt not sent", "conversation", conv.ID, "channel", conv.ChannelID, "err", err)
		}
	}()
}
