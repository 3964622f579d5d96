package line

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// MaxMediaBytes is the largest message content the hub downloads; larger
// content is stored as a placeholder.
const MaxMediaBytes = 25 << 20

// errMediaTooLarge is content above MaxMediaBytes.
var errMediaTooLarge = connectors.Permanent(fmt.Sprintf("content larger than %d bytes", MaxMediaBytes), nil)

var defaultContentTypes = map[switchboard.PartKind]string{
	switchboard.PartImage: "image/jpeg",
	switchboard.PartVideo: "video/mp4",
	switchboard.PartAudio: "audio/x-m4a",
	switchboard.PartFile:  "application/octet-stream",
}

// mediaPart builds the part of an image, video, audio or file message.
// Content LINE keeps is downloaded into Deps.Media; content from an
// external provider keeps its URL. When the content cannot be had for good
// (gone, too large, no URL) the part becomes a text placeholder so the
// message still reaches operators; a transient failure is returned so the
// webhook is redelivered.
func (c *Connector) mediaPart(ctx context.Context, kind switchboard.PartKind, messageID string, provider *webhook.ContentProvider, fill func(*switchboard.Attachment)) (switchboard.Part, error) {
	att := &switchboard.Attachment{}
	if provider != nil && provider.Type == webhook.ContentProviderTYPE_EXTERNAL {
		att.URL = provider.OriginalContentUrl
	} else if messageID != "" {
		body, contentType, err := c.FetchMedia(ctx, messageID)
		switch {
		case err == nil:
			if contentType == "" {
				contentType = defaultContentTypes[kind]
			}
			mediaID, err := c.deps.Media.Put(ctx, contentType, body)
			if err != nil {
				return switchboard.Part{}, fmt.Errorf("keeping content of LINE message %s: %w", messageID, err)
			}
			att.MediaID, att.ContentType, att.Size = mediaID, contentType, int64(len(body))
		case connectors.IsPermanent(err):
			c.log.Warn("LINE content unavailable; storing a placeholder", "message_id", messageID, "err", err)
		default:
			return switchboard.Part{}, fmt.Errorf("fetching content of LINE message %s: %w", messageID, err)
		}
	}
	if fill != nil {
		fill(att)
	}
	if att.URL == "" && att.MediaID == "" {
		return switchboard.Part{Kind: switchboard.PartText, Text: fmt.Sprintf("[%s unavailable]", kind)}, nil
	}
	return switchboard.Part{Kind: kind, Attachment: att}, nil
}

// FetchMedia downloads the content of a customer's message from LINE's data
// API (GET /v2/bot/message/{messageId}/content); mediaID is the LINE message
// id. The webhook handler calls it for image, video, audio and file
// messages; the hub may call it again for content it could not keep. It
// must not touch the store. Errors are classified: 4xx permanent (content
// gone), 5xx, 429 and transport failures retryable.
func (c *Connector) FetchMedia(ctx context.Context, mediaID string) ([]byte, string, error) {
	if mediaID == "" {
		return nil, "", connectors.Permanent("no LINE message id", nil)
	}
	u := c.dataURL("/v2/bot/message/" + url.PathEscape(mediaID) + "/content")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", connectors.Permanent("cannot build LINE content request", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.ChannelAccessToken)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, "", connectors.ClassifyTransport(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxAPIResponse))
		return nil, "", c.classify("content", apiResponse{status: resp.StatusCode, header: resp.Header, body: b})
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxMediaBytes+1))
	if err != nil {
		return nil, "", connectors.ClassifyTransport(err)
	}
	if len(body) > MaxMediaBytes {
		return nil, "", errMediaTooLarge
	}
	return body, resp.Header.Get("Content-Type"), nil
}
