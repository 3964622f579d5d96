package portal

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
	"github.com/switchboardhq/switchboard/store/sqlite"
)

// smsDesk is a Desk with an SMS channel that keeps the texts it sends.
type smsDesk struct {
	mu   sync.Mutex
	sent []string
}

func (d *smsDesk) OpenTicket(context.Context, NewTicket) (switchboard.Ticket, error) {
	return switchboard.Ticket{}, errors.New("not in this test")
}
func (d *smsDesk) Reply(context.Context, switchboard.Ticket, []switchboard.Part) error { return nil }
func (d *smsDesk) SetStatus(_ context.Context, t switchboard.Ticket, _ switchboard.TicketStatus) (switchboard.Ticket, error) {
	return t, nil
}
func (d *smsDesk) StoreUpload(context.Context, switchboard.WorkspaceID, string, string, []byte) (switchboard.Part, error) {
	return switchboard.Part{}, errors.New("not in this test")
}
func (d *smsDesk) MediaURL(id string) string { return "/media/" + id }
func (d *smsDesk) OperatorName(context.Context, switchboard.WorkspaceID, switchboard.OperatorID) string {
	return ""
}
func (d *smsDesk) HasSMS(switchboard.WorkspaceID) bool { return true }
func (d *smsDesk) SendSMS(_ context.Context, _ switchboard.WorkspaceID, phone, text string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sent = append(d.sent, phone+" "+text)
	return nil
}
func (d *smsDesk) FrameAncestors(switchboard.WorkspaceID) string { return "'self'" }

// failingMailer fails, quoting the message as some servers do.
type failingMailer struct{}

func (failingMailer) MailEnabled() bool { return true }
func (failingMailer) SendMail(_ context.Context, _, _, text, _ string) error {
	return errors.New("550 rejected: " + text)
}

// TestSMSSignIn: with an SMS channel a customer signs in by a text
// message to their number (typed with spaces and dashes) and sees the
// tickets of contacts with that phone; a mail server's error that quotes
// the link is logged without the token.
func TestSMSSignIn(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ws, err := st.DefaultWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := st.PutChannel(ctx, store.Channel{ID: "portal-x", WorkspaceID: ws.ID, Type: "portal", Name: "Portal", Config: []byte("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	dept, err := st.DefaultDepartment(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	open := func(phone, subject string) {
		conv := switchboard.ConversationID(switchboard.NewID("cv"))
		msg := switchboard.NewID("msg")
		_, err := st.OpenTicket(ctx, store.OpenTicketRequest{WorkspaceID: ws.ID, ChannelID: "portal-x", Sender: switchboard.ExternalID("phone:" + phone),
			Profile: switchboard.Profile{Phone: phone}, ContactID: switchboard.ContactID(switchboard.NewID("ct")), ConversationID: conv, DepartmentID: dept.ID,
			Ticket: switchboard.Ticket{WorkspaceID: ws.ID, ConversationID: conv, Subject: subject, Priority: switchboard.PriorityNormal, Status: switchboard.TicketOpen,
				Source: switchboard.TicketFromAPI, CreatedAt: now, UpdatedAt: now},
			Message: switchboard.Message{ID: switchboard.MessageID(msg), WorkspaceID: ws.ID, ConversationID: conv, ChannelID: "portal-x", Direction: switchboard.DirectionIn,
				Parts: switchboard.TextParts(subject), ExternalID: switchboard.ExternalID("portal:" + msg), Status: switchboard.StatusDelivered, CreatedAt: now},
		}, func(switchboard.Ticket, switchboard.Message) []store.OutboxEntry { return nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	open("+819012345678", "Texted ticket")
	open("+819099999999", "Someone else's")

	desk := &smsDesk{}
	var logMu sync.Mutex
	var logged []string
	p := NewPortal(st, PortalConfig{Secret: []byte("test secret"), Desk: desk, Mailer: failingMailer{},
		Log: func(_ context.Context, msg string, err error) {
			logMu.Lock()
			logged = append(logged, msg+": "+err.Error())
			logMu.Unlock()
		}})
	srv := httptest.NewServer(p)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	base := srv.URL + "/portal/" + string(ws.ID)
	post := func(path string, form url.Values) (int, string) {
		resp, err := c.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	resp, err := c.Get(base + "/?lang=en&by=sms")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `name="phone"`) {
		t.Fatalf("sign-in by SMS form: %s", b)
	}
	if code, body := post("/login?lang=en", url.Values{"phone": {"090 1234"}}); code != 400 || !strings.Contains(body, "country code") {
		t.Fatalf("bad phone = %d", code)
	}
	if code, _ := post("/login?lang=en", url.Values{"phone": {"+81 90-1234-5678"}}); code != 200 {
		t.Fatalf("SMS link request = %d", code)
	}
	desk.mu.Lock()
	if len(desk.sent) != 1 || !strings.HasPrefix(desk.sent[0], "+819012345678 ") {
		t.Fatalf("texts = %v", desk.sent)
	}
	token := regexp.MustCompile(`token=([^&\s]+)`).FindStringSubmatch(desk.sent[0])[1]
	desk.mu.Unlock()
	if code, body := post("/signin?lang=en", url.Values{"token": {token}}); code != 200 || !strings.Contains(body, "Texted ticket") || strings.Contains(body, "Someone else") {
		t.Fatalf("mailbox after SMS sign-in = %d %s", code, body)
	}

	// The mail server's error quotes the link: the log has no token.
	if code, body := post("/login?lang=en", url.Values{"email": {"kana@example.com"}}); code != 502 || !strings.Contains(body, "could not send") {
		t.Fatalf("failed e-mail = %d %s", code, body)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if len(logged) != 1 || !strings.Contains(logged[0], "[redacted]") || strings.Contains(logged[0], "token=") && !strings.Contains(logged[0], "token=[redacted]") {
		t.Fatalf("log = %v", logged)
	}
}
