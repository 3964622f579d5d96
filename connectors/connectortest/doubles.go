package connectortest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"github.com/switchboardhq/switchboard"
)

// Sink is a recording connectors.Sink. It stores events in memory keyed the
// way the hub's store deduplicates them: messages, follows and unfollows by
// (channel, external id), receipts by (channel, external id, status), so a
// redelivered event shows up as "stored once". Every event handed to Accept
// is first checked with ValidateInbound; a malformed one fails the whole
// call and is recorded in Malformed. It is safe for concurrent use.
type Sink struct {
	mu        sync.Mutex
	calls     int
	received  []switchboard.Inbound
	stored    map[string]switchboard.Inbound
	order     []string
	malformed []error
	failWith  error
}

// NewSink returns an empty recording Sink.
func NewSink() *Sink { return &Sink{stored: map[string]switchboard.Inbound{}} }

// StoreKey is the key the Sink (and the hub's store) deduplicates an event by.
// A watermark receipt (no external id) is keyed by its sender, status and
// watermark, so a repeated watermark is stored once.
func StoreKey(in switchboard.Inbound) string {
	if in.Kind == switchboard.InboundStatus && in.ExternalID == "" && !in.Watermark.IsZero() {
		return fmt.Sprintf("%s\x00watermark\x00%s\x00%s\x00%d", in.ChannelID, in.Sender, in.Status, in.Watermark.UnixMilli())
	}
	if in.Kind == switchboard.InboundStatus {
		return fmt.Sprintf("%s\x00%s\x00status\x00%s", in.ChannelID, in.ExternalID, in.Status)
	}
	return fmt.Sprintf("%s\x00%s", in.ChannelID, in.ExternalID)
}

// Accept implements connectors.Sink. While a failure is set with FailWith it
// returns that error and stores nothing, like a store whose transaction
// rolled back.
func (s *Sink) Accept(ctx context.Context, events []switchboard.Inbound) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, in := range events {
		if err := ValidateInbound(in); err != nil {
			err = fmt.Errorf("event %d: %w", i, err)
			s.malformed = append(s.malformed, err)
			return err
		}
	}
	if s.failWith != nil {
		return s.failWith
	}
	for _, in := range events {
		s.received = append(s.received, in)
		key := StoreKey(in)
		if _, dup := s.stored[key]; dup {
			continue
		}
		s.stored[key] = in
		s.order = append(s.order, key)
	}
	return nil
}

// FailWith makes Accept return err until FailWith(nil).
func (s *Sink) FailWith(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failWith = err
}

// Calls is how many times Accept was called (including failed calls).
func (s *Sink) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Received is every event Accept took, redeliveries included, in order.
func (s *Sink) Received() []switchboard.Inbound {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]switchboard.Inbound(nil), s.received...)
}

// Stored is the deduplicated events, in the order they were first stored.
func (s *Sink) Stored() []switchboard.Inbound {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]switchboard.Inbound, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, s.stored[k])
	}
	return out
}

// Malformed lists the validation errors of events Accept refused.
func (s *Sink) Malformed() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.malformed...)
}

// ValidateInbound reports what is wrong with an event a connector hands to
// the hub: unknown kind, missing channel, external id or sender, a receipt
// without a valid status, parts of unknown kind or without their payload.
// Echoes are checked like messages; a status event with a Watermark and no
// external id needs a sender instead.
// Fuzz targets use it to prove that no malformed event reaches the Sink.
func ValidateInbound(in switchboard.Inbound) error {
	var errs []error
	switch in.Kind {
	case switchboard.InboundMessage, switchboard.InboundFollow, switchboard.InboundUnfollow, switchboard.InboundEcho:
		if in.Sender == "" {
			errs = append(errs, errors.New("no sender"))
		}
	case switchboard.InboundStatus:
		if !in.Status.Valid() {
			errs = append(errs, fmt.Errorf("receipt with invalid status %q", in.Status))
		}
	default:
		errs = append(errs, fmt.Errorf("unknown kind %q", in.Kind))
	}
	if in.ChannelID == "" {
		errs = append(errs, errors.New("no channel"))
	}
	switch {
	case in.Kind == switchboard.InboundStatus && in.ExternalID == "" && !in.Watermark.IsZero():
		// A watermark receipt names no message; it needs the sender whose
		// conversations it raises.
		if in.Sender == "" {
			errs = append(errs, errors.New("watermark receipt without sender"))
		}
	case in.ExternalID == "":
		errs = append(errs, errors.New("no external id"))
	}
	if in.At.IsZero() {
		errs = append(errs, errors.New("no time"))
	}
	if in.ReplyToken != "" && in.ReplyUntil.IsZero() {
		errs = append(errs, errors.New("reply token without expiry"))
	}
	if (in.Kind == switchboard.InboundMessage || in.Kind == switchboard.InboundEcho) && len(in.Parts) == 0 {
		errs = append(errs, errors.New("message without parts"))
	}
	for i, p := range in.Parts {
		if err := validatePart(p); err != nil {
			errs = append(errs, fmt.Errorf("part %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

func validatePart(p switchboard.Part) error {
	if !p.Kind.Valid() {
		return fmt.Errorf("unknown kind %q", p.Kind)
	}
	switch p.Kind {
	case switchboard.PartText, switchboard.PartMarkdown:
		if p.Text == "" {
			return errors.New("empty text")
		}
	case switchboard.PartImage, switchboard.PartFile, switchboard.PartAudio, switchboard.PartVideo:
		if p.Attachment == nil {
			return errors.New("media without attachment")
		}
		if p.Attachment.URL == "" && p.Attachment.MediaID == "" {
			return errors.New("attachment without url or media id")
		}
	case switchboard.PartLocation:
		if p.Location == nil {
			return errors.New("location part without location")
		}
	case switchboard.PartSticker:
		if p.Sticker == nil || p.Sticker.StickerID == "" {
			return errors.New("sticker part without sticker id")
		}
	case switchboard.PartButtons:
		if len(p.Buttons) == 0 {
			return errors.New("buttons part without buttons")
		}
	case switchboard.PartTemplate:
		if p.Template == nil {
			return errors.New("template part without template")
		}
	case switchboard.PartReaction:
		if p.Reaction == nil || p.Reaction.To == "" {
			return errors.New("reaction part without the message reacted to")
		}
	}
	return nil
}

// MediaStore is a recording connectors.MediaStore. Its ids are derived from
// the content (MediaID), so tests can write the expected Attachment.MediaID
// before the connector fetched anything. It is safe for concurrent use.
type MediaStore struct {
	mu    sync.Mutex
	items map[string]StoredMedia
	puts  int
}

// StoredMedia is one item of a MediaStore.
type StoredMedia struct {
	ContentType string
	Body        []byte
}

// NewMediaStore returns an empty recording MediaStore.
func NewMediaStore() *MediaStore { return &MediaStore{items: map[string]StoredMedia{}} }

// MediaID is the id MediaStore.Put returns for body.
func MediaID(body []byte) string {
	sum := sha256.Sum256(body)
	return "media_" + hex.EncodeToString(sum[:8])
}

// Put implements connectors.MediaStore.
func (m *MediaStore) Put(ctx context.Context, contentType string, body []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.puts++
	id := MediaID(body)
	m.items[id] = StoredMedia{ContentType: contentType, Body: bytes.Clone(body)}
	return id, nil
}

// Get returns a stored item.
func (m *MediaStore) Get(id string) (StoredMedia, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[id]
	return it, ok
}

// Puts is how many times Put was called.
func (m *MediaStore) Puts() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.puts
}
