package device

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/connectors"
)

// Mode is the value of the whatsapp channel type's mode key that selects
// this connector.
const Mode = "device"

// Defaults of a linked-device channel.
const (
	// DefaultDeviceName is how the hub names itself when pairing by phone
	// code: WhatsApp accepts only "Browser (OS)" of common browsers.
	DefaultDeviceName = "Chrome (Linux)"
	// DefaultSendTimeout bounds one Send (upload and message).
	DefaultSendTimeout = 60 * time.Second
)

// Config is the device-mode part of a whatsapp channel's config. The
// whatsapp package decodes the channel's keys strictly and hands them over;
// the shared keys of the type (app_secret, access_token, ...) are the Cloud
// API's and are not used here.
type Config struct {
	// Mode must be "device".
	Mode string `json:"mode"`
	// DeviceName is the client name shown on the phone when pairing by
	// phone code, "Browser (OS)" as WhatsApp requires; default
	// "Chrome (Linux)".
	DeviceName string `json:"device_name,omitempty" label:"Device name" help:"Shown on the phone when pairing by code, as Browser (OS), e.g. Chrome (Linux)."`
	// SendTimeout bounds one Send (media upload included); default 60s.
	SendTimeout connectors.Duration `json:"send_timeout,omitempty" label:"Send timeout" help:"How long one send may take, e.g. 60s."`
}

var deviceNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 .]{0,30} \([A-Za-z][A-Za-z0-9 .]{0,30}\)$`)

// validate fills defaults and reports what is wrong, naming the key.
func (c Config) validate() (Config, error) {
	var errs []error
	if c.Mode != Mode {
		errs = append(errs, fmt.Errorf("config: mode: %q is not %q", c.Mode, Mode))
	}
	c.DeviceName = strings.TrimSpace(c.DeviceName)
	if c.DeviceName == "" {
		c.DeviceName = DefaultDeviceName
	} else if !deviceNamePattern.MatchString(c.DeviceName) {
		errs = append(errs, fmt.Errorf("config: device_name: %q is not like \"Chrome (Linux)\" (Browser (OS))", c.DeviceName))
	}
	switch {
	case c.SendTimeout == 0:
		c.SendTimeout = connectors.Duration(DefaultSendTimeout)
	case c.SendTimeout < 0:
		errs = append(errs, errors.New("config: send_timeout: must be positive"))
	}
	return c, errors.Join(errs...)
}
