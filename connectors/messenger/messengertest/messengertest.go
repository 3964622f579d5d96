// Package messengertest describes the Messenger and Instagram channels to
// the conformance suite: the documented inbound kinds as signed webhooks
// of the fake, the outbound kinds with the Send API bodies they must
// produce, and the Graph faults. connectors/messenger and
// connectors/instagram run it with their flavor, so both channels are held
// to the same cases without repeating them.
package messengertest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/messenger"
	"github.com/switchboardhq/switchboard/connectors/messenger/fake"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// Credentials and ids of the tests.
const (
	AppSecret   = "meta-test-app-secret"
	VerifyToken = "meta-test-verify-token"
	PageToken   = "EAAG-meta-test-page-token"
	PageID      = "100000000000001"
	InstagramID = "17841400000000001"
	Customer    = "2000000000000002"
	Stranger    = "2000000000000003"
	Version     = "v26.0"
)

var (
	// Now is the suite's clock; EventAt when the test events happened.
	Now     = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	EventAt = Now.Add(-2 * time.Second)

	imageBody = []byte("\xff\xd8\xff\xe0 fake jpeg")
	videoBody = []byte("fake mp4")
	audioBody = []byte("fake mp3")
	fileBody  = []byte("%PDF-1.7 fake")
)

// Setup names the flavor under test and how to build it.
type Setup struct {
	Flavor messenger.Flavor
	// New is the package's constructor.
	New func(config json.RawMessage, deps connectors.Deps) (connectors.Connector, error)
}

// account is the business's id in webhooks.
func (s Setup) account() string {
	if s.Flavor.Instagram {
		return InstagramID
	}
	return PageID
}

// NewFake starts the flavor's fake with the customer's profile and media.
func (s Setup) NewFake(tb testing.TB, humanAgent bool) *fake.Server {
	fk := fake.New(tb, fake.Options{Token: PageToken, PageID: PageID, PageName: "Test Shop", InstagramAccountID: InstagramID,
		Instagram: s.Flavor.Instagram, Version: Version, HumanAgent: humanAgent, Now: func() time.Time { return Now }})
	fk.AddProfile(Customer, map[string]string{"first_name": "Ken", "last_name": "Tanaka", "name": "Ken Tanaka", "username": "ken.t", "profile_pic": "https://cdn.example.test/ken.jpg"})
	fk.AddMedia("image.jpg", "image/jpeg", imageBody)
	fk.AddMedia("clip.mp4", "video/mp4", videoBody)
	fk.AddMedia("voice.mp3", "audio/mpeg", audioBody)
	fk.AddMedia("report.pdf", "application/pdf", fileBody)
	return fk
}

// Config is the channel's config against fk, with extra keys.
func (s Setup) Config(fk *fake.Server, extra map[string]any) json.RawMessage {
	cfg := map[string]any{"app_secret": AppSecret, "verify_token": VerifyToken, "page_access_token": PageToken,
		"page_id": PageID, "api_base_url": fk.URL, "api_version": Version}
	if s.Flavor.Instagram {
		cfg["instagram_account_id"] = InstagramID
	}
	for k, v := range extra {
		cfg[k] = v
	}
	b, _ := json.Marshal(cfg)
	return b
}

// Harness is the conformance harness of the flavor against fk.
func (s Setup) Harness(fk *fake.Server) connectortest.Harness {
	return connectortest.Harness{
		Type:    s.Flavor.Type,
		Now:     Now,
		Secrets: []string{AppSecret, VerifyToken, PageToken},
		Reset:   fk.Reset,
		New: func(t *testing.T, deps connectors.Deps) connectors.Connector {
			c, err := s.New(s.Config(fk, nil), deps)
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		SignatureHeader: "X-Hub-Signature-256",
		Inbound:         s.InboundCases(fk),
		Outbound:        s.OutboundCases(fk),
		InjectFault:     func(f connectortest.Fault) { fk.FailNext(1, f) },
		FaultMessage:    connectors.OutboundMessage{Recipient: Customer, Parts: switchboard.TextParts("hello")},
		Faults: append(connectortest.StandardFaults(),
			connectortest.FaultCase{Name: "190 invalid token", Fault: connectortest.Fault{Status: http.StatusBadRequest, Body: string(fake.ErrInvalidToken)}, Want: connectortest.Permanent},
			connectortest.FaultCase{Name: "551 person unavailable", Fault: connectortest.Fault{Status: http.StatusBadRequest, Body: string(fake.ErrUnavailable)}, Want: connectortest.Permanent},
			connectortest.FaultCase{Name: "10/2018278 outside window", Fault: connectortest.Fault{Status: http.StatusBadRequest, Body: string(fake.ErrOutsideWindow)}, Want: connectortest.Permanent},
			connectortest.FaultCase{Name: "613 rate limit", Fault: connectortest.Fault{Status: http.StatusBadRequest, Body: string(fake.ErrRateLimit)}, Want: connectortest.Retryable, WantRetryAfter: 30 * time.Second},
		),
	}
}

// Request builds a case's signed webhook from events.
func (s Setup) Request(events ...wire.Event) func(t *testing.T, deps connectors.Deps) *http.Request {
	return func(t *testing.T, deps connectors.Deps) *http.Request {
		return fake.SignedWebhook(deps.WebhookURL, AppSecret, fake.Body(s.Flavor.Object, s.account(), EventAt, events...))
	}
}

// ken is the profile the fake serves for Customer, as the flavor reads it.
func (s Setup) ken() switchboard.Profile {
	return switchboard.Profile{Name: "Ken Tanaka", AvatarURL: "https://cdn.example.test/ken.jpg"}
}

// message is the expected event of a customer's message.
func (s Setup) message(id string, parts ...switchboard.Part) switchboard.Inbound {
	return switchboard.Inbound{Kind: switchboard.InboundMessage, ExternalID: switchboard.ExternalID(id),
		Sender: Customer, Profile: s.ken(), Parts: parts, At: EventAt}
}

func media(kind switchboard.PartKind, body []byte, contentType, filename string) switchboard.Part {
	return switchboard.Part{Kind: kind, Attachment: &switchboard.Attachment{MediaID: connectortest.MediaID(body),
		ContentType: contentType, Size: int64(len(body)), Filename: filename}}
}

// InboundCases are the documented inbound kinds of the flavor.
func (s Setup) InboundCases(fk *fake.Server) []connectortest.InboundCase {
	acct := s.account()
	at := EventAt
	attach := func(typ, url string) *wire.Message {
		return &wire.Message{MID: "m_" + typ, Attachments: []wire.Attachment{{Type: typ, Payload: wire.AttachmentPayload{URL: url}}}}
	}
	inbox := s.Flavor.InboxAppIDs[0]
	cases := []connectortest.InboundCase{
		{Name: "text", Request: s.Request(fake.Text(Customer, acct, "m_text", "Hello, is my order shipped?", at)),
			Want: []switchboard.Inbound{s.message("m_text", switchboard.TextParts("Hello, is my order shipped?")...)}},
		{Name: "image", Request: s.Request(fake.Message(Customer, acct, at, attach("image", fk.MediaURL("image.jpg")))),
			Want: []switchboard.Inbound{s.message("m_image", media(switchboard.PartImage, imageBody, "image/jpeg", ""))}},
		{Name: "video", Request: s.Request(fake.Message(Customer, acct, at, attach("video", fk.MediaURL("clip.mp4")))),
			Want: []switchboard.Inbound{s.message("m_video", media(switchboard.PartVideo, videoBody, "video/mp4", ""))}},
		{Name: "audio", Request: s.Request(fake.Message(Customer, acct, at, attach("audio", fk.MediaURL("voice.mp3")))),
			Want: []switchboard.Inbound{s.message("m_audio", media(switchboard.PartAudio, audioBody, "audio/mpeg", ""))}},
		{Name: "file", Request: s.Request(fake.Message(Customer, acct, at, attach("file", fk.MediaURL("report.pdf")))),
			Want: []switchboard.Inbound{s.message("m_file", media(switchboard.PartFile, fileBody, "application/pdf", "report.pdf"))}},
		{Name: "expired attachment becomes placeholder", Request: s.Request(fake.Message(Customer, acct, at, attach("image", fk.MediaURL("gone.jpg")))),
			Want: []switchboard.Inbound{s.message("m_image", switchboard.TextParts("[image unavailable]")...)}},
		{Name: "text with two images", Request: s.Request(fake.Message(Customer, acct, at, &wire.Message{MID: "m_album", Text: "two photos", Attachments: []wire.Attachment{
			{Type: "image", Payload: wire.AttachmentPayload{URL: fk.MediaURL("image.jpg")}}, {Type: "image", Payload: wire.AttachmentPayload{URL: fk.MediaURL("image.jpg")}}}})),
			Want: []switchboard.Inbound{s.message("m_album", switchboard.Part{Kind: switchboard.PartText, Text: "two photos"},
				media(switchboard.PartImage, imageBody, "image/jpeg", ""), media(switchboard.PartImage, imageBody, "image/jpeg", ""))}},
		{Name: "share becomes a link", Request: s.Request(fake.Message(Customer, acct, at, &wire.Message{MID: "m_share", Attachments: []wire.Attachment{
			{Type: "share", Payload: wire.AttachmentPayload{URL: "https://www.instagram.com/p/abc/"}}}})),
			Want: []switchboard.Inbound{s.message("m_share", switchboard.Part{Kind: switchboard.PartLink, Link: &switchboard.Link{URL: "https://www.instagram.com/p/abc/", Title: "share"}})}},
		{Name: "quick reply keeps its payload", Request: s.Request(fake.Message(Customer, acct, at, &wire.Message{MID: "m_qr", Text: "Track order", QuickReply: &wire.QuickReply{Payload: "track"}})),
			Want: []switchboard.Inbound{s.message("m_qr", switchboard.TextParts("track")...)}},
		{Name: "postback", Request: s.Request(fake.Postback(Customer, acct, "m_pb", "Yes", "csat=5", at)),
			Want: []switchboard.Inbound{s.message("m_pb", switchboard.TextParts("csat=5")...)}},
		{Name: "reaction", Request: s.Request(fake.Reaction(Customer, acct, "m_out1", "react", "❤️", at)),
			Want: []switchboard.Inbound{s.message("reaction:m_out1:react:"+ms(at), switchboard.Part{Kind: switchboard.PartReaction, Text: "❤️", Reaction: &switchboard.Reaction{Emoji: "❤️", To: "m_out1"}})}},
		{Name: "unreaction", Request: s.Request(fake.Reaction(Customer, acct, "m_out1", "unreact", "", at)),
			Want: []switchboard.Inbound{s.message("reaction:m_out1:unreact:"+ms(at), switchboard.Part{Kind: switchboard.PartReaction, Reaction: &switchboard.Reaction{To: "m_out1"}})}},
		{Name: "echo from the inbox", Request: s.Request(fake.Echo(Customer, acct, "m_echo1", "Sent from the inbox", inbox, "", at)),
			Want: []switchboard.Inbound{{Kind: switchboard.InboundEcho, ExternalID: "m_echo1", Sender: Customer, Parts: switchboard.TextParts("Sent from the inbox"), At: at, Via: messenger.ViaPageInbox}}},
		{Name: "echo from another app", Request: s.Request(fake.Echo(Customer, acct, "m_echo2", "Sent by a bot", "555000111", "", at)),
			Want: []switchboard.Inbound{{Kind: switchboard.InboundEcho, ExternalID: "m_echo2", Sender: Customer, Parts: switchboard.TextParts("Sent by a bot"), At: at, Via: "app:555000111"}}},
		{Name: "echo of the hub's own reply is skipped", Request: s.Request(fake.Echo(Customer, acct, "m_echo3", "Our reply", "777", messenger.MetadataPrefix+"msg_1", at))},
		{Name: "profile unavailable", Request: s.Request(fake.Text(Stranger, acct, "m_anon", "who am I", at)),
			Want: []switchboard.Inbound{{Kind: switchboard.InboundMessage, ExternalID: "m_anon", Sender: Stranger, Parts: switchboard.TextParts("who am I"), At: at}}},
		{Name: "other account's entry ignored", Request: func(t *testing.T, deps connectors.Deps) *http.Request {
			body := fake.Entries(s.Flavor.Object,
				wire.Entry{ID: "999999", Time: at.UnixMilli(), Messaging: []wire.Event{fake.Text(Customer, "999999", "m_other", "not ours", at)}},
				wire.Entry{ID: acct, Time: at.UnixMilli(), Messaging: []wire.Event{fake.Text(Customer, acct, "m_ours", "ours", at)}})
			return fake.SignedWebhook(deps.WebhookURL, AppSecret, body)
		}, Want: []switchboard.Inbound{s.message("m_ours", switchboard.TextParts("ours")...)}},
		{Name: "wrong object ignored", Request: func(t *testing.T, deps connectors.Deps) *http.Request {
			return fake.SignedWebhook(deps.WebhookURL, AppSecret, fake.Body("user", acct, at, fake.Text(Customer, acct, "m_x", "x", at)))
		}},
	}
	if s.Flavor.Instagram {
		cases = append(cases, connectortest.InboundCase{Name: "seen", Request: s.Request(fake.Seen(Customer, acct, "m_out1", at)),
			Want: []switchboard.Inbound{{Kind: switchboard.InboundStatus, ExternalID: "m_out1", Sender: Customer, Status: switchboard.StatusRead, At: at}}})
		return cases
	}
	watermark := at.Add(-time.Minute)
	return append(cases,
		connectortest.InboundCase{Name: "sticker", Request: s.Request(fake.Message(Customer, acct, at, &wire.Message{MID: "m_sticker", Attachments: []wire.Attachment{
			{Type: "image", Payload: wire.AttachmentPayload{URL: "https://scontent.example.test/369239263222822.png", StickerID: "369239263222822"}}}})),
			Want: []switchboard.Inbound{s.message("m_sticker", switchboard.Part{Kind: switchboard.PartSticker, Sticker: &switchboard.Sticker{StickerID: "369239263222822", URL: "https://scontent.example.test/369239263222822.png"}})}},
		connectortest.InboundCase{Name: "location", Request: s.Request(fake.Message(Customer, acct, at, &wire.Message{MID: "m_loc", Attachments: []wire.Attachment{
			{Type: "location", Title: "Ken's location", Payload: wire.AttachmentPayload{Coordinates: &wire.Coordinates{Lat: 35.6586, Long: 139.7454}}}}})),
			Want: []switchboard.Inbound{s.message("m_loc", switchboard.Part{Kind: switchboard.PartLocation, Location: &switchboard.Location{Title: "Ken's location", Latitude: 35.6586, Longitude: 139.7454}})}},
		connectortest.InboundCase{Name: "delivery", Request: s.Request(fake.Delivery(Customer, acct, []string{"m_out1", "m_out2"}, watermark, at)),
			Want: []switchboard.Inbound{
				{Kind: switchboard.InboundStatus, ExternalID: "m_out1", Sender: Customer, Status: switchboard.StatusDelivered, At: at},
				{Kind: switchboard.InboundStatus, ExternalID: "m_out2", Sender: Customer, Status: switchboard.StatusDelivered, At: at},
				{Kind: switchboard.InboundStatus, Sender: Customer, Status: switchboard.StatusDelivered, At: at, Watermark: watermark},
			}},
		connectortest.InboundCase{Name: "read watermark", Request: s.Request(fake.Read(Customer, acct, watermark, at)),
			Want: []switchboard.Inbound{{Kind: switchboard.InboundStatus, Sender: Customer, Status: switchboard.StatusRead, At: at, Watermark: watermark}}},
	)
}

func ms(t time.Time) string {
	b, _ := json.Marshal(t.UnixMilli())
	return string(b)
}
