package whatsapp

import (
	"encoding/json"
	"errors"

	"github.com/switchboardhq/switchboard/connectors"
)

// errNoDevice is mode device in a build without the linked-device
// connector.
var errNoDevice = errors.New("config: mode: device mode is not available in this build")

// deviceFactory builds a linked-device connector (package
// whatsapp/device); nil when this build has none.
var deviceFactory func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error)

// newDevice builds the linked-device connector for mode device.
func newDevice(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
	if deviceFactory == nil {
		return nil, errNoDevice
	}
	return deviceFactory(config, deps)
}
