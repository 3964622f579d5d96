package messenger

import (
	"context"
	"fmt"
	"net/url"
	"path"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/connectors/messenger/wire"
)

// MaxMediaBytes is the largest attachment the hub downloads (the Send
// API's own limit is 25 MB); larger ones are stored as a placeholder.
const MaxMediaBytes = 25 << 20

var mediaKinds = map[string]switchboard.PartKind{
	"image": switchboard.PartImage,
	"video": switchboard.PartVideo,
	"audio": switchboard.PartAudio,
	"file":  switchboard.PartFile,
}

var defaultContentTypes = map[switchboard.PartKind]string{
	switchboard.PartImage: "image/jpeg",
	switchboard.PartVideo: "video/mp4",
	switchboard.PartAudio: "audio/mpeg",
	switchboard.PartFile:  "application/octet-stream",
}

// attachmentPart maps one attachment. Media (image, video, audio, file) is
// downloaded from its URL into Deps.Media; when it cannot be had for good
// (gone, too large) the part is a text placeholder so the message still
// reaches operators, and a transient failure is returned so the webhook is
// redelivered. Stickers keep their URL; locations become location parts;
// shares (posts, reels, story mentions, fallbacks) become link parts. ok is
// false for attachments without anything to keep.
func (c *Connector) attachmentPart(ctx context.Context, mid string, a wire.Attachment) (switchboard.Part, bool, error) {
	if a.Payload.StickerID != "" {
		return switchboard.Part{Kind: switchboard.PartSticker, Sticker: &switchboard.Sticker{
			StickerID: string(a.Payload.StickerID), URL: a.Payload.URL}}, true, nil
	}
	if kind, ok := mediaKinds[a.Type]; ok {
		if a.Payload.URL == "" {
			return switchboard.Part{}, false, nil
		}
		p, err := c.mediaPart(ctx, mid, kind, a.Payload.URL)
		return p, err == nil, err
	}
	if a.Type == "location" && a.Payload.Coordinates != nil {
		return switchboard.Part{Kind: switchboard.PartLocation, Location: &switchboard.Location{
			Title: firstNonEmpty(a.Title, a.Payload.Title), Latitude: a.Payload.Coordinates.Lat, Longitude: a.Payload.Coordinates.Long}}, true, nil
	}
	if a.Payload.URL != "" {
		return switchboard.Part{Kind: switchboard.PartLink, Link: &switchboard.Link{
			URL: a.Payload.URL, Title: firstNonEmpty(a.Title, a.Payload.Title, a.Type)}}, true, nil
	}
	return switchboard.Part{}, false, nil
}

func (c *Connector) mediaPart(ctx context.Context, mid string, kind switchboard.PartKind, rawURL string) (switchboard.Part, error) {
	body, contentType, err := c.FetchMedia(ctx, rawURL)
	switch {
	case err == nil:
	case connectors.IsPermanent(err):
		c.log.Warn(c.flavor.Name+" attachment unavailable; storing a placeholder", "mid", mid, "err", err)
		return switchboard.Part{Kind: switchboard.PartText, Text: fmt.Sprintf("[%s unavailable]", kind)}, nil
	default:
		return switchboard.Part{}, fmt.Errorf("fetching %s of %s message %s: %w", kind, c.flavor.Name, mid, err)
	}
	if contentType == "" || contentType == "application/octet-stream" {
		contentType = defaultContentTypes[kind]
	}
	mediaID, err := c.deps.Media.Put(ctx, contentType, body)
	if err != nil {
		return switchboard.Part{}, fmt.Errorf("keeping %s of %s message %s: %w", kind, c.flavor.Name, mid, err)
	}
	att := &switchboard.Attachment{MediaID: mediaID, ContentType: contentType, Size: int64(len(body))}
	if u, err := url.Parse(rawURL); err == nil && kind == switchboard.PartFile {
		if name := path.Base(u.Path); name != "." && name != "/" {
			att.Filename = name
		}
	}
	return switchboard.Part{Kind: kind, Attachment: att}, nil
}

// FetchMedia downloads an attachment a customer sent; mediaID is the
// attachment's URL from the webhook (Meta's CDN). The webhook handler calls
// it; the hub may call it again for media it could not keep. It must not
// touch the store. A URL that is not http(s) is a permanent error; 4xx are
// permanent (the URL expired), 5xx and transport failures retryable.
func (c *Connector) FetchMedia(ctx context.Context, mediaID string) ([]byte, string, error) {
	u, err := url.Parse(mediaID)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, "", connectors.Permanent("attachment URL is not an http(s) URL", nil)
	}
	body, ct, err := c.graph.Download(ctx, mediaID, MaxMediaBytes)
	if err != nil {
		return nil, "", classify(c.flavor.Name+" attachment", err)
	}
	return body, ct, nil
}
