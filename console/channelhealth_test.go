package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// device is a test channel like WhatsApp's: a 24-hour reply window,
// provider templates, pairing by phone number, and a status reporter it
// got from the hub.
type device struct {
	mu        sync.Mutex
	deps      connectors.Deps
	templates []switchboard.ProviderTemplate
	listErr   error
	pairErr   error
	phones    []string
}

var (
	devicesMu sync.Mutex
	devices   = map[switchboard.ChannelID]*device{}
)

func init() {
	connectors.Register(connectors.Registration{Type: "testdevice", New: func(_ json.RawMessage, deps connectors.Deps) (connectors.Connector, error) {
		devicesMu.Lock()
		defer devicesMu.Unlock()
		d, ok := devices[deps.ChannelID]
		if !ok {
			return nil, errors.New("no test device " + string(deps.ChannelID))
		}
		d.mu.Lock()
		d.deps = deps
		d.mu.Unlock()
		return d, nil
	}})
}

func (d *device) Type() string { return "testdevice" }
func (d *device) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{Text: true, Templates: true, MaxTextLength: 4096, ReplyWindowSeconds: 86400}
}
func (d *device) Send(_ context.Context, m connectors.OutboundMessage) (connectors.SendResult, error) {
	return connectors.SendResult{ExternalID: switchboard.ExternalID("wamid." + string(m.MessageID)), Status: switchboard.StatusSent}, nil
}
func (d *device) ListTemplates(context.Context) ([]switchboard.ProviderTemplate, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.listErr != nil {
		return nil, d.listErr
	}
	return append([]switchboard.ProviderTemplate(nil), d.templates...), nil
}
func (d *device) PairPhone(_ context.Context, phone string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pairErr != nil {
		return "", d.pairErr
	}
	d.phones = append(d.phones, phone)
	return "ABCD-EFGH", nil
}
func (d *device) report(st switchboard.ChannelStatus) {
	d.mu.Lock()
	r := d.deps.Status
	d.mu.Unlock()
	r.ReportStatus(context.Background(), st)
}
func (d *device) set(fn func(d *device)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fn(d)
}

// addDevice stores and starts a test device channel "wa" in the
// fixture's workspace and waits for its first template sync.
func (f *fixture) addDevice() *device {
	f.t.Helper()
	d := &device{templates: []switchboard.ProviderTemplate{
		{Name: "order_update", Language: "ja", Status: "APPROVED", Body: "ご注文 {{1}} は発送されました", Params: []string{"1"}},
	}}
	ctx := context.Background()
	id := switchboard.ChannelID("wa")
	devicesMu.Lock()
	devices[id] = d
	devicesMu.Unlock()
	now := time.Now().UTC()
	if err := f.store.PutChannel(ctx, store.Channel{ID: id, WorkspaceID: f.ws, Type: "testdevice", Name: "WhatsApp", Config: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}); err != nil {
		f.t.Fatal(err)
	}
	if err := f.rt.Channels.Sync(ctx); err != nil {
		f.t.Fatal(err)
	}
	waitUntil(f.t, "the templates synced at start", func() bool {
		_, at, err := f.store.ListProviderTemplates(ctx, f.ws, id)
		return err == nil && !at.IsZero()
	})
	return d
}

func waitUntil(t testing.TB, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// customerOn stores a customer's message on channel written at at.
func (f *fixture) customerOn(ch switchboard.ChannelID, sender string, at time.Time) switchboard.ConversationID {
	f.t.Helper()
	res, err := f.rt.Hub.AcceptResults(context.Background(), []switchboard.Inbound{{
		Kind: switchboard.InboundMessage, ChannelID: ch, ExternalID: switchboard.ExternalID(switchboard.NewID("ext")),
		Sender: switchboard.ExternalID(sender), Parts: switchboard.TextParts("hello"), At: at,
	}})
	if err != nil {
		f.t.Fatal(err)
	}
	return res[0].ConversationID
}

func TestConversationReplyWindow(t *testing.T) {
	f := newFixture(t)
	f.addDevice()
	admin := f.token(f.ws, switchboard.RoleAdmin)
	wrote := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	open := f.customerOn("wa", "81901", wrote)
	closed := f.customerOn("wa", "81902", time.Now().UTC().Add(-25*time.Hour))
	web := f.customerOn("web", "visitor-1", time.Now().UTC())
	stream := f.dialStream("/api/v1/stream", nil, admin)

	code, conv := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(open), bearer: admin})
	if code != http.StatusOK || conv["customer_last_at"] != wrote.Format(time.RFC3339) ||
		conv["window_expires_at"] != wrote.Add(24*time.Hour).Format(time.RFC3339) {
		t.Fatalf("GET conversation: %d customer_last_at %v window_expires_at %v", code, conv["customer_last_at"], conv["window_expires_at"])
	}
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/conversations", bearer: admin})
	items, _ := list["items"].([]any)
	seen := 0
	for _, it := range items {
		c := it.(map[string]any)
		switch switchboard.ConversationID(c["id"].(string)) {
		case open, closed:
			seen++
			if c["window_expires_at"] == nil {
				t.Errorf("list: conversation %s has no window_expires_at", c["id"])
			}
		case web:
			seen++
			if _, has := c["window_expires_at"]; has || c["customer_last_at"] == nil {
				t.Errorf("list: site chat conversation = %v", c)
			}
		}
	}
	if seen != 3 {
		t.Fatalf("list has %d of the 3 conversations: %v", seen, list)
	}

	// Free text outside the window: 422, nothing stored.
	code, out := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(closed) + "/messages", bearer: admin, body: `{"text":"sorry for the wait"}`})
	if c, msg := errCode(out), errMessage(out); code != http.StatusUnprocessableEntity || c != "window_closed" || !strings.Contains(msg, "approved template") {
		t.Fatalf("free text outside the window: %d %v", code, out)
	}
	page, err := f.store.ListMessages(context.Background(), f.ws, closed, store.MessageQuery{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("a refused reply was stored: %d messages, %v", len(page.Items), err)
	}
	// An approved template goes; inside the window free text goes.
	code, out = f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(closed) + "/messages", bearer: admin,
		body: `{"parts":[{"kind":"template","template":{"name":"order_update","language":"ja","variables":{"1":"A-1"}}}]}`})
	if code != http.StatusAccepted {
		t.Fatalf("template outside the window: %d %v", code, out)
	}
	code, out = f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(closed) + "/messages", bearer: admin,
		body: `{"parts":[{"kind":"template","template":{"name":"unknown_one","language":"ja"}}]}`})
	if c, msg := errCode(out), errMessage(out); code != http.StatusBadRequest || c != "invalid_parts" || !strings.Contains(msg, "unknown_one") {
		t.Fatalf("unknown template: %d %v", code, out)
	}
	if code, out := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(open) + "/messages", bearer: admin, body: `{"text":"hi"}`}); code != http.StatusAccepted {
		t.Fatalf("free text inside the window: %d %v", code, out)
	}
	// The stream's conversation events carry the window too.
	frames := stream.until("the reply's message.created", func(m map[string]any) bool {
		c, _ := m["conversation"].(map[string]any)
		return m["type"] == "message.created" && c != nil && c["id"] == string(open)
	})
	c := frames[len(frames)-1]["conversation"].(map[string]any)
	if c["window_expires_at"] != wrote.Add(24*time.Hour).Format(time.RFC3339) {
		t.Fatalf("stream conversation window_expires_at = %v", c["window_expires_at"])
	}
}

func TestProviderTemplateRoutes(t *testing.T) {
	f := newFixture(t)
	d := f.addDevice()
	admin := f.token(f.ws, switchboard.RoleAdmin)
	operator := f.token(f.ws, switchboard.RoleOperator)
	other := switchboard.WorkspaceID("ws_other")
	if err := f.store.CreateWorkspace(context.Background(), switchboard.Workspace{ID: other, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	stranger := f.token(other, switchboard.RoleAdmin)

	code, out := f.do(nil, request{method: "GET", path: "/api/v1/channels/wa/templates", bearer: operator})
	items, _ := out["items"].([]any)
	if code != http.StatusOK || len(items) != 1 || out["synced_at"] == nil || items[0].(map[string]any)["name"] != "order_update" {
		t.Fatalf("GET templates as an operator: %d %v", code, out)
	}
	if _, out := f.do(nil, request{method: "GET", path: "/api/v1/channels/web/templates", bearer: operator}); out["synced_at"] != nil || len(out["items"].([]any)) != 0 {
		t.Fatalf("templates of a channel without any: %v", out)
	}
	d.set(func(d *device) {
		d.templates = append(d.templates, switchboard.ProviderTemplate{Name: "welcome", Language: "en", Status: "APPROVED", Body: "Hi {{1}}"})
	})
	for _, tc := range []struct {
		name, method, path, bearer string
		want                       int
		code                       string
	}{
		{"another workspace reads", "GET", "/api/v1/channels/wa/templates", stranger, 404, "not_found"},
		{"unknown channel", "GET", "/api/v1/channels/nope/templates", operator, 404, "not_found"},
		{"operators may not sync", "POST", "/api/v1/channels/wa/templates/sync", operator, 403, "forbidden"},
		{"another workspace syncs", "POST", "/api/v1/channels/wa/templates/sync", stranger, 404, "not_found"},
		{"a channel without templates", "POST", "/api/v1/channels/web/templates/sync", admin, 409, "no_templates"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.do(nil, request{method: tc.method, path: tc.path, bearer: tc.bearer})
			if c := errCode(out); code != tc.want || c != tc.code {
				t.Fatalf("%d %v, want %d %s", code, out, tc.want, tc.code)
			}
		})
	}
	if _, out := f.do(nil, request{method: "GET", path: "/api/v1/channels/wa/templates", bearer: operator}); len(out["items"].([]any)) != 1 {
		t.Fatalf("refused syncs changed the templates: %v", out)
	}
	code, out = f.do(nil, request{method: "POST", path: "/api/v1/channels/wa/templates/sync", bearer: admin})
	if code != http.StatusOK || len(out["items"].([]any)) != 2 || out["synced_at"] == nil {
		t.Fatalf("sync: %d %v", code, out)
	}
	d.set(func(d *device) {
		d.listErr = connectors.Permanent("Graph API 190: token expired", connectors.ErrCredentials)
	})
	code, out = f.do(nil, request{method: "POST", path: "/api/v1/channels/wa/templates/sync", bearer: admin})
	if c, msg := errCode(out), errMessage(out); code != http.StatusBadGateway || c != "provider_error" || !strings.Contains(msg, "token expired") {
		t.Fatalf("sync with the provider failing: %d %v", code, out)
	}
	if _, out := f.do(nil, request{method: "GET", path: "/api/v1/channels/wa/templates", bearer: operator}); len(out["items"].([]any)) != 2 {
		t.Fatalf("a failed sync changed the templates: %v", out)
	}
}

// raw does a request and returns status, content type and body.
func (f *fixture) raw(r request) (int, string, []byte) {
	f.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req, _ := http.NewRequest(r.method, f.srv.URL+r.path, body)
	req.Header.Set("Authorization", "Bearer "+r.bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func TestChannelStatusAndLinking(t *testing.T) {
	f := newFixture(t)
	d := f.addDevice()
	admin := f.token(f.ws, switchboard.RoleAdmin)
	operator := f.token(f.ws, switchboard.RoleSupervisor)
	other := switchboard.WorkspaceID("ws_other")
	if err := f.store.CreateWorkspace(context.Background(), switchboard.Workspace{ID: other, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	stranger := f.token(other, switchboard.RoleAdmin)
	status := func(bearer string) map[string]any {
		t.Helper()
		code, out := f.do(nil, request{method: "GET", path: "/api/v1/channels/wa", bearer: bearer})
		if code != http.StatusOK {
			t.Fatalf("GET channel: %d %v", code, out)
		}
		st, _ := out["status"].(map[string]any)
		return st
	}
	if st := status(admin); st["state"] != "ok" || st["channel_id"] != "wa" {
		t.Fatalf("status before any report = %v", st)
	}
	if code, _, _ := f.raw(request{method: "GET", path: "/api/v1/channels/wa/link.png", bearer: admin}); code != http.StatusNotFound {
		t.Fatalf("link.png of a paired channel: %d", code)
	}
	adminStream := f.dialStream("/api/v1/stream", nil, admin)
	supervisorStream := f.dialStream("/api/v1/stream", nil, operator)
	d.report(switchboard.ChannelStatus{State: switchboard.ChannelUnpaired, QR: "2@pairing-payload,abc"})
	waitUntil(t, "the unpaired status", func() bool { return status(admin)["state"] == "unpaired" })
	if st := status(admin); st["qr"] != "2@pairing-payload,abc" {
		t.Fatalf("admin's status = %v", st)
	}
	if st := status(operator); st["state"] != "unpaired" || st["qr"] != nil {
		t.Fatalf("a supervisor sees the QR payload: %v", st)
	}
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/channels", bearer: admin})
	for _, it := range list["items"].([]any) {
		ch := it.(map[string]any)
		want := "ok"
		if ch["id"] == "wa" {
			want = "unpaired"
		}
		if ch["status"].(map[string]any)["state"] != want {
			t.Fatalf("list: channel %v status %v, want %s", ch["id"], ch["status"], want)
		}
	}
	adminStream.until("channel.status", func(m map[string]any) bool {
		c, _ := m["channel"].(map[string]any)
		return m["type"] == "channel.status" && c != nil && c["state"] == "unpaired" && c["channel_id"] == "wa"
	})
	// Channels' health is for admins: a supervisor's stream gets the next
	// event but not that one.
	later := f.customerOn("web", "visitor-9", time.Now().UTC())
	for _, m := range supervisorStream.until("the next message.created", frameIs("message.created", later)) {
		if m["type"] == "channel.status" {
			t.Fatalf("a supervisor's stream got %v", m)
		}
	}

	code, typ, png := f.raw(request{method: "GET", path: "/api/v1/channels/wa/link.png", bearer: admin})
	if code != http.StatusOK || typ != "image/png" || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("link.png: %d %s %d bytes", code, typ, len(png))
	}
	for _, tc := range []struct {
		name, path, bearer string
		want               int
	}{
		{"supervisors may not see the QR code", "/api/v1/channels/wa/link.png", operator, 403},
		{"another workspace", "/api/v1/channels/wa/link.png", stranger, 404},
		{"a channel not pairing", "/api/v1/channels/web/link.png", admin, 404},
	} {
		if code, _, _ := f.raw(request{method: "GET", path: tc.path, bearer: tc.bearer}); code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, code, tc.want)
		}
	}

	for _, tc := range []struct {
		name, path, bearer, body string
		want                     int
		code                     string
	}{
		{"not a number", "/api/v1/channels/wa/link", admin, `{"phone":"call me"}`, 400, "invalid_phone"},
		{"too short", "/api/v1/channels/wa/link", admin, `{"phone":"+81 90"}`, 400, "invalid_phone"},
		{"no phone", "/api/v1/channels/wa/link", admin, `{}`, 400, "invalid_phone"},
		{"unknown field", "/api/v1/channels/wa/link", admin, `{"phone":"+819012345678","pin":1}`, 400, ""},
		{"supervisors may not pair", "/api/v1/channels/wa/link", operator, `{"phone":"+819012345678"}`, 403, "forbidden"},
		{"another workspace", "/api/v1/channels/wa/link", stranger, `{"phone":"+819012345678"}`, 404, "not_found"},
		{"a channel that cannot pair", "/api/v1/channels/web/link", admin, `{"phone":"+819012345678"}`, 409, "not_supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.do(nil, request{method: "POST", path: tc.path, bearer: tc.bearer, body: tc.body})
			if c := errCode(out); code != tc.want || (tc.code != "" && c != tc.code) {
				t.Fatalf("%d %v, want %d %s", code, out, tc.want, tc.code)
			}
		})
	}
	d.mu.Lock()
	asked := len(d.phones)
	d.mu.Unlock()
	if asked != 0 {
		t.Fatalf("refused requests reached the device %d times", asked)
	}
	code, out := f.do(nil, request{method: "POST", path: "/api/v1/channels/wa/link", bearer: admin, body: `{"phone":"+81 90-1234-5678"}`})
	if code != http.StatusOK || out["pair_code"] != "ABCD-EFGH" {
		t.Fatalf("pair by phone: %d %v", code, out)
	}
	if d.phones[0] != "+819012345678" {
		t.Fatalf("the device was asked for %q", d.phones[0])
	}
	d.set(func(d *device) { d.pairErr = fmt.Errorf("device runs elsewhere: %w", connectors.ErrNotFound) })
	code, out = f.do(nil, request{method: "POST", path: "/api/v1/channels/wa/link", bearer: admin, body: `{"phone":"+819012345678"}`})
	if c := errCode(out); code != http.StatusConflict || c != "not_here" {
		t.Fatalf("pair on another instance's device: %d %v", code, out)
	}
	// Once paired the QR code is gone.
	d.report(switchboard.ChannelStatus{State: switchboard.ChannelOK, Account: "+819012345678"})
	waitUntil(t, "the paired status", func() bool { return status(admin)["state"] == "ok" })
	if code, _, _ := f.raw(request{method: "GET", path: "/api/v1/channels/wa/link.png", bearer: admin}); code != http.StatusNotFound {
		t.Fatalf("link.png after pairing: %d", code)
	}
}
