package device

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// MaxMediaBytes is the largest attachment the hub sends (WhatsApp takes
// documents up to 100 MB).
const MaxMediaBytes = 100 << 20

var nonDigits = regexp.MustCompile(`[^0-9]`)

// parseRecipient reads a customer id: a user JID (phone number or LID,
// as the intake stores them) or a phone number in international format.
func parseRecipient(r switchboard.ExternalID) (types.JID, error) {
	s := strings.TrimSpace(string(r))
	if strings.Contains(s, "@") {
		jid, err := types.ParseJID(s)
		if err != nil {
			return types.JID{}, connectors.Permanent("recipient "+strconv.Quote(s)+" is not a WhatsApp id", err)
		}
		if (jid.Server != types.DefaultUserServer && jid.Server != types.HiddenUserServer) || jid.User == "" {
			return types.JID{}, connectors.Permanent("recipient "+strconv.Quote(s)+" is not a WhatsApp user", nil)
		}
		return jid.ToNonAD(), nil
	}
	digits := nonDigits.ReplaceAllString(s, "")
	if len(digits) < 7 || strings.HasPrefix(digits, "0") {
		return types.JID{}, connectors.Permanent("recipient "+strconv.Quote(s)+" is not a phone number in international format", nil)
	}
	return types.NewJID(digits, types.DefaultUserServer), nil
}

// messageID is the WhatsApp id of the n-th WhatsApp message of a hub
// message: derived from the hub's id, so a retried Send reuses it and the
// phone keeps one copy. Empty when the hub gave no id (whatsmeow picks one).
func messageID(id switchboard.MessageID, n int) types.MessageID {
	if id == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("switchboard:" + string(id) + ":" + strconv.Itoa(n)))
	return whatsmeow.WebMessageIDPrefix + types.MessageID(strings.ToUpper(hex.EncodeToString(sum[:9])))
}

// linked returns the connected client of a paired device.
func (c *Connector) linked() (waClient, error) {
	cli, err := c.connected()
	if err != nil {
		return nil, connectors.Retryable("WhatsApp device not connected on this hub instance", 0, err)
	}
	if cli.DeviceID() == nil {
		return nil, connectors.Retryable("the WhatsApp device is not linked yet: link it in the channel settings", 0, whatsmeow.ErrNotLoggedIn)
	}
	return cli, nil
}

// target reads the recipient and returns the linked client to reach them.
func (c *Connector) target(recipient switchboard.ExternalID) (types.JID, waClient, error) {
	to, err := parseRecipient(recipient)
	if err != nil {
		return types.JID{}, nil, err
	}
	cli, err := c.linked()
	if err != nil {
		return types.JID{}, nil, err
	}
	return to, cli, nil
}

// Send delivers a message as one WhatsApp message per part (consecutive
// text parts joined), media uploaded first. It is called by the hub's
// outbound handler, possibly concurrently; it must not touch the store. The
// result's ExternalID is the last WhatsApp message's id, which receipts
// name.
func (c *Connector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	to, cli, err := c.target(msg.Recipient)
	if err != nil {
		return connectors.SendResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeDuration(c.cfg.SendTimeout))
	defer cancel()
	outs, err := c.build(ctx, cli, connectors.Fallback(msg.Parts, c.Capabilities()))
	if err != nil {
		return connectors.SendResult{}, err
	}
	if len(outs) == 0 {
		return connectors.SendResult{}, connectors.Permanent("nothing to send: the message has no part WhatsApp carries", nil)
	}
	var last whatsmeow.SendResponse
	for i, m := range outs {
		resp, err := cli.SendMessage(ctx, to, m, whatsmeow.SendRequestExtra{ID: messageID(msg.MessageID, i)})
		if err != nil {
			return connectors.SendResult{}, classify("send", err)
		}
		last = resp
	}
	return connectors.SendResult{ExternalID: switchboard.ExternalID(last.ID), Status: switchboard.StatusSent}, nil
}

// build turns parts into WhatsApp messages.
func (c *Connector) build(ctx context.Context, cli waClient, parts []switchboard.Part) ([]*waE2E.Message, error) {
	var out []*waE2E.Message
	var text []string
	flush := func() {
		if len(text) > 0 {
			out = append(out, &waE2E.Message{Conversation: proto.String(strings.Join(text, "\n\n"))})
			text = nil
		}
	}
	for i, p := range parts {
		switch p.Kind {
		case switchboard.PartText, switchboard.PartMarkdown:
			if strings.TrimSpace(p.Text) != "" {
				text = append(text, p.Text)
			}
		case switchboard.PartLocation:
			if p.Location == nil {
				return nil, connectors.Permanent(fmt.Sprintf("part %d: location part without location", i), nil)
			}
			flush()
			out = append(out, &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
				DegreesLatitude: proto.Float64(p.Location.Latitude), DegreesLongitude: proto.Float64(p.Location.Longitude),
				Name: optString(p.Location.Title), Address: optString(p.Location.Address),
			}})
		case switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile:
			flush()
			m, err := c.mediaMessage(ctx, cli, p)
			if err != nil {
				return nil, fmt.Errorf("part %d: %w", i, err)
			}
			out = append(out, m)
		default:
			return nil, connectors.Permanent(fmt.Sprintf("part %d: WhatsApp linked devices cannot send %s parts", i, p.Kind), nil)
		}
	}
	flush()
	return out, nil
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return proto.String(s)
}

// mediaMessage fetches an attachment from its URL, uploads it to WhatsApp
// and builds the message carrying it, the part's text as caption.
func (c *Connector) mediaMessage(ctx context.Context, cli waClient, p switchboard.Part) (*waE2E.Message, error) {
	if p.Attachment == nil || p.Attachment.URL == "" {
		return nil, connectors.Permanent(string(p.Kind)+" part without an attachment URL", nil)
	}
	body, contentType, err := c.fetch(ctx, p.Attachment.URL)
	if err != nil {
		return nil, err
	}
	if p.Attachment.ContentType != "" {
		contentType = p.Attachment.ContentType
	}
	mediaType := map[switchboard.PartKind]whatsmeow.MediaType{
		switchboard.PartImage: whatsmeow.MediaImage, switchboard.PartVideo: whatsmeow.MediaVideo,
		switchboard.PartAudio: whatsmeow.MediaAudio, switchboard.PartFile: whatsmeow.MediaDocument,
	}[p.Kind]
	up, err := cli.Upload(ctx, body, mediaType)
	if err != nil {
		return nil, classify("upload", err)
	}
	caption := optString(strings.TrimSpace(p.Text))
	size := proto.Uint64(uint64(len(body)))
	switch p.Kind {
	case switchboard.PartImage:
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{URL: &up.URL, DirectPath: &up.DirectPath, MediaKey: up.MediaKey,
			Mimetype: proto.String(contentType), FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: size, Caption: caption}}, nil
	case switchboard.PartVideo:
		return &waE2E.Message{VideoMessage: &waE2E.VideoMessage{URL: &up.URL, DirectPath: &up.DirectPath, MediaKey: up.MediaKey,
			Mimetype: proto.String(contentType), FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: size, Caption: caption,
			Seconds: seconds(p.Attachment.DurationMS)}}, nil
	case switchboard.PartAudio:
		return &waE2E.Message{AudioMessage: &waE2E.AudioMessage{URL: &up.URL, DirectPath: &up.DirectPath, MediaKey: up.MediaKey,
			Mimetype: proto.String(contentType), FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: size,
			Seconds: seconds(p.Attachment.DurationMS)}}, nil
	default:
		name := p.Attachment.Filename
		if name == "" {
			name = "file"
		}
		return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{URL: &up.URL, DirectPath: &up.DirectPath, MediaKey: up.MediaKey,
			Mimetype: proto.String(contentType), FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: size, Caption: caption,
			FileName: proto.String(name), Title: proto.String(name)}}, nil
	}
}

func seconds(ms int64) *uint32 {
	if ms <= 0 {
		return nil
	}
	return proto.Uint32(uint32(min(ms/1000, 1<<31)))
}

// fetch downloads an outgoing attachment (the hub's media URL) with the
// hub's HTTP client.
func (c *Connector) fetch(ctx context.Context, rawURL string) ([]byte, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, "", connectors.Permanent("attachment URL is not an absolute http(s) URL", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", connectors.Permanent("cannot build the attachment request", err)
	}
	resp, err := c.deps.HTTPClient.Do(req)
	if err != nil {
		return nil, "", connectors.ClassifyTransport(err)
	}
	defer resp.Body.Close()
	if err := connectors.ClassifyHTTP(resp, c.deps.Now()); err != nil {
		return nil, "", fmt.Errorf("attachment: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxMediaBytes+1))
	if err != nil {
		return nil, "", connectors.ClassifyTransport(err)
	}
	if len(body) > MaxMediaBytes {
		return nil, "", connectors.Permanent("attachment larger than WhatsApp takes (100 MB)", nil)
	}
	contentType := resp.Header.Get("Content-Type")
	if contentType == "" {
		contentType = http.DetectContentType(body)
	}
	return body, contentType, nil
}

var serverErrorCode = regexp.MustCompile(`server returned error (\d+)`)

// classify sorts whatsmeow's errors: the connection, timeouts, rate limits
// and server errors are retryable; a refused recipient or message is
// permanent.
func classify(op string, err error) error {
	var iq *whatsmeow.IQError
	var disconnected *whatsmeow.DisconnectedError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, whatsmeow.ErrMessageTimedOut), errors.Is(err, whatsmeow.ErrIQTimedOut):
		return connectors.Retryable("WhatsApp "+op+" timed out", 0, err)
	case errors.Is(err, whatsmeow.ErrNotConnected), errors.As(err, &disconnected):
		return connectors.Retryable("WhatsApp connection lost during "+op, 0, err)
	case errors.Is(err, whatsmeow.ErrNotLoggedIn):
		return connectors.Retryable("the WhatsApp device is not linked", 0, err)
	case errors.Is(err, whatsmeow.ErrRecipientADJID), errors.Is(err, whatsmeow.ErrUnknownServer),
		errors.Is(err, whatsmeow.ErrBroadcastListUnsupported):
		return connectors.Permanent("WhatsApp cannot "+op+" to this recipient", err)
	case errors.As(err, &iq):
		return byCode(op, iq.Code, err)
	case errors.Is(err, whatsmeow.ErrServerReturnedError):
		code := 0
		if m := serverErrorCode.FindStringSubmatch(err.Error()); m != nil {
			code, _ = strconv.Atoi(m[1])
		}
		return byCode(op, code, err)
	}
	return connectors.Retryable("WhatsApp "+op+" failed", 0, err)
}

func byCode(op string, code int, err error) error {
	if code == http.StatusTooManyRequests || code >= 500 || code == 0 {
		return connectors.Retryable(fmt.Sprintf("WhatsApp %s: server answered %d", op, code), 0, err)
	}
	return connectors.Permanent(fmt.Sprintf("WhatsApp refused the %s (%d)", op, code), err)
}

func timeDuration(d connectors.Duration) time.Duration { return time.Duration(d) }

// Retract revokes a message the hub sent ("deleted for everyone"). It is
// called by the hub when an operator retracts; it must not touch the store.
func (c *Connector) Retract(ctx context.Context, _ switchboard.ChannelID, recipient, externalID switchboard.ExternalID) error {
	if externalID == "" {
		return connectors.Permanent("the message has no WhatsApp id to retract", nil)
	}
	to, cli, err := c.target(recipient)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeDuration(c.cfg.SendTimeout))
	defer cancel()
	if _, err := cli.SendMessage(ctx, to, cli.BuildRevoke(to, types.EmptyJID, types.MessageID(externalID))); err != nil {
		return classify("retract", err)
	}
	return nil
}

// SendTyping shows the customer that an operator is typing. It is called
// by the hub while an operator types; it must not touch the store.
func (c *Connector) SendTyping(ctx context.Context, recipient switchboard.ExternalID) error {
	to, cli, err := c.target(recipient)
	if err != nil {
		return err
	}
	if err := cli.SendChatPresence(ctx, to, types.ChatPresenceComposing, types.ChatPresenceMediaText); err != nil {
		return classify("typing", err)
	}
	return nil
}

// MarkRead sends read receipts for the customer's messages up to upTo (the
// blue ticks). It is called by the hub when an operator reads the
// conversation; it must not touch the store.
func (c *Connector) MarkRead(ctx context.Context, recipient switchboard.ExternalID, upTo switchboard.ExternalID) error {
	if upTo == "" {
		return nil
	}
	chat, cli, err := c.target(recipient)
	if err != nil {
		return err
	}
	if err := cli.MarkRead(ctx, []types.MessageID{types.MessageID(upTo)}, c.deps.Now(), chat, types.EmptyJID); err != nil {
		return classify("read receipt", err)
	}
	return nil
}

// PairPhone asks WhatsApp for a code to type on the phone (Linked devices
// → Link with phone number instead) and reports it as the status's
// PairCode. phone is the business's number in international format. It
// is called by the hub for an admin; it fails with ErrNotRunning when this
// instance does not run the device and ErrAlreadyLinked once paired.
func (c *Connector) PairPhone(ctx context.Context, phone string) (string, error) {
	cli, err := c.connected()
	if err != nil {
		return "", err
	}
	if cli.DeviceID() != nil {
		return "", ErrAlreadyLinked
	}
	code, err := cli.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, c.cfg.DeviceName)
	switch {
	case errors.Is(err, whatsmeow.ErrPhoneNumberTooShort), errors.Is(err, whatsmeow.ErrPhoneNumberIsNotInternational):
		return "", fmt.Errorf("phone: %w (write it in international format, like +81 90 1234 5678)", err)
	case err != nil:
		return "", fmt.Errorf("whatsapp pairing by phone: %w", err)
	}
	st := c.lastStatus()
	c.report(ctx, switchboard.ChannelStatus{State: switchboard.ChannelUnpaired, Reason: st.Reason, QR: st.QR, PairCode: code})
	return code, nil
}
