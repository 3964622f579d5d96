package console_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/router"
	"github.com/switchboardhq/switchboard/store"
)

// fakeMailer keeps the e-mails the portal sends.
type fakeMailer struct {
	mu   sync.Mutex
	sent []sentMail
}

type sentMail struct{ To, Subject, Text string }

func (m *fakeMailer) MailEnabled() bool { return true }
func (m *fakeMailer) SendMail(_ context.Context, to, subject, text, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, sentMail{to, subject, text})
	return nil
}

// lastLink is the sign-in link of the last e-mail to to (path and query).
func (m *fakeMailer) lastLink(t *testing.T, to string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.sent) - 1; i >= 0; i-- {
		if m.sent[i].To == to {
			link := regexp.MustCompile(`/portal/\S+/signin\?\S+`).FindString(m.sent[i].Text)
			if link == "" {
				t.Fatalf("no link in %q", m.sent[i].Text)
			}
			return link
		}
	}
	t.Fatalf("no e-mail to %s", to)
	return ""
}

type portalFixture struct {
	*fixture
	mail *fakeMailer
}

func newPortalFixture(t *testing.T, cfg console.Config) *portalFixture {
	m := &fakeMailer{}
	if cfg.Mailer == nil {
		cfg.Mailer = m
	}
	return &portalFixture{fixture: newFixtureWith(t, cfg), mail: m}
}

// customer is a browser: a cookie jar, following redirects.
func customer(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// page fetches a portal page; form, when not nil, is POSTed.
func (f *portalFixture) page(t *testing.T, c *http.Client, method, path string, form url.Values, headers ...string) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// upload posts a multipart reply with one file.
func (f *portalFixture) upload(t *testing.T, c *http.Client, path, name string, data []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("text", "see the file")
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", f.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (f *portalFixture) base() string { return "/portal/" + string(f.ws) }

// signIn asks for a link for email, opens it and presses the button.
func (f *portalFixture) signIn(t *testing.T, email string) *http.Client {
	t.Helper()
	c := customer(t)
	if code, body := f.page(t, c, "POST", f.base()+"/login?lang=en", url.Values{"email": {email}}); code != 200 || !strings.Contains(body, "sign-in link is on its way") {
		t.Fatalf("login = %d %s", code, body)
	}
	link := f.mail.lastLink(t, strings.ToLower(email))
	code, body := f.page(t, c, "GET", link, nil)
	token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(body)
	if code != 200 || token == nil {
		t.Fatalf("link page = %d %s", code, body)
	}
	if code, body = f.page(t, c, "POST", f.base()+"/signin?lang=en", url.Values{"token": {token[1]}}); code != 200 || !strings.Contains(body, "My tickets") {
		t.Fatalf("signin = %d %s", code, body)
	}
	return c
}

func (f *portalFixture) openTicket(t *testing.T, email, subject, text string) switchboard.Ticket {
	t.Helper()
	tk, err := f.rt.Hub.OpenTicket(context.Background(), router.TicketRequest{WorkspaceID: f.ws, Subject: subject, Text: text, Email: email, Source: switchboard.TicketFromAPI})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

var csrfPattern = regexp.MustCompile(`csrf=([0-9a-f]+)`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form token in %s", body)
	}
	return m[1]
}

func ticketPath(f *portalFixture, tk switchboard.Ticket) string {
	return f.base() + "/tickets/" + itoa(tk.Number)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPortalMailbox: a customer signs in by the link, sees their tickets
// (only theirs), reads a thread, replies, closes and reopens.
func TestPortalMailbox(t *testing.T) {
	f := newPortalFixture(t, console.Config{})
	mine := f.openTicket(t, "kana@example.com", "Parcel never arrived", "Order 1042 has not arrived.")
	theirs := f.openTicket(t, "ren@example.com", "Refund please", "Ren's secret order")

	c := f.signIn(t, "Kana@Example.com")
	code, body := f.page(t, c, "GET", f.base()+"/?lang=en", nil)
	if code != 200 || !strings.Contains(body, "Parcel never arrived") || !strings.Contains(body, "Open") || strings.Contains(body, "Refund please") {
		t.Fatalf("mailbox = %d %s", code, body)
	}
	code, body = f.page(t, c, "GET", ticketPath(f, mine)+"?lang=en", nil)
	if code != 200 || !strings.Contains(body, "Order 1042 has not arrived.") {
		t.Fatalf("thread = %d %s", code, body)
	}
	token := csrfOf(t, body)
	code, body = f.page(t, c, "POST", ticketPath(f, mine)+"/reply?lang=en&csrf="+token, url.Values{"text": {"Any news?"}})
	if code != 200 || !strings.Contains(body, "Your reply was sent.") || !strings.Contains(body, "Any news?") {
		t.Fatalf("reply = %d %s", code, body)
	}
	page, err := f.store.ListMessages(context.Background(), f.ws, mine.ConversationID, store.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	last := page.Items[len(page.Items)-1]
	if last.Text() != "Any news?" || last.Via != "portal" || last.Direction != switchboard.DirectionIn {
		t.Fatalf("stored reply = %+v", last)
	}
	if code, body = f.page(t, c, "POST", ticketPath(f, mine)+"/reply?lang=en&csrf="+token, url.Values{"text": {"  "}}); code != 400 || !strings.Contains(body, "Please write a message.") {
		t.Fatalf("empty reply = %d %s", code, body)
	}

	// Attachments: an image is stored and linked (signed); an HTML file is refused.
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	if code, body = f.upload(t, c, ticketPath(f, mine)+"/reply?lang=en&csrf="+token, "photo.png", png); code != 200 || !strings.Contains(body, "/media/med_") || !strings.Contains(body, "sig=") {
		t.Fatalf("reply with an image = %d %s", code, body)
	}
	if code, body = f.upload(t, c, ticketPath(f, mine)+"/reply?lang=en&csrf="+token, "page.html", []byte("<html><script>x</script></html>")); code != 400 || !strings.Contains(body, "page.html is of a type we do not accept") {
		t.Fatalf("reply with HTML = %d %s", code, body)
	}

	if code, body = f.page(t, c, "POST", ticketPath(f, mine)+"/close?lang=en&csrf="+token, url.Values{}); code != 200 || !strings.Contains(body, "Resolved") || !strings.Contains(body, "Reopen") {
		t.Fatalf("close = %d %s", code, body)
	}
	if tk, _ := f.store.GetTicket(context.Background(), f.ws, mine.ConversationID); tk.Status != switchboard.TicketResolved {
		t.Fatalf("status after close = %s", tk.Status)
	}
	if code, _ = f.page(t, c, "POST", ticketPath(f, mine)+"/reopen?lang=en&csrf="+token, url.Values{}); code != 200 {
		t.Fatalf("reopen = %d", code)
	}
	if tk, _ := f.store.GetTicket(context.Background(), f.ws, mine.ConversationID); tk.Status != switchboard.TicketOpen {
		t.Fatalf("status after reopen = %s", tk.Status)
	}

	// New ticket from the portal.
	code, body = f.page(t, c, "POST", f.base()+"/tickets?lang=en&csrf="+token, url.Values{"subject": {"Wrong colour"}, "text": {"I got a red one."}})
	if code != 200 || !strings.Contains(body, "Your ticket was opened.") || !strings.Contains(body, "Wrong colour") {
		t.Fatalf("new ticket = %d %s", code, body)
	}
	tickets, err := f.store.ListTickets(context.Background(), f.ws, store.TicketQuery{})
	if err != nil || len(tickets.Items) != 3 || tickets.Items[0].Source != switchboard.TicketFromPortal || tickets.Items[0].Subject != "Wrong colour" {
		t.Fatalf("tickets = %+v, %v", tickets.Items, err)
	}

	// Japanese.
	if code, body = f.page(t, c, "GET", f.base()+"/?lang=ja", nil); code != 200 || !strings.Contains(body, "お問い合わせ一覧") || !strings.Contains(body, "対応中") {
		t.Fatalf("mailbox ja = %d %s", code, body)
	}
	_ = theirs
}

// TestPortalIsolation: guessed numbers, swapped and tampered cookies and
// another workspace never show a ticket that is not the customer's.
func TestPortalIsolation(t *testing.T) {
	f := newPortalFixture(t, console.Config{})
	mine := f.openTicket(t, "kana@example.com", "Mine", "kana's words")
	theirs := f.openTicket(t, "ren@example.com", "Theirs", "ren's secret words")
	kana := f.signIn(t, "kana@example.com")
	ren := f.signIn(t, "ren@example.com")

	for _, path := range []string{ticketPath(f, theirs), f.base() + "/tickets/9999", f.base() + "/tickets/0" + itoa(theirs.Number), f.base() + "/tickets/abc"} {
		if code, body := f.page(t, kana, "GET", path, nil); code != 404 || strings.Contains(body, "ren's secret") {
			t.Errorf("GET %s as kana = %d", path, code)
		}
	}
	token := csrfOf(t, func() string { _, b := f.page(t, kana, "GET", ticketPath(f, mine), nil); return b }())
	if code, _ := f.page(t, kana, "POST", ticketPath(f, theirs)+"/reply?csrf="+token, url.Values{"text": {"hi"}}); code != 404 {
		t.Errorf("reply to another's ticket = %d", code)
	}
	if code, _ := f.page(t, kana, "POST", ticketPath(f, theirs)+"/close?csrf="+token, url.Values{}); code != 404 {
		t.Errorf("close another's ticket = %d", code)
	}
	if tk, _ := f.store.GetTicket(context.Background(), f.ws, theirs.ConversationID); tk.Status != switchboard.TicketOpen {
		t.Fatalf("another's ticket changed: %s", tk.Status)
	}

	// Ren's cookie on Kana's ticket.
	u, _ := url.Parse(f.srv.URL + f.base() + "/")
	renCookie := ren.Jar.Cookies(u)
	if len(renCookie) != 1 {
		t.Fatalf("ren's cookies = %v", renCookie)
	}
	swapped := customer(t)
	swapped.Jar.SetCookies(u, renCookie)
	if code, body := f.page(t, swapped, "GET", ticketPath(f, mine), nil); code != 404 || strings.Contains(body, "kana's words") {
		t.Errorf("kana's ticket with ren's cookie = %d", code)
	}

	// A tampered cookie (the payload changed, the signature kept) is no session.
	kanaCookie := kana.Jar.Cookies(u)[0]
	payload, sig, _ := strings.Cut(kanaCookie.Value, ".")
	forged := customer(t)
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: kanaCookie.Name, Value: payload[:len(payload)-2] + "xy." + sig}})
	if code, body := f.page(t, forged, "GET", ticketPath(f, mine)+"?lang=en", nil); code != 200 || !strings.Contains(body, "Sign in to your tickets") || strings.Contains(body, "kana's words") {
		t.Errorf("tampered cookie = %d %s", code, body)
	}

	// Another workspace: the same address sees nothing of this one, and
	// this workspace's cookie means nothing there.
	other := switchboard.Workspace{ID: "ws_other", Name: "Other", CreatedAt: time.Now().UTC()}
	if err := f.store.CreateWorkspace(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/portal/ws_other/?lang=en", nil)
	req.AddCookie(kanaCookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "Sign in to your tickets") || strings.Contains(string(b), "Mine") {
		t.Errorf("other workspace with this one's cookie: %s", b)
	}
	of := &portalFixture{fixture: &fixture{t: t, srv: f.srv, store: f.store, rt: f.rt, ws: other.ID}, mail: f.mail}
	c := of.signIn(t, "kana@example.com")
	if _, body := of.page(t, c, "GET", of.base()+"/?lang=en", nil); strings.Contains(body, "Mine") || !strings.Contains(body, "You have no tickets yet.") {
		t.Errorf("other workspace mailbox: %s", body)
	}
	if code, _ := of.page(t, c, "GET", of.base()+"/tickets/"+itoa(mine.Number), nil); code != 404 {
		t.Errorf("this workspace's ticket number in the other's portal = %d", code)
	}
}

// TestPortalSignIn: a link works once and not after it expires; the
// answer does not tell who has tickets; forms need their token and this
// site as origin; without SMTP the page says e-mail sign-in is off.
func TestPortalSignIn(t *testing.T) {
	f := newPortalFixture(t, console.Config{})
	f.openTicket(t, "kana@example.com", "Mine", "words")
	c := customer(t)
	_, known := f.page(t, c, "POST", f.base()+"/login?lang=en", url.Values{"email": {"kana@example.com"}})
	_, unknown := f.page(t, c, "POST", f.base()+"/login?lang=en", url.Values{"email": {"nobody@example.com"}})
	if strings.ReplaceAll(known, "kana@example.com", "X") != strings.ReplaceAll(unknown, "nobody@example.com", "X") {
		t.Errorf("the answer differs for a customer and a stranger:\n%s\n%s", known, unknown)
	}
	if code, body := f.page(t, c, "POST", f.base()+"/login?lang=en", url.Values{"email": {"not an address"}}); code != 400 || !strings.Contains(body, "valid e-mail address") {
		t.Errorf("bad address = %d %s", code, body)
	}

	link := f.mail.lastLink(t, "kana@example.com")
	// Fetching the link (a mail scanner) does not use it up.
	for range 2 {
		if code, _ := f.page(t, c, "GET", link, nil); code != 200 {
			t.Fatalf("link GET = %d", code)
		}
	}
	token := regexp.MustCompile(`token=([^&]+)`).FindStringSubmatch(link)[1]
	if code, body := f.page(t, c, "POST", f.base()+"/signin?lang=en", url.Values{"token": {token}}); code != 200 || !strings.Contains(body, "My tickets") {
		t.Fatalf("first use = %d", code)
	}
	if code, body := f.page(t, customer(t), "POST", f.base()+"/signin?lang=en", url.Values{"token": {token}}); code != 400 || !strings.Contains(body, "expired or was already used") {
		t.Errorf("second use = %d %s", code, body)
	}

	// CSRF: a POST without the form token, or from another site, is refused.
	_, body := f.page(t, c, "GET", f.base()+"/tickets/new?lang=en", nil)
	formToken := csrfOf(t, body)
	if code, _ := f.page(t, c, "POST", f.base()+"/tickets?lang=en", url.Values{"text": {"forged"}}); code != 403 {
		t.Errorf("POST without form token = %d", code)
	}
	if code, _ := f.page(t, c, "POST", f.base()+"/tickets?lang=en&csrf="+formToken, url.Values{"text": {"forged"}}, "Origin", "https://evil.example"); code != 403 {
		t.Errorf("POST from another origin = %d", code)
	}
	if code, _ := f.page(t, customer(t), "POST", f.base()+"/tickets?lang=en&csrf="+formToken, url.Values{"text": {"forged"}}); code != 403 {
		t.Errorf("POST with the form token but no session = %d", code)
	}
	if tks, _ := f.store.ListTickets(context.Background(), f.ws, store.TicketQuery{}); len(tks.Items) != 1 {
		t.Errorf("a forged POST opened a ticket: %d tickets", len(tks.Items))
	}

	// Expired links.
	short := newPortalFixture(t, console.Config{PortalConfig: console.PortalConfig{PortalLinkTTL: time.Microsecond}})
	c = customer(t)
	short.page(t, c, "POST", short.base()+"/login?lang=en", url.Values{"email": {"kana@example.com"}})
	link = short.mail.lastLink(t, "kana@example.com")
	token = regexp.MustCompile(`token=([^&]+)`).FindStringSubmatch(link)[1]
	if code, body := short.page(t, c, "POST", short.base()+"/signin?lang=en", url.Values{"token": {token}}); code != 400 || !strings.Contains(body, "expired") {
		t.Errorf("expired link = %d", code)
	}

	// No SMTP.
	pf := newPortalFixture(t, console.Config{PortalConfig: console.PortalConfig{Mailer: noMailer{}}})
	if code, body := pf.page(t, customer(t), "GET", pf.base()+"/?lang=en", nil); code != 200 || !strings.Contains(body, "Sign-in by e-mail is not available") || strings.Contains(body, `name="email"`) {
		t.Errorf("sign-in without smtp = %d %s", code, body)
	}
	if code, body := pf.page(t, customer(t), "POST", pf.base()+"/login?lang=en", url.Values{"email": {"kana@example.com"}}); code != 503 || !strings.Contains(body, "not available") {
		t.Errorf("link request without smtp = %d %s", code, body)
	}
}

// noMailer has no SMTP server.
type noMailer struct{}

func (noMailer) MailEnabled() bool { return false }
func (noMailer) SendMail(context.Context, string, string, string, string) error {
	return nil
}

// TestPortalRateLimit: link requests are limited per address and per
// client address.
func TestPortalRateLimit(t *testing.T) {
	f := newPortalFixture(t, console.Config{PortalConfig: console.PortalConfig{
		PortalPerAddress: console.RateLimit{PerMinute: 1}, PortalPerIP: console.RateLimit{PerMinute: 16}}})
	c := customer(t)
	ask := func(email string) int {
		code, _ := f.page(t, c, "POST", f.base()+"/login?lang=en", url.Values{"email": {email}})
		return code
	}
	if code := ask("a@example.com"); code != 200 {
		t.Fatalf("first = %d", code)
	}
	if code := ask("a@example.com"); code != 429 {
		t.Fatalf("same address again = %d, want 429", code)
	}
	if code := ask("b@example.com"); code != 200 {
		t.Fatalf("another address = %d", code)
	}
	// Per IP: a burst of 4 (the refused request counted), then refused
	// whatever the address.
	if code := ask("c@example.com"); code != 200 {
		t.Fatalf("third = %d", code)
	}
	if code := ask("d@example.com"); code != 429 {
		t.Fatalf("over the IP limit = %d, want 429", code)
	}
	f.mail.mu.Lock()
	n := len(f.mail.sent)
	f.mail.mu.Unlock()
	if n != 3 {
		t.Fatalf("%d e-mails sent, want 3", n)
	}
}

// TestBrandingAndEmbed: admins set the colour and logo (validated); the
// portal and help pages use them; embed pages may run the height script
// and be framed, others not.
func TestBrandingAndEmbed(t *testing.T) {
	f := newPortalFixture(t, console.Config{})
	admin := f.token(f.ws, switchboard.RoleAdmin)
	agent := f.token(f.ws, switchboard.RoleOperator)
	for _, tc := range []struct {
		body, bearer string
		want         int
	}{
		{`{"color":"red"}`, admin, 400},
		{`{"color":"#12345"}`, admin, 400},
		{`{"logo_url":"http://example.com/logo.png"}`, admin, 400},
		{`{"logo_url":"javascript:alert(1)"}`, admin, 400},
		{`{"color":"#0A7D4F","logo_url":"https://cdn.example.com/logo.png"}`, agent, 403},
		{`{"color":"#0A7D4F","logo_url":"https://cdn.example.com/logo.png"}`, admin, 200},
	} {
		if code, body := f.do(nil, request{method: "PUT", path: "/api/v1/workspace/branding", body: tc.body, bearer: tc.bearer}); code != tc.want {
			t.Errorf("PUT %s = %d %v, want %d", tc.body, code, body, tc.want)
		}
	}
	if code, body := f.do(nil, request{method: "GET", path: "/api/v1/workspace/branding", bearer: agent}); code != 200 || body["color"] != "#0a7d4f" || body["logo_url"] != "https://cdn.example.com/logo.png" {
		t.Errorf("GET branding = %d %v", code, body)
	}
	for _, path := range []string{f.base() + "/?lang=en", "/help/" + string(f.ws) + "/"} {
		if _, body := f.page(t, customer(t), "GET", path, nil); !strings.Contains(body, "--accent:#0a7d4f") || !strings.Contains(body, `src="https://cdn.example.com/logo.png"`) {
			t.Errorf("%s does not show the branding: %s", path, body)
		}
	}

	for _, mode := range []string{"1", "widget"} {
		resp, err := http.Get(f.srv.URL + f.base() + "/?embed=" + mode)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors *") || !strings.Contains(string(b), "/frame.js") {
			t.Errorf("embed=%s page CSP %q", mode, csp)
		}
		if xfo := resp.Header.Get("X-Frame-Options"); xfo != "" {
			t.Errorf("embed=%s page X-Frame-Options %q: browsers would refuse the frame", mode, xfo)
		}
	}
	resp, _ := http.Get(f.srv.URL + f.base() + "/")
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("portal page CSP %q, X-Frame-Options %q", csp, resp.Header.Get("X-Frame-Options"))
	}
	resp, _ = http.Get(f.srv.URL + f.base() + "/embed.js")
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(string(js), "e.origin!==origin") {
		t.Errorf("embed.js = %d %s", resp.StatusCode, js)
	}
}
