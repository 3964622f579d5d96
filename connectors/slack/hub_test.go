package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// hubFake is an in-memory connectors.Hub: it records replies, thread links
// and FirstSeen keys, and maps Slack users to operators.
type hubFake struct {
	mu         sync.Mutex
	convs      map[switchboard.ConversationID]switchboard.Conversation
	threads    map[string]string // mirror|conv → thread ts
	threadConv map[string]threadOwner
	linkCalls  int
	seen       map[string]bool
	operators  map[string]switchboard.OperatorID // slack user → operator
	replies    []connectors.ReplyRequest
	stored     []switchboard.Message // what Reply returned, in order
	replyErrs  []error               // returned by the next Reply calls, in order
	nextMsg    int
}

type threadOwner struct {
	ws   switchboard.WorkspaceID
	conv switchboard.ConversationID
}

func newHubFake() *hubFake {
	return &hubFake{
		convs:      map[switchboard.ConversationID]switchboard.Conversation{},
		threads:    map[string]string{},
		threadConv: map[string]threadOwner{},
		seen:       map[string]bool{},
		operators:  map[string]switchboard.OperatorID{},
	}
}

func (h *hubFake) addConversation(c switchboard.Conversation) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.convs[c.ID] = c
}

func (h *hubFake) linkOperator(slackUser string, op switchboard.OperatorID) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.operators[slackUser] = op
}

func (h *hubFake) failNextReply(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.replyErrs = append(h.replyErrs, err)
}

func (h *hubFake) Accept(ctx context.Context, events []switchboard.Inbound) error {
	return errors.New("hubFake: the Slack mirror must not Accept")
}

func (h *hubFake) Reply(ctx context.Context, req connectors.ReplyRequest) (switchboard.Message, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.replyErrs) > 0 {
		err := h.replyErrs[0]
		h.replyErrs = h.replyErrs[1:]
		return switchboard.Message{}, err
	}
	h.replies = append(h.replies, req)
	h.nextMsg++
	dir := switchboard.DirectionOut
	status := switchboard.StatusPending
	if req.Note {
		dir, status = switchboard.DirectionNote, switchboard.StatusDelivered
	}
	msg := switchboard.Message{
		ID:             switchboard.MessageID(fmt.Sprintf("msg_reply_%d", h.nextMsg)),
		WorkspaceID:    req.WorkspaceID,
		ConversationID: req.ConversationID,
		Direction:      dir,
		Parts:          req.Parts,
		AuthorID:       req.AuthorID,
		Status:         status,
		CreatedAt:      time.Now().UTC(),
	}
	h.stored = append(h.stored, msg)
	return msg, nil
}

func (h *hubFake) Conversation(ctx context.Context, ws switchboard.WorkspaceID, id switchboard.ConversationID) (switchboard.Conversation, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.convs[id]
	if !ok || c.WorkspaceID != ws {
		return switchboard.Conversation{}, connectors.ErrNotFound
	}
	return c, nil
}

func (h *hubFake) LinkThread(ctx context.Context, ws switchboard.WorkspaceID, mirror string, conv switchboard.ConversationID, threadRef string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.linkCalls++
	h.threads[mirror+"|"+string(conv)] = threadRef
	h.threadConv[mirror+"|"+threadRef] = threadOwner{ws, conv}
	return nil
}

func (h *hubFake) ThreadOf(ctx context.Context, mirror string, conv switchboard.ConversationID) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ts, ok := h.threads[mirror+"|"+string(conv)]
	if !ok {
		return "", connectors.ErrNotFound
	}
	return ts, nil
}

func (h *hubFake) ConversationOfThread(ctx context.Context, mirror, threadRef string) (switchboard.WorkspaceID, switchboard.ConversationID, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.threadConv[mirror+"|"+threadRef]
	if !ok {
		return "", "", connectors.ErrNotFound
	}
	return o.ws, o.conv, nil
}

func (h *hubFake) OperatorForAccount(ctx context.Context, provider, externalUser string) (switchboard.OperatorID, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if provider != "slack" {
		return "", connectors.ErrNotFound
	}
	op, ok := h.operators[externalUser]
	if !ok {
		return "", connectors.ErrNotFound
	}
	return op, nil
}

func (h *hubFake) FirstSeen(ctx context.Context, key string) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seen[key] {
		return false, nil
	}
	h.seen[key] = true
	return true, nil
}

func (h *hubFake) ConsoleURL(conv switchboard.ConversationID) string {
	return "https://hub.example/console/conversations/" + string(conv)
}

func (h *hubFake) replyRequests() []connectors.ReplyRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]connectors.ReplyRequest(nil), h.replies...)
}

func (h *hubFake) links() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.linkCalls
}

func (h *hubFake) seenKeys() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.seen)
}

func (h *hubFake) storedMessages() []switchboard.Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]switchboard.Message(nil), h.stored...)
}

func (h *hubFake) hasSeen(key string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen[key]
}
