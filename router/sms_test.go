package router_test

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/router"
)

// TestSendSMSNeedsAnSMSChannel: without an SMS channel in the workspace a
// copy by SMS fails for good (the notifier does not retry it).
func TestSendSMSNeedsAnSMSChannel(t *testing.T) {
	script := &scripted{}
	e := newEnv(t, script)
	err := e.rt.Channels.SendSMS(context.Background(), e.ws, "+819012345678", "hello")
	if !errors.Is(err, router.ErrNoSMSChannel) || !connectors.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent ErrNoSMSChannel", err)
	}
	if n := len(script.callTimes()); n != 0 {
		t.Fatalf("sent %d messages through a channel of another type", n)
	}
}
