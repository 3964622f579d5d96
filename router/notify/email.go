package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"html"
	"net"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// sendEmail sends an e-mail row through the configured SMTP server.
func (n *Notifier) sendEmail(ctx context.Context, row store.Notification) error {
	cfg := n.cfg.SMTP
	if !cfg.Enabled() {
		return connectors.Permanent(errNoSMTP.Error(), nil)
	}
	msg, err := n.composeEmail(row)
	if err != nil {
		return connectors.Permanent("compose e-mail", err)
	}
	return n.transmit(ctx, row.Address, msg)
}

// transmit hands a composed message for to to the configured SMTP server
// (dial, authenticate, send, quit). Errors of a 5xx answer are permanent.
func (n *Notifier) transmit(ctx context.Context, to string, msg []byte) error {
	cfg := n.cfg.SMTP
	from, err := mailAddress(cfg.From)
	if err != nil {
		return connectors.Permanent("smtp.from", err)
	}
	c, err := dialSMTP(ctx, cfg)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", cfg.Addr, err)
	}
	defer c.Close()
	if cfg.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", cfg.Username, cfg.Password)); err != nil {
			return smtpError("auth", err)
		}
	}
	if err := c.SendMail(from, []string{to}, bytes.NewReader(msg)); err != nil {
		return smtpError("send", err)
	}
	_ = c.Quit()
	return nil
}

// smtpError marks a 5xx answer (a rejected address, bad credentials) as
// permanent; 4xx and connection errors are retried.
func smtpError(what string, err error) error {
	if se, ok := err.(*smtp.SMTPError); ok && se.Code >= 500 {
		return connectors.Permanent("smtp "+what, err)
	}
	return fmt.Errorf("smtp %s: %w", what, err)
}

// dialSMTP connects to the server the way cfg.TLS says, within ctx.
func dialSMTP(ctx context.Context, cfg SMTPConfig) (*smtp.Client, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, connectors.Permanent("smtp.addr", err)
	}
	tlsConfig := cfg.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(time.Minute)
	}
	_ = conn.SetDeadline(deadline)
	switch cfg.TLS {
	case "tls":
		return smtp.NewClient(tls.Client(conn, tlsConfig)), nil
	case "none":
		return smtp.NewClient(conn), nil
	default:
		c, err := smtp.NewClientStartTLS(conn, tlsConfig)
		if err != nil {
			conn.Close()
		}
		return c, err
	}
}

// composeEmail writes a row as a MIME message: plain text and a simple
// HTML version with a link to the conversation.
func (n *Notifier) composeEmail(row store.Notification) ([]byte, error) {
	return n.composeMail(row.Address, row.Subject, row.Body, htmlBody(row))
}

// mailAddress is the bare address of an address line ("Support
// <support@example.com>").
func mailAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

// htmlBody is the row's text as simple HTML, its link clickable.
func htmlBody(row store.Notification) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><body style="font-family:sans-serif">`)
	for _, para := range strings.Split(strings.TrimSpace(row.Body), "\n\n") {
		esc := strings.ReplaceAll(html.EscapeString(para), "\n", "<br>")
		if row.URL != "" {
			u := html.EscapeString(row.URL)
			esc = strings.ReplaceAll(esc, u, `<a href="`+u+`">`+u+`</a>`)
		}
		b.WriteString("<p>" + esc + "</p>")
	}
	b.WriteString("</body></html>")
	return b.String()
}
