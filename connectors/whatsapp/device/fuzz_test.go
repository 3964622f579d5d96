package device

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// FuzzNormalizeMessage feeds arbitrary message protobufs, from customers
// and from the phone, through the normaliser: whatever it returns must be
// an event the hub accepts once its media are fetched.
func FuzzNormalizeMessage(f *testing.F) {
	seeds := []*waE2E.Message{
		{Conversation: proto.String("hello")},
		{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("yes"), ContextInfo: &waE2E.ContextInfo{StanzaID: proto.String("Q1"), QuotedMessage: &waE2E.Message{Conversation: proto.String("which?")}}}},
		{ImageMessage: &waE2E.ImageMessage{DirectPath: proto.String("/v/x"), Mimetype: proto.String("image/jpeg"), Caption: proto.String("c")}},
		{DocumentMessage: &waE2E.DocumentMessage{FileName: proto.String("a.pdf")}},
		{StickerMessage: &waE2E.StickerMessage{FileSHA256: []byte{1}}},
		{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(1), DegreesLongitude: proto.Float64(2)}},
		{ReactionMessage: &waE2E.ReactionMessage{Key: &waCommon.MessageKey{ID: proto.String("X")}, Text: proto.String("❤")}},
		{ContactMessage: &waE2E.ContactMessage{Vcard: proto.String("TEL:+1")}},
		{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(" ")}},
	}
	for _, m := range seeds {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false, "M1", int64(1700000000))
		f.Add(b, true, "M2", int64(0))
	}
	f.Fuzz(func(t *testing.T, raw []byte, fromMe bool, id string, unix int64) {
		var m waE2E.Message
		if proto.Unmarshal(raw, &m) != nil {
			return
		}
		src := types.MessageSource{Chat: customer, Sender: customer, IsFromMe: fromMe}
		if fromMe {
			src.Sender = businessJID
		}
		var ts time.Time
		if unix > 0 {
			ts = time.Unix(unix%4102444800, 0)
		}
		evt := &events.Message{Info: types.MessageInfo{MessageSource: src, ID: types.MessageID(id), Timestamp: ts}, Message: &m}
		in, pending, ok := normalizeMessage(testChannel, evt.UnwrapRaw(), testNow)
		if !ok {
			return
		}
		for _, p := range pending {
			if p.part < 0 || p.part >= len(in.Parts) || in.Parts[p.part].Attachment == nil {
				t.Fatalf("pending media %d does not name a media part of %v", p.part, in.Parts)
			}
			in.Parts[p.part].Attachment.MediaID = "media_fuzz"
		}
		if err := validInbound(in); err != nil {
			t.Fatalf("malformed event %+v: %v", in, err)
		}
	})
}

// FuzzNormalizeReceipt checks receipts of every type and id list.
func FuzzNormalizeReceipt(f *testing.F) {
	f.Add("read", "3EB0A", "3EB0B", false)
	f.Add("", "", "X", false)
	f.Add("played", "P", "", true)
	f.Fuzz(func(t *testing.T, typ, id1, id2 string, fromMe bool) {
		evt := &events.Receipt{MessageSource: types.MessageSource{Chat: customer, Sender: customer, IsFromMe: fromMe},
			MessageIDs: []types.MessageID{types.MessageID(id1), types.MessageID(id2)}, Type: types.ReceiptType(typ)}
		for _, in := range normalizeReceipt(testChannel, evt, testNow) {
			if err := validInbound(in); err != nil {
				t.Fatalf("malformed receipt %+v: %v", in, err)
			}
		}
	})
}
