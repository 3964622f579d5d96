package instagram_test

import (
	"testing"

	"github.com/switchboardhq/switchboard/connectors/messenger/messengertest"
)

var setup = messengertest.Instagram

func TestConformance(t *testing.T) { setup.RunConformance(t) }
