package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// inbox is an SMTP server on loopback keeping each message's recipient
// and raw text.
type inbox struct {
	mu   sync.Mutex
	mail []string
}

type inboxSession struct {
	in *inbox
	to string
}

func (s *inboxSession) Reset()                                    {}
func (s *inboxSession) Logout() error                             { return nil }
func (s *inboxSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *inboxSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *inboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.in.mu.Lock()
	s.in.mail = append(s.in.mail, "To-Envelope: "+s.to+"\n"+string(b))
	s.in.mu.Unlock()
	return err
}

// TestServeEmailsNewConversations: the binary, configured with an smtp:
// block, e-mails the default department's operator when a site-chat
// visitor writes.
func TestServeEmailsNewConversations(t *testing.T) {
	in := &inbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &inboxSession{in: in}, nil }))
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()

	dir := t.TempDir()
	cfgPath := writeConfig(t, dir, fmt.Sprintf("smtp:\n  addr: %s\n  from: Support <support@example.com>\n  tls: none\n", l.Addr()))
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"operators", "add", "ana@example.com", "--name", "Ana", "--role", "operator", "--config", cfgPath}, strings.NewReader("a-long-password\n"), &out, &errOut); code != 0 {
		t.Fatalf("operators add: %s", errOut.String())
	}
	hub := startHub(t, cfgPath)
	var sess struct{ Token string }
	call(t, "POST", hub.URL+"/widget/v1/sessions", "", map[string]string{"channel": "web"}, &sess)
	if code := call(t, "POST", hub.URL+"/widget/v1/messages", sess.Token, map[string]string{"text": "Do you ship to Osaka?"}, nil); code != http.StatusCreated {
		t.Fatalf("widget message: %d", code)
	}
	var mail string
	eventually(t, 10*time.Second, "the e-mail to ana", func() bool {
		in.mu.Lock()
		defer in.mu.Unlock()
		if len(in.mail) > 0 {
			mail = in.mail[0]
		}
		return len(in.mail) > 0
	})
	if !strings.Contains(mail, "To-Envelope: ana@example.com") || !strings.Contains(mail, "/conversations/cv") || !strings.Contains(mail, "Do you ship to Osaka?") {
		t.Fatalf("e-mail:\n%s", mail)
	}
}
