package connectortest

import (
	"encoding/json"
	"net/http"
	"testing"
)

// CheckFuzzedWebhook is what every webhook fuzz target asserts after
// handing the connector one arbitrary (validly signed) body: the answer
// is 200 or 400, nothing malformed reached the Sink, and every event it
// received is valid and can be encoded.
func CheckFuzzedWebhook(t testing.TB, status int, body string, sink *Sink) {
	t.Helper()
	if status != http.StatusOK && status != http.StatusBadRequest {
		t.Fatalf("status %d: %s", status, body)
	}
	if bad := sink.Malformed(); len(bad) > 0 {
		t.Fatalf("malformed events reached the Sink: %v", bad)
	}
	for _, in := range sink.Received() {
		if err := ValidateInbound(in); err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(in); err != nil {
			t.Fatalf("event cannot be encoded: %v", err)
		}
	}
}
