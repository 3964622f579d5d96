package messengertest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/messenger/fake"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// FuzzSeeds are webhook bodies of every kind the flavor handles, plus
// shapes Meta documents that the hub ignores and broken ones.
func (s Setup) FuzzSeeds(fk *fake.Server) [][]byte {
	acct, obj, at := s.account(), s.Flavor.Object, EventAt
	seeds := [][]byte{
		fake.Body(obj, acct, at),
		fake.Body(obj, acct, at, fake.Text(Customer, acct, "m_1", "hello", at), fake.Postback(Customer, acct, "", "Yes", "yes", at)),
		fake.Body(obj, acct, at, fake.Message(Customer, acct, at, &wire.Message{MID: "m_2", Attachments: []wire.Attachment{
			{Type: "image", Payload: wire.AttachmentPayload{URL: fk.MediaURL("image.jpg")}},
			{Type: "file", Payload: wire.AttachmentPayload{URL: fk.MediaURL("gone.pdf")}},
			{Type: "location", Payload: wire.AttachmentPayload{Coordinates: &wire.Coordinates{Lat: 1, Long: 2}}},
			{Type: "story_mention", Payload: wire.AttachmentPayload{URL: "https://example.test/s"}},
			{Type: "image", Payload: wire.AttachmentPayload{StickerID: "369239263222822", URL: "https://example.test/like.png"}},
			{Type: "fallback"},
		}})),
		fake.Body(obj, acct, at, fake.Message(Customer, acct, at, &wire.Message{MID: "m_3", Text: "x", QuickReply: &wire.QuickReply{Payload: "p"}})),
		fake.Body(obj, acct, at, fake.Reaction(Customer, acct, "m_4", "react", "👍", at), fake.Reaction(Customer, acct, "m_4", "unreact", "", at)),
		fake.Body(obj, acct, at, fake.Echo(Customer, acct, "m_5", "inbox", "", "", at), fake.Echo(Customer, acct, "m_6", "ours", "1", "switchboard:msg_1", at)),
		fake.Body(obj, acct, at, fake.Delivery(Customer, acct, []string{"m_7", ""}, at, at), fake.Read(Customer, acct, at, at), fake.Seen(Customer, acct, "m_8", at)),
		fake.Entries(obj, wire.Entry{ID: "other"}, wire.Entry{ID: acct, Messaging: []wire.Event{{Message: &wire.Message{MID: "m_9", IsUnsupported: true}, Sender: wire.Party{ID: Customer}}}}),
		[]byte(`{"object":"` + obj + `","entry":[{"id":"` + acct + `","time":1,"messaging":[{"sender":{"id":"1"},"recipient":{"id":"` + acct + `"},"timestamp":99999999999999999,"message":{"mid":"m","text":"","is_echo":false,"app_id":12345678901234567890}}]}]}`),
		[]byte(`{"object":"` + obj + `","entry":[{"id":"` + acct + `","changes":[{"field":"comments","value":{"id":"1","text":"nice"}}]}]}`),
		[]byte(`{"object":"` + obj + `","entry":[null,{"id":"` + acct + `","messaging":[null,{}]}]}`),
		[]byte(`{"object":1}`),
		[]byte(`[]`),
	}
	return seeds
}

// FuzzWebhook signs arbitrary bodies so the parser and normaliser run
// behind a valid signature: the handler must never panic, must answer 200
// or 400 (500 only for media it could not fetch, before storing), and must never hand the Sink a malformed event (the recording
// Sink validates every one) or one that cannot be encoded.
func (s Setup) FuzzWebhook(f *testing.F) {
	fk := s.NewFake(f, false)
	for _, seed := range s.FuzzSeeds(fk) {
		f.Add(seed)
	}
	h := s.Harness(fk)
	f.Fuzz(func(t *testing.T, body []byte) {
		env := h.NewEnv(t)
		wr := env.Conn.(connectors.WebhookReceiver)
		req := fake.SignedWebhook(env.Deps.WebhookURL, AppSecret, body)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rec := httptest.NewRecorder()
		wr.HandleWebhook(rec, req.WithContext(ctx))
		switch {
		case rec.Code == http.StatusOK || rec.Code == http.StatusBadRequest:
		case rec.Code == http.StatusInternalServerError && env.Sink.Calls() == 0:
			// An attachment URL that could not be fetched for now: Meta
			// redelivers, and nothing was stored.
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		for _, in := range env.Sink.Received() {
			if err := connectortest.ValidateInbound(in); err != nil {
				t.Fatal(err)
			}
			if _, err := json.Marshal(in); err != nil {
				t.Fatalf("event cannot be encoded: %v", err)
			}
		}
	})
}
