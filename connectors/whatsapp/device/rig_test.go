package device

import (
	"context"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
)

var testNow = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

const testChannel switchboard.ChannelID = "wa_device"

// rig is one hub instance running the connector against fake whatsmeow
// clients, a real SQLite device store and recording doubles.
type rig struct {
	t       *testing.T
	c       *Connector
	sink    *testSink
	media   *connectortest.MediaStore
	status  *statusRecorder
	leases  *fakeLeases
	db      *connectors.Database
	clients chan *fakeClient
	// prepare, when set, adjusts each new fake client before the
	// connector uses it.
	prepare func(*fakeClient)
	cancel  context.CancelFunc
	done    chan struct{}
}

func newRig(t *testing.T, db *connectors.Database, leases *fakeLeases) *rig {
	t.Helper()
	r := &rig{t: t, sink: &testSink{}, media: connectortest.NewMediaStore(), status: &statusRecorder{}, db: db,
		leases: leases, clients: make(chan *fakeClient, 16)}
	deps := connectors.Deps{
		ChannelID: testChannel, WorkspaceID: "ws_1", Sink: r.sink, Media: r.media, Status: r.status,
		Database: db, Logger: discardLogger(), Now: func() time.Time { return testNow },
	}
	if leases != nil {
		deps.Leases = leases
	}
	c, err := New(Config{Mode: Mode}, deps)
	if err != nil {
		t.Fatal(err)
	}
	c.newClient = func(dev deviceHandle) waClient {
		f := newFakeClient(dev)
		if r.prepare != nil {
			r.prepare(f)
		}
		r.clients <- f
		return f
	}
	c.backoff = func(int) time.Duration { return time.Millisecond }
	c.leaseTTL, c.leaseRenew, c.leaseRetry = time.Minute, 5*time.Millisecond, 5*time.Millisecond
	r.c = c
	return r
}

// start runs the connector until the test ends (or stop).
func (r *rig) start() *rig {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go func() {
		defer close(r.done)
		if err := r.c.Run(ctx); err != nil {
			r.t.Errorf("Run: %v", err)
		}
	}()
	r.t.Cleanup(r.stop)
	return r
}

func (r *rig) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	<-r.done
	r.cancel = nil
}

// client waits for the next whatsmeow client the connector builds and for
// its Connect.
func (r *rig) client() *fakeClient {
	r.t.Helper()
	select {
	case f := <-r.clients:
		select {
		case <-f.online:
		case <-time.After(10 * time.Second):
			r.t.Fatal("the connector never connected the client")
		}
		return f
	case <-time.After(10 * time.Second):
		r.t.Fatal("the connector built no client")
	}
	return nil
}

// waitState waits until the last reported status has state st.
func (r *rig) waitState(st switchboard.ChannelState) switchboard.ChannelStatus {
	r.t.Helper()
	waitFor(r.t, "state "+string(st), func() bool { return r.status.last().State == st })
	return r.status.last()
}

var businessJID = types.NewJID("819012345678", types.DefaultUserServer)

// seedPaired stores a paired device for the channel, as a finished pairing
// leaves it.
func seedPaired(t *testing.T, db *connectors.Database) {
	t.Helper()
	ctx := context.Background()
	ds, err := openDeviceStore(ctx, db, newWALogger(discardLogger()))
	if err != nil {
		t.Fatal(err)
	}
	dev := ds.container.NewDevice()
	jid := businessJID
	jid.Device = 12
	markPaired(dev, jid)
	if err := dev.Save(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ds.remember(ctx, testChannel, jid, testNow); err != nil {
		t.Fatal(err)
	}
}

// pairedDB is a fresh database with the channel's device paired.
func pairedDB(t *testing.T) *connectors.Database {
	t.Helper()
	db := testDB(t)
	seedPaired(t, db)
	return db
}

// pairedRig is a running connector whose device is linked and connected.
func pairedRig(t *testing.T) (*rig, *fakeClient) {
	t.Helper()
	db := pairedDB(t)
	r := newRig(t, db, nil).start()
	f := r.client()
	f.dispatch(&events.Connected{})
	r.waitState(switchboard.ChannelOK)
	return r, f
}
