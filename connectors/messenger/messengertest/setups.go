package messengertest

import (
	"encoding/json"
	"testing"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/instagram"
	"github.com/switchboardhq/switchboard/connectors/messenger"
)

// Messenger and Instagram are the two channels under test.
var (
	Messenger = Setup{Flavor: messenger.MessengerFlavor, New: func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
		return messenger.New(config, deps)
	}}
	Instagram = Setup{Flavor: instagram.Flavor, New: func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
		return instagram.New(config, deps)
	}}
)

// RunConformance runs the conformance suite against the flavor's fake.
func (s Setup) RunConformance(t *testing.T) {
	connectortest.Run(t, s.Harness(s.NewFake(t, false)))
}
