package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router/notify"
)

// A department whose policy texts new conversations reaches the members
// who gave a phone number, through the workspace's SMS channel; the
// others are not texted.
func TestNewConversationTextedToMembersWithAPhone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sms := &smsBox{}
	f.n = notify.New(f.st, notify.Config{PublicURL: publicURL, Logger: quiet(), Poll: 20 * time.Millisecond, SMS: sms})
	d := f.dept
	d.Notify = switchboard.NotifyPolicy{NewConversation: []switchboard.NotifyMethod{switchboard.NotifySMS}}
	must(t, f.st.UpdateDepartment(ctx, d))
	prefs := switchboard.DefaultNotifyPreferences()
	prefs.Phone = "+81 90 1234 5678"
	must(t, f.st.PutNotifyPreferences(ctx, f.ws, f.bob.ID, prefs))

	f.run(t)
	conv := f.conversation("cv_sms", "", 1)
	must(t, f.n.HandleEvent(ctx, f.inbound(conv, "m1", "is anyone there?", time.Now().UTC())))
	rows := f.settled(t)
	got := sms.sent()
	if len(got) != 1 || got[0].phone != "+81 90 1234 5678" || !strings.Contains(got[0].text, publicURL+"/conversations/cv_sms") {
		t.Fatalf("texts = %+v (log %+v), want one to bob's phone with the conversation's link", got, rows)
	}
	if len(rows) != 1 || rows[0].RecipientID != f.bob.ID || rows[0].Method != switchboard.NotifySMS {
		t.Errorf("log = %+v, want one SMS row for bob (alice gave no phone)", rows)
	}
}
