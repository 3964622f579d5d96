package device

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

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
