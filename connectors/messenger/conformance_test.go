package messenger_test

import (
	"encoding/json"
	"testing"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/messenger"
	"github.com/switchboardhq/switchboard/connectors/messenger/messengertest"
)

var setup = messengertest.Setup{
	Flavor: messenger.MessengerFlavor,
	New: func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
		return messenger.New(config, deps)
	},
}

func TestConformance(t *testing.T) {
	fk := setup.NewFake(t, false)
	connectortest.Run(t, setup.Harness(fk))
}
