package main

// The Meta messaging channels other than WhatsApp: Facebook Messenger and
// Instagram Messaging (they register their types from init).
import (
	_ "github.com/switchboardhq/switchboard/connectors/instagram"
	_ "github.com/switchboardhq/switchboard/connectors/messenger"
)
