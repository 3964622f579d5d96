package sms

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twilio/twilio-go/client"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Twilio's limits.
const (
	maxBodyLength      = 1600 // characters per message
	maxMediaPerMessage = 10
	maxAPIResponse     = 1 << 20
)

// Twilio error codes with a meaning for the hub.
const codeUnsubscribed = 21610

// Send delivers one outgoing message with POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json. It is called by the
// outbound handler, possibly concurrently and again after a crash: Twilio
// has no idempotency key for messages, so a resend may duplicate (at least
// once). Texts above 1600 characters go out as several messages; media URLs
// ride on the first. It must not touch the store. Errors: 21610 (the
// recipient sent STOP) wraps connectors.ErrOptedOut; other 4xx are
// permanent; 429, 5xx and timeouts retryable.
func (c *Connector) Send(ctx context.Context, msg connectors.OutboundMessage) (connectors.SendResult, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(c.cfg.SendTimeout))
	defer cancel()
	if msg.Recipient == "" {
		return connectors.SendResult{}, connectors.Permanent("SMS has no recipient", nil)
	}
	text, media, err := render(msg.Parts)
	if err != nil {
		return connectors.SendResult{}, err
	}
	bodies := splitBody(text, maxBodyLength)
	if len(bodies) == 0 {
		bodies = []string{""}
	}
	var first switchboard.ExternalID
	for i, body := range bodies {
		form := url.Values{"To": {string(msg.Recipient)}}
		if c.cfg.MessagingServiceSID != "" {
			form.Set("MessagingServiceSid", c.cfg.MessagingServiceSID)
		} else {
			form.Set("From", c.cfg.From)
		}
		if body != "" {
			form.Set("Body", body)
		}
		if i == 0 {
			form["MediaUrl"] = media
		}
		if c.cfg.StatusCallback != "" {
			form.Set("StatusCallback", c.cfg.StatusCallback)
		}
		sid, err := c.createMessage(ctx, form)
		if err != nil {
			if i > 0 {
				return connectors.SendResult{}, fmt.Errorf("part %d of %d (earlier parts were sent): %w", i+1, len(bodies), err)
			}
			return connectors.SendResult{}, err
		}
		if first == "" {
			first = switchboard.ExternalID(sid)
		}
	}
	return connectors.SendResult{ExternalID: first, Status: switchboard.StatusSent}, nil
}

// messageResource is the part of Twilio's message JSON the hub reads.
type messageResource struct {
	Sid    string `json:"sid"`
	Status string `json:"status"`
}

func (c *Connector) messagesURL() string {
	return c.cfg.APIBaseURL + "/2010-04-01/Accounts/" + url.PathEscape(c.cfg.AccountSID) + "/Messages.json"
}

func (c *Connector) createMessage(ctx context.Context, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.messagesURL(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", connectors.Permanent("cannot build Twilio request", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	status, header, body, err := c.do(req)
	if err != nil {
		return "", err
	}
	if status < 200 || status > 299 {
		return "", c.classify("create message", status, header, body)
	}
	var m messageResource
	if err := json.Unmarshal(body, &m); err != nil || m.Sid == "" {
		return "", connectors.Retryable("Twilio answered without a message sid", 0, err)
	}
	return m.Sid, nil
}

// do sends req with basic auth and reads the answer in full.
func (c *Connector) do(req *http.Request) (int, http.Header, []byte, error) {
	req.SetBasicAuth(c.cfg.AccountSID, c.cfg.AuthToken)
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, nil, connectors.ClassifyTransport(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIResponse))
	if err != nil {
		return 0, nil, nil, connectors.ClassifyTransport(err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// classify maps a Twilio error answer ({"code", "message", "more_info",
// "status"}) to a classified error: 21610 wraps connectors.ErrOptedOut, the
// rest follows connectors.ClassifyHTTP.
func (c *Connector) classify(what string, status int, header http.Header, body []byte) error {
	var te client.TwilioRestError
	_ = json.Unmarshal(body, &te)
	reason := strings.TrimSpace(string(body))
	if te.Code != 0 || te.Message != "" {
		reason = fmt.Sprintf("Twilio error %d: %s", te.Code, te.Message)
	}
	if te.Code == codeUnsubscribed {
		return &connectors.PermanentError{Reason: "Twilio " + what + ": " + reason, Err: connectors.ErrOptedOut}
	}
	resp := &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(strings.NewReader(reason))}
	return fmt.Errorf("Twilio %s: %w", what, connectors.ClassifyHTTP(resp, c.now()))
}

// render turns parts into one text and the media URLs of an MMS.
func render(parts []switchboard.Part) (string, []string, error) {
	var lines, media []string
	for i, p := range parts {
		switch p.Kind {
		case switchboard.PartText, switchboard.PartMarkdown:
			if strings.TrimSpace(p.Text) != "" {
				lines = append(lines, p.Text)
			}
		case switchboard.PartImage, switchboard.PartVideo, switchboard.PartAudio, switchboard.PartFile:
			if p.Attachment == nil || p.Attachment.URL == "" {
				return "", nil, connectors.Permanent(fmt.Sprintf("part %d: %s has no URL Twilio can fetch", i, p.Kind), nil)
			}
			media = append(media, p.Attachment.URL)
			if p.Text != "" {
				lines = append(lines, p.Text)
			}
		case switchboard.PartLocation:
			if p.Location == nil {
				return "", nil, connectors.Permanent(fmt.Sprintf("part %d: location part without location", i), nil)
			}
			l := p.Location
			var b strings.Builder
			for _, s := range []string{l.Title, l.Address} {
				if s != "" {
					b.WriteString(s + "\n")
				}
			}
			fmt.Fprintf(&b, "https://maps.google.com/?q=%s,%s",
				strconv.FormatFloat(l.Latitude, 'f', -1, 64), strconv.FormatFloat(l.Longitude, 'f', -1, 64))
			lines = append(lines, b.String())
		case switchboard.PartButtons:
			// SMS has no buttons: the choices become lines of text.
			if p.Text != "" {
				lines = append(lines, p.Text)
			}
			for _, btn := range p.Buttons {
				if btn.URL != "" {
					lines = append(lines, "- "+btn.Label+": "+btn.URL)
				} else {
					lines = append(lines, "- "+btn.Label)
				}
			}
		case switchboard.PartTemplate:
			if p.Text == "" {
				return "", nil, connectors.Permanent(fmt.Sprintf("part %d: SMS can carry a template only as its text", i), nil)
			}
			lines = append(lines, p.Text)
		default:
			return "", nil, connectors.Permanent(fmt.Sprintf("part %d: SMS cannot carry a %q part", i, p.Kind), nil)
		}
	}
	if len(media) > maxMediaPerMessage {
		return "", nil, connectors.Permanent(fmt.Sprintf("MMS carries at most %d media, message has %d", maxMediaPerMessage, len(media)), nil)
	}
	text := strings.Join(lines, "\n")
	if text == "" && len(media) == 0 {
		return "", nil, connectors.Permanent("message has nothing SMS can carry", nil)
	}
	return text, media, nil
}

// splitBody cuts s into pieces of at most max runes, preferring to break
// after a newline or space in the second half of a piece.
func splitBody(s string, max int) []string {
	var out []string
	for utf8.RuneCountInString(s) > max {
		cut := 0
		for range max {
			_, size := utf8.DecodeRuneInString(s[cut:])
			cut += size
		}
		if brk := strings.LastIndexAny(s[:cut], "\n "); brk >= cut/2 {
			cut = brk + 1
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}
