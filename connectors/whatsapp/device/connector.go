// Package device is the WhatsApp linked-device connector: the hub links as
// a companion device of the business's phone (go.mau.fi/whatsmeow), for
// businesses without a Cloud API account. The whatsapp channel type builds
// it for mode "device" (see New); it registers nothing itself.
//
// The device store is whatsmeow's sqlstore on the hub's own database; one
// process per device across the cluster holds the lease
// "whatsapp-device:<channel id>"; events are acknowledged to WhatsApp only
// after the hub committed them. See README.md for what is tested offline.
package device

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Type is the channel type the connector belongs to.
const Type = "whatsapp"

// Lease timing: the lease is taken for leaseTTL and renewed every
// leaseRenew; an instance without it retries every leaseRetry.
const (
	leaseTTL   = 30 * time.Second
	leaseRenew = 10 * time.Second
	leaseRetry = 10 * time.Second
)

// ErrNotRunning is returned by PairPhone (and wrapped in Send's retryable
// errors) when this hub instance does not run the channel's device:
// another instance holds its lease, or it is not connected yet.
var ErrNotRunning = errors.New("the WhatsApp device does not run on this hub instance")

// ErrAlreadyLinked is returned by PairPhone when the device is paired.
var ErrAlreadyLinked = errors.New("the WhatsApp device is already linked")

// Connector is one linked-device WhatsApp channel.
type Connector struct {
	cfg    Config
	deps   connectors.Deps
	holder string
	// newClient builds the whatsmeow client of a device; tests replace it.
	newClient func(dev deviceHandle) waClient
	// backoff is the wait before reconnect attempt n (1, 2, ...); tests
	// shorten it.
	backoff func(n int) time.Duration
	// leaseTTL, leaseRenew and leaseRetry time the lease; tests shorten them.
	leaseTTL, leaseRenew, leaseRetry time.Duration

	storeOnce sync.Once
	store     *deviceStore
	storeErr  error

	mu     sync.Mutex
	client waClient // the connected client, nil when not running here
	last   switchboard.ChannelStatus
}

// New builds the connector from its config. It does no I/O: the device
// store is opened and upgraded by Run. deps.Database (the hub's SQL
// database) and deps.Sink are required.
func New(cfg Config, deps connectors.Deps) (*Connector, error) {
	cfg, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	if deps.Sink == nil {
		return nil, errors.New("whatsapp device: no Sink in deps")
	}
	if deps.Media == nil {
		return nil, errors.New("whatsapp device: no media store in deps")
	}
	if deps.Database == nil || deps.Database.DB == nil {
		return nil, errors.New("whatsapp device mode needs the hub's SQL database: use the sqlite or postgres store")
	}
	deps = deps.WithDefaults()
	return &Connector{
		cfg:       cfg,
		deps:      deps,
		holder:    holderID(),
		newClient: func(dev deviceHandle) waClient { return newWhatsmeowClient(dev.Device, dev.log) },
		backoff:   defaultBackoff,
		leaseTTL:  leaseTTL, leaseRenew: leaseRenew, leaseRetry: leaseRetry,
	}, nil
}

// holderID names this process as a lease holder: host and a random part,
// so two processes on one host differ.
func holderID() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return host + "/" + hex.EncodeToString(b)
}

// defaultBackoff doubles from 2 s to at most 5 min.
func defaultBackoff(n int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < n && d < 5*time.Minute; i++ {
		d *= 2
	}
	return min(d, 5*time.Minute)
}

// Type returns "whatsapp". It does no I/O.
func (c *Connector) Type() string { return Type }

// Capabilities of a linked device: text, media, location, stickers in,
// reactions in, retract, typing and read receipts; no window (the
// 24-hour rule is the Cloud API's), no templates. It does no I/O.
func (c *Connector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{
		Text:          true,
		Media:         []switchboard.PartKind{switchboard.PartImage, switchboard.PartFile, switchboard.PartAudio, switchboard.PartVideo},
		Location:      true,
		Sticker:       false,
		Retract:       true,
		Typing:        true,
		ReadReceipts:  true,
		Reactions:     true,
		MaxTextLength: 65536,
		// A companion device sending faster than a person gets the number
		// banned; keep it to one message a second.
		SendRate: 1,
	}
}

// report tells the hub the channel's state; equal reports are dropped here
// as well as by the hub.
func (c *Connector) report(ctx context.Context, st switchboard.ChannelStatus) {
	st.ChannelID = c.deps.ChannelID
	c.mu.Lock()
	prev := c.last
	if st.State == prev.State {
		st.Since = prev.Since
	} else {
		st.Since = c.deps.Now()
	}
	same := prev.State == st.State && prev.Reason == st.Reason && prev.QR == st.QR &&
		prev.PairCode == st.PairCode && prev.Account == st.Account && equalTime(prev.Until, st.Until)
	c.last = st
	c.mu.Unlock()
	if same {
		return
	}
	c.deps.Status.ReportStatus(ctx, st)
}

func equalTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// lastStatus is the state last reported.
func (c *Connector) lastStatus() switchboard.ChannelStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

func (c *Connector) setClient(cli waClient) {
	c.mu.Lock()
	c.client = cli
	c.mu.Unlock()
}

// connected returns the running client, or ErrNotRunning.
func (c *Connector) connected() (waClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client == nil {
		return nil, ErrNotRunning
	}
	return c.client, nil
}

// openStore opens the device store once per connector.
func (c *Connector) openStore(ctx context.Context) (*deviceStore, error) {
	c.storeOnce.Do(func() {
		c.store, c.storeErr = openDeviceStore(ctx, c.deps.Database, newWALogger(c.deps.Logger.With("channel", string(c.deps.ChannelID))).Sub("store"))
	})
	if c.storeErr != nil {
		err := c.storeErr
		// Let the next attempt try again (the database may come back).
		c.storeOnce = sync.Once{}
		return nil, err
	}
	return c.store, nil
}

// sleep waits d or until ctx ends; it reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// errorReason is an error's text for admins (whatsmeow's errors name no
// secrets).
func errorReason(prefix string, err error) string {
	if err == nil {
		return prefix
	}
	return fmt.Sprintf("%s: %v", prefix, err)
}
