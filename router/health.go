package router

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// channelHealth is the hub side of connectors.StatusReporter: connectors
// report their channel's health (a linked device's QR code, a revoked
// token), the hub stores it and announces it (EventChannelStatus, through
// the outbox) to admins' consoles. Reports are queued and written by one
// goroutine, so a connector's ReportStatus never waits for the database;
// a report equal to the channel's last one costs a map look-up.
type channelHealth struct {
	store store.Store
	log   *slog.Logger
	// kick wakes the outbox relay after a change was stored.
	kick func()
	now  func() time.Time

	mu sync.Mutex
	// last is each channel's status as last stored (or loaded).
	last map[switchboard.ChannelID]switchboard.ChannelStatus
	// loaded says which workspaces' stored statuses are in last.
	loaded map[switchboard.WorkspaceID]bool
	// queue holds the latest unwritten report per channel, in order of
	// first report; writing says the writer goroutine runs.
	queue   []healthReport
	writing bool
}

type healthReport struct {
	ws switchboard.WorkspaceID
	st switchboard.ChannelStatus
}

func newChannelHealth(st store.Store, log *slog.Logger, kick func()) *channelHealth {
	return &channelHealth{store: st, log: log, kick: kick, now: func() time.Time { return time.Now().UTC() },
		last: map[switchboard.ChannelID]switchboard.ChannelStatus{}, loaded: map[switchboard.WorkspaceID]bool{}}
}

// reporter returns the StatusReporter handed to the connector of one
// channel: whatever ChannelID a report names, it is about that channel.
func (h *channelHealth) reporter(ws switchboard.WorkspaceID, ch switchboard.ChannelID) connectors.StatusReporter {
	return channelReporter{h: h, ws: ws, ch: ch}
}

type channelReporter struct {
	h  *channelHealth
	ws switchboard.WorkspaceID
	ch switchboard.ChannelID
}

// ReportStatus queues the channel's status; it never blocks on the store.
func (r channelReporter) ReportStatus(_ context.Context, st switchboard.ChannelStatus) {
	st.ChannelID = r.ch
	r.h.report(r.ws, st)
}

func (h *channelHealth) report(ws switchboard.WorkspaceID, st switchboard.ChannelStatus) {
	if !st.State.Valid() {
		h.log.Error("channel status with an unknown state ignored", "channel", st.ChannelID, "state", st.State)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if last, ok := h.last[st.ChannelID]; ok && store.SameChannelStatus(last, st) {
		return
	}
	for i := range h.queue {
		if h.queue[i].st.ChannelID == st.ChannelID {
			h.queue[i] = healthReport{ws: ws, st: st}
			return
		}
	}
	h.queue = append(h.queue, healthReport{ws: ws, st: st})
	if !h.writing {
		h.writing = true
		go h.write()
	}
}

// write stores the queued reports until there are none.
func (h *channelHealth) write() {
	for {
		h.mu.Lock()
		if len(h.queue) == 0 {
			h.writing = false
			h.mu.Unlock()
			return
		}
		r := h.queue[0]
		h.queue = h.queue[1:]
		last, known := h.last[r.st.ChannelID]
		h.mu.Unlock()
		if known && store.SameChannelStatus(last, r.st) {
			continue
		}
		h.put(r, last, known)
	}
}

// put stores one report with its event.
func (h *channelHealth) put(r healthReport, last switchboard.ChannelStatus, known bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	st := r.st
	switch {
	case known && last.State == st.State:
		st.Since = last.Since
	case st.Since.IsZero():
		st.Since = h.now()
	}
	st.Since = st.Since.UTC().Truncate(time.Microsecond)
	ev := switchboard.Event{Type: switchboard.EventChannelStatus, WorkspaceID: r.ws, Channel: &st, At: h.now()}
	changed, err := h.store.PutChannelStatus(ctx, r.ws, st, []store.OutboxEntry{eventEntry(ev)})
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) { // a channel deleted meanwhile says nothing
			h.log.Error("channel status not stored", "channel", st.ChannelID, "state", st.State, "err", err)
		}
		return
	}
	h.mu.Lock()
	h.last[st.ChannelID] = st
	h.mu.Unlock()
	if !changed {
		return
	}
	if st.State == switchboard.ChannelOK {
		h.log.Info("channel status", "channel", st.ChannelID, "state", st.State)
	} else {
		h.log.Warn("channel status", "channel", st.ChannelID, "state", st.State, "reason", st.Reason)
	}
	if h.kick != nil {
		h.kick()
	}
}

// state returns the channel's last known state (ok when none), reading
// the workspace's stored statuses once.
func (h *channelHealth) state(ctx context.Context, ws switchboard.WorkspaceID, ch switchboard.ChannelID) switchboard.ChannelState {
	h.mu.Lock()
	loaded := h.loaded[ws]
	h.mu.Unlock()
	if !loaded {
		sts, err := h.store.ListChannelStatuses(ctx, ws)
		if err != nil {
			h.log.Warn("channel statuses not read", "workspace", ws, "err", err)
			return switchboard.ChannelOK
		}
		h.mu.Lock()
		for _, st := range sts {
			if _, ok := h.last[st.ChannelID]; !ok {
				h.last[st.ChannelID] = st
			}
		}
		h.loaded[ws] = true
		h.mu.Unlock()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.queue {
		if r.st.ChannelID == ch {
			return r.st.State
		}
	}
	if st, ok := h.last[ch]; ok {
		return st.State
	}
	return switchboard.ChannelOK
}

// sendFailed marks the channel's credentials broken when the provider
// refused them (reason: the provider's words).
func (h *channelHealth) sendFailed(ws switchboard.WorkspaceID, ch switchboard.ChannelID, err error) {
	if !errors.Is(err, connectors.ErrCredentials) {
		return
	}
	h.report(ws, switchboard.ChannelStatus{ChannelID: ch, State: switchboard.ChannelCredentialsBroken, Reason: providerReason(err)})
}

// sendOK marks a channel whose credentials were broken ok again: a send
// went through.
func (h *channelHealth) sendOK(ctx context.Context, ws switchboard.WorkspaceID, ch switchboard.ChannelID) {
	if h.state(ctx, ws, ch) == switchboard.ChannelCredentialsBroken {
		h.report(ws, switchboard.ChannelStatus{ChannelID: ch, State: switchboard.ChannelOK})
	}
}

// providerReason is what a connector's error says, without the wrapped
// sentinel's generic words.
func providerReason(err error) string {
	var pe *connectors.PermanentError
	if errors.As(err, &pe) && pe.Reason != "" {
		return pe.Reason
	}
	return err.Error()
}

// storeLeaser is connectors.Leaser on the store's leases table.
type storeLeaser struct{ store store.Store }

func (l storeLeaser) TryLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := time.Now().UTC()
	return l.store.TryLease(ctx, name, holder, now.Add(ttl), now)
}

func (l storeLeaser) ReleaseLease(ctx context.Context, name, holder string) error {
	return l.store.ReleaseLease(ctx, name, holder)
}

// database is the store's SQL database for connectors, nil when the
// store has none.
func database(st store.Store) *connectors.Database {
	sd, ok := st.(store.SQLDatabase)
	if !ok {
		return nil
	}
	db, dialect := sd.SQLDatabase()
	return &connectors.Database{DB: db, Dialect: dialect}
}
