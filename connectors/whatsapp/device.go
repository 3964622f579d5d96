package whatsapp

import (
	"bytes"
	"encoding/json"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/whatsapp/device"
)

// newDevice builds the linked-device connector for mode device. The
// channel's keys are decoded strictly as the type's (so a typo is still
// named); the Cloud API's keys, if present, are not used in device mode.
func newDevice(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
	var c Config
	if len(bytes.TrimSpace(config)) == 0 {
		config = json.RawMessage("{}")
	}
	if err := connectors.DecodeConfig(config, &c); err != nil {
		return nil, err
	}
	return device.New(device.Config{Mode: device.Mode, DeviceName: c.DeviceName, SendTimeout: c.SendTimeout}, deps)
}
