package instagram_test

import "testing"

// FuzzWebhook: see messengertest.Setup.FuzzWebhook.
func FuzzWebhook(f *testing.F) { setup.FuzzWebhook(f) }
