package telegram

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/telegram/fake"
)

// FuzzWebhook feeds arbitrary bodies, with the right secret, to the
// webhook: it must never panic, answer 2xx, 400 or 500 only, and hand the
// Sink nothing malformed.
func FuzzWebhook(f *testing.F) {
	for _, ic := range inboundCases() {
		body, err := io.ReadAll(ic.Request(nil, connectors.Deps{WebhookURL: "https://hub.example.test/webhooks/tg"}).Body)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(body))
	}
	f.Add(`{"update_id":1}`)
	f.Add(`{"update_id":2,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"from":{"id":1}}}`)
	f.Add(`{"update_id":3,"callback_query":{"id":"x","from":{"id":1},"message":{"chat":{"id":1},"message_id":1,"date":0},"data":"~h:zz"}}`)
	f.Add(`{"update_id":4,"message_reaction":{"chat":{"id":1,"type":"private"},"message_id":1,"user":{"id":1},"date":1,"new_reaction":[{"type":"paid"}]}}`)
	f.Add(`[]`)
	fk := newFake(f)
	f.Fuzz(func(t *testing.T, body string) {
		sink := connectortest.NewSink()
		c, err := New(testConfig(fk), depsWith(sink))
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		c.HandleWebhook(rec, fake.WebhookRequest("https://hub.example.test/webhooks/tg", testSecret, []byte(body)))
		switch {
		case rec.Code >= 200 && rec.Code < 300, rec.Code == http.StatusBadRequest, rec.Code == http.StatusInternalServerError:
		default:
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		if bad := sink.Malformed(); len(bad) > 0 {
			t.Fatalf("malformed events for %q: %v", body, bad)
		}
	})
}

// FuzzEscapeMarkdownV2: escaped text, parsed back as Telegram parses
// MarkdownV2, is the original text.
func FuzzEscapeMarkdownV2(f *testing.F) {
	for _, s := range []string{"", "plain", "_*[]()~`>#+-=|{}.!", `back\slash \\`, "Order #42 (2 items) - ok!", "絵文字 👍 **x**", "a\nb>c", "\x00\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("Telegram only takes UTF-8")
		}
		got, err := fake.ParseMarkdownV2(EscapeMarkdownV2(s))
		if err != nil {
			t.Fatalf("Telegram would refuse the escaped %q: %v", s, err)
		}
		if got != s {
			t.Fatalf("round trip of %q gave %q", s, got)
		}
	})
}

// FuzzMarkdownToV2: whatever markdown operators write converts to
// MarkdownV2 Telegram accepts.
func FuzzMarkdownToV2(f *testing.F) {
	for _, s := range []string{"**bold** *it* _u_ ~~s~~", "`code` ```go\nx\n```", "[a](https://x.test/(y))", "*a**b*", "_a_*b*", "\\*", "[x](", "```", "__a__b__", "***x***"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("Telegram only takes UTF-8")
		}
		out := MarkdownToV2(s)
		if _, err := fake.ParseMarkdownV2(out); err != nil {
			t.Fatalf("MarkdownToV2(%q) = %q, which Telegram would refuse: %v", s, out, err)
		}
	})
}

// fuzzClient is shared by fuzzed connectors, so their connections to the
// fake are reused instead of piling up.
var fuzzClient = &http.Client{Timeout: 5 * time.Second}

// depsWith is the deps of a fuzzed connector: a recording sink and media
// store, no logs.
func depsWith(sink *connectortest.Sink) connectors.Deps {
	return connectors.Deps{ChannelID: "tg", WorkspaceID: "ws", Sink: sink, Media: connectortest.NewMediaStore(),
		WebhookURL: "https://hub.example.test/webhooks/tg", HTTPClient: fuzzClient}
}
