package router

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// Reply windows and provider templates (issue 16). WhatsApp, Messenger
// and Instagram take free-form replies only within a window after the
// customer's last message (Capabilities.ReplyWindowSeconds); after it only
// approved templates, which the hub syncs from the provider for channels
// whose connector is a connectors.TemplateLister.

// TemplateSyncEvery is how often running TemplateLister channels sync
// their templates (besides at start and on demand).
var TemplateSyncEvery = time.Hour

// ErrNoTemplates is wrapped by SyncTemplates for a channel whose connector
// has no provider templates.
var ErrNoTemplates = errors.New("the channel has no provider templates")

// WindowExpiresAt is when a conversation's customer-service window closes
// on a channel with caps: the customer's last message plus the window;
// nil when the channel has no window or the customer never wrote.
func WindowExpiresAt(customerLastAt *time.Time, caps connectors.Capabilities) *time.Time {
	if caps.ReplyWindowSeconds <= 0 || customerLastAt == nil {
		return nil
	}
	t := customerLastAt.Add(time.Duration(caps.ReplyWindowSeconds) * time.Second).UTC()
	return &t
}

// FillWindow sets conv.WindowExpiresAt from its running channel's window
// (nil when the channel has none or does not run here). Every API answer
// and event carrying a conversation goes through it.
func (c *Channels) FillWindow(conv *switchboard.Conversation) {
	if conv == nil {
		return
	}
	conv.WindowExpiresAt = nil
	ch, ok := c.Get(conv.ChannelID)
	if !ok {
		return
	}
	conv.WindowExpiresAt = WindowExpiresAt(conv.CustomerLastAt, ch.Connector.Capabilities())
}

// checkWindow refuses free-form parts outside the channel's window.
func checkWindow(conv switchboard.Conversation, caps connectors.Capabilities, parts []switchboard.Part, now time.Time) *ValidationError {
	if caps.ReplyWindowSeconds <= 0 || allTemplates(parts) {
		return nil
	}
	exp := WindowExpiresAt(conv.CustomerLastAt, caps)
	if exp != nil && now.Before(*exp) {
		return nil
	}
	msg := "the customer has not written on this channel, so its customer-service window is closed; send an approved template"
	if exp != nil {
		msg = "the customer-service window closed at " + exp.Format(time.RFC3339) + "; send an approved template"
	}
	return &ValidationError{Field: "parts", Message: msg, Err: connectors.ErrWindowClosed}
}

func allTemplates(parts []switchboard.Part) bool {
	for _, p := range parts {
		if p.Kind != switchboard.PartTemplate {
			return false
		}
	}
	return len(parts) > 0
}

// checkTemplates refuses template parts that name a template the
// channel's synced list does not have approved. Without a synced list
// (a channel whose provider has none) anything goes.
func (h *Hub) checkTemplates(ctx context.Context, ws switchboard.WorkspaceID, ch switchboard.ChannelID, parts []switchboard.Part) error {
	var synced []switchboard.ProviderTemplate
	loaded := false
	for i, p := range parts {
		if p.Kind != switchboard.PartTemplate || p.Template == nil || len(p.Template.Raw) > 0 {
			continue
		}
		if !loaded {
			list, at, err := h.store.ListProviderTemplates(ctx, ws, ch)
			if err != nil {
				return fmt.Errorf("provider templates: %w", err)
			}
			if at.IsZero() {
				return nil
			}
			synced, loaded = list, true
		}
		if verr := templateApproved(synced, *p.Template); verr != nil {
			verr.Field = fmt.Sprintf("parts[%d].template", i)
			return verr
		}
	}
	return nil
}

func templateApproved(synced []switchboard.ProviderTemplate, t switchboard.Template) *ValidationError {
	name := strings.TrimSpace(t.Name)
	if name == "" {
		return &ValidationError{Message: "a template part needs the template's name"}
	}
	var found *switchboard.ProviderTemplate
	for i := range synced {
		pt := &synced[i]
		if pt.Name != name || (t.Language != "" && pt.Language != t.Language) {
			continue
		}
		if pt.Status == "APPROVED" {
			return nil
		}
		found = pt
	}
	label := fmt.Sprintf("%q", name)
	if t.Language != "" {
		label += " (" + t.Language + ")"
	}
	if found != nil {
		return &ValidationError{Message: fmt.Sprintf("template %s is %s at the provider, not approved: only approved templates can be sent", label, found.Status)}
	}
	return &ValidationError{Message: fmt.Sprintf("the provider has no template %s (sync the channel's templates if it was added lately)", label)}
}

// SyncTemplates lists a channel's templates at the provider and stores
// them (replacing the last sync); it returns them with the sync time.
// The channel must run on this instance and belong to ws (else
// store.ErrNotFound, or a ConflictError not_here when it does not run on
// this instance); a connector without templates is ErrNoTemplates, a
// provider failure ErrProvider.
func (h *Hub) SyncTemplates(ctx context.Context, ws switchboard.WorkspaceID, ch switchboard.ChannelID) ([]switchboard.ProviderTemplate, time.Time, error) {
	rc, ok := h.channels.Get(ch)
	if ok && rc.WorkspaceID != ws {
		return nil, time.Time{}, fmt.Errorf("channel %s: %w", ch, store.ErrNotFound)
	}
	if !ok || rc.Paused {
		return nil, time.Time{}, &ConflictError{Code: "not_here", Message: fmt.Sprintf("channel %s does not run on this instance (paused, or its config does not build)", ch)}
	}
	tl, ok := rc.Connector.(connectors.TemplateLister)
	if !ok {
		return nil, time.Time{}, fmt.Errorf("channel %s (%s): %w", ch, rc.Type, ErrNoTemplates)
	}
	return h.channels.templates.sync(ctx, h.store, rc, tl, h.now())
}

// templateSync serialises the syncs of each channel (the hourly one and
// an admin's).
type templateSync struct {
	mu   sync.Mutex
	busy map[switchboard.ChannelID]*sync.Mutex
}

func (s *templateSync) lock(ch switchboard.ChannelID) *sync.Mutex {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy == nil {
		s.busy = map[switchboard.ChannelID]*sync.Mutex{}
	}
	m := s.busy[ch]
	if m == nil {
		m = &sync.Mutex{}
		s.busy[ch] = m
	}
	return m
}

func (s *templateSync) sync(ctx context.Context, st store.Store, rc *RunningChannel, tl connectors.TemplateLister, now time.Time) ([]switchboard.ProviderTemplate, time.Time, error) {
	m := s.lock(rc.ID)
	m.Lock()
	defer m.Unlock()
	list, err := tl.ListTemplates(ctx)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("channel %s: listing templates: %w: %w", rc.ID, ErrProvider, err)
	}
	now = now.UTC().Truncate(time.Microsecond)
	if err := st.PutProviderTemplates(ctx, rc.WorkspaceID, rc.ID, list, now); err != nil {
		return nil, time.Time{}, fmt.Errorf("channel %s: store templates: %w", rc.ID, err)
	}
	for i := range list {
		list[i].ChannelID = rc.ID
	}
	return list, now, nil
}

// syncTemplates keeps a running TemplateLister channel's templates fresh:
// at once, then every TemplateSyncEvery until ctx ends (the channel
// stopped or changed).
func (c *Channels) syncTemplates(ctx context.Context, rc *RunningChannel, tl connectors.TemplateLister) {
	run := func(ctx context.Context) error {
		list, _, err := c.templates.sync(ctx, c.store, rc, tl, time.Now())
		if err == nil {
			c.log.Info("provider templates synced", "channel", rc.ID, "templates", len(list))
		}
		return err
	}
	if err := run(ctx); err != nil && ctx.Err() == nil {
		c.log.Warn("provider templates not synced", "channel", rc.ID, "err", err)
	}
	repeat(ctx, TemplateSyncEvery, c.log, "provider templates not synced", run)
}
