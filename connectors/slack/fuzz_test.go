package slack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/connectors/slack/fake"
)

// fuzzThreadTS is the linked thread the seed corpus replies in.
const fuzzThreadTS = "1700000000.000100"

// FuzzEventsWebhook feeds arbitrary bodies, correctly signed, to the Events
// API webhook: it must never panic, never answer 401 to a good signature
// and never answer 5xx (the hub fake does not fail).
func FuzzEventsWebhook(f *testing.F) {
	e := newTestEnv(f, map[string]any{"fallback_operator": "op_fallback"})
	if err := e.hub.LinkThread(context.Background(), testWorkspace, testSlackChan, testConvID, fuzzThreadTS); err != nil {
		f.Fatal(err)
	}
	f.Add(fake.MessageEvent(fake.ThreadMessage{EventID: "EvF1", Channel: testSlackChan, User: testSlackUser, ThreadTS: fuzzThreadTS, Text: "hi <@U1|bob>"}))
	f.Add(fake.URLVerification("challenge"))

	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := fake.NewEventsRequest(context.Background(), testWebhookURL, testSecret, body, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		e.conn.HandleWebhook(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d (%s) for a correctly signed body %q", rec.Code, rec.Body, body)
		}
	})
}
