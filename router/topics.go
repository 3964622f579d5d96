// Package router moves messages through the hub on Watermill: the intake
// (Hub.Accept with group commit), the transactional outbox and its relay,
// the handlers of the `inbound`, `outbound` and `events` topics (routing to
// departments, sending through connectors, mirroring to Slack), and the
// registry of running channel connectors.
package router

import (
	"encoding/json"

	"github.com/switchboardhq/switchboard"
)

// Topics. Work topics (inbound, outbound, mirror) are consumed by one instance
// each; events fan out to every instance so each one's WebSocket clients hear
// everything.
const (
	TopicInbound  = "inbound"
	TopicOutbound = "outbound"
	TopicEvents   = "events"
	TopicPoison   = "poison"
)

// InboundNotice is the payload of the inbound topic: a committed customer
// event the router still has to route and announce.
type InboundNotice struct {
	WorkspaceID     switchboard.WorkspaceID    `json:"workspace_id"`
	Kind            switchboard.InboundKind    `json:"kind"`
	ChannelID       switchboard.ChannelID      `json:"channel"`
	MessageID       switchboard.MessageID      `json:"message_id,omitempty"`
	ContactExternal switchboard.ExternalID     `json:"sender,omitempty"`
	ExternalID      switchboard.ExternalID     `json:"external_id,omitempty"`
	ConversationID  switchboard.ConversationID `json:"conversation_id,omitempty"`
	// Message and Conversation are what the accepting transaction stored,
	// so the route handler announces without reading them back. Notices
	// written before they existed lack them; the handler then reads.
	Message      *switchboard.Message      `json:"message,omitempty"`
	Conversation *switchboard.Conversation `json:"conversation,omitempty"`
	// MessageIDs are, for a status event, the outgoing messages whose
	// status it raised (one for a receipt, any number for a watermark).
	MessageIDs []switchboard.MessageID `json:"message_ids,omitempty"`
}

// OutboundNotice is the payload of the outbound topic: a stored outgoing
// message to hand to its channel's connector.
type OutboundNotice struct {
	WorkspaceID switchboard.WorkspaceID `json:"workspace_id"`
	MessageID   switchboard.MessageID   `json:"message_id"`
	// ConversationID keeps one conversation's replies in order on a
	// partitioned broker (NATS); empty in notices written before it existed.
	ConversationID switchboard.ConversationID `json:"conversation_id,omitempty"`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("router: marshal: " + err.Error())
	}
	return b
}
