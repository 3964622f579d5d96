package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/meta"
)

// MaxMediaBytes is the largest media the hub downloads (WhatsApp allows
// documents up to 100 MB; the hub keeps up to this and stores a
// placeholder above it).
const MaxMediaBytes = 32 << 20

var defaultContentTypes = map[switchboard.PartKind]string{
	switchboard.PartImage:   "image/jpeg",
	switchboard.PartVideo:   "video/mp4",
	switchboard.PartAudio:   "audio/ogg",
	switchboard.PartFile:    "application/octet-stream",
	switchboard.PartSticker: "image/webp",
}

// mediaPart builds the part of an image, audio, video, document or
// sticker: the media is downloaded into Deps.Media. When WhatsApp no
// longer has it (or it is too large) the part becomes a text placeholder
// so the message still reaches operators; a transient failure is
// returned so the webhook is redelivered.
func (c *Connector) mediaPart(ctx context.Context, kind switchboard.PartKind, md *Media) (switchboard.Part, error) {
	att := &switchboard.Attachment{Filename: md.Filename}
	if md.ID != "" {
		body, contentType, err := c.FetchMedia(ctx, md.ID)
		switch {
		case err == nil:
			contentType = firstNonEmpty(contentType, md.MimeType, defaultContentTypes[kind])
			mediaID, err := c.deps.Media.Put(ctx, contentType, body)
			if err != nil {
				return switchboard.Part{}, fmt.Errorf("keeping WhatsApp media %s: %w", md.ID, err)
			}
			att.MediaID, att.ContentType, att.Size = mediaID, contentType, int64(len(body))
		case connectors.IsPermanent(err):
			c.log.Warn("WhatsApp media unavailable; storing a placeholder", "media_id", md.ID, "err", err)
		default:
			return switchboard.Part{}, fmt.Errorf("fetching WhatsApp media %s: %w", md.ID, err)
		}
	}
	if att.MediaID == "" {
		label := string(kind)
		if kind == switchboard.PartFile {
			label = "document"
		}
		text := fmt.Sprintf("[%s unavailable]", label)
		if md.Caption != "" {
			text += "\n" + md.Caption
		}
		return switchboard.Part{Kind: switchboard.PartText, Text: text}, nil
	}
	p := switchboard.Part{Kind: kind, Text: md.Caption, Attachment: att}
	if kind == switchboard.PartSticker {
		p.Sticker = &switchboard.Sticker{StickerID: md.ID}
	}
	return p, nil
}

// mediaInfo is Graph's answer to GET /{media-id}.
type mediaInfo struct {
	URL      string `json:"url"`
	MimeType string `json:"mime_type"`
	FileSize int64  `json:"file_size"`
	ID       string `json:"id"`
}

// FetchMedia downloads a customer's media: GET /{media-id} for its
// short-lived URL, then the URL itself with the access token. The webhook
// handler calls it for media messages; the hub may call it again for
// media it could not keep. It must not touch the store, and never logs
// the URL (it is a credential until it expires). Errors are classified:
// media gone (4xx) permanent, 5xx, rate limits and transport failures
// retryable, 190 wrapping connectors.ErrCredentials.
func (c *Connector) FetchMedia(ctx context.Context, mediaID string) ([]byte, string, error) {
	if mediaID == "" || strings.ContainsAny(mediaID, "/?#") {
		return nil, "", connectors.Permanent("not a WhatsApp media id", nil)
	}
	var info mediaInfo
	q := url.Values{"phone_number_id": {c.cfg.PhoneNumberID}}
	if err := c.graph.Get(ctx, "/"+url.PathEscape(mediaID), q, &info); err != nil {
		return nil, "", meta.Classify("WhatsApp media lookup", err)
	}
	if info.URL == "" {
		return nil, "", connectors.Permanent("WhatsApp gave no URL for the media", nil)
	}
	body, contentType, err := c.graph.Download(ctx, info.URL, MaxMediaBytes)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			// Transport errors quote the URL: keep only what went wrong.
			return nil, "", connectors.Retryable("WhatsApp media download failed", 0, ue.Err)
		}
		return nil, "", meta.Classify("WhatsApp media download", err)
	}
	return body, firstNonEmpty(info.MimeType, contentType), nil
}
