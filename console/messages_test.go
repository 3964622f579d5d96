package console_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
	"github.com/switchboardhq/switchboard/store"
)

// plainConnector is a channel that sends but cannot retract.
type plainConnector struct{}

func (plainConnector) Type() string { return "plain" }
func (plainConnector) Capabilities() connectors.Capabilities {
	return connectors.Capabilities{Text: true, MaxTextLength: 1000}
}
func (plainConnector) Send(_ context.Context, m connectors.OutboundMessage) (connectors.SendResult, error) {
	if switchboard.PartsText(m.Parts) == "boom" {
		return connectors.SendResult{}, connectors.Permanent("the provider refused boom", nil)
	}
	return connectors.SendResult{ExternalID: switchboard.ExternalID("p-" + m.MessageID), Status: switchboard.StatusSent}, nil
}

func init() {
	connectors.Register(connectors.Registration{Type: "plain", New: func(json.RawMessage, connectors.Deps) (connectors.Connector, error) {
		return plainConnector{}, nil
	}})
}

// TestRetractSiteChat: a sent site-chat reply is retracted; the visitor's
// stream hears it gone and the widget history no longer has it; notes,
// customer messages and channels that cannot retract answer 409 saying
// why.
func TestRetractSiteChat(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	conv := v.says("hi")
	widget := f.dialStream("/widget/v1/stream?token="+v.token, nil, "")
	reply := f.sentReply(admin, conv.ID, "an answer I regret")
	widget.until("reply", func(m map[string]any) bool {
		msg, _ := m["message"].(map[string]any)
		return msg != nil && msg["id"] == string(reply.ID)
	})

	code, out := f.do(nil, request{method: "POST", path: "/api/v1/messages/" + string(reply.ID) + "/retract", bearer: admin})
	if code != http.StatusOK || out["retracted_at"] == nil || out["id"] != string(reply.ID) {
		t.Fatalf("retract: %d %v", code, out)
	}
	gone := widget.until("retraction", func(m map[string]any) bool {
		msg, _ := m["message"].(map[string]any)
		return m["type"] == "message.updated" && msg["id"] == string(reply.ID) && msg["retracted_at"] != nil
	})
	if msg := gone[len(gone)-1]["message"].(map[string]any); msg["text"] != "" {
		t.Fatalf("the retraction frame carries the text: %v", msg)
	}
	_, hist := f.do(nil, request{method: "GET", path: "/widget/v1/messages", bearer: v.token})
	if raw := mustJSON(t, hist); strings.Contains(raw, string(reply.ID)) || strings.Contains(raw, "regret") {
		t.Fatalf("widget history still has the retracted reply: %s", raw)
	}
	// Again: the same answer, nothing new.
	if code, again := f.do(nil, request{method: "POST", path: "/api/v1/messages/" + string(reply.ID) + "/retract", bearer: admin}); code != http.StatusOK || again["retracted_at"] != out["retracted_at"] {
		t.Fatalf("retract again: %d %v", code, again)
	}
	// Operators still see it, marked.
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", bearer: admin})
	if raw := mustJSON(t, list); !strings.Contains(raw, "regret") || !strings.Contains(raw, "retracted_at") {
		t.Fatalf("operators' history: %s", raw)
	}

	code, note := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", bearer: admin, body: `{"text":"private","note":true}`})
	if code != http.StatusCreated {
		t.Fatalf("note: %d", code)
	}
	in := allMessages(t, f, conv.ID)[0]
	for name, id := range map[string]string{"note": note["id"].(string), "customer message": string(in.ID)} {
		code, out := f.do(nil, request{method: "POST", path: "/api/v1/messages/" + id + "/retract", bearer: admin})
		if code != http.StatusConflict || errCode(out) != "not_sent" {
			t.Fatalf("retract a %s: %d %v", name, code, out)
		}
	}
	if code, _ := f.do(nil, request{method: "POST", path: "/api/v1/messages/msg_nope/retract", bearer: admin}); code != http.StatusNotFound {
		t.Fatalf("retract unknown: %d", code)
	}

	// A channel without retraction says so, by type.
	ctx := context.Background()
	now := time.Now().UTC()
	if err := f.store.PutChannel(ctx, store.Channel{ID: "plain1", WorkspaceID: f.ws, Type: "plain", Config: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := f.rt.Channels.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := f.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: "plain1", ExternalID: "x1", Sender: "u1", Parts: switchboard.TextParts("hello")}})
	if err != nil {
		t.Fatal(err)
	}
	plainConv := f.routed(res[0].ConversationID)
	plainReply := f.sentReply(admin, plainConv.ID, "sent for good")
	code, out = f.do(nil, request{method: "POST", path: "/api/v1/messages/" + string(plainReply.ID) + "/retract", bearer: admin})
	if code != http.StatusConflict || errCode(out) != "retract_unsupported" || !strings.Contains(errMessage(out), "plain") {
		t.Fatalf("retract on a channel that cannot: %d %v", code, out)
	}
	if m, _ := f.store.GetMessage(ctx, f.ws, plainReply.ID); m.RetractedAt != nil {
		t.Fatal("a refused retraction was recorded")
	}
	// A failed reply can be retried (and only a failed one).
	code, failed := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(plainConv.ID) + "/messages", bearer: admin, body: `{"text":"boom"}`})
	if code != http.StatusAccepted {
		t.Fatalf("reply: %d %v", code, failed)
	}
	failedID := switchboard.MessageID(failed["id"].(string))
	deadline := time.Now().Add(5 * time.Second)
	for m, _ := f.store.GetMessage(ctx, f.ws, failedID); m.Status != switchboard.StatusFailed; m, _ = f.store.GetMessage(ctx, f.ws, failedID) {
		if time.Now().After(deadline) {
			t.Fatalf("reply not failed: %+v", m)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, out := f.do(nil, request{method: "POST", path: "/api/v1/messages/" + string(failedID) + "/retract", bearer: admin}); code != http.StatusConflict || errCode(out) != "retract_unsupported" {
		t.Fatalf("retract a failed reply: %d %v", code, out)
	}
	if code, out := f.do(nil, request{method: "POST", path: "/api/v1/messages/" + string(failedID) + "/retry", bearer: admin}); code != http.StatusAccepted || out["status"] != "pending" || out["author_name"] != nil {
		t.Fatalf("retry: %d %v", code, out)
	}
	if code, out := f.do(nil, request{method: "POST", path: "/api/v1/messages/" + string(plainReply.ID) + "/retry", bearer: admin}); code != http.StatusBadRequest {
		t.Fatalf("retry a sent reply: %d %v", code, out)
	}
	if web, ok := f.rt.Channels.Get("web"); !ok || !web.Connector.Capabilities().Retract {
		t.Fatal("the site chat does not say it can retract")
	}
}

// TestDeleteMessage: admins and supervisors delete a message from the hub;
// a marker with who and when stays, the text leaves search, the visitor
// no longer sees it; operators are refused.
func TestDeleteMessage(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	conv := v.says("my card number is 4111 secret")
	f.operator("ola@example.com", switchboard.RoleOperator, conv.DepartmentID)
	sue := f.operator("sue@example.com", switchboard.RoleSupervisor)
	operator, opCSRF := f.session("ola@example.com")
	supervisor, supCSRF := f.session("sue@example.com")
	stream := f.dialStream("/api/v1/stream", nil, admin)
	msg := allMessages(t, f, conv.ID)[0]
	path := "/api/v1/messages/" + string(msg.ID)

	if code, out := f.do(operator, request{method: "DELETE", path: path, headers: map[string]string{"X-CSRF-Token": opCSRF}}); code != http.StatusForbidden {
		t.Fatalf("operator delete: %d %v", code, out)
	}
	code, out := f.do(supervisor, request{method: "DELETE", path: path, headers: map[string]string{"X-CSRF-Token": supCSRF}})
	if code != http.StatusOK || out["deleted_at"] == nil || out["deleted_by"] != string(sue.ID) || out["deleted_by_name"] != "sue@example.com" ||
		len(out["parts"].([]any)) != 0 || out["text"] != "" {
		t.Fatalf("supervisor delete: %d %v", code, out)
	}
	stream.until("deletion", func(m map[string]any) bool {
		msg, _ := m["message"].(map[string]any)
		return m["type"] == "message.updated" && msg["deleted_at"] != nil && msg["deleted_by_name"] == "sue@example.com"
	})
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", bearer: admin})
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["deleted_by_name"] != "sue@example.com" {
		t.Fatalf("history after delete: %v", list)
	}
	if raw := mustJSON(t, list); strings.Contains(raw, "4111") {
		t.Fatalf("deleted text still served: %s", raw)
	}
	_, found := f.do(nil, request{method: "GET", path: "/api/v1/search?q=4111", bearer: admin})
	if hits := found["items"].([]any); len(hits) != 0 {
		t.Fatalf("search still finds the deleted message: %v", hits)
	}
	_, hist := f.do(nil, request{method: "GET", path: "/widget/v1/messages", bearer: v.token})
	if raw := mustJSON(t, hist); strings.Contains(raw, string(msg.ID)) {
		t.Fatalf("widget history shows the deleted message: %s", raw)
	}
	resp := f.get(t, "/api/v1/conversations/"+string(conv.ID)+"/transcript?format=txt", admin)
	if body := readAll(t, resp); !strings.Contains(body, "deleted by sue@example.com") || strings.Contains(body, "4111") {
		t.Fatalf("transcript after delete:\n%s", body)
	}
	if code, _ := f.do(nil, request{method: "DELETE", path: "/api/v1/messages/msg_nope", bearer: admin}); code != http.StatusNotFound {
		t.Fatalf("delete unknown: %d", code)
	}
}

func (f *fixture) get(t *testing.T, path, bearer string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTranscript: every message in order with authors and times, notes
// marked, in three formats, as a download; the HTML page escapes what
// customers wrote and carries its own CSP; a bad format is refused.
func TestTranscript(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	conv := v.says(`<script>alert("x")</script> こんにちは`)
	ana := f.operator("ana@example.com", switchboard.RoleOperator, conv.DepartmentID)
	browser, csrf := f.session("ana@example.com")
	for _, body := range []string{`{"text":"Hello, how can I help?"}`, `{"text":"VIP customer","note":true}`} {
		if code, out := f.do(browser, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", body: body, headers: map[string]string{"X-CSRF-Token": csrf}}); code >= 300 {
			t.Fatalf("post: %d %v", code, out)
		}
	}
	// More than one internal page.
	for i := 0; i < 3; i++ {
		if _, err := f.rt.Hub.Reply(context.Background(), connectors.ReplyRequest{WorkspaceID: f.ws, ConversationID: conv.ID, AuthorID: ana.ID, Parts: switchboard.TextParts("filler"), Note: true}); err != nil {
			t.Fatal(err)
		}
	}
	base := "/api/v1/conversations/" + string(conv.ID) + "/transcript"
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", bearer: admin})
	items := list["items"].([]any)
	if items[0].(map[string]any)["author_name"] != nil || items[1].(map[string]any)["author_name"] != "ana@example.com" || items[2].(map[string]any)["author_name"] != "ana@example.com" {
		t.Fatalf("author names in the history: %v", items)
	}

	resp := f.get(t, base+"?format=txt", admin)
	txt := readAll(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename="transcript-`+string(conv.ID)) {
		t.Fatalf("txt: %d %v", resp.StatusCode, resp.Header)
	}
	iVisitor, iReply, iNote := strings.Index(txt, "こんにちは"), strings.Index(txt, "ana@example.com:"), strings.Index(txt, "ana@example.com (private note)")
	if iVisitor < 0 || iReply < iVisitor || iNote < iReply || strings.Count(txt, "filler") != 3 {
		t.Fatalf("txt transcript:\n%s", txt)
	}

	resp = f.get(t, base+"?format=json", admin)
	var doc struct {
		Messages []struct {
			AuthorName string    `json:"author_name"`
			Note       bool      `json:"note"`
			Text       string    `json:"text"`
			CreatedAt  time.Time `json:"created_at"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || len(doc.Messages) != 6 {
		t.Fatalf("json: %v %+v", err, doc)
	}
	if doc.Messages[1].AuthorName != "ana@example.com" || doc.Messages[1].Note || !doc.Messages[2].Note || doc.Messages[0].CreatedAt.IsZero() {
		t.Fatalf("json messages: %+v", doc.Messages)
	}
	if !strings.HasSuffix(strings.Trim(resp.Header.Get("Content-Disposition"), `"`), ".json") {
		t.Fatalf("json disposition %q", resp.Header.Get("Content-Disposition"))
	}

	resp = f.get(t, base+"?format=html", admin)
	html := readAll(t, resp)
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("html headers: %v", resp.Header)
	}
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") || !strings.Contains(html, `http-equiv="Content-Security-Policy"`) ||
		!strings.Contains(html, "private note") || !strings.Contains(html, "@media print") {
		t.Fatalf("html transcript:\n%s", html)
	}

	resp = f.get(t, base+"?format=pdf", admin)
	if body := readAll(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "format") {
		t.Fatalf("bad format: %d %s", resp.StatusCode, body)
	}
}
