package main

// The Telegram channel type registers itself.
import _ "github.com/switchboardhq/switchboard/connectors/telegram"
