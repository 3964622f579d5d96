// Package instagram is the Instagram Messaging channel (type "instagram"):
// the Messenger Platform's API for an Instagram professional account linked
// to a Facebook Page. Webhooks (object "instagram"), the Send API, the
// window and profiles are connectors/messenger's, built with the Instagram
// Flavor: text is limited to 1,000 UTF-8 bytes (longer text is split),
// sends go through the linked Page (POST /{page id}/messages), profiles
// are name, username and profile_pic, and read receipts name the message
// seen. Instagram has no delivery receipts.
package instagram

import (
	"encoding/json"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/messenger"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// Type is the registered channel type.
const Type = "instagram"

// Flavor is Instagram Messaging's difference from Messenger.
var Flavor = messenger.Flavor{
	Type: Type, Name: "Instagram", Instagram: true, Object: "instagram",
	ProfileFields: "name,username,profile_pic",
	MaxTextChars:  wire.MaxInstagramTextByte,
	MaxTextBytes:  wire.MaxInstagramTextByte,
	// 1217981644879628 is the Instagram inbox app: echoes of messages a
	// person wrote in the Instagram app or Meta Business Suite.
	InboxAppIDs: []string{"1217981644879628", "263902037430900"},
}

func init() {
	connectors.Register(connectors.Registration{
		Type: Type,
		New: func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
			return New(config, deps)
		},
		Secrets:  messenger.Secrets,
		Name:     "Instagram",
		Config:   messenger.Config{},
		Required: []string{"instagram_account_id"},
	})
}

// New builds an Instagram connector from its config (the Messenger keys
// plus instagram_account_id). It validates the config and does no network
// I/O.
func New(config json.RawMessage, deps connectors.Deps) (*messenger.Connector, error) {
	return messenger.NewFlavor(Flavor, config, deps)
}
