package telegram

import (
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// parseChatID reads a chat id (the customer's ExternalID).
func parseChatID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("%q is not a Telegram chat id", s)
	}
	return id, nil
}

// messageID is the ExternalID of one message in a chat: "<chat id>:<message
// id>". Incoming messages are stored under it (a redelivered update is a
// no-op) and reactions name the message they are for by it.
func messageID(chat int64, id int) string {
	return strconv.FormatInt(chat, 10) + ":" + strconv.Itoa(id)
}

// sentID is the ExternalID of a Send: the chat and every message it sent,
// "<chat id>:<first>[,<next>…]", so Retract can delete them all.
func sentID(chat int64, ids []int) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(id)
	}
	return strconv.FormatInt(chat, 10) + ":" + strings.Join(parts, ",")
}

// parseSentID reads what sentID (or messageID) wrote.
func parseSentID(s string) (int64, []int, error) {
	chatPart, idsPart, ok := strings.Cut(s, ":")
	if !ok {
		return 0, nil, fmt.Errorf("%q is not <chat id>:<message id>", s)
	}
	chat, err := parseChatID(chatPart)
	if err != nil {
		return 0, nil, err
	}
	var ids []int
	for _, p := range strings.Split(idsPart, ",") {
		id, err := strconv.Atoi(p)
		if err != nil || id <= 0 {
			return 0, nil, fmt.Errorf("%q is not <chat id>:<message id>", s)
		}
		ids = append(ids, id)
	}
	return chat, ids, nil
}

// maxCallbackData is Telegram's limit for an inline button's callback_data.
const maxCallbackData = 64

// hashedPrefix starts the callback_data of a payload too long for
// Telegram (or one that itself starts with the prefix): the prefix and a
// digest of the payload.
const hashedPrefix = "~h:"

// callbackData is what a button's payload travels as. Payloads of at most
// 64 bytes (not starting with hashedPrefix) go as they are; longer ones as
// hashedPrefix + base64url(SHA-256(payload))[:32], remembered by the
// connector so the press maps back to the payload (see payloadFor).
func (c *Connector) callbackData(payload string) string {
	if len(payload) <= maxCallbackData && !strings.HasPrefix(payload, hashedPrefix) {
		return payload
	}
	sum := sha256.Sum256([]byte(payload))
	data := hashedPrefix + base64.RawURLEncoding.EncodeToString(sum[:])[:32]
	c.payloads.put(data, payload)
	return data
}

// payloadFor maps a pressed button's callback_data back to the payload.
// ok is false for a hashed payload the connector no longer remembers
// (after a restart, or sent by another instance); the caller then uses
// the button's label.
func (c *Connector) payloadFor(data string) (string, bool) {
	if !strings.HasPrefix(data, hashedPrefix) {
		return data, true
	}
	return c.payloads.get(data)
}

// payloadCache is a bounded LRU of hashed callback data to payloads.
type payloadCache struct {
	mu    sync.Mutex
	max   int
	order *list.List
	items map[string]*list.Element
}

type payloadEntry struct{ key, payload string }

func newPayloadCache(max int) *payloadCache {
	return &payloadCache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (p *payloadCache) put(key, payload string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if el, ok := p.items[key]; ok {
		p.order.MoveToFront(el)
		return
	}
	p.items[key] = p.order.PushFront(payloadEntry{key, payload})
	for p.order.Len() > p.max {
		last := p.order.Back()
		p.order.Remove(last)
		delete(p.items, last.Value.(payloadEntry).key)
	}
}

func (p *payloadCache) get(key string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	el, ok := p.items[key]
	if !ok {
		return "", false
	}
	p.order.MoveToFront(el)
	return el.Value.(payloadEntry).payload, true
}

func asAPIError(err error, target **APIError) bool { return errors.As(err, target) }

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
