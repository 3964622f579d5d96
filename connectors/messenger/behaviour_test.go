package messenger_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
	"github.com/switchboardhq/switchboard/connectors/messenger"
	"github.com/switchboardhq/switchboard/connectors/messenger/fake"
	mt "github.com/switchboardhq/switchboard/connectors/messenger/messengertest"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

type testEnv struct {
	conn  *messenger.Connector
	fake  *fake.Server
	sink  *connectortest.Sink
	media *connectortest.MediaStore
}

func newEnv(t *testing.T, humanAgent bool, extra map[string]any) *testEnv {
	t.Helper()
	fk := setup.NewFake(t, humanAgent)
	if extra == nil {
		extra = map[string]any{}
	}
	if humanAgent {
		extra["human_agent"] = true
	}
	e := &testEnv{fake: fk, sink: connectortest.NewSink(), media: connectortest.NewMediaStore()}
	c, err := messenger.New(setup.Config(fk, extra), connectors.Deps{
		ChannelID: "fb", Sink: e.sink, Media: e.media, WebhookURL: "https://hub.example.test/webhooks/fb",
		Now: func() time.Time { return mt.Now },
	})
	if err != nil {
		t.Fatal(err)
	}
	e.conn = c
	return e
}

func (e *testEnv) send(t *testing.T, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	t.Helper()
	if msg.Recipient == "" {
		msg.Recipient = mt.Customer
	}
	return e.conn.Send(context.Background(), msg)
}

func TestReplyWindow(t *testing.T) {
	tests := []struct {
		name       string
		humanAgent bool
		age        time.Duration // since the customer's last message; 0 = unknown
		wantType   string
		wantTag    string
		wantClosed bool
	}{
		{name: "unknown customer time goes as RESPONSE", wantType: wire.TypeResponse},
		{name: "inside 24 hours", age: 23 * time.Hour, wantType: wire.TypeResponse},
		{name: "after 24 hours without Human Agent is refused", age: 25 * time.Hour, wantClosed: true},
		{name: "after 24 hours with Human Agent is tagged", humanAgent: true, age: 25 * time.Hour, wantType: wire.TypeMessageTag, wantTag: wire.TagHumanAgent},
		{name: "inside 24 hours with Human Agent is a plain response", humanAgent: true, age: time.Hour, wantType: wire.TypeResponse},
		{name: "after 7 days even with Human Agent is refused", humanAgent: true, age: 8 * 24 * time.Hour, wantClosed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.humanAgent, nil)
			var last time.Time
			if tc.age > 0 {
				last = mt.Now.Add(-tc.age)
				e.fake.CustomerWrote(mt.Customer, last)
			}
			_, err := e.send(t, connectors.OutboundMessage{MessageID: "msg_w", Parts: switchboard.TextParts("Sorry for the wait"), CustomerLastAt: last})
			if tc.wantClosed {
				if !errors.Is(err, connectors.ErrWindowClosed) || !connectors.IsPermanent(err) {
					t.Fatalf("err = %v, want a permanent ErrWindowClosed", err)
				}
				if !strings.Contains(err.Error(), "window closed at") {
					t.Errorf("reason %q does not say when the window closed", err)
				}
				if n := len(e.fake.Requests()); n != 0 {
					t.Errorf("%d requests reached Meta for a refused send", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sends := e.fake.Sends()
			if len(sends) != 1 || sends[0].Request.MessagingType != tc.wantType || sends[0].Request.Tag != tc.wantTag {
				t.Fatalf("sends = %+v, want messaging_type %s tag %q", sends, tc.wantType, tc.wantTag)
			}
		})
	}
}

func TestCapabilitiesWindow(t *testing.T) {
	if got := newEnv(t, false, nil).conn.Capabilities().ReplyWindowSeconds; got != 86400 {
		t.Errorf("window = %d, want 86400", got)
	}
	if got := newEnv(t, true, nil).conn.Capabilities().ReplyWindowSeconds; got != 604800 {
		t.Errorf("window with human_agent = %d, want 604800", got)
	}
}

func TestProviderErrors(t *testing.T) {
	tests := []struct {
		name      string
		body      []byte
		status    int
		target    error
		retryable bool
		reason    string
	}{
		{name: "190 marks the credentials broken", status: 400, body: fake.ErrInvalidToken, target: connectors.ErrCredentials, reason: "Error validating access token"},
		{name: "551 person unavailable", status: 400, body: fake.ErrUnavailable, reason: "isn't available right now"},
		{name: "10/2018278 window", status: 400, body: fake.ErrOutsideWindow, target: connectors.ErrWindowClosed, reason: "outside of allowed window"},
		{name: "Instagram's window subcode", status: 400, body: fake.ErrorBody(10, 2534022, "OAuthException", "This message is sent outside of allowed window."), target: connectors.ErrWindowClosed},
		{name: "1200 temporary send failure", status: 500, body: fake.ErrorBody(1200, 0, "OAuthException", "Temporary send message failure. Please try again later."), retryable: true},
		{name: "613 rate limit", status: 400, body: fake.ErrRateLimit, retryable: true},
		{name: "other permission error", status: 403, body: fake.ErrorBody(10, 0, "OAuthException", "(#10) Requires pages_messaging permission")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, false, nil)
			e.fake.FailNext(1, fake.Fault{Status: tc.status, Body: string(tc.body)})
			_, err := e.send(t, connectors.OutboundMessage{Parts: switchboard.TextParts("hi")})
			if err == nil {
				t.Fatal("send succeeded")
			}
			if connectors.IsPermanent(err) == tc.retryable {
				t.Errorf("err %v: permanent = %v, want %v", err, connectors.IsPermanent(err), !tc.retryable)
			}
			if tc.target != nil && !errors.Is(err, tc.target) {
				t.Errorf("err %v does not wrap %v", err, tc.target)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("err %q does not carry Meta's words %q", err, tc.reason)
			}
		})
	}
}

func TestUnsendableParts(t *testing.T) {
	many := make([]switchboard.Button, 14)
	for i := range many {
		many[i] = switchboard.Button{Label: string(rune('a' + i))}
	}
	links := []switchboard.Button{{Label: "a", URL: "https://a.test"}, {Label: "b", URL: "https://b.test"}, {Label: "c", URL: "https://c.test"}, {Label: "d", URL: "https://d.test"}}
	tests := []struct {
		name  string
		parts []switchboard.Part
		want  string
	}{
		{"more than 13 quick replies", []switchboard.Part{{Kind: switchboard.PartButtons, QuickReply: true, Buttons: many}}, "at most 13 quick replies"},
		{"four link buttons", []switchboard.Part{{Kind: switchboard.PartButtons, Buttons: links}}, "at most 3 buttons"},
		{"location", []switchboard.Part{{Kind: switchboard.PartLocation, Location: &switchboard.Location{Latitude: 1}}}, "cannot carry"},
		{"image without URL", []switchboard.Part{{Kind: switchboard.PartImage, Attachment: &switchboard.Attachment{MediaID: "x"}}}, "no URL"},
		{"payload too long", []switchboard.Part{{Kind: switchboard.PartButtons, QuickReply: true, Buttons: []switchboard.Button{{Label: "x", Payload: strings.Repeat("p", 1001)}}}}, "payload longer"},
		{"empty text", switchboard.TextParts("  "), "nothing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, false, nil)
			_, err := e.send(t, connectors.OutboundMessage{Parts: tc.parts})
			if !connectors.IsPermanent(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a permanent error saying %q", err, tc.want)
			}
			if n := len(e.fake.Requests()); n != 0 {
				t.Errorf("%d requests reached Meta", n)
			}
		})
	}
}

func TestSenderActions(t *testing.T) {
	e := newEnv(t, false, nil)
	ctx := context.Background()
	if err := e.conn.SendTyping(ctx, mt.Customer); err != nil {
		t.Fatal(err)
	}
	if err := e.conn.MarkRead(ctx, mt.Customer, "m_1"); err != nil {
		t.Fatal(err)
	}
	reqs := e.fake.Requests()
	if len(reqs) != 2 || reqs[0].Decoded.SenderAction != "typing_on" || reqs[1].Decoded.SenderAction != "mark_seen" ||
		reqs[0].Decoded.Recipient.ID != mt.Customer || reqs[1].Status != http.StatusOK {
		t.Fatalf("requests = %+v", reqs)
	}
	if len(e.fake.Sends()) != 0 {
		t.Error("sender actions were recorded as messages")
	}
}

func TestSubscriptionHandshake(t *testing.T) {
	tests := []struct {
		name, query string
		want        int
		body        string
	}{
		{"right token", "hub.mode=subscribe&hub.verify_token=" + mt.VerifyToken + "&hub.challenge=1158201444", 200, "1158201444"},
		{"wrong token", "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", 403, ""},
		{"no mode", "hub.verify_token=" + mt.VerifyToken + "&hub.challenge=1", 403, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, false, nil)
			rec := httptest.NewRecorder()
			e.conn.HandleWebhook(rec, httptest.NewRequest(http.MethodGet, "/webhooks/fb?"+tc.query, nil))
			if rec.Code != tc.want || (tc.body != "" && rec.Body.String() != tc.body) {
				t.Fatalf("answer %d %q, want %d %q", rec.Code, rec.Body, tc.want, tc.body)
			}
			if e.sink.Calls() != 0 {
				t.Error("the handshake reached the Sink")
			}
		})
	}
}

func TestConfig(t *testing.T) {
	fk := setup.NewFake(t, false)
	tests := []struct {
		name  string
		extra map[string]any
		want  string
	}{
		{"instagram key on messenger", map[string]any{"instagram_account_id": mt.InstagramID}, "instagram_account_id belongs to instagram"},
		{"missing token", map[string]any{"page_access_token": ""}, "page_access_token is required"},
		{"bad version", map[string]any{"api_version": "26"}, "api_version"},
		{"version in base URL", map[string]any{"api_base_url": "https://graph.facebook.com/v26.0"}, "without the version"},
		{"page id not numeric", map[string]any{"page_id": "my-shop"}, "page_id must be"},
		{"unknown key", map[string]any{"page_token": "x"}, "page_token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := messenger.New(setup.Config(fk, tc.extra), connectors.Deps{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestCheckCredentials(t *testing.T) {
	ctx := context.Background()
	if err := newEnv(t, false, nil).conn.CheckCredentials(ctx); err != nil {
		t.Fatalf("good token: %v", err)
	}
	err := newEnv(t, false, map[string]any{"page_access_token": "EAAG-stale"}).conn.CheckCredentials(ctx)
	if !errors.Is(err, connectors.ErrCredentials) {
		t.Errorf("stale token: %v, want ErrCredentials", err)
	}
	err = newEnv(t, false, map[string]any{"page_id": "100000000000999"}).conn.CheckCredentials(ctx)
	if err == nil || !strings.Contains(err.Error(), "not to page_id") {
		t.Errorf("token of another Page: %v", err)
	}
}

func TestSimulateAndProfileOnce(t *testing.T) {
	e := newEnv(t, false, nil)
	ctx := context.Background()
	for _, text := range []string{"first", "second"} {
		req, err := e.conn.SimulateText(ctx, "https://hub.example.test/webhooks/fb", mt.Customer, text)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		e.conn.HandleWebhook(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("simulated webhook answered %d %s", rec.Code, rec.Body)
		}
	}
	stored := e.sink.Stored()
	if len(stored) != 2 || stored[1].Parts[0].Text != "second" || stored[1].Profile.Name != "Ken Tanaka" {
		t.Fatalf("stored = %+v", stored)
	}
	profileGets := 0
	for _, r := range e.fake.Requests() {
		if r.Path == "/"+mt.Version+"/"+mt.Customer {
			profileGets++
			if r.Query != "fields=first_name%2Clast_name%2Cprofile_pic" {
				t.Errorf("profile asked for %s", r.Query)
			}
		}
	}
	if profileGets != 1 {
		t.Errorf("profile fetched %d times, want once", profileGets)
	}
}

func TestBatchInOneAccept(t *testing.T) {
	e := newEnv(t, false, nil)
	at := mt.EventAt
	body := fake.Entries("page",
		wire.Entry{ID: mt.PageID, Time: at.UnixMilli(), Messaging: []wire.Event{fake.Text(mt.Customer, mt.PageID, "m_a", "a", at)}},
		wire.Entry{ID: mt.PageID, Time: at.UnixMilli(), Messaging: []wire.Event{fake.Text(mt.Customer, mt.PageID, "m_b", "b", at), fake.Read(mt.Customer, mt.PageID, at, at)}})
	rec := httptest.NewRecorder()
	e.conn.HandleWebhook(rec, fake.SignedWebhook("https://hub.example.test/webhooks/fb", mt.AppSecret, body))
	if rec.Code != http.StatusOK || e.sink.Calls() != 1 || len(e.sink.Stored()) != 3 {
		t.Fatalf("answer %d, %d Accept calls, stored %+v", rec.Code, e.sink.Calls(), e.sink.Stored())
	}
}

// A send that failed after its first piece went out resumes after it when
// the router retries: the customer does not get the first piece twice.
func TestRetryResumesAfterSentPieces(t *testing.T) {
	e := newEnv(t, false, nil)
	msg := connectors.OutboundMessage{MessageID: "msg_two", Parts: []switchboard.Part{
		{Kind: switchboard.PartImage, Text: "our map", Attachment: &switchboard.Attachment{URL: "https://hub.example.test/media/m1"}}}}
	// The image goes out; the caption meets a rate limit.
	e.fake.FailAfter(1, fake.Fault{Status: http.StatusBadRequest, Body: string(fake.ErrRateLimit)})
	_, err := e.send(t, msg)
	if err == nil || connectors.IsPermanent(err) || !strings.Contains(err.Error(), "after 1 of 2 pieces") {
		t.Fatalf("err = %v, want a retryable error after the first piece", err)
	}
	res, err := e.send(t, msg)
	if err != nil {
		t.Fatal(err)
	}
	sends := e.fake.Sends()
	if len(sends) != 2 || sends[0].Request.Message.Attachment == nil || sends[1].Request.Message.Text != "our map" || res.ExternalID != switchboard.ExternalID(sends[1].MessageID) {
		t.Fatalf("sends = %+v, result %+v", sends, res)
	}
}
