package device

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/switchboardhq/switchboard"
)

// deviceHandle is what a client is built from: the device of the channel
// (paired or new) and the logger.
type deviceHandle struct {
	*store.Device
	log waLog.Logger
}

// outdatedRetry is how long a refused client version waits before the next
// attempt (a new build of the hub is what fixes it).
const outdatedRetry = time.Hour

// sessionResult says how a session ended and what the next one waits.
type sessionResult struct {
	// wait before the next session; 0 means the backoff when failed, none
	// otherwise.
	wait time.Duration
	// failed: the connection could not be made or broke.
	failed bool
	// healthy: the session reached Connected (resets the backoff).
	healthy bool
	// redelivery: it ended to have an uncommitted event delivered again;
	// repeated failures of one event keep growing the backoff.
	redelivery bool
}

// redeliver is put on a session's lifecycle channel when the hub could not
// commit an event: the event was not acknowledged, and reconnecting makes
// WhatsApp deliver it again.
type redeliver struct{}

// session runs one connection of the device: it loads the device, shows
// the QR codes while unpaired, connects, and returns when the connection
// ends or ctx is done.
func (c *Connector) session(ctx context.Context) sessionResult {
	ds, err := c.openStore(ctx)
	if err != nil {
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelDisconnected, Reason: errorReason("device store", err)})
		return sessionResult{failed: true}
	}
	dev, err := ds.device(ctx, c.deps.ChannelID)
	if err != nil {
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelDisconnected, Reason: errorReason("device store", err)})
		return sessionResult{failed: true}
	}
	log := newWALogger(c.deps.Logger.With("channel", string(c.deps.ChannelID)))
	cli := c.newClient(deviceHandle{Device: dev, log: log})
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lifecycle := make(chan any, 64)
	handlerID := cli.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		return c.handle(sctx, cli, ds, lifecycle, evt)
	})
	defer cli.RemoveEventHandler(handlerID)

	var qr <-chan whatsmeow.QRChannelItem
	if cli.DeviceID() == nil {
		if qr, err = cli.GetQRChannel(sctx); err != nil {
			c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelUnpaired, Reason: errorReason("cannot start pairing", err)})
			return sessionResult{failed: true}
		}
	}
	if err := cli.ConnectContext(sctx); err != nil {
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelDisconnected, Reason: errorReason("cannot connect to WhatsApp", err)})
		return sessionResult{failed: true}
	}
	c.setClient(cli)
	defer func() {
		c.setClient(nil)
		cli.Disconnect()
	}()
	healthy := false
	for {
		select {
		case <-ctx.Done():
			return sessionResult{healthy: healthy}
		case item, ok := <-qr:
			if !ok {
				qr = nil
				continue
			}
			if res, done := c.qrItem(ctx, item); done {
				return res
			}
		case evt := <-lifecycle:
			if res, done := c.lifecycleEvent(ctx, cli, evt); done {
				res.healthy = res.healthy || healthy
				return res
			}
			if _, ok := evt.(*events.Connected); ok {
				healthy = true
			}
		}
	}
}

// qrItem reports a pairing code or ends the session when pairing stopped.
func (c *Connector) qrItem(ctx context.Context, item whatsmeow.QRChannelItem) (sessionResult, bool) {
	switch item.Event {
	case whatsmeow.QRChannelEventCode:
		st := c.lastStatus()
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelUnpaired, Reason: c.unpairedReason(), QR: item.Code, PairCode: st.PairCode})
		return sessionResult{}, false
	case whatsmeow.QRChannelSuccess.Event:
		return sessionResult{}, false
	case whatsmeow.QRChannelTimeout.Event:
		// The codes ran out (or the socket closed): a new connection brings
		// new ones.
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelUnpaired, Reason: c.unpairedReason()})
		return sessionResult{wait: time.Second}, true
	case whatsmeow.QRChannelClientOutdated.Event:
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelOutdatedClient, Reason: "WhatsApp refuses this client version; update the hub"})
		return sessionResult{wait: outdatedRetry}, true
	case whatsmeow.QRChannelScannedWithoutMultidevice.Event:
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelUnpaired, Reason: "the phone scanned the code without multi-device support; update WhatsApp on the phone"})
		return sessionResult{}, false
	default:
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelUnpaired, Reason: errorReason("pairing failed", item.Error)})
		return sessionResult{failed: true}, true
	}
}

// unpairedReason keeps the reason of a logout while the channel waits to
// be linked again.
func (c *Connector) unpairedReason() string {
	st := c.lastStatus()
	if st.State == switchboard.ChannelUnpaired || st.State == switchboard.ChannelLoggedOut {
		return st.Reason
	}
	return ""
}

// lifecycleEvent reports a connection event and says whether the session
// ends.
func (c *Connector) lifecycleEvent(ctx context.Context, cli waClient, evt any) (sessionResult, bool) {
	now := c.deps.Now()
	switch e := evt.(type) {
	case *events.Connected:
		st := switchboard.ChannelStatus{State: switchboard.ChannelOK}
		if id := cli.DeviceID(); id != nil {
			st.Account = "+" + id.User
		}
		c.report(ctx, st)
	case *events.PairSuccess:
		c.deps.Logger.Info("whatsapp device: paired", "channel", c.deps.ChannelID, "platform", e.Platform)
	case *events.LoggedOut:
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelLoggedOut,
			Reason: "the phone removed the linked device (" + e.Reason.String() + "); link it again"})
		return sessionResult{wait: c.backoff(1)}, true
	case *events.StreamReplaced:
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelDisconnected,
			Reason: "another connection of this device replaced the hub's (a second hub instance or a copy of its database?)"})
		return sessionResult{failed: true}, true
	case *events.ClientOutdated:
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelOutdatedClient, Reason: "WhatsApp refuses this client version; update the hub"})
		return sessionResult{wait: outdatedRetry}, true
	case *events.TemporaryBan:
		until := now.Add(e.Expire)
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelTemporaryBan, Reason: e.Code.String(), Until: &until})
		return sessionResult{wait: max(e.Expire, time.Minute)}, true
	case *events.ConnectFailure:
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelDisconnected, Reason: "WhatsApp refused the connection: " + e.PermanentDisconnectDescription()})
		return sessionResult{failed: true}, true
	case *events.Disconnected:
		c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelDisconnected, Reason: "connection to WhatsApp lost; reconnecting"})
		return sessionResult{failed: true}, true
	case *events.KeepAliveTimeout:
		// whatsmeow forces a reconnect only with its auto-reconnect, which
		// is off: a connection that stopped answering pings is dropped here.
		if time.Since(e.LastSuccess) > whatsmeow.KeepAliveMaxFailTime {
			c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelDisconnected, Reason: "WhatsApp stopped answering keepalives; reconnecting"})
			return sessionResult{failed: true}, true
		}
	case redeliver:
		// Reconnect so WhatsApp redelivers what was not acknowledged.
		return sessionResult{failed: true, redelivery: true}, true
	}
	return sessionResult{}, false
}

// handle is whatsmeow's event handler. It runs on whatsmeow's goroutine
// (one event at a time) and its answer decides the ack: true acknowledges
// the event to WhatsApp, false (the hub did not commit it) leaves it
// unacknowledged for redelivery. Connection events are passed to the
// session; handle never blocks on them.
func (c *Connector) handle(ctx context.Context, cli waClient, ds *deviceStore, lifecycle chan<- any, evt any) bool {
	switch e := evt.(type) {
	case *events.Message:
		if !c.intakeMessage(ctx, cli, e) {
			signal(lifecycle, redeliver{})
			return false
		}
		return true
	case *events.Receipt:
		if !c.intakeReceipt(ctx, e) {
			signal(lifecycle, redeliver{})
			return false
		}
		return true
	case *events.PairSuccess:
		if err := ds.remember(ctx, c.deps.ChannelID, e.ID, c.deps.Now()); err != nil {
			c.deps.Logger.Error("whatsapp device: the pairing could not be saved", "channel", c.deps.ChannelID, "err", err)
		}
	case *events.LoggedOut:
		if err := ds.forget(ctx, c.deps.ChannelID); err != nil {
			c.deps.Logger.Error("whatsapp device: logged out", "channel", c.deps.ChannelID, "err", err)
		}
	case *events.UndecryptableMessage:
		c.deps.Logger.Warn("whatsapp device: a message could not be decrypted", "channel", c.deps.ChannelID, "id", e.Info.ID)
		return true
	}
	switch evt.(type) {
	case *events.Connected, *events.PairSuccess, *events.LoggedOut, *events.StreamReplaced, *events.ClientOutdated,
		*events.TemporaryBan, *events.ConnectFailure, *events.Disconnected, *events.KeepAliveTimeout:
		signal(lifecycle, evt)
	}
	return true
}

// signal puts evt on the session's channel without blocking whatsmeow.
func signal(lifecycle chan<- any, evt any) {
	select {
	case lifecycle <- evt:
	default:
	}
}

// leaseName is the cluster-wide lease of the channel's device.
func (c *Connector) leaseName() string { return "whatsapp-device:" + string(c.deps.ChannelID) }

// Run keeps the channel's device connected while ctx lives: it takes the
// lease (retrying while another instance holds it; without it, it does not
// connect), renews it, connects with backoff between attempts, and
// releases the lease when it stops. Without Deps.Leases (a hub without
// leases, a single process) it connects directly.
func (c *Connector) Run(ctx context.Context) error {
	if c.deps.Leases == nil {
		c.runDevice(ctx)
		return nil
	}
	for ctx.Err() == nil {
		ok, err := c.deps.Leases.TryLease(ctx, c.leaseName(), c.holder, c.leaseTTL)
		if err != nil && ctx.Err() == nil {
			c.deps.Logger.Warn("whatsapp device: lease", "channel", c.deps.ChannelID, "err", err)
		}
		if !ok || err != nil {
			if !sleep(ctx, c.leaseRetry) {
				return nil
			}
			continue
		}
		c.holdAndRun(ctx)
	}
	return nil
}

// holdAndRun runs the device while the lease is renewed; losing the lease
// stops the device.
func (c *Connector) holdAndRun(ctx context.Context) {
	held, stop := context.WithCancel(ctx)
	defer stop()
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(c.leaseRenew)
		defer t.Stop()
		renewedAt := time.Now()
		for {
			select {
			case <-held.Done():
				return
			case <-t.C:
			}
			ok, err := c.deps.Leases.TryLease(held, c.leaseName(), c.holder, c.leaseTTL)
			if held.Err() != nil {
				return
			}
			if ok && err == nil {
				renewedAt = time.Now()
				continue
			}
			// A failed renewal (the database busy) is retried while the
			// lease we hold has not run out; taken by another, it is lost.
			if err != nil && time.Since(renewedAt) < c.leaseTTL-c.leaseRenew {
				continue
			}
			c.deps.Logger.Warn("whatsapp device: lease lost, disconnecting", "channel", c.deps.ChannelID, "err", err)
			stop()
			return
		}
	}()
	c.runDevice(held)
	stop()
	<-renewed
	release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := c.deps.Leases.ReleaseLease(release, c.leaseName(), c.holder); err != nil {
		c.deps.Logger.Warn("whatsapp device: release lease", "channel", c.deps.ChannelID, "err", err)
	}
}

// runDevice connects sessions one after the other until ctx ends, waiting
// between them as the last one asked (backoff, a ban's end).
func (c *Connector) runDevice(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		res := c.session(ctx)
		if res.healthy && !res.redelivery {
			failures = 0
		}
		wait := res.wait
		if wait == 0 && res.failed {
			failures++
			wait = c.backoff(failures)
		}
		if !sleep(ctx, wait) {
			return
		}
	}
}
