package telegram

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/telegram/fake"
)

const (
	testToken  = "123456789:AAtest-bot-token_for-the-fake"
	testSecret = "webhook-secret_token-42"
	kenID      = int64(5550001)
)

var (
	testNow  = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	eventAt  = testNow.Add(-2 * time.Second)
	ken      = fake.User(kenID, "Ken", "Sato", "ja")
	kenProf  = switchboard.Profile{Name: "Ken Sato", Language: "ja"}
	kenChat  = switchboard.ExternalID("5550001")
	photoBig = []byte("\xff\xd8\xff\xe0 big jpeg")
	docBody  = []byte("%PDF-1.7 fake")
	oggBody  = []byte("OggS fake voice")
)

func newFake(t testing.TB) *fake.Server {
	fk := fake.New(t, testToken)
	fk.AddFile("ph-small", fake.File{Path: "photos/file_1.jpg", ContentType: "image/jpeg", Body: []byte("small")})
	fk.AddFile("ph-big", fake.File{Path: "photos/file_2.jpg", ContentType: "image/jpeg", Body: photoBig})
	fk.AddFile("doc-1", fake.File{Path: "documents/file_3.pdf", ContentType: "application/octet-stream", Body: docBody})
	fk.AddFile("voice-1", fake.File{Path: "voice/file_4.oga", ContentType: "audio/ogg", Body: oggBody})
	return fk
}

func testConfig(fk *fake.Server) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"bot_token": testToken, "secret_token": testSecret, "api_base_url": fk.URL, "send_timeout": "5s"})
	return b
}

func newConnector(t *testing.T, fk *fake.Server, deps connectors.Deps) *Connector {
	t.Helper()
	c, err := New(testConfig(fk), deps)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func updateCase(name string, u *models.Update, want ...switchboard.Inbound) connectortest.InboundCase {
	return connectortest.InboundCase{
		Name: name,
		Request: func(t *testing.T, deps connectors.Deps) *http.Request {
			return fake.WebhookRequest(deps.WebhookURL, testSecret, fake.Body(u))
		},
		Want: want,
	}
}

func fromKen(id string, parts ...switchboard.Part) switchboard.Inbound {
	return switchboard.Inbound{Kind: switchboard.InboundMessage, ExternalID: switchboard.ExternalID(id), Sender: kenChat, Profile: kenProf, Parts: parts, At: eventAt}
}

func stored(kind switchboard.PartKind, body []byte, contentType string, fill func(*switchboard.Attachment)) switchboard.Part {
	a := &switchboard.Attachment{MediaID: connectortest.MediaID(body), ContentType: contentType, Size: int64(len(body))}
	if fill != nil {
		fill(a)
	}
	return switchboard.Part{Kind: kind, Attachment: a}
}

func msg(update int64, id int, fill func(*models.Message)) *models.Update {
	return fake.PrivateMessage(update, ken, id, eventAt, fill)
}

func inboundCases() []connectortest.InboundCase {
	group := msg(9, 90, func(m *models.Message) { m.Text = "in a group" })
	group.Message.Chat = models.Chat{ID: -100123, Type: models.ChatTypeSupergroup, Title: "Fans"}
	edited := &models.Update{ID: 10, EditedMessage: msg(10, 11, func(m *models.Message) { m.Text = "edited"; m.EditDate = int(testNow.Unix()) }).Message}
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Track order", CallbackData: "track"}}}}
	return []connectortest.InboundCase{
		updateCase("text", msg(1, 11, func(m *models.Message) { m.Text = "Where is my order? (#42)" }),
			fromKen("5550001:11", switchboard.TextParts("Where is my order? (#42)")...)),
		updateCase("photo, largest size, with caption", msg(2, 12, func(m *models.Message) {
			m.Photo = []models.PhotoSize{{FileID: "ph-small", Width: 90, Height: 90, FileSize: 5}, {FileID: "ph-big", Width: 1280, Height: 960, FileSize: 15}}
			m.Caption = "the box"
		}), fromKen("5550001:12", func() switchboard.Part {
			p := stored(switchboard.PartImage, photoBig, "image/jpeg", nil)
			p.Text = "the box"
			return p
		}())),
		updateCase("document", msg(3, 13, func(m *models.Message) {
			m.Document = &models.Document{FileID: "doc-1", FileName: "invoice.pdf", MimeType: "application/pdf", FileSize: 13}
		}), fromKen("5550001:13", stored(switchboard.PartFile, docBody, "application/pdf", func(a *switchboard.Attachment) { a.Filename = "invoice.pdf" }))),
		updateCase("voice", msg(4, 14, func(m *models.Message) {
			m.Voice = &models.Voice{FileID: "voice-1", Duration: 3, MimeType: "audio/ogg"}
		}), fromKen("5550001:14", stored(switchboard.PartAudio, oggBody, "audio/ogg", func(a *switchboard.Attachment) { a.DurationMS = 3000 }))),
		updateCase("file gone becomes placeholder", msg(5, 15, func(m *models.Message) {
			m.Photo = []models.PhotoSize{{FileID: "expired", Width: 10, Height: 10}}
		}), fromKen("5550001:15", switchboard.TextParts("[image unavailable]")...)),
		updateCase("location", msg(6, 16, func(m *models.Message) { m.Location = &models.Location{Latitude: 35.6586, Longitude: 139.7454} }),
			fromKen("5550001:16", switchboard.Part{Kind: switchboard.PartLocation, Location: &switchboard.Location{Latitude: 35.6586, Longitude: 139.7454}})),
		updateCase("venue", msg(7, 17, func(m *models.Message) {
			loc := models.Location{Latitude: 35.6586, Longitude: 139.7454}
			m.Location, m.Venue = &loc, &models.Venue{Location: loc, Title: "Tokyo Tower", Address: "4-2-8 Shibakoen"}
		}), fromKen("5550001:17", switchboard.Part{Kind: switchboard.PartLocation, Location: &switchboard.Location{Title: "Tokyo Tower", Address: "4-2-8 Shibakoen", Latitude: 35.6586, Longitude: 139.7454}})),
		updateCase("contact", msg(8, 18, func(m *models.Message) {
			m.Contact = &models.Contact{PhoneNumber: "+81901234567", FirstName: "Yuki", LastName: "Tanaka", UserID: 777}
		}), fromKen("5550001:18", switchboard.TextParts("Contact: Yuki Tanaka +81901234567 (Telegram user 777)")...)),
		updateCase("callback query is the button's payload", fake.CallbackQuery(20, ken, "cbq-1", 5, eventAt, "track", kb),
			switchboard.Inbound{Kind: switchboard.InboundMessage, ExternalID: "u20", Sender: kenChat, Profile: kenProf, Parts: switchboard.TextParts("track"), At: testNow}),
		updateCase("callback with a forgotten digest falls back to the label", fake.CallbackQuery(21, ken, "cbq-2", 5, eventAt, hashedPrefix+"forgotten",
			&models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Long choice", CallbackData: hashedPrefix + "forgotten"}}}}),
			switchboard.Inbound{Kind: switchboard.InboundMessage, ExternalID: "u21", Sender: kenChat, Profile: kenProf, Parts: switchboard.TextParts("Long choice"), At: testNow}),
		updateCase("reaction", fake.Reaction(22, ken, 7, eventAt, "👍"),
			fromKen("u22", switchboard.Part{Kind: switchboard.PartReaction, Text: "👍", Reaction: &switchboard.Reaction{Emoji: "👍", To: "5550001:7"}})),
		updateCase("reaction removed", fake.Reaction(23, ken, 7, eventAt, ""),
			fromKen("u23", switchboard.Part{Kind: switchboard.PartReaction, Reaction: &switchboard.Reaction{To: "5550001:7"}})),
		updateCase("edited message ignored", edited),
		updateCase("group message ignored", group),
	}
}

func harness(fk *fake.Server) connectortest.Harness {
	return connectortest.Harness{
		Type:    Type,
		Now:     testNow,
		Secrets: []string{testToken, testSecret},
		New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
			return newConnector(t, fk, deps)
		},
		Reset:           fk.Reset,
		SignatureHeader: SecretHeader,
		SharedSecret:    true,
		Inbound:         inboundCases(),
		InjectFault:     func(f connectortest.Fault) { fk.FailNext(1, fake.Fault(f)) },
		FaultMessage:    connectors.OutboundMessage{Recipient: kenChat, Parts: switchboard.TextParts("hello")},
	}
}

func TestConformance(t *testing.T) {
	fk := newFake(t)
	h := harness(fk)
	longPayload := "order=42&action=track&" + strings.Repeat("x", 80)
	h.Outbound = []connectortest.OutboundCase{
		{Name: "text with reserved characters", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: switchboard.TextParts("Order #42 (2 items) ships 1.5 days - ok!")},
			Check: wantCalls(fk, "sendMessage", func(t *testing.T, p []map[string]any) {
				if p[0]["text"] != `Order \#42 \(2 items\) ships 1\.5 days \- ok\!` || p[0]["parse_mode"] != "MarkdownV2" {
					t.Errorf("text = %q", p[0]["text"])
				}
			})},
		{Name: "markdown converted", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{{Kind: switchboard.PartMarkdown, Text: "**Tracking:** `1Z-999` see [status](https://example.com/t?id=1)."}}},
			Check: wantCalls(fk, "sendMessage", func(t *testing.T, p []map[string]any) {
				if p[0]["text"] != "*Tracking:* `1Z-999` see [status](https://example.com/t?id=1)\\." {
					t.Errorf("text = %q", p[0]["text"])
				}
			})},
		{Name: "long text split", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: switchboard.TextParts(strings.Repeat("あ", 5000))},
			Check: wantCalls(fk, "sendMessage,sendMessage", nil)},
		{Name: "image with caption", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{{Kind: switchboard.PartImage, Text: "our map.", Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/m1"}}}},
			Check: wantCalls(fk, "sendPhoto", func(t *testing.T, p []map[string]any) {
				if p[0]["photo"] != "https://hub.example.test/media/m1" || p[0]["caption"] != `our map\.` {
					t.Errorf("params = %v", p[0])
				}
			})},
		{Name: "video, audio and file", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{
			{Kind: switchboard.PartVideo, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/v1"}},
			{Kind: switchboard.PartAudio, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/a1", DurationMS: 4000}},
			{Kind: switchboard.PartFile, Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/f1", Filename: "invoice.pdf"}},
		}}, Check: wantCalls(fk, "sendVideo,sendAudio,sendDocument", nil)},
		{Name: "location and venue", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{
			{Kind: switchboard.PartLocation, Location: &switchboard.Location{Latitude: 35.67, Longitude: 139.76}},
			{Kind: switchboard.PartLocation, Location: &switchboard.Location{Title: "Shop", Address: "1-1 Ginza", Latitude: 35.67, Longitude: 139.76}},
		}}, Check: wantCalls(fk, "sendLocation,sendVenue", nil)},
		{Name: "sticker", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{{Kind: switchboard.PartSticker, Sticker: &switchboard.Sticker{StickerID: "CAACAgIAAxkBAAE"}}}},
			Check: wantCalls(fk, "sendSticker", nil)},
		{Name: "buttons join the text before them", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{
			{Kind: switchboard.PartText, Text: "How can we help?"},
			{Kind: switchboard.PartButtons, QuickReply: true, Buttons: []switchboard.Button{{Label: "Track order", Payload: "track"}, {Label: "Long", Payload: longPayload}, {Label: "Website", URL: "https://example.com"}}},
		}}, Check: wantCalls(fk, "sendMessage", func(t *testing.T, p []map[string]any) {
			rows := p[0]["reply_markup"].(map[string]any)["inline_keyboard"].([]any)
			data := func(i int) any { return rows[i].([]any)[0].(map[string]any)["callback_data"] }
			if len(rows) != 3 || data(0) != "track" || !strings.HasPrefix(data(1).(string), hashedPrefix) {
				t.Errorf("keyboard = %v", rows)
			}
		})},
		{Name: "buttons alone", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{
			{Kind: switchboard.PartButtons, Text: "Was this helpful?", Buttons: []switchboard.Button{{Label: "Yes", Payload: "yes"}, {Label: "No", Payload: "no"}}},
		}}, Check: wantCalls(fk, "sendMessage", nil)},
		{Name: "raw template with an inline keyboard", Message: connectors.OutboundMessage{Recipient: kenChat, Parts: []switchboard.Part{{Kind: switchboard.PartTemplate, Template: &switchboard.Template{Name: "order",
			Raw: []byte(`{"text":"*Order 42* is ready","reply_markup":{"inline_keyboard":[[{"text":"Pick up","callback_data":"pickup"}]]}}`)}}}},
			Check: wantCalls(fk, "sendMessage", nil)},
	}
	connectortest.Run(t, h)
}

// wantCalls checks that the fake received exactly the named methods (comma
// separated), each answered 200, then runs check on their parameters.
func wantCalls(fk *fake.Server, methods string, check func(t *testing.T, params []map[string]any)) func(*testing.T, connectors.SendResult) {
	return func(t *testing.T, res connectors.SendResult) {
		calls := fk.Calls()
		want := strings.Split(methods, ",")
		if len(calls) != len(want) {
			t.Fatalf("fake received %d calls, want %v: %+v", len(calls), want, calls)
		}
		var params []map[string]any
		for i, c := range calls {
			if c.Method != want[i] || c.Status != http.StatusOK {
				t.Fatalf("call %d: %s answered %d (%s), want %s", i, c.Method, c.Status, c.Body, want[i])
			}
			if c.Params["chat_id"] != float64(kenID) {
				t.Errorf("call %d: chat_id = %v", i, c.Params["chat_id"])
			}
			params = append(params, c.Params)
		}
		if _, ids, err := parseSentID(string(res.ExternalID)); err != nil || len(ids) != len(want) {
			t.Errorf("SendResult.ExternalID = %q, want the chat and %d message ids", res.ExternalID, len(want))
		}
		if check != nil {
			check(t, params)
		}
	}
}
