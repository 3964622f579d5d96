package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard/router/notify"
)

// TestSendMail: SendMail delivers a text and HTML e-mail at once through
// the configured server, and says so clearly when none is configured.
func TestSendMail(t *testing.T) {
	mb := newMailbox(t)
	n := notify.New(openStore(t), notify.Config{SMTP: notify.SMTPConfig{Addr: mb.Addr, From: "Support <hub@example.com>", TLS: "none"}, Logger: quiet()})
	if !n.MailEnabled() {
		t.Fatal("MailEnabled = false with smtp configured")
	}
	if err := n.SendMail(context.Background(), "kana@example.com", "サインイン", "Open https://hub/x", "<p>Open</p>"); err != nil {
		t.Fatal(err)
	}
	got := mb.waitFor(t, 1)[0]
	if got.To != "kana@example.com" || got.Subject != "サインイン" || !strings.Contains(got.Text, "https://hub/x") || !strings.Contains(got.HTML, "<p>Open</p>") {
		t.Fatalf("mail = %+v", got)
	}
	if err := n.SendMail(context.Background(), "a@example.com\r\nBcc: x@example.com", "s", "t", ""); err == nil {
		t.Fatal("header injection in the address accepted")
	}

	off := notify.New(openStore(t), notify.Config{Logger: quiet()})
	if off.MailEnabled() {
		t.Fatal("MailEnabled = true without smtp")
	}
	if err := off.SendMail(context.Background(), "kana@example.com", "s", "t", ""); !errors.Is(err, notify.ErrMailDisabled) {
		t.Fatalf("SendMail without smtp = %v", err)
	}
}
