package main

// The WhatsApp channel (Cloud API; linked device through mode device).
import _ "github.com/switchboardhq/switchboard/connectors/whatsapp"
