package router

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// RunningChannel is a stored channel with its built connector.
type RunningChannel struct {
	store.Channel
	Connector connectors.Connector
	cancel    context.CancelFunc
	// rateLimit is the channel's rate_limit key, when rateSet.
	rateLimit float64
	rateSet   bool
}

// Channels is the registry of the channels this instance runs. It follows
// the store: Sync builds channels that were added or changed (by this or
// another instance, through the API or the config file) and drops removed
// ones, so no restart is needed.
type Channels struct {
	store      store.Store
	hub        *Hub
	log        *slog.Logger
	httpClient *http.Client
	publicURL  string
	runCtx     context.Context
	hubSecret  []byte
	sealer     *Sealer
	// health stores and announces what connectors report (health.go).
	health *channelHealth
	// templates syncs TemplateLister channels' templates (templates.go).
	templates templateSync

	mu   sync.RWMutex
	byID map[switchboard.ChannelID]*RunningChannel
}

func newChannels(st store.Store, hub *Hub, log *slog.Logger, client *http.Client, publicURL string, hubSecret []byte) *Channels {
	return &Channels{store: st, hub: hub, log: log, httpClient: client, publicURL: strings.TrimRight(publicURL, "/"), runCtx: context.Background(), hubSecret: hubSecret, byID: map[switchboard.ChannelID]*RunningChannel{}}
}

// Get returns a running channel by id.
func (c *Channels) Get(id switchboard.ChannelID) (*RunningChannel, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ch, ok := c.byID[id]
	return ch, ok
}

// All returns the running channels sorted by id.
func (c *Channels) All() []*RunningChannel {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*RunningChannel, 0, len(c.byID))
	for _, ch := range c.byID {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// HasMirrors reports whether any running channel is a mirror; without one
// the mirror handler need not even read events.
func (c *Channels) HasMirrors() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, ch := range c.byID {
		if _, ok := ch.Connector.(connectors.Mirror); ok && !ch.Paused {
			return true
		}
	}
	return false
}

// Mirrors returns the unpaused mirror connectors of a workspace.
func (c *Channels) Mirrors(ws switchboard.WorkspaceID) []connectors.Mirror {
	var out []connectors.Mirror
	for _, ch := range c.All() {
		if m, ok := ch.Connector.(connectors.Mirror); ok && ch.WorkspaceID == ws && !ch.Paused {
			out = append(out, m)
		}
	}
	return out
}

// Deps returns the dependencies a connector of channel ch is built with.
func (c *Channels) Deps(ch store.Channel) connectors.Deps {
	// Never nil: connectors built through the hub report to it.
	status := connectors.Deps{}.WithDefaults().Status
	if c.health != nil {
		status = c.health.reporter(ch.WorkspaceID, ch.ID)
	}
	return connectors.Deps{
		ChannelID:   ch.ID,
		WorkspaceID: ch.WorkspaceID,
		Sink:        c.hub,
		Hub:         c.hub,
		Media:       mediaStore{store: c.store, ws: ch.WorkspaceID},
		PublicURL:   c.publicURL,
		WebhookURL:  c.publicURL + "/webhooks/" + string(ch.ID),
		HTTPClient:  c.httpClient,
		Logger:      c.log.With("channel", ch.ID, "channel_type", ch.Type),
		Now:         time.Now,
		HubSecret:   c.hubSecret,
		Status:      status,
		Leases:      storeLeaser{store: c.store},
		Database:    database(c.store),
	}
}

// Build constructs the connector of a stored channel (secrets sealed or
// not) without running it; it is how the API checks a channel's config
// before storing it.
func (c *Channels) Build(ch store.Channel) (connectors.Connector, error) {
	cfg, err := c.open(ch)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %w", ch.ID, err)
	}
	// rate_limit is the hub's key: connectors decode their config strictly.
	if cfg, err = SplitRateLimit(cfg); err != nil {
		return nil, fmt.Errorf("channel %s: %w", ch.ID, err)
	}
	return connectors.Build(ch.Type, cfg, c.Deps(ch))
}

func (c *Channels) open(ch store.Channel) (json.RawMessage, error) {
	if c.sealer == nil {
		return ch.Config, nil
	}
	return c.sealer.Open(ch.Type, ch.Config)
}

// Put validates a channel's config by building it, seals its secrets and
// stores it; it reports whether anything changed. A channel id taken by
// another workspace is store.ErrConflict. Running instances pick the
// change up on their next Sync.
func (c *Channels) Put(ctx context.Context, ch store.Channel) (bool, error) {
	if ch.Name == "" {
		ch.Name = string(ch.ID)
	}
	if _, err := c.Build(ch); err != nil {
		return false, &ValidationError{Field: "config", Message: err.Error()}
	}
	now := time.Now().UTC()
	ch.CreatedAt, ch.UpdatedAt = now, now
	existing, err := c.store.GetChannel(ctx, ch.ID)
	switch {
	case err == nil:
		if existing.WorkspaceID != ch.WorkspaceID {
			return false, fmt.Errorf("channel %s: %w in another workspace", ch.ID, store.ErrConflict)
		}
		old, err := c.open(existing)
		if err == nil && existing.Type == ch.Type && existing.Name == ch.Name && existing.Paused == ch.Paused &&
			bytes.Equal(switchboard.CanonicalJSON(old), switchboard.CanonicalJSON(ch.Config)) {
			return false, nil
		}
		ch.CreatedAt = existing.CreatedAt
	case !errors.Is(err, store.ErrNotFound):
		return false, err
	}
	if c.sealer != nil {
		if ch.Config, err = c.sealer.Seal(ch.Type, ch.Config); err != nil {
			return false, err
		}
	}
	return true, c.store.PutChannel(ctx, ch)
}

// Config returns a stored channel's config with its secrets opened, for
// merging a change into it. It must never reach an API answer or a log.
func (c *Channels) Config(ch store.Channel) (map[string]json.RawMessage, error) {
	raw, err := c.open(ch)
	if err != nil {
		return nil, err
	}
	out := map[string]json.RawMessage{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PublicConfig returns a channel's config keys that are not secrets (the
// type's Registration.Secrets), for API answers.
func (c *Channels) PublicConfig(ch store.Channel) map[string]json.RawMessage {
	cfg, err := c.Config(ch)
	if err != nil {
		return map[string]json.RawMessage{}
	}
	if reg, ok := connectors.Lookup(ch.Type); ok {
		for _, k := range reg.Secrets {
			delete(cfg, k)
		}
	}
	return cfg
}

// Sync makes the running set match the store. A channel whose config does
// not build is logged and left out; the others run.
func (c *Channels) Sync(ctx context.Context) error {
	stored, err := c.store.ListChannels(ctx, "")
	if err != nil {
		return err
	}
	seen := map[switchboard.ChannelID]bool{}
	for _, sc := range stored {
		seen[sc.ID] = true
		cur, ok := c.Get(sc.ID)
		if ok && sameChannel(cur.Channel, sc) {
			continue
		}
		conn, err := c.Build(sc)
		if err != nil {
			c.log.Error("channel not started: bad config", "channel", sc.ID, "err", err)
			continue
		}
		rc := &RunningChannel{Channel: sc, Connector: conn}
		if cfg, err := c.open(sc); err == nil {
			_, rc.rateLimit, rc.rateSet, _ = splitRateLimit(cfg)
		}
		c.start(rc)
		if ok {
			c.log.Info("channel reloaded", "channel", sc.ID)
		}
	}
	for _, ch := range c.All() {
		if !seen[ch.ID] {
			c.stop(ch.ID)
			c.log.Info("channel removed", "channel", ch.ID)
		}
	}
	return nil
}

func sameChannel(a, b store.Channel) bool {
	return a.Type == b.Type && a.Name == b.Name && a.Paused == b.Paused && a.WorkspaceID == b.WorkspaceID &&
		bytes.Equal(a.Config, b.Config)
}

func (c *Channels) start(rc *RunningChannel) {
	r, runs := rc.Connector.(connectors.Runner)
	tl, lists := rc.Connector.(connectors.TemplateLister)
	if (runs || lists) && !rc.Paused {
		ctx, cancel := context.WithCancel(c.runCtx)
		rc.cancel = cancel
		if runs {
			go func() {
				if err := r.Run(ctx); err != nil && ctx.Err() == nil {
					c.log.Error("channel runner stopped", "channel", rc.ID, "err", err)
				}
			}()
		}
		if lists {
			go c.syncTemplates(ctx, rc, tl)
		}
	}
	c.mu.Lock()
	old := c.byID[rc.ID]
	c.byID[rc.ID] = rc
	c.mu.Unlock()
	if old != nil && old.cancel != nil {
		old.cancel()
	}
}

func (c *Channels) stop(id switchboard.ChannelID) {
	c.mu.Lock()
	old := c.byID[id]
	delete(c.byID, id)
	c.mu.Unlock()
	if old != nil && old.cancel != nil {
		old.cancel()
	}
}

// watch re-syncs every interval until ctx is done, so channels changed on
// another instance are picked up.
func (c *Channels) watch(ctx context.Context, every time.Duration) {
	repeat(ctx, every, c.log, "channel sync failed", c.Sync)
}

// mediaStore keeps connector media in the store, so every instance can
// serve it.
type mediaStore struct {
	store store.Store
	ws    switchboard.WorkspaceID
}

func (m mediaStore) Put(ctx context.Context, contentType string, body []byte) (string, error) {
	id := switchboard.NewID("med")
	err := m.store.PutMedia(ctx, store.Media{ID: id, WorkspaceID: m.ws, ContentType: contentType, Body: body, CreatedAt: time.Now().UTC()})
	return id, err
}
