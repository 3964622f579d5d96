package whatsapp

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/whatsapp/fake"
)

// fuzzSeeds are webhook bodies of every kind the connector reads, plus
// shapes it ignores or refuses.
func fuzzSeeds() [][]byte {
	msg := func(kind string, obj any) fake.Change {
		return fake.Change{PhoneNumberID: testPhoneID, Customers: []fake.Customer{kenji}, Messages: []fake.Msg{fake.Message(kenji, "wamid.F", eventAt, kind, obj)}}
	}
	seeds := [][]byte{
		fake.Body(testWABA),
		fake.Body(testWABA, msg("text", map[string]string{"body": "hi"})),
		fake.Body(testWABA, msg("image", map[string]string{"id": "media-image", "caption": "c"})),
		fake.Body(testWABA, msg("document", map[string]string{"id": "media-missing", "filename": "a.pdf"})),
		fake.Body(testWABA, msg("location", map[string]any{"latitude": 1.5, "longitude": -2})),
		fake.Body(testWABA, msg("contacts", []map[string]any{{"name": map[string]string{"formatted_name": "A"}}})),
		fake.Body(testWABA, msg("interactive", map[string]any{"type": "list_reply", "list_reply": map[string]string{"id": "csat:t:3", "title": "3"}})),
		fake.Body(testWABA, msg("button", map[string]string{"payload": "p", "text": "t"})),
		fake.Body(testWABA, msg("reaction", map[string]string{"message_id": "wamid.X", "emoji": ""})),
		fake.Body(testWABA, msg("unsupported", nil)),
		fake.Body(testWABA, fake.Change{PhoneNumberID: testPhoneID, Statuses: []fake.Msg{fake.StatusOf(sheena, "wamid.O", "read", eventAt), fake.StatusOf(sheena, "wamid.O", "played", eventAt)}}),
		[]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"id":"x","type":"text","text":{"body":""}}]}}]}]}`),
		[]byte(`{"object":"page","entry":[]}`),
		[]byte(`{"entry":[{"changes":[{"field":"messages","value":{"contacts":[{"wa_id":"1"}],"messages":[{"from":"1","id":"m","timestamp":"99999999999999","type":"text","text":{"body":"t"}}]}}]}]}`),
		[]byte(`{"entry":[null,{"changes":[null]}]}`),
		[]byte(`[]`),
	}
	return seeds
}

// FuzzWebhook signs arbitrary bodies so the parser and normaliser are
// exercised behind a valid signature. The handler must never panic, must
// answer 200 or 400, and must never hand the Sink a malformed event (the
// recording Sink validates every event) or one that cannot be encoded.
func FuzzWebhook(f *testing.F) {
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	fk := newFake(f)
	h := harness(fk)
	f.Fuzz(func(t *testing.T, body []byte) {
		env := h.NewEnv(t)
		c := env.Conn.(*Connector)
		req := fake.SignedWebhook(env.Deps.WebhookURL, testSecret, body)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rec := httptest.NewRecorder()
		c.HandleWebhook(rec, req.WithContext(ctx))
		connectortest.CheckFuzzedWebhook(t, rec.Code, rec.Body.String(), env.Sink)
	})
}

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzWebhook with -update.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate the fuzz seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzWebhook")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, body := range fuzzSeeds() {
		data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", body)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
