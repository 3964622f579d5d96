package telegram

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// maxDownload is the Bot API's limit for files a bot may download.
const maxDownload = 20 << 20

// media is what an update says about a file besides its id.
type media struct {
	contentType string
	filename    string
	durationS   int
}

// mediaPart downloads a file the customer sent (getFile, then
// {base}/file/bot<token>/<file_path>) into the media store. Files Telegram
// will not hand out (over 20 MB, gone) become a placeholder text part; a
// transient failure (Telegram or the media store unavailable) is an error
// so the update is delivered again.
func (c *Connector) mediaPart(ctx context.Context, kind switchboard.PartKind, fileID string, m media) (switchboard.Part, error) {
	placeholder := switchboard.Part{Kind: switchboard.PartText, Text: "[" + string(kind) + " unavailable]"}
	if fileID == "" || c.deps.Media == nil {
		return placeholder, nil
	}
	var f models.File
	if err := c.call(ctx, "getFile", map[string]any{"file_id": fileID}, &f); err != nil {
		if connectors.IsPermanent(err) {
			c.log.Warn("Telegram file unavailable", "err", err)
			return placeholder, nil
		}
		return switchboard.Part{}, fmt.Errorf("getFile: %w", err)
	}
	if f.FilePath == "" || f.FileSize > maxDownload {
		c.log.Warn("Telegram file not downloadable", "size", f.FileSize)
		return placeholder, nil
	}
	body, contentType, err := c.download(ctx, f.FilePath)
	if err != nil {
		if connectors.IsPermanent(err) {
			c.log.Warn("Telegram file download refused", "err", err)
			return placeholder, nil
		}
		return switchboard.Part{}, err
	}
	if m.contentType != "" {
		contentType = m.contentType
	}
	id, err := c.deps.Media.Put(ctx, contentType, body)
	if err != nil {
		return switchboard.Part{}, fmt.Errorf("keep Telegram media: %w", err)
	}
	return switchboard.Part{Kind: kind, Attachment: &switchboard.Attachment{
		MediaID: id, ContentType: contentType, Filename: m.filename, Size: int64(len(body)), DurationMS: int64(max(m.durationS, 0)) * 1000,
	}}, nil
}

// download fetches a file's bytes. Errors are classified and carry no token.
func (c *Connector) download(ctx context.Context, filePath string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.fileURL(filePath), nil)
	if err != nil {
		return nil, "", connectors.Permanent("Telegram file: bad path", c.redact(err))
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, "", connectors.ClassifyTransport(c.redact(err))
	}
	defer resp.Body.Close()
	if err := connectors.ClassifyHTTP(resp, c.now()); err != nil {
		// The reason quotes the answer's body, never the URL.
		return nil, "", err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, "", connectors.ClassifyTransport(c.redact(err))
	}
	if len(body) > maxDownload {
		return nil, "", connectors.Permanent("Telegram file over 20 MB", nil)
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" || strings.HasPrefix(ct, "application/octet-stream") {
		ct = http.DetectContentType(body)
	}
	return body, ct, nil
}
