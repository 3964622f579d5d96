package messenger_test

import (
	"testing"

	"github.com/switchboardhq/switchboard/connectors/messenger/messengertest"
)

var setup = messengertest.Messenger

func TestConformance(t *testing.T) { setup.RunConformance(t) }
