package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// ErrMailDisabled is SendMail's error when no SMTP server is configured.
var ErrMailDisabled = errors.New("no smtp server configured")

// MailEnabled reports whether SendMail can send (smtp.addr and smtp.from
// are set).
func (n *Notifier) MailEnabled() bool { return n.cfg.SMTP.Enabled() }

// SendMail sends one e-mail now, through the configured SMTP server, to
// one address: a plain text body and, when html is not empty, an HTML
// alternative. It is for mail a person waits for (the portal's sign-in
// link), so it is not queued or retried; callers show the failure. It
// never logs the message (which may carry a secret link).
func (n *Notifier) SendMail(ctx context.Context, to, subject, text, html string) error {
	cfg := n.cfg.SMTP
	if !cfg.Enabled() {
		return ErrMailDisabled
	}
	if _, err := mail.ParseAddress(to); err != nil || strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("to: not an e-mail address")
	}
	msg, err := n.composeMail(to, subject, text, html)
	if err != nil {
		return fmt.Errorf("compose e-mail: %w", err)
	}
	return n.transmit(ctx, to, msg)
}

// composeMail writes a MIME message of a text and an optional HTML body.
func (n *Notifier) composeMail(to, subject, text, html string) ([]byte, error) {
	from, err := mail.ParseAddress(n.cfg.SMTP.From)
	if err != nil {
		return nil, err
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	_, domain, _ := strings.Cut(from.Address, "@")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	headers := []string{
		"From: " + from.String(),
		"To: " + to,
		"Subject: " + mime.QEncoding.Encode("utf-8", strings.NewReplacer("\r", " ", "\n", " ").Replace(subject)),
		"Date: " + n.cfg.Now().UTC().Format(time.RFC1123Z),
		"Message-ID: <" + hex.EncodeToString(id) + "@" + domain + ">",
		"MIME-Version: 1.0",
		"Auto-Submitted: auto-generated",
		`Content-Type: multipart/alternative; boundary="` + mw.Boundary() + `"`,
	}
	buf.WriteString(strings.Join(headers, "\r\n") + "\r\n\r\n")
	parts := []struct{ typ, body string }{{"text/plain", text}}
	if html != "" {
		parts = append(parts, struct{ typ, body string }{"text/html", html})
	}
	for _, part := range parts {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n"))); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
