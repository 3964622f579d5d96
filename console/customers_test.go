package console_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/console"
	"github.com/switchboardhq/switchboard/console/visitorinfo"
	"github.com/switchboardhq/switchboard/console/visitorinfo/geotest"
)

const chromeUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// geoFixture is a hub with a small MaxMind-format database (geotest) that
// takes visitors' addresses from X-Forwarded-For, as behind a proxy.
func geoFixture(t *testing.T) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "geo.mmdb")
	if err := geotest.Write(path); err != nil {
		t.Fatal(err)
	}
	res, err := visitorinfo.New(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Close() })
	return newFixtureWith(t, console.Config{Visitors: res, TrustForwardedFor: true})
}

// visits reports the page the visitor is on, from ip with Chrome.
func (v *visitor) visits(ip, url string) {
	v.f.t.Helper()
	code, out := v.f.do(nil, request{method: "POST", path: "/widget/v1/context", bearer: v.token,
		headers: map[string]string{"X-Forwarded-For": ip, "User-Agent": chromeUA},
		body:    mustJSON(v.f.t, map[string]string{"url": url, "title": "Page " + url, "referrer": "https://search.example/?q=shoes", "language": "en-GB"})})
	if code != http.StatusNoContent {
		v.f.t.Fatalf("context: %d %v", code, out)
	}
}

// The console shows where a site-chat visitor is: page, pages of the
// visit, browser, place, time zone and currency; the page updates live.
func TestVisitorContextReachesTheConsole(t *testing.T) {
	f := geoFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	v.visits(geotest.LondonIP, "https://shop.example/")
	conv := v.says("hello")

	code, out := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID), bearer: admin})
	if code != http.StatusOK {
		t.Fatalf("conversation: %d %v", code, out)
	}
	var got struct {
		Context switchboard.CustomerContext `json:"context"`
		Contact switchboard.Contact         `json:"contact"`
	}
	remarshal(t, out, &got)
	c := got.Context
	if c.PageURL != "https://shop.example/" || len(c.Pages) != 1 || c.Referrer != "https://search.example/?q=shoes" {
		t.Errorf("page = %q, pages %v, referrer %q", c.PageURL, c.Pages, c.Referrer)
	}
	if !strings.HasPrefix(c.Browser, "Chrome") || !strings.HasPrefix(c.OS, "Windows") || c.Device != "desktop" {
		t.Errorf("browser %q, os %q, device %q", c.Browser, c.OS, c.Device)
	}
	if c.IP != geotest.LondonIP || c.Location == nil || c.Location.City != "London" || c.Location.CountryCode != "GB" || c.Location.Latitude == 0 {
		t.Errorf("ip %q, location %+v", c.IP, c.Location)
	}
	if c.TimeZone != "Europe/London" || c.Currency != "GBP" || c.Language != "en-GB" {
		t.Errorf("time zone %q, currency %q, language %q", c.TimeZone, c.Currency, c.Language)
	}
	if got.Contact.Context == nil || got.Contact.Context.PageURL != c.PageURL {
		t.Errorf("the contact carries no context: %+v", got.Contact.Context)
	}

	// Navigating shows in an open console at once (the stream), with the
	// visit's pages in order.
	stream := f.dialStream("/api/v1/stream", nil, admin)
	v.visits(geotest.LondonIP, "https://shop.example/cart")
	frame := stream.until("conversation.updated with the new page", func(m map[string]any) bool {
		cv, _ := m["conversation"].(map[string]any)
		cx, _ := cv["context"].(map[string]any)
		return m["type"] == "conversation.updated" && cx["page_url"] == "https://shop.example/cart"
	})
	last := frame[len(frame)-1]["conversation"].(map[string]any)["context"].(map[string]any)
	if pages, _ := last["pages"].([]any); len(pages) != 2 {
		t.Errorf("pages after navigating = %v", last["pages"])
	}
}

// A workspace that turns IP and location collection off keeps neither,
// also not what was stored before; bad settings change nothing.
func TestPrivacySettingsStopCollection(t *testing.T) {
	f := geoFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	operator := f.token(f.ws, switchboard.RoleOperator)
	v := f.visitor()
	v.visits(geotest.TokyoIP, "https://shop.example/ja/")
	conv := v.says("こんにちは")

	for _, tc := range []struct {
		bearer, body string
		want         int
		inMsg        string
	}{
		{operator, `{"collect_ip":false}`, 403, "admin"},
		{admin, `{"visitor_retention_days":-1}`, 400, "visitor_retention_days"},
		{admin, `{"collect_ip":"no"}`, 400, "collect_ip"},
	} {
		code, out := f.do(nil, request{method: "PUT", path: "/api/v1/workspace/privacy", bearer: tc.bearer, body: tc.body})
		if code != tc.want || !strings.Contains(errMessage(out), tc.inMsg) {
			t.Errorf("PUT %s: %d %v, want %d naming %q", tc.body, code, out, tc.want, tc.inMsg)
		}
	}
	if _, out := f.do(nil, request{method: "GET", path: "/api/v1/workspace/privacy", bearer: operator}); out["collect_ip"] != true || out["visitor_retention_days"] != 0.0 {
		t.Fatalf("a refused change changed the settings: %v", out)
	}
	code, out := f.do(nil, request{method: "PUT", path: "/api/v1/workspace/privacy", bearer: admin, body: `{"collect_ip":false,"collect_location":false,"visitor_retention_days":30}`})
	if code != http.StatusOK || out["collect_ip"] != false || out["visitor_retention_days"] != 30.0 {
		t.Fatalf("PUT privacy: %d %v", code, out)
	}
	v.visits(geotest.TokyoIP, "https://shop.example/ja/cart")
	_, out = f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID), bearer: admin})
	var got struct {
		Context switchboard.CustomerContext `json:"context"`
	}
	remarshal(t, out, &got)
	if got.Context.IP != "" || got.Context.Location != nil || got.Context.PageURL != "https://shop.example/ja/cart" {
		t.Errorf("with collection off: ip %q, location %+v, page %q", got.Context.IP, got.Context.Location, got.Context.PageURL)
	}
	if raw := mustJSON(t, out); strings.Contains(raw, geotest.TokyoIP) || strings.Contains(raw, "千代田区") {
		t.Errorf("the address or place is still shown: %s", raw)
	}
}

func sign(secret, subject string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(subject))
	return hex.EncodeToString(m.Sum(nil))
}

// identify on a channel with identity_secret takes only claims the site
// signed; a verified e-mail joins the visitor to the contact who already
// has it, so one person has one history.
func TestWidgetIdentifyNeedsTheSitesSignature(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	const secret = "site-identity-secret-0123456789"
	if code, out := f.do(nil, request{method: "POST", path: "/api/v1/channels", bearer: admin,
		body: `{"id":"signed","type":"webchat","config":{"identity_secret":"` + secret + `"}}`}); code != http.StatusCreated {
		t.Fatalf("channel: %d %v", code, out)
	}
	session := func() *visitor {
		code, out := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"signed"}`})
		if code != http.StatusCreated || out["identity_verification"] != true {
			t.Fatalf("session: %d %v", code, out)
		}
		return &visitor{f: f, token: out["token"].(string), id: out["visitor_id"].(string)}
	}
	identify := func(v *visitor, body map[string]any) (int, map[string]any) {
		return f.do(nil, request{method: "POST", path: "/widget/v1/identify", bearer: v.token, body: mustJSON(t, body)})
	}

	first := session()
	code, out := identify(first, map[string]any{"name": "Hana Sato", "email": "hana@example.com", "external_id": "cust-42", "signature": sign(secret, "cust-42")})
	if code != http.StatusOK || out["verified"] != true {
		t.Fatalf("signed identify: %d %v", code, out)
	}
	conv := first.says("my order is late")

	// A visitor claiming to be Hana without the site's signature, or with
	// one made for someone else, is refused and nothing changes.
	mallory := session()
	for _, sig := range []string{"", "deadbeef", sign(secret, "cust-43"), sign("another-secret-of-length", "cust-42")} {
		code, out := identify(mallory, map[string]any{"name": "Hana Sato", "email": "hana@example.com", "external_id": "cust-42", "signature": sig})
		if code != http.StatusUnauthorized || errCode(out) != "invalid_signature" {
			t.Errorf("forged signature %q: %d %v", sig, code, out)
		}
	}
	mconv := mallory.says("show me Hana's orders")
	if mconv.ContactID == conv.ContactID {
		t.Fatal("the forged identify joined the visitor to Hana's contact")
	}
	_, mc := f.do(nil, request{method: "GET", path: "/api/v1/contacts/" + string(mconv.ContactID), bearer: admin})
	if mc["email"] == "hana@example.com" || mc["name"] == "Hana Sato" {
		t.Errorf("the forged claims were stored: %v", mc)
	}

	// The same person on another device, signed: one contact, one history.
	again := session()
	if code, out := identify(again, map[string]any{"email": "hana@example.com", "external_id": "cust-42", "signature": sign(secret, "cust-42")}); code != http.StatusOK {
		t.Fatalf("second device: %d %v", code, out)
	}
	_, hana := f.do(nil, request{method: "GET", path: "/api/v1/contacts/" + string(conv.ContactID), bearer: admin})
	ids, _ := hana["identities"].([]any)
	if hana["email_verified"] != true || len(ids) != 2 {
		t.Errorf("Hana after her second device: %v", hana)
	}
}

// Operators edit a contact's profile, attributes and labels; bad input is
// refused naming the field and changes nothing; operators outside the
// contact's departments don't see it.
func TestContactsAPI(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	conv := f.visitor().says("hi")
	f.operator("far@example.com", switchboard.RoleOperator, f.department("dept_far", "Far"))
	far, _ := f.session("far@example.com")
	path := "/api/v1/contacts/" + string(conv.ContactID)

	code, out := f.do(nil, request{method: "PATCH", path: path, bearer: admin,
		body: `{"name":"山田 花子","email":"hanako@example.jp","attributes":{"plan":"gold","会員番号":"A-1"},"labels":["vip","VIP ","b2b","vip"]}`})
	if code != http.StatusOK || out["name"] != "山田 花子" {
		t.Fatalf("patch: %d %v", code, out)
	}
	if labels := mustJSON(t, out["labels"]); labels != `["VIP","b2b","vip"]` {
		t.Errorf("labels = %s, want trimmed, sorted, unique", labels)
	}
	for _, tc := range []struct{ body, inMsg string }{
		{`{"email":"not-an-address"}`, "email"},
		{`{"phone":"call me"}`, "phone"},
		{`{"attributes":{"":"x"}}`, "attributes"},
		{`{"labels":["` + strings.Repeat("x", 200) + `"]}`, "labels"},
	} {
		code, out := f.do(nil, request{method: "PATCH", path: path, bearer: admin, body: tc.body})
		if code != http.StatusBadRequest || !strings.Contains(errMessage(out), tc.inMsg) {
			t.Errorf("PATCH %s: %d %v, want 400 naming %s", tc.body, code, out, tc.inMsg)
		}
	}
	_, out = f.do(nil, request{method: "GET", path: path, bearer: admin})
	if out["email"] != "hanako@example.jp" || out["attributes"].(map[string]any)["plan"] != "gold" {
		t.Errorf("a refused change changed the contact: %v", out)
	}
	if convs, _ := out["conversations"].([]any); len(convs) != 1 {
		t.Errorf("conversations = %v", out["conversations"])
	}
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/contacts?q=" + "花子", bearer: admin})
	if items, _ := list["items"].([]any); len(items) != 1 {
		t.Errorf("search 花子 = %v", list)
	}
	if code, _ := f.do(far, request{method: "GET", path: path}); code != http.StatusNotFound {
		t.Errorf("an operator of another department reads the contact: %d", code)
	}
}

// Two contacts of one person merge into one with both histories.
func TestMergeContacts(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	a := f.visitor().says("first device")
	b := f.customerWrites("sms-visitor", "from another channel")
	code, out := f.do(nil, request{method: "POST", path: "/api/v1/contacts/" + string(a.ContactID) + "/merge", bearer: admin, body: mustJSON(t, map[string]string{"contact_id": string(b.ContactID)})})
	if code != http.StatusOK {
		t.Fatalf("merge: %d %v", code, out)
	}
	_, out = f.do(nil, request{method: "GET", path: "/api/v1/contacts/" + string(a.ContactID), bearer: admin})
	if convs, _ := out["conversations"].([]any); len(convs) != 2 {
		t.Errorf("merged contact's conversations = %v", out["conversations"])
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/contacts/" + string(b.ContactID), bearer: admin}); code != http.StatusNotFound {
		t.Errorf("the merged-away contact is still there: %d", code)
	}
	if code, _ := f.do(nil, request{method: "POST", path: "/api/v1/contacts/" + string(a.ContactID) + "/merge", bearer: admin, body: mustJSON(t, map[string]string{"contact_id": string(a.ContactID)})}); code != http.StatusBadRequest && code != http.StatusConflict {
		t.Errorf("merge into itself: %d", code)
	}
}

// Export gives everything on a contact; erasure (admins and supervisors)
// leaves conversations that name nobody.
func TestExportAndEraseContact(t *testing.T) {
	f := geoFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	operator := f.token(f.ws, switchboard.RoleOperator)
	v := f.visitor()
	v.visits(geotest.LondonIP, "https://shop.example/")
	if code, out := f.do(nil, request{method: "POST", path: "/widget/v1/identify", bearer: v.token, body: `{"name":"Zelda Quartermaine","email":"zelda.q@example.org","phone":"+44 20 7946 0958"}`}); code != http.StatusOK {
		t.Fatalf("identify: %d %v", code, out)
	}
	conv := v.says("I am Zelda Quartermaine, mail me at zelda.q@example.org")
	f.sentReply(admin, conv.ID, "Thanks Zelda Quartermaine, we'll write to zelda.q@example.org")

	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/contacts/"+string(conv.ContactID)+"/export", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !bytes.Contains(raw, []byte("zelda.q@example.org")) || !bytes.Contains(raw, []byte("mail me at")) {
		t.Fatalf("export: %d %s %.300s", resp.StatusCode, resp.Header.Get("Content-Disposition"), raw)
	}

	path := "/api/v1/contacts/" + string(conv.ContactID)
	if code, _ := f.do(nil, request{method: "DELETE", path: path, bearer: operator}); code != http.StatusForbidden {
		t.Errorf("an operator erased a contact: %d", code)
	}
	if code, out := f.do(nil, request{method: "DELETE", path: path, bearer: admin}); code != http.StatusOK || out["erased"] != true {
		t.Fatalf("erase: %d %v", code, out)
	}
	_, c := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID), bearer: admin})
	_, msgs := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", bearer: admin})
	_, ct := f.do(nil, request{method: "GET", path: path, bearer: admin})
	_, found := f.do(nil, request{method: "GET", path: "/api/v1/search?q=Zelda", bearer: admin})
	for what, v := range map[string]any{"conversation": c, "messages": msgs, "contact": ct, "search": found} {
		raw := mustJSON(t, v)
		for _, name := range []string{"Zelda", "Quartermaine", "zelda.q@example.org", "7946", geotest.LondonIP, "London"} {
			if strings.Contains(raw, name) {
				t.Errorf("after erasure the %s still names them (%q): %.400s", what, name, raw)
			}
		}
	}
	if items, _ := msgs["items"].([]any); len(items) != 2 {
		t.Errorf("the conversation's messages after erasure = %v (want the two, emptied and scrubbed)", msgs["items"])
	}
}

// The visitor's attachments: uploaded first, then sent as parts of one
// message; media of another visitor is refused.
func TestVisitorSendsAttachments(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	v := f.visitor()
	upload := func(v *visitor, name string, body []byte) (int, map[string]any) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(body)
		mw.Close()
		req, _ := http.NewRequest("POST", f.srv.URL+"/widget/v1/uploads", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+v.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	code, img := upload(v, "photo.png", png)
	if code != http.StatusCreated || img["content_type"] != "image/png" {
		t.Fatalf("upload png: %d %v", code, img)
	}
	code, doc := upload(v, "notes.txt", []byte("order 1234, size M"))
	if code != http.StatusCreated {
		t.Fatalf("upload txt: %d %v", code, doc)
	}
	if code, out := upload(v, "big.txt", bytes.Repeat([]byte("x"), 11<<20)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("an upload over the limit: %d %v", code, out)
	}
	if code, out := upload(v, "page.html", []byte("<html><script>alert(1)</script></html>")); code != http.StatusUnsupportedMediaType && code != http.StatusBadRequest {
		t.Errorf("HTML upload: %d %v", code, out)
	}
	other := f.visitor()
	_, theirs := upload(other, "theirs.txt", []byte("someone else's file"))

	post := func(body string) (int, map[string]any) {
		return f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: v.token, body: body})
	}
	if code, out := post(`{"parts":[{"kind":"file","attachment":{"media_id":"` + theirs["media_id"].(string) + `"}}]}`); code != http.StatusBadRequest || !strings.Contains(errMessage(out), "media_id") {
		t.Errorf("another visitor's media: %d %v", code, out)
	}
	code, out := post(`{"text":"two files","client_id":"c1","parts":[{"kind":"image","attachment":{"media_id":"` + img["media_id"].(string) + `"}},{"kind":"file","attachment":{"media_id":"` + doc["media_id"].(string) + `"}}]}`)
	if code != http.StatusCreated {
		t.Fatalf("post attachments: %d %v", code, out)
	}
	conv := f.routed(switchboard.ConversationID(out["conversation_id"].(string)))
	msgs := allMessages(t, f, conv.ID)
	last := msgs[len(msgs)-1]
	var kinds []string
	for _, p := range last.Parts {
		kinds = append(kinds, string(p.Kind))
	}
	if strings.Join(kinds, ",") != "text,image,file" || last.Parts[2].Attachment.Filename != "notes.txt" {
		t.Errorf("stored parts = %v", kinds)
	}
	// The widget's history links the files so the visitor can open them.
	code, hist := f.do(nil, request{method: "GET", path: "/widget/v1/messages", bearer: v.token})
	if code != 200 || !strings.Contains(mustJSON(t, hist), "/media/"+img["media_id"].(string)+"?sig=") {
		t.Errorf("history without signed media links: %v", hist)
	}
	// Operators see the attachments in the conversation.
	_, list := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", bearer: admin})
	if raw := mustJSON(t, list); !strings.Contains(raw, "photo.png") || !strings.Contains(raw, "notes.txt") {
		t.Errorf("operator's view of the message: %.500s", raw)
	}
}

// The visitor's widget hears the operator typing and when the team read
// its messages; the operator sees their replies read.
func TestWidgetTypingAndReadMarks(t *testing.T) {
	f := newFixture(t)
	f.operator("ann@example.com", switchboard.RoleAdmin)
	ann, csrf := f.session("ann@example.com")
	v := f.visitor()
	conv := v.says("anyone there?")
	widget := f.dialStream("/widget/v1/stream?token="+v.token, nil, "")

	code, out := f.do(ann, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/typing", body: `{"typing":true}`, headers: map[string]string{"X-CSRF-Token": csrf}})
	if code != 200 || out["shown"] != true {
		t.Fatalf("typing: %d %v", code, out)
	}
	widget.until("typing", func(m map[string]any) bool {
		return m["type"] == "typing" && m["typing"] == true && m["name"] == "ann@example.com"
	})

	if code, _ := f.do(ann, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/read", headers: map[string]string{"X-CSRF-Token": csrf}}); code != http.StatusNoContent {
		t.Fatalf("read: %d", code)
	}
	widget.until("read", func(m map[string]any) bool { return m["type"] == "read" && m["at"] != nil })

	code, out = f.do(ann, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", body: `{"text":"yes, how can I help?"}`, headers: map[string]string{"X-CSRF-Token": csrf}})
	if code != http.StatusAccepted {
		t.Fatalf("reply: %d %v", code, out)
	}
	// The widget names who answered.
	frame := widget.until("the reply", func(m map[string]any) bool {
		return m["type"] == "message.created" && mustJSON(t, m["message"]) != "" && m["message"].(map[string]any)["direction"] == "out"
	})
	if author := mustJSON(t, frame[len(frame)-1]["message"].(map[string]any)["author"]); author != `{"name":"ann@example.com"}` {
		t.Errorf("the reply's author in the widget = %s", author)
	}
	reply := struct{ ID switchboard.MessageID }{switchboard.MessageID(out["id"].(string))}
	if code, out := f.do(nil, request{method: "POST", path: "/widget/v1/read", bearer: v.token, body: `{"message_id":"` + string(reply.ID) + `"}`}); code != http.StatusNoContent {
		t.Fatalf("widget read: %d %v", code, out)
	}
	m, err := f.store.GetMessage(context.Background(), f.ws, reply.ID)
	if err != nil || m.Status != switchboard.StatusRead {
		t.Errorf("reply status after the visitor read it = %q (%v)", m.Status, err)
	}
	if code, _ := f.do(nil, request{method: "POST", path: "/widget/v1/read", bearer: v.token, body: `{"message_id":"msg_not_theirs"}`}); code != http.StatusNotFound {
		t.Errorf("read of a foreign message: %d", code)
	}
	_, hist := f.do(nil, request{method: "GET", path: "/widget/v1/messages", bearer: v.token})
	if hist["read_at"] == nil {
		t.Errorf("history has no read_at after the team read: %v", hist)
	}
}

func remarshal(t testing.TB, from, into any) {
	t.Helper()
	raw, err := json.Marshal(from)
	if err == nil {
		err = json.Unmarshal(raw, into)
	}
	if err != nil {
		t.Fatal(err)
	}
}
