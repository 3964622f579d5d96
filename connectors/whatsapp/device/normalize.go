package device

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// ViaPhone is the Via of echoes: messages the business wrote on its phone
// (or another linked device) rather than in the hub.
const ViaPhone = "phone"

// quoteRunes is how much of a quoted message a reply's context shows.
const quoteRunes = 120

// pendingMedia is an attachment the intake downloads into the media store
// before the commit; part is its index in the event's Parts.
type pendingMedia struct {
	part int
	msg  whatsmeow.DownloadableMessage
}

// customerJID is the customer's id of a one-to-one chat: the phone-number
// JID when whatsmeow knows it (also when the chat is addressed by LID), so
// a contact keeps one id however WhatsApp addresses them.
func customerJID(src types.MessageSource) types.JID {
	chat := src.Chat.ToNonAD()
	if chat.Server == types.HiddenUserServer {
		alt := src.SenderAlt
		if src.IsFromMe {
			alt = src.RecipientAlt
		}
		if alt.Server == types.DefaultUserServer {
			return alt.ToNonAD()
		}
	}
	return chat
}

// oneToOne reports whether a message or receipt belongs to a chat with
// one customer (not a group, broadcast list, status or newsletter).
func oneToOne(src types.MessageSource) bool {
	if src.IsGroup {
		return false
	}
	switch src.Chat.Server {
	case types.DefaultUserServer, types.HiddenUserServer:
		return src.Chat.User != ""
	}
	return false
}

// normalizeMessage turns a whatsmeow message into the hub's event: a
// customer's message, or an echo (Via "phone") of one the business wrote
// on its phone. It reports false for what the hub does not keep (groups,
// status updates, protocol messages such as revokes and edits, unknown
// content). Media parts carry their metadata; the intake fills MediaID
// after downloading the pending items. It does no I/O.
func normalizeMessage(channel switchboard.ChannelID, evt *events.Message, now time.Time) (switchboard.Inbound, []pendingMedia, bool) {
	if evt == nil || evt.Message == nil || evt.IsEdit || evt.Info.ID == "" || !oneToOne(evt.Info.MessageSource) {
		return switchboard.Inbound{}, nil, false
	}
	customer := customerJID(evt.Info.MessageSource)
	if evt.Info.IsFromMe && evt.Info.Sender.User == customer.User {
		// A note to self on the phone: no customer in it.
		return switchboard.Inbound{}, nil, false
	}
	parts, pending := messageParts(evt.Message)
	if len(parts) == 0 {
		return switchboard.Inbound{}, nil, false
	}
	in := switchboard.Inbound{
		Kind:       switchboard.InboundMessage,
		ChannelID:  channel,
		ExternalID: switchboard.ExternalID(evt.Info.ID),
		Sender:     switchboard.ExternalID(customer.String()),
		Parts:      parts,
		At:         evt.Info.Timestamp,
	}
	if in.At.IsZero() {
		in.At = now
	}
	if evt.Info.IsFromMe {
		in.Kind = switchboard.InboundEcho
		in.Via = ViaPhone
	} else {
		in.Profile.Name = strings.TrimSpace(evt.Info.PushName)
		if customer.Server == types.DefaultUserServer {
			in.Profile.Phone = "+" + customer.User
		}
	}
	return in, pending, true
}

// messageParts maps a message's content to parts, a reply's quoted
// context first.
func messageParts(m *waE2E.Message) ([]switchboard.Part, []pendingMedia) {
	var parts []switchboard.Part
	var pending []pendingMedia
	media := func(kind switchboard.PartKind, dm whatsmeow.DownloadableMessage, mime, caption, filename string, size uint64, seconds uint32) {
		p := switchboard.Part{Kind: kind, Text: strings.TrimSpace(caption), Attachment: &switchboard.Attachment{
			ContentType: mime, Filename: filename, Size: int64(min(size, 1<<62)), DurationMS: int64(seconds) * 1000,
		}}
		pending = append(pending, pendingMedia{part: len(parts), msg: dm})
		parts = append(parts, p)
	}
	var ctx *waE2E.ContextInfo
	switch {
	case m.GetConversation() != "":
		parts = append(parts, textPart(m.GetConversation()))
	case m.GetExtendedTextMessage() != nil:
		ctx = m.GetExtendedTextMessage().GetContextInfo()
		if t := m.GetExtendedTextMessage().GetText(); strings.TrimSpace(t) != "" {
			parts = append(parts, textPart(t))
		}
	case m.GetImageMessage() != nil:
		im := m.GetImageMessage()
		ctx = im.GetContextInfo()
		media(switchboard.PartImage, im, im.GetMimetype(), im.GetCaption(), "", im.GetFileLength(), 0)
	case m.GetVideoMessage() != nil:
		vm := m.GetVideoMessage()
		ctx = vm.GetContextInfo()
		media(switchboard.PartVideo, vm, vm.GetMimetype(), vm.GetCaption(), "", vm.GetFileLength(), vm.GetSeconds())
	case m.GetAudioMessage() != nil:
		am := m.GetAudioMessage()
		ctx = am.GetContextInfo()
		media(switchboard.PartAudio, am, am.GetMimetype(), "", "", am.GetFileLength(), am.GetSeconds())
	case m.GetDocumentMessage() != nil:
		dm := m.GetDocumentMessage()
		ctx = dm.GetContextInfo()
		name := dm.GetFileName()
		if name == "" {
			name = dm.GetTitle()
		}
		media(switchboard.PartFile, dm, dm.GetMimetype(), dm.GetCaption(), name, dm.GetFileLength(), 0)
	case m.GetStickerMessage() != nil:
		sm := m.GetStickerMessage()
		ctx = sm.GetContextInfo()
		media(switchboard.PartSticker, sm, sm.GetMimetype(), "", "", sm.GetFileLength(), 0)
		// The sticker's id is its content hash: WhatsApp stickers have no
		// catalogue id; the picture itself is in the attachment.
		parts[len(parts)-1].Sticker = &switchboard.Sticker{StickerID: stickerID(sm.GetFileSHA256())}
	case m.GetLocationMessage() != nil:
		lm := m.GetLocationMessage()
		ctx = lm.GetContextInfo()
		parts = append(parts, switchboard.Part{Kind: switchboard.PartLocation, Location: &switchboard.Location{
			Title: lm.GetName(), Address: lm.GetAddress(), Latitude: lm.GetDegreesLatitude(), Longitude: lm.GetDegreesLongitude(),
		}})
	case m.GetLiveLocationMessage() != nil:
		lm := m.GetLiveLocationMessage()
		ctx = lm.GetContextInfo()
		parts = append(parts, switchboard.Part{Kind: switchboard.PartLocation, Text: strings.TrimSpace(lm.GetCaption()), Location: &switchboard.Location{
			Latitude: lm.GetDegreesLatitude(), Longitude: lm.GetDegreesLongitude(),
		}})
	case m.GetContactMessage() != nil:
		cm := m.GetContactMessage()
		ctx = cm.GetContextInfo()
		if t := contactText(cm.GetDisplayName(), cm.GetVcard()); t != "" {
			parts = append(parts, textPart(t))
		}
	case m.GetReactionMessage() != nil:
		rm := m.GetReactionMessage()
		if id := rm.GetKey().GetID(); id != "" {
			parts = append(parts, switchboard.Part{Kind: switchboard.PartReaction, Text: rm.GetText(),
				Reaction: &switchboard.Reaction{Emoji: rm.GetText(), To: switchboard.ExternalID(id)}})
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	if q := quoteText(ctx); q != "" {
		for i := range pending {
			pending[i].part++
		}
		parts = append([]switchboard.Part{textPart(q)}, parts...)
	}
	return parts, pending
}

func textPart(s string) switchboard.Part {
	return switchboard.Part{Kind: switchboard.PartText, Text: s}
}

// quoteText is the reply context shown above a reply: the hub's model has
// no reply-to field, so it travels as a text part naming the quoted
// message's text (or its kind) and id.
func quoteText(ctx *waE2E.ContextInfo) string {
	if ctx.GetStanzaID() == "" {
		return ""
	}
	excerpt := quotedExcerpt(ctx.GetQuotedMessage())
	if excerpt == "" {
		return "↩ In reply to message " + ctx.GetStanzaID()
	}
	return "↩ In reply to: “" + excerpt + "”"
}

func quotedExcerpt(q *waE2E.Message) string {
	var s string
	switch {
	case q == nil:
	case q.GetConversation() != "":
		s = q.GetConversation()
	case q.GetExtendedTextMessage() != nil:
		s = q.GetExtendedTextMessage().GetText()
	case q.GetImageMessage() != nil:
		s = firstNonEmpty(q.GetImageMessage().GetCaption(), "photo")
	case q.GetVideoMessage() != nil:
		s = firstNonEmpty(q.GetVideoMessage().GetCaption(), "video")
	case q.GetAudioMessage() != nil:
		s = "voice message"
	case q.GetDocumentMessage() != nil:
		s = firstNonEmpty(q.GetDocumentMessage().GetFileName(), "document")
	case q.GetStickerMessage() != nil:
		s = "sticker"
	case q.GetLocationMessage() != nil:
		s = firstNonEmpty(q.GetLocationMessage().GetName(), "location")
	}
	s = strings.Join(strings.Fields(s), " ")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if utf8.RuneCountInString(s) > quoteRunes {
		s = string([]rune(s)[:quoteRunes]) + "…"
	}
	return s
}

// contactText renders a shared contact card as text: the name and the
// phone numbers of its vCard.
func contactText(name, vcard string) string {
	var phones []string
	for _, line := range strings.Split(vcard, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(strings.ToUpper(line), "TEL") {
			continue
		}
		if i := strings.LastIndexByte(line, ':'); i >= 0 && i+1 < len(line) {
			phones = append(phones, strings.TrimSpace(line[i+1:]))
		}
	}
	name = strings.TrimSpace(name)
	if name == "" && len(phones) == 0 {
		return ""
	}
	return strings.TrimSpace("Contact: " + strings.TrimSpace(name+" "+strings.Join(phones, ", ")))
}

func stickerID(sha []byte) string {
	if len(sha) == 0 {
		return "sticker"
	}
	return hex.EncodeToString(sha)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// normalizeReceipt turns a receipt from a customer into status events for
// the hub's outgoing messages it names: delivered, or read (played voice
// messages count as read). Receipts of the business's own devices, of
// groups and of other kinds (retry, sender) are dropped.
func normalizeReceipt(channel switchboard.ChannelID, evt *events.Receipt, now time.Time) []switchboard.Inbound {
	if evt == nil || evt.IsFromMe || !oneToOne(evt.MessageSource) {
		return nil
	}
	var status switchboard.DeliveryStatus
	switch evt.Type {
	case types.ReceiptTypeDelivered:
		status = switchboard.StatusDelivered
	case types.ReceiptTypeRead, types.ReceiptTypePlayed:
		status = switchboard.StatusRead
	default:
		return nil
	}
	customer := customerJID(evt.MessageSource)
	at := evt.Timestamp
	if at.IsZero() {
		at = now
	}
	out := make([]switchboard.Inbound, 0, len(evt.MessageIDs))
	for _, id := range evt.MessageIDs {
		if id == "" {
			continue
		}
		out = append(out, switchboard.Inbound{
			Kind: switchboard.InboundStatus, ChannelID: channel, ExternalID: switchboard.ExternalID(id),
			Sender: switchboard.ExternalID(customer.String()), Status: status, At: at,
		})
	}
	return out
}

// acceptTimeout bounds one commit of the hub (whatsmeow waits for the
// handler before it acknowledges).
const acceptTimeout = 30 * time.Second

// intakeMessage downloads a message's media into the media store and
// hands the event to the hub. It reports true when the event is committed
// (or is nothing the hub keeps, or the hub refused it for good), false when
// WhatsApp should deliver it again.
func (c *Connector) intakeMessage(ctx context.Context, cli waClient, evt *events.Message) bool {
	in, pending, ok := normalizeMessage(c.deps.ChannelID, evt, c.deps.Now())
	if !ok {
		return true
	}
	for _, p := range pending {
		part := &in.Parts[p.part]
		body, err := cli.Download(ctx, p.msg)
		if err != nil {
			if mediaGone(err) {
				*part = switchboard.Part{Kind: switchboard.PartText, Text: strings.TrimSpace(part.Text + "\n(" + kindName(part.Kind) + " no longer available on WhatsApp)")}
				continue
			}
			c.deps.Logger.Warn("whatsapp device: media download failed; awaiting redelivery", "channel", c.deps.ChannelID, "id", in.ExternalID, "err", err)
			return false
		}
		contentType := part.Attachment.ContentType
		if contentType == "" {
			contentType = http.DetectContentType(body)
		}
		mediaID, err := c.deps.Media.Put(ctx, contentType, body)
		if err != nil {
			c.deps.Logger.Warn("whatsapp device: media store failed; awaiting redelivery", "channel", c.deps.ChannelID, "id", in.ExternalID, "err", err)
			return false
		}
		part.Attachment.MediaID = mediaID
		part.Attachment.ContentType = contentType
		part.Attachment.Size = int64(len(body))
	}
	return c.accept(ctx, []switchboard.Inbound{in})
}

// intakeReceipt hands a customer's delivery or read receipt to the hub.
func (c *Connector) intakeReceipt(ctx context.Context, evt *events.Receipt) bool {
	in := normalizeReceipt(c.deps.ChannelID, evt, c.deps.Now())
	if len(in) == 0 {
		return true
	}
	return c.accept(ctx, in)
}

// accept commits events; a refusal for good (connectors.ErrRefused) is
// acknowledged, since a redelivery cannot help.
func (c *Connector) accept(ctx context.Context, in []switchboard.Inbound) bool {
	actx, cancel := context.WithTimeout(ctx, acceptTimeout)
	defer cancel()
	err := c.deps.Sink.Accept(actx, in)
	switch {
	case err == nil:
		return true
	case errors.Is(err, connectors.ErrRefused):
		c.deps.Logger.Warn("whatsapp device: the hub refused an event", "channel", c.deps.ChannelID, "id", in[0].ExternalID, "err", err)
		return true
	default:
		c.deps.Logger.Warn("whatsapp device: commit failed; awaiting redelivery", "channel", c.deps.ChannelID, "id", in[0].ExternalID, "err", err)
		return false
	}
}

// mediaGone reports a download WhatsApp will never serve (expired,
// deleted, corrupt): the message is kept without it.
func mediaGone(err error) bool {
	for _, gone := range []error{
		whatsmeow.ErrMediaDownloadFailedWith403, whatsmeow.ErrMediaDownloadFailedWith404, whatsmeow.ErrMediaDownloadFailedWith410,
		whatsmeow.ErrNoURLPresent, whatsmeow.ErrFileLengthMismatch, whatsmeow.ErrTooShortFile, whatsmeow.ErrInvalidMediaHMAC,
		whatsmeow.ErrInvalidMediaEncSHA256, whatsmeow.ErrInvalidMediaSHA256, whatsmeow.ErrUnknownMediaType, whatsmeow.ErrNothingDownloadableFound,
	} {
		if errors.Is(err, gone) {
			return true
		}
	}
	return false
}

func kindName(k switchboard.PartKind) string {
	switch k {
	case switchboard.PartImage:
		return "photo"
	case switchboard.PartFile:
		return "document"
	case switchboard.PartSticker:
		return "sticker"
	}
	return string(k)
}
