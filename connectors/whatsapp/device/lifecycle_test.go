package device

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/switchboardhq/switchboard"
)

func TestPairingShowsQRCodesThenLinks(t *testing.T) {
	db := testDB(t)
	r := newRig(t, db, nil).start()
	f := r.client()
	if f.DeviceID() != nil {
		t.Fatal("a fresh channel's device is already paired")
	}
	f.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@first", Timeout: time.Minute}
	if st := r.waitState(switchboard.ChannelUnpaired); st.QR != "2@first" {
		t.Fatalf("status QR = %q, want the first code", st.QR)
	}
	f.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@second", Timeout: 20 * time.Second}
	waitFor(t, "the refreshed QR code", func() bool { return r.status.last().QR == "2@second" })

	f.pairCode = "ABCD-EFGH"
	code, err := r.c.PairPhone(context.Background(), "+81 90-1234-5678")
	if err != nil || code != "ABCD-EFGH" {
		t.Fatalf("PairPhone = %q, %v", code, err)
	}
	if st := r.status.last(); st.PairCode != "ABCD-EFGH" || st.QR != "2@second" || st.State != switchboard.ChannelUnpaired {
		t.Fatalf("status after PairPhone = %+v", st)
	}

	jid := businessJID
	jid.Device = 7
	f.pair(t, jid)
	f.qr <- whatsmeow.QRChannelSuccess
	f.dispatch(&events.PairSuccess{ID: jid, Platform: "android"})
	f.dispatch(&events.Connected{})
	st := r.waitState(switchboard.ChannelOK)
	if st.Account != "+819012345678" || st.QR != "" || st.PairCode != "" {
		t.Fatalf("linked status = %+v, want ok as +819012345678 without codes", st)
	}
	if _, err := r.c.PairPhone(context.Background(), "+819012345678"); !errors.Is(err, ErrAlreadyLinked) {
		t.Fatalf("PairPhone once linked = %v, want ErrAlreadyLinked", err)
	}
	r.stop()

	// A restart finds the device through the channel's mapping and
	// connects without pairing again.
	again := newRig(t, db, nil).start()
	f2 := again.client()
	if id := f2.DeviceID(); id == nil || id.User != "819012345678" || id.Device != 7 {
		t.Fatalf("restarted device = %v, want the paired one", id)
	}
	if f2.qr != nil {
		t.Error("a paired device asked for QR codes")
	}
}

func TestQRCodesRunningOutReconnectsForNewOnes(t *testing.T) {
	r := newRig(t, testDB(t), nil).start()
	f := r.client()
	f.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@one"}
	r.waitState(switchboard.ChannelUnpaired)
	f.qr <- whatsmeow.QRChannelTimeout
	f2 := r.client()
	f2.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@two"}
	waitFor(t, "the new session's code", func() bool { return r.status.last().QR == "2@two" })
	if f.count(&f.disconnects) == 0 {
		t.Error("the expired session was not disconnected")
	}
}

func TestTroubleStatesAreReported(t *testing.T) {
	t.Run("logged out, then pairing again", func(t *testing.T) {
		r, f := pairedRig(t)
		f.dispatch(&events.LoggedOut{Reason: events.ConnectFailureLoggedOut})
		st := r.waitState(switchboard.ChannelLoggedOut)
		if st.Reason == "" {
			t.Error("logged_out without a reason")
		}
		var n int
		if err := r.db.DB.QueryRow(`SELECT COUNT(*) FROM switchboard_wa_devices`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("mapping rows after logout = %d, %v; want 0", n, err)
		}
		f2 := r.client()
		if f2.DeviceID() != nil {
			t.Fatal("the session after a logout still has the old device")
		}
		f2.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@relink"}
		st = r.waitState(switchboard.ChannelUnpaired)
		all := r.status.all()
		if st.QR != "2@relink" || st.Reason != all[len(all)-2].Reason {
			t.Fatalf("unpaired after logout = %+v; want the QR code and the logout's reason", st)
		}
	})
	t.Run("outdated client", func(t *testing.T) {
		r, f := pairedRig(t)
		f.dispatch(&events.ClientOutdated{})
		r.waitState(switchboard.ChannelOutdatedClient)
	})
	t.Run("temporary ban", func(t *testing.T) {
		r, f := pairedRig(t)
		f.dispatch(&events.TemporaryBan{Code: events.TempBanBlockedByUsers, Expire: 2 * time.Hour})
		st := r.waitState(switchboard.ChannelTemporaryBan)
		if st.Until == nil || !st.Until.Equal(testNow.Add(2*time.Hour)) {
			t.Fatalf("ban until = %v, want %v", st.Until, testNow.Add(2*time.Hour))
		}
		if st.Reason != events.TempBanBlockedByUsers.String() {
			t.Errorf("ban reason = %q", st.Reason)
		}
	})
	t.Run("disconnected, then reconnected", func(t *testing.T) {
		r, f := pairedRig(t)
		f.dispatch(&events.Disconnected{})
		r.waitState(switchboard.ChannelDisconnected)
		f2 := r.client()
		f2.dispatch(&events.Connected{})
		if st := r.waitState(switchboard.ChannelOK); st.Account != "+819012345678" {
			t.Fatalf("account after reconnect = %q", st.Account)
		}
	})
	t.Run("keepalives failing for long, reconnected", func(t *testing.T) {
		r, f := pairedRig(t)
		f.dispatch(&events.KeepAliveTimeout{ErrorCount: 1, LastSuccess: time.Now()})
		f.dispatch(&events.KeepAliveTimeout{ErrorCount: 9, LastSuccess: time.Now().Add(-5 * time.Minute)})
		st := r.waitState(switchboard.ChannelDisconnected)
		if !strings.Contains(st.Reason, "keepalive") {
			t.Errorf("reason %q", st.Reason)
		}
		r.client().dispatch(&events.Connected{})
		r.waitState(switchboard.ChannelOK)
	})
	t.Run("connect fails, retried with backoff", func(t *testing.T) {
		db := pairedDB(t)
		r := newRig(t, db, nil)
		failures := 0
		r.prepare = func(f *fakeClient) {
			if failures < 2 {
				failures++
				f.connectErr = errors.New("dial tcp: connection refused")
				close(f.online)
			}
		}
		r.start()
		for range 2 {
			r.client()
		}
		f := r.client()
		f.dispatch(&events.Connected{})
		r.waitState(switchboard.ChannelOK)
		var sawDisconnected bool
		for _, st := range r.status.all() {
			sawDisconnected = sawDisconnected || st.State == switchboard.ChannelDisconnected
		}
		if !sawDisconnected {
			t.Error("failed connects were not reported as disconnected")
		}
	})
}

func TestOneInstancePerDeviceByLease(t *testing.T) {
	db := pairedDB(t)
	leases := newFakeLeases()
	first := newRig(t, db, leases).start()
	f := first.client()
	f.dispatch(&events.Connected{})
	first.waitState(switchboard.ChannelOK)
	if h := leases.holder("whatsapp-device:" + string(testChannel)); h != first.c.holder {
		t.Fatalf("lease holder = %q, want the first instance", h)
	}

	second := newRig(t, db, leases).start()
	waitFor(t, "the second instance retrying the lease", func() bool { return leases.triesOf(second.c.holder) >= 3 })
	if len(second.clients) != 0 {
		t.Fatal("the instance without the lease built a client")
	}
	if _, err := second.c.PairPhone(context.Background(), "+819012345678"); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("PairPhone on the instance without the lease = %v, want ErrNotRunning", err)
	}

	first.stop()
	if f.count(&f.disconnects) == 0 {
		t.Error("stopping did not disconnect")
	}
	f2 := second.client()
	f2.dispatch(&events.Connected{})
	second.waitState(switchboard.ChannelOK)
	if h := leases.holder("whatsapp-device:" + string(testChannel)); h != second.c.holder {
		t.Fatalf("lease holder after the first stopped = %q, want the second", h)
	}
}

func TestLosingTheLeaseDisconnects(t *testing.T) {
	db := pairedDB(t)
	leases := newFakeLeases()
	r := newRig(t, db, leases).start()
	f := r.client()
	leases.mu.Lock()
	leases.holders["whatsapp-device:"+string(testChannel)] = "someone-else"
	leases.mu.Unlock()
	waitFor(t, "the disconnect after losing the lease", func() bool { return f.count(&f.disconnects) > 0 })
	if _, err := r.c.connected(); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("client still usable after the lease was lost: %v", err)
	}
}
