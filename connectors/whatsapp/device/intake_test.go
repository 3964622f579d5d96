package device

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/connectortest"
)

var (
	customer   = types.NewJID("4915112345678", types.DefaultUserServer)
	customerID = switchboard.ExternalID("4915112345678@s.whatsapp.net")
	sentAt     = time.Date(2026, 3, 1, 8, 59, 30, 0, time.UTC)
)

// incoming is a customer's one-to-one message as whatsmeow dispatches it.
func incoming(id string, m *waE2E.Message) *events.Message {
	return &events.Message{Info: types.MessageInfo{
		MessageSource: types.MessageSource{Chat: customer, Sender: customer},
		ID:            types.MessageID(id), PushName: "Anna", Timestamp: sentAt,
	}, Message: m}
}

var photo = []byte("\x89PNG\r\n\x1a\nphoto bytes")

func TestInboundMessagesAreNormalised(t *testing.T) {
	customerProfile := switchboard.Profile{Name: "Anna", Phone: "+4915112345678"}
	msg := func(id string, parts ...switchboard.Part) switchboard.Inbound {
		return switchboard.Inbound{Kind: switchboard.InboundMessage, ChannelID: testChannel, ExternalID: switchboard.ExternalID(id),
			Sender: customerID, Profile: customerProfile, Parts: parts, At: sentAt}
	}
	lidChat := types.NewJID("123456789012345", types.HiddenUserServer)
	cases := []struct {
		name string
		evt  any
		want []switchboard.Inbound
	}{
		{"text", incoming("T1", &waE2E.Message{Conversation: proto.String("Hello, is the shop open?")}),
			[]switchboard.Inbound{msg("T1", textPart("Hello, is the shop open?"))}},
		{"reply with quoted context", incoming("T2", &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
			Text:        proto.String("Yes, that one"),
			ContextInfo: &waE2E.ContextInfo{StanzaID: proto.String("3EB0AAA"), QuotedMessage: &waE2E.Message{Conversation: proto.String("Which size do you need?")}},
		}}), []switchboard.Inbound{msg("T2", textPart("↩ In reply to: “Which size do you need?”"), textPart("Yes, that one"))}},
		{"image with caption, downloaded", incoming("I1", &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			DirectPath: proto.String("/v/photo"), Mimetype: proto.String("image/png"), Caption: proto.String("the receipt"), FileLength: proto.Uint64(999),
		}}), []switchboard.Inbound{msg("I1", switchboard.Part{Kind: switchboard.PartImage, Text: "the receipt", Attachment: &switchboard.Attachment{
			MediaID: connectortest.MediaID(photo), ContentType: "image/png", Size: int64(len(photo))}})}},
		{"voice note", incoming("A1", &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
			DirectPath: proto.String("/v/voice"), Mimetype: proto.String("audio/ogg; codecs=opus"), Seconds: proto.Uint32(7),
		}}), []switchboard.Inbound{msg("A1", switchboard.Part{Kind: switchboard.PartAudio, Attachment: &switchboard.Attachment{
			MediaID: connectortest.MediaID([]byte("voice")), ContentType: "audio/ogg; codecs=opus", Size: 5, DurationMS: 7000}})}},
		{"video", incoming("V1", &waE2E.Message{VideoMessage: &waE2E.VideoMessage{
			DirectPath: proto.String("/v/video"), Mimetype: proto.String("video/mp4"), Seconds: proto.Uint32(3),
		}}), []switchboard.Inbound{msg("V1", switchboard.Part{Kind: switchboard.PartVideo, Attachment: &switchboard.Attachment{
			MediaID: connectortest.MediaID([]byte("video")), ContentType: "video/mp4", Size: 5, DurationMS: 3000}})}},
		{"document", incoming("D1", &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
			DirectPath: proto.String("/v/doc"), Mimetype: proto.String("application/pdf"), FileName: proto.String("invoice.pdf"),
		}}), []switchboard.Inbound{msg("D1", switchboard.Part{Kind: switchboard.PartFile, Attachment: &switchboard.Attachment{
			MediaID: connectortest.MediaID([]byte("%PDF")), ContentType: "application/pdf", Filename: "invoice.pdf", Size: 4}})}},
		{"sticker", incoming("S1", &waE2E.Message{StickerMessage: &waE2E.StickerMessage{
			DirectPath: proto.String("/v/sticker"), Mimetype: proto.String("image/webp"), FileSHA256: []byte{0xab, 0xcd},
		}}), []switchboard.Inbound{msg("S1", switchboard.Part{Kind: switchboard.PartSticker, Sticker: &switchboard.Sticker{StickerID: "abcd"},
			Attachment: &switchboard.Attachment{MediaID: connectortest.MediaID([]byte("RIFFwebp")), ContentType: "image/webp", Size: 8}})}},
		{"expired media kept as a note", incoming("I2", &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			DirectPath: proto.String("/v/gone"), Mimetype: proto.String("image/jpeg"), Caption: proto.String("old photo"),
		}}), []switchboard.Inbound{msg("I2", textPart("old photo\n(photo no longer available on WhatsApp)"))}},
		{"location", incoming("L1", &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
			DegreesLatitude: proto.Float64(35.6586), DegreesLongitude: proto.Float64(139.7454), Name: proto.String("Tokyo Tower"), Address: proto.String("4 Chome-2-8 Shibakoen"),
		}}), []switchboard.Inbound{msg("L1", switchboard.Part{Kind: switchboard.PartLocation, Location: &switchboard.Location{
			Title: "Tokyo Tower", Address: "4 Chome-2-8 Shibakoen", Latitude: 35.6586, Longitude: 139.7454}})}},
		{"reaction", incoming("R1", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{
			Key: &waCommon.MessageKey{ID: proto.String("3EB0OURS"), FromMe: proto.Bool(true)}, Text: proto.String("👍"),
		}}), []switchboard.Inbound{msg("R1", switchboard.Part{Kind: switchboard.PartReaction, Text: "👍", Reaction: &switchboard.Reaction{Emoji: "👍", To: "3EB0OURS"}})}},
		{"contact card", incoming("C1", &waE2E.Message{ContactMessage: &waE2E.ContactMessage{
			DisplayName: proto.String("Ben"), Vcard: proto.String("BEGIN:VCARD\nFN:Ben\nTEL;type=CELL:+44 7700 900123\nEND:VCARD"),
		}}), []switchboard.Inbound{msg("C1", textPart("Contact: Ben +44 7700 900123"))}},
		{"sent from the phone: an echo", &events.Message{Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: customer, Sender: businessJID, IsFromMe: true},
			ID:            "E1", Timestamp: sentAt,
		}, Message: &waE2E.Message{Conversation: proto.String("I'll check and call you back")}},
			[]switchboard.Inbound{{Kind: switchboard.InboundEcho, ChannelID: testChannel, ExternalID: "E1", Sender: customerID, Via: "phone",
				Parts: []switchboard.Part{textPart("I'll check and call you back")}, At: sentAt}}},
		{"chat addressed by LID: the phone number is the id", &events.Message{Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: lidChat, Sender: lidChat, SenderAlt: customer, AddressingMode: types.AddressingModeLID},
			ID:            "T3", PushName: "Anna", Timestamp: sentAt,
		}, Message: &waE2E.Message{Conversation: proto.String("hi")}}, []switchboard.Inbound{msg("T3", textPart("hi"))}},
		{"delivered and read receipts", &events.Receipt{MessageSource: types.MessageSource{Chat: customer, Sender: customer},
			MessageIDs: []types.MessageID{"3EB0A", "3EB0B"}, Timestamp: sentAt, Type: types.ReceiptTypeRead},
			[]switchboard.Inbound{
				{Kind: switchboard.InboundStatus, ChannelID: testChannel, ExternalID: "3EB0A", Sender: customerID, Status: switchboard.StatusRead, At: sentAt},
				{Kind: switchboard.InboundStatus, ChannelID: testChannel, ExternalID: "3EB0B", Sender: customerID, Status: switchboard.StatusRead, At: sentAt},
			}},
		{"delivery receipt", &events.Receipt{MessageSource: types.MessageSource{Chat: customer, Sender: customer},
			MessageIDs: []types.MessageID{"3EB0C"}, Timestamp: sentAt, Type: types.ReceiptTypeDelivered},
			[]switchboard.Inbound{{Kind: switchboard.InboundStatus, ChannelID: testChannel, ExternalID: "3EB0C", Sender: customerID, Status: switchboard.StatusDelivered, At: sentAt}}},
		{"group message ignored", &events.Message{Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: types.NewJID("120363000000000000", types.GroupServer), Sender: customer, IsGroup: true},
			ID:            "G1", Timestamp: sentAt,
		}, Message: &waE2E.Message{Conversation: proto.String("group chatter")}}, nil},
		{"status update ignored", &events.Message{Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: types.StatusBroadcastJID, Sender: customer},
			ID:            "B1", Timestamp: sentAt,
		}, Message: &waE2E.Message{Conversation: proto.String("my story")}}, nil},
		{"revoke ignored", incoming("P1", &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum()}}), nil},
		{"own read-self receipt ignored", &events.Receipt{MessageSource: types.MessageSource{Chat: customer, Sender: businessJID, IsFromMe: true},
			MessageIDs: []types.MessageID{"X"}, Timestamp: sentAt, Type: types.ReceiptTypeReadSelf}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, f := pairedRig(t)
			f.downloads["/v/photo"] = photo
			f.downloads["/v/voice"] = []byte("voice")
			f.downloads["/v/video"] = []byte("video")
			f.downloads["/v/doc"] = []byte("%PDF")
			f.downloads["/v/sticker"] = []byte("RIFFwebp")
			if !f.dispatch(tc.evt) {
				t.Fatal("the event was not acknowledged")
			}
			got, _ := json.MarshalIndent(r.sink.Stored(), "", " ")
			want, _ := json.MarshalIndent(tc.want, "", " ")
			if tc.want == nil {
				want = []byte("null")
			}
			if string(got) != string(want) {
				t.Fatalf("stored\n%s\nwant\n%s", got, want)
			}
			for _, in := range r.sink.Stored() {
				for _, p := range in.Parts {
					if p.Attachment != nil {
						if _, ok := r.media.Get(p.Attachment.MediaID); !ok {
							t.Errorf("media %s is not in the media store", p.Attachment.MediaID)
						}
					}
				}
			}
		})
	}
}

func TestAcknowledgedOnlyAfterCommit(t *testing.T) {
	r, f := pairedRig(t)
	evt := incoming("T9", &waE2E.Message{Conversation: proto.String("are you there?")})
	r.sink.FailWith(errors.New("database is locked"))
	if f.dispatch(evt) {
		t.Fatal("whatsmeow would acknowledge an event the hub did not commit")
	}
	if n := len(r.sink.Stored()); n != 0 {
		t.Fatalf("%d events stored while the sink fails", n)
	}
	// The connector reconnects so that WhatsApp redelivers; the
	// redelivery after the hub recovered is committed and acknowledged.
	f2 := r.client()
	r.sink.FailWith(nil)
	if !f2.dispatch(&events.Connected{}) || !f2.dispatch(evt) {
		t.Fatal("the redelivered event was not acknowledged")
	}
	if !f2.dispatch(evt) {
		t.Fatal("a second redelivery was not acknowledged")
	}
	if got := r.sink.Stored(); len(got) != 1 || got[0].ExternalID != "T9" {
		t.Fatalf("stored %+v, want T9 once", got)
	}

	t.Run("receipts too", func(t *testing.T) {
		r.sink.FailWith(errors.New("disk full"))
		rcpt := &events.Receipt{MessageSource: types.MessageSource{Chat: customer, Sender: customer},
			MessageIDs: []types.MessageID{"3EB0Z"}, Timestamp: sentAt, Type: types.ReceiptTypeDelivered}
		if f2.dispatch(rcpt) {
			t.Fatal("a receipt the hub did not commit would be acknowledged")
		}
	})
	t.Run("a refusal for good is acknowledged", func(t *testing.T) {
		f3 := r.client()
		r.sink.FailWith(connectors.ErrRefused)
		if !f3.dispatch(incoming("T10", &waE2E.Message{Conversation: proto.String("x")})) {
			t.Fatal("an event the hub refuses for good must be acknowledged: redelivery cannot help")
		}
	})
}

func TestMediaDownloadFailureIsRedelivered(t *testing.T) {
	r, f := pairedRig(t)
	f.downloadErr = errors.New("dial tcp mmg.whatsapp.net: i/o timeout")
	evt := incoming("I5", &waE2E.Message{ImageMessage: &waE2E.ImageMessage{DirectPath: proto.String("/v/photo"), Mimetype: proto.String("image/png")}})
	if f.dispatch(evt) {
		t.Fatal("a message whose media could not be fetched was acknowledged")
	}
	if r.media.Puts() != 0 || len(r.sink.Stored()) != 0 {
		t.Fatal("something was stored for a failed download")
	}
	f2 := r.client()
	f2.downloads["/v/photo"] = photo
	if !f2.dispatch(evt) {
		t.Fatal("the redelivery was not acknowledged")
	}
	if got := r.sink.Stored(); len(got) != 1 || got[0].Parts[0].Attachment.MediaID != connectortest.MediaID(photo) {
		t.Fatalf("stored %+v", got)
	}
}
