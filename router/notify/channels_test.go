package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// TestChannelTroubleEmailsAdmins: a channel that stops working (a linked
// device logged out, credentials refused) e-mails every enabled admin of
// the workspace in their language, once per incident however often the
// status is reported; pairing and reconnecting tell nobody.
func TestChannelTroubleEmailsAdmins(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mk := func(id, email string, role switchboard.Role, disabled bool) {
		op := switchboard.Operator{ID: switchboard.OperatorID(id), WorkspaceID: f.ws, Email: email, Name: id, Role: role, Disabled: disabled, CreatedAt: time.Now().UTC()}
		must(t, f.st.CreateOperator(ctx, op, "h"))
		if disabled {
			must(t, f.st.UpdateOperator(ctx, op))
		}
	}
	mk("op_admin", "admin@example.com", switchboard.RoleAdmin, false)
	mk("op_gone", "gone@example.com", switchboard.RoleAdmin, true)
	must(t, f.st.PutChannel(ctx, store.Channel{ID: "wa-shop", WorkspaceID: f.ws, Type: "whatsapp", Name: "Shop WhatsApp", Config: []byte(`{}`), CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}))
	since := time.Now().UTC().Truncate(time.Second)
	status := func(id string, st switchboard.ChannelState, reason string, at time.Time) switchboard.Event {
		return switchboard.Event{ID: switchboard.EventID(id), Type: switchboard.EventChannelStatus, WorkspaceID: f.ws,
			Channel: &switchboard.ChannelStatus{ChannelID: "wa-shop", State: st, Reason: reason, Since: at}, At: at}
	}
	// Not trouble: nobody hears of these.
	must(t, f.n.HandleEvent(ctx, status("ev_pair", switchboard.ChannelUnpaired, "", since)))
	must(t, f.n.HandleEvent(ctx, status("ev_down", switchboard.ChannelDisconnected, "connection reset", since)))
	// Trouble, reported twice and redelivered: one e-mail.
	logout := status("ev_logout", switchboard.ChannelLoggedOut, "removed from the phone", since.Add(time.Minute))
	must(t, f.n.HandleEvent(ctx, logout))
	must(t, f.n.HandleEvent(ctx, logout))
	must(t, f.n.HandleEvent(ctx, status("ev_logout2", switchboard.ChannelLoggedOut, "removed from the phone", since.Add(time.Minute))))
	f.run(t)
	got := f.mb.waitFor(t, 1)
	time.Sleep(200 * time.Millisecond)
	if n := len(f.mb.messages()); n != 1 {
		t.Fatalf("%d e-mails, want 1: %+v", n, f.mb.messages())
	}
	m := got[0]
	if m.To != "admin@example.com" {
		t.Errorf("sent to %s, want the enabled admin only", m.To)
	}
	if !strings.Contains(m.Subject, "Shop WhatsApp") || !strings.Contains(m.Subject, "logged out") {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.Text, "removed from the phone") || !strings.Contains(m.Text, publicURL+"/admin/channels") {
		t.Errorf("body %q", m.Text)
	}
	// A new incident (credentials refused later) is a new e-mail.
	must(t, f.n.HandleEvent(ctx, status("ev_cred", switchboard.ChannelCredentialsBroken, "Graph answered 401 (code 190)", since.Add(time.Hour))))
	got = f.mb.waitFor(t, 2)
	if !strings.Contains(got[1].Subject, "credentials") {
		t.Errorf("second subject %q", got[1].Subject)
	}
	for _, r := range f.settled(t) {
		if r.Kind != switchboard.NotifyChannelTrouble || r.RecipientID != "op_admin" {
			t.Errorf("unexpected row %+v", r)
		}
	}
}
