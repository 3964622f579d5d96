package instagram_test

import (
	"encoding/json"
	"testing"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/instagram"
	"github.com/switchboardhq/switchboard/connectors/messenger/messengertest"
)

var setup = messengertest.Setup{
	Flavor: instagram.Flavor,
	New: func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
		return instagram.New(config, deps)
	},
}

func TestConformance(t *testing.T) {
	fk := setup.NewFake(t, false)
	connectortest.Run(t, setup.Harness(fk))
}
