package portal_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/portal"
)

func TestPortalChannel(t *testing.T) {
	if _, err := connectors.Build(portal.Type, json.RawMessage(`{"token":"x"}`), connectors.Deps{ChannelID: "portal-ws"}); err == nil || !strings.Contains(err.Error(), "token") {
		t.Fatalf("unknown key accepted: %v", err)
	}
	c, err := connectors.Build(portal.Type, nil, connectors.Deps{ChannelID: "portal-ws"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(connectors.WebhookReceiver); ok {
		t.Fatal("the portal channel must take no webhooks")
	}
	caps := c.Capabilities()
	if !caps.Supports(switchboard.PartText) || !caps.Supports(switchboard.PartFile) || caps.Buttons {
		t.Fatalf("capabilities %+v", caps)
	}
	// Every reply is accepted: the customer reads it in the portal.
	res, err := c.Send(context.Background(), connectors.OutboundMessage{MessageID: "msg_1", Parts: switchboard.TextParts("hi")})
	if err != nil || res.Status != switchboard.StatusSent || res.ExternalID != "portal:msg_1" {
		t.Fatalf("send: %v %+v", err, res)
	}
}
