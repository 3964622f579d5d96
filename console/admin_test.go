package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// sessionHeaders logs in an operator made by f.operator and returns a client and
// the headers unsafe requests need.
func (f *fixture) sessionHeaders(email string) (*http.Client, map[string]string) {
	f.t.Helper()
	c, csrf := f.session(email)
	return c, map[string]string{"X-CSRF-Token": csrf}
}

func items(out map[string]any) []any { v, _ := out["items"].([]any); return v }

// TestTemplatesPermissions: personal templates are their owner's alone
// (others get 404), shared ones are read by all and written by admins and
// supervisors; bad input names the field and changes nothing.
func TestTemplatesPermissions(t *testing.T) {
	f := newFixture(t)
	f.operator("ann@example.com", switchboard.RoleOperator)
	f.operator("bob@example.com", switchboard.RoleOperator)
	f.operator("sue@example.com", switchboard.RoleSupervisor)
	ann, annH := f.sessionHeaders("ann@example.com")
	bob, bobH := f.sessionHeaders("bob@example.com")
	sue, sueH := f.sessionHeaders("sue@example.com")

	code, mine := f.do(ann, request{method: "POST", path: "/api/v1/templates", headers: annH, body: `{"name":"Thanks","shortcut":"thx","text":"Thanks {{contact.name}}!"}`})
	if code != http.StatusCreated || mine["scope"] != "personal" || mine["owner_id"] == "" {
		t.Fatalf("create personal: %d %v", code, mine)
	}
	mineID := mine["id"].(string)
	code, shared := f.do(sue, request{method: "POST", path: "/api/v1/templates", headers: sueH, body: `{"name":"Hello","shortcut":"hi","scope":"shared","parts":[{"kind":"text","text":"Hi {{contact.name}}"},{"kind":"buttons","quick_reply":true,"buttons":[{"label":"Yes","payload":"y"}]}]}`})
	if code != http.StatusCreated || shared["scope"] != "shared" {
		t.Fatalf("create shared: %d %v", code, shared)
	}
	sharedID := shared["id"].(string)

	tests := []struct {
		name     string
		client   *http.Client
		h        map[string]string
		r        request
		wantCode int
		wantErr  string
	}{
		{"operator cannot create shared", bob, bobH, request{method: "POST", path: "/api/v1/templates", body: `{"name":"x","text":"x","scope":"shared"}`}, 403, "forbidden"},
		{"operator cannot edit shared", bob, bobH, request{method: "PATCH", path: "/api/v1/templates/" + sharedID, body: `{"name":"mine now"}`}, 403, "forbidden"},
		{"operator cannot delete shared", bob, bobH, request{method: "DELETE", path: "/api/v1/templates/" + sharedID}, 403, "forbidden"},
		{"other's personal is hidden", bob, bobH, request{method: "GET", path: "/api/v1/templates/" + mineID}, 404, "not_found"},
		{"other's personal cannot be changed", bob, bobH, request{method: "PATCH", path: "/api/v1/templates/" + mineID, body: `{"name":"x"}`}, 404, "not_found"},
		{"supervisor cannot see personal", sue, sueH, request{method: "GET", path: "/api/v1/templates/" + mineID}, 404, "not_found"},
		{"shortcut with space", ann, annH, request{method: "POST", path: "/api/v1/templates", body: `{"name":"x","shortcut":"a b","text":"x"}`}, 400, "invalid_shortcut"},
		{"missing name", ann, annH, request{method: "POST", path: "/api/v1/templates", body: `{"text":"x"}`}, 400, "invalid_name"},
		{"missing text", ann, annH, request{method: "POST", path: "/api/v1/templates", body: `{"name":"x"}`}, 400, "invalid_text"},
		{"bad scope", ann, annH, request{method: "POST", path: "/api/v1/templates", body: `{"name":"x","text":"x","scope":"team"}`}, 400, "invalid_scope"},
		{"bad form field type", sue, sueH, request{method: "POST", path: "/api/v1/templates", body: `{"name":"f","scope":"shared","parts":[{"kind":"form","form":{"fields":[{"name":"n","label":"N","type":"date"}]}}]}`}, 400, "invalid_parts"},
		{"duplicate shortcut", ann, annH, request{method: "POST", path: "/api/v1/templates", body: `{"name":"Again","shortcut":"thx","text":"x"}`}, 409, "shortcut_taken"},
		{"owner edits personal", ann, annH, request{method: "PATCH", path: "/api/v1/templates/" + mineID, body: `{"text":"Thank you, {{contact.name}}."}`}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.headers = tc.h
			code, out := f.do(tc.client, tc.r)
			if code != tc.wantCode || (tc.wantErr != "" && errCode(out) != tc.wantErr) {
				t.Fatalf("%s %s: %d %v, want %d %s", tc.r.method, tc.r.path, code, out, tc.wantCode, tc.wantErr)
			}
		})
	}
	_, list := f.do(bob, request{method: "GET", path: "/api/v1/templates"})
	if got := items(list); len(got) != 1 || got[0].(map[string]any)["id"] != sharedID {
		t.Fatalf("bob's list = %v, want only the shared one", got)
	}
	_, list = f.do(ann, request{method: "GET", path: "/api/v1/templates?q=/thx"})
	if got := items(list); len(got) != 1 || got[0].(map[string]any)["text"] != "Thank you, {{contact.name}}." {
		t.Fatalf("ann's list ?q=/thx = %v", got)
	}
	if all, _ := f.store.ListTemplates(context.Background(), f.ws, ""); len(all) != 1 {
		t.Fatalf("refused requests stored templates: %d shared", len(all))
	}
	if code, _ := f.do(sue, request{method: "DELETE", path: "/api/v1/templates/" + sharedID, headers: sueH}); code != http.StatusNoContent {
		t.Fatalf("supervisor deletes shared: %d", code)
	}
}

// TestSendTemplateFillsVariables: a template sent by id, and text with
// variables, go out with the contact's and operator's names filled in; HTML
// parts are stored sanitised and markdown is shown as sanitised HTML.
func TestSendTemplateFillsVariables(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.rt.Hub.AcceptResults(ctx, []switchboard.Inbound{{Kind: switchboard.InboundMessage, ChannelID: "web", ExternalID: "x1",
		Sender: "v1", Profile: switchboard.Profile{Name: "Kenji", Email: "kenji@example.com"}, Parts: switchboard.TextParts("hi")}})
	if err != nil {
		t.Fatal(err)
	}
	conv := res[0].ConversationID
	f.operator("ann@example.com", switchboard.RoleAdmin)
	c, h := f.sessionHeaders("ann@example.com")
	path := "/api/v1/conversations/" + string(conv) + "/messages"
	_, tpl := f.do(c, request{method: "POST", path: "/api/v1/templates", headers: h, body: `{"name":"Hello","shortcut":"hi","scope":"shared","text":"Hello {{ contact.name }}, I am {{operator.name}} ({{contact.email}}) {{unknown}}"}`})

	tests := []struct {
		name, body string
		wantCode   int
		wantText   string
		wantErr    string
	}{
		{"template by id", `{"template_id":"` + tpl["id"].(string) + `"}`, 202, "Hello Kenji, I am ann@example.com (kenji@example.com) {{unknown}}", ""},
		{"text with variables", `{"text":"Bye {{contact.name}}"}`, 202, "Bye Kenji", ""},
		{"unknown template", `{"template_id":"tpl_nope"}`, 400, "", "invalid_template_id"},
		{"template and text", `{"template_id":"` + tpl["id"].(string) + `","text":"x"}`, 400, "", "invalid_request"},
		{"html sanitised", `{"parts":[{"kind":"html","text":"<b>ok</b><script>alert(1)</script><a href=\"javascript:alert(1)\" onclick=\"x()\">l</a><img src=x onerror=alert(1)>"}]}`, 202, "", ""},
		{"html that is only script", `{"parts":[{"kind":"html","text":"<script>alert(1)</script>"}]}`, 400, "", "invalid_parts"},
		{"markdown", `{"parts":[{"kind":"markdown","text":"**bold** [x](javascript:alert(1)) <script>y</script>"}]}`, 202, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.do(c, request{method: "POST", path: path, headers: h, body: tc.body})
			if code != tc.wantCode || (tc.wantErr != "" && errCode(out) != tc.wantErr) {
				t.Fatalf("%d %v, want %d %s", code, out, tc.wantCode, tc.wantErr)
			}
			if tc.wantText != "" && out["text"] != tc.wantText {
				t.Fatalf("text = %q, want %q", out["text"], tc.wantText)
			}
			if code != 202 {
				return
			}
			stored, err := f.store.GetMessage(ctx, f.ws, switchboard.MessageID(out["id"].(string)))
			if err != nil {
				t.Fatal(err)
			}
			part := out["parts"].([]any)[0].(map[string]any)
			rendered, _ := part["html"].(string)
			for _, bad := range []string{"<script", "javascript:", "onerror", "onclick"} {
				if strings.Contains(stored.Parts[0].Text, bad) && stored.Parts[0].Kind == switchboard.PartHTML {
					t.Errorf("stored html keeps %q: %s", bad, stored.Parts[0].Text)
				}
				if strings.Contains(rendered, bad) {
					t.Errorf("rendered html keeps %q: %s", bad, rendered)
				}
			}
			if stored.Parts[0].Kind == switchboard.PartMarkdown && !strings.Contains(rendered, "<strong>bold</strong>") {
				t.Errorf("markdown html = %s", rendered)
			}
		})
	}
}

// TestOperatorsAdmin: only admins list, add and change operators; a
// disabled operator's session stops working and they cannot log in.
func TestOperatorsAdmin(t *testing.T) {
	f := newFixture(t)
	conv := f.customerWrites("v1", "hello")
	f.operator("root@example.com", switchboard.RoleAdmin)
	f.operator("op@example.com", switchboard.RoleOperator, conv.DepartmentID)
	admin, ah := f.sessionHeaders("root@example.com")
	op, oh := f.sessionHeaders("op@example.com")

	if code, out := f.do(op, request{method: "GET", path: "/api/v1/operators"}); code != 403 || errCode(out) != "forbidden" {
		t.Fatalf("operator lists operators: %d %v", code, out)
	}
	if code, _ := f.do(op, request{method: "POST", path: "/api/v1/operators", headers: oh, body: `{"email":"x@example.com","name":"X","role":"admin","password":"long enough"}`}); code != 403 {
		t.Fatalf("operator adds an operator: %d", code)
	}
	bad := []struct{ body, code string }{
		{`{"email":"nope","name":"N","role":"operator","password":"long enough"}`, "invalid_email"},
		{`{"email":"n@example.com","name":"","role":"operator","password":"long enough"}`, "invalid_name"},
		{`{"email":"n@example.com","name":"N","role":"boss","password":"long enough"}`, "invalid_role"},
		{`{"email":"n@example.com","name":"N","role":"operator","password":"short"}`, "invalid_password"},
		{`{"email":"n@example.com","name":"N","role":"operator","password":"long enough","department_ids":["dep_nope"]}`, "invalid_department_ids"},
		{`{"email":"op@example.com","name":"N","role":"operator","password":"long enough"}`, "email_taken"},
	}
	for _, b := range bad {
		if code, out := f.do(admin, request{method: "POST", path: "/api/v1/operators", headers: ah, body: b.body}); errCode(out) != b.code {
			t.Errorf("POST %s: %d %v, want %s", b.body, code, out, b.code)
		}
	}
	code, nina := f.do(admin, request{method: "POST", path: "/api/v1/operators", headers: ah,
		body: `{"email":"nina@example.com","name":"Nina","role":"operator","password":"long enough","department_ids":["` + string(conv.DepartmentID) + `"]}`})
	if code != 201 || nina["presence"] != "offline" || nina["password"] != nil {
		t.Fatalf("add operator: %d %v", code, nina)
	}
	_, list := f.do(admin, request{method: "GET", path: "/api/v1/operators"})
	if len(items(list)) != 3 {
		t.Fatalf("operators = %v", list)
	}
	ninaID := nina["id"].(string)
	code, patched := f.do(admin, request{method: "PATCH", path: "/api/v1/operators/" + ninaID, headers: ah, body: `{"role":"supervisor","name":"Nina K","slack_user_id":"UNINA"}`})
	if code != 200 || patched["role"] != "supervisor" || patched["name"] != "Nina K" {
		t.Fatalf("patch: %d %v", code, patched)
	}
	if linked, err := f.store.OperatorByAccount(context.Background(), "slack", "UNINA"); err != nil || string(linked.ID) != ninaID {
		t.Fatalf("slack link = %v, %v", linked.ID, err)
	}
	if code, out := f.do(admin, request{method: "PATCH", path: "/api/v1/operators/op_nope", headers: ah, body: `{"name":"x"}`}); code != 404 {
		t.Fatalf("patch unknown: %d %v", code, out)
	}
	// Disable the logged-in operator: their session stops at once.
	opID := ""
	for _, it := range items(list) {
		if m := it.(map[string]any); m["email"] == "op@example.com" {
			opID = m["id"].(string)
		}
	}
	if code, out := f.do(admin, request{method: "PATCH", path: "/api/v1/operators/" + opID, headers: ah, body: `{"disabled":true}`}); code != 200 || out["disabled"] != true {
		t.Fatalf("disable: %d %v", code, out)
	}
	if code, _ := f.do(op, request{method: "GET", path: "/api/v1/me"}); code != http.StatusUnauthorized {
		t.Fatalf("disabled operator's session: %d, want 401", code)
	}
	if code, out := f.do(nil, request{method: "POST", path: "/api/v1/auth/login", body: `{"email":"op@example.com","password":"correct horse"}`}); code != 403 || errCode(out) != "account_disabled" {
		t.Fatalf("disabled operator logs in: %d %v", code, out)
	}
	if code, out := f.do(admin, request{method: "PATCH", path: "/api/v1/operators/" + opID, headers: ah, body: `{"disabled":false}`}); code != 200 || out["disabled"] != false {
		t.Fatalf("enable: %d %v", code, out)
	}
	f.sessionHeaders("op@example.com")
}

// TestTokensAdmin: tokens are created (secret shown once), listed without
// secrets and revoked; a revoked token stops working; only admins manage them.
func TestTokensAdmin(t *testing.T) {
	f := newFixture(t)
	f.operator("root@example.com", switchboard.RoleAdmin)
	f.operator("sup@example.com", switchboard.RoleSupervisor)
	admin, ah := f.sessionHeaders("root@example.com")
	sup, sh := f.sessionHeaders("sup@example.com")
	if code, _ := f.do(sup, request{method: "POST", path: "/api/v1/tokens", headers: sh, body: `{"name":"x","role":"admin"}`}); code != 403 {
		t.Fatalf("supervisor creates a token: %d", code)
	}
	if code, out := f.do(admin, request{method: "POST", path: "/api/v1/tokens", headers: ah, body: `{"name":"ci","role":"root"}`}); code != 400 || errCode(out) != "invalid_role" {
		t.Fatalf("bad role: %d %v", code, out)
	}
	code, tok := f.do(admin, request{method: "POST", path: "/api/v1/tokens", headers: ah, body: `{"name":"ci","role":"operator"}`})
	secret, _ := tok["token"].(string)
	if code != 201 || !strings.HasPrefix(secret, "sbt_") {
		t.Fatalf("create token: %d %v", code, tok)
	}
	if code, me := f.do(nil, request{method: "GET", path: "/api/v1/me", bearer: secret}); code != 200 || me["role"] != "operator" {
		t.Fatalf("new token: %d %v", code, me)
	}
	_, list := f.do(admin, request{method: "GET", path: "/api/v1/tokens"})
	if got := items(list); len(got) != 1 || got[0].(map[string]any)["token"] != nil || got[0].(map[string]any)["hash"] != nil || got[0].(map[string]any)["name"] != "ci" {
		t.Fatalf("list = %v", got)
	}
	if code, _ := f.do(admin, request{method: "DELETE", path: "/api/v1/tokens/" + tok["id"].(string), headers: ah}); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/me", bearer: secret}); code != 401 {
		t.Fatalf("revoked token: %d", code)
	}
	if code, _ := f.do(admin, request{method: "DELETE", path: "/api/v1/tokens/" + tok["id"].(string), headers: ah}); code != 404 {
		t.Fatalf("revoke twice: %d", code)
	}
}

// TestSettings: defaults, partial PUT, validation, and tokens have none.
func TestSettings(t *testing.T) {
	f := newFixture(t)
	f.operator("ann@example.com", switchboard.RoleOperator)
	c, h := f.sessionHeaders("ann@example.com")
	if code, out := f.do(c, request{method: "GET", path: "/api/v1/me/settings"}); code != 200 || out["notify_title"] != true || out["notify_desktop"] != false || out["language"] != "" {
		t.Fatalf("defaults: %d %v", code, out)
	}
	if code, out := f.do(c, request{method: "PUT", path: "/api/v1/me/settings", headers: h, body: `{"language":"fr"}`}); code != 400 || errCode(out) != "invalid_language" {
		t.Fatalf("bad language: %d %v", code, out)
	}
	if code, out := f.do(c, request{method: "PUT", path: "/api/v1/me/settings", headers: h, body: `{"language":"ja","notify_sound":false}`}); code != 200 || out["language"] != "ja" || out["notify_sound"] != false || out["notify_title"] != true {
		t.Fatalf("put: %d %v", code, out)
	}
	if _, out := f.do(c, request{method: "GET", path: "/api/v1/me/settings"}); out["language"] != "ja" || out["notify_sound"] != false {
		t.Fatalf("after put: %v", out)
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/me/settings", bearer: f.token(f.ws, switchboard.RoleAdmin)}); code != 400 {
		t.Fatalf("token settings: %d", code)
	}
}

// upload posts body as the multipart file field.
func (f *fixture) upload(c *http.Client, h map[string]string, filename string, body []byte) (int, map[string]any) {
	f.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(body)
	mw.Close()
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/media", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = jsonDecode(resp, &out)
	return resp.StatusCode, out
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// TestMediaUploadAndServe: uploads are sniffed, limited and
// content-addressed; serving sets safe headers; another department's
// operator gets 404 for media of a conversation they cannot see.
func TestMediaUploadAndServe(t *testing.T) {
	f := newFixture(t)
	conv := f.customerWrites("v1", "hello")
	sales := switchboard.Department{ID: "dep_sales", WorkspaceID: f.ws, Name: "Sales"}
	if err := f.store.CreateDepartment(context.Background(), sales); err != nil {
		t.Fatal(err)
	}
	f.operator("gil@example.com", switchboard.RoleOperator, conv.DepartmentID)
	f.operator("sam@example.com", switchboard.RoleOperator, sales.ID)
	gil, gh := f.sessionHeaders("gil@example.com")
	sam, sh := f.sessionHeaders("sam@example.com")

	code, up := f.upload(gil, gh, "dot.png", pngBytes)
	if code != 201 || up["content_type"] != "image/png" || up["size"] != float64(len(pngBytes)) || !strings.HasPrefix(up["id"].(string), "med_") {
		t.Fatalf("upload: %d %v", code, up)
	}
	if code2, again := f.upload(gil, gh, "same.png", pngBytes); code2 != 201 || again["id"] != up["id"] {
		t.Fatalf("same bytes again: %d %v, want id %v", code2, again, up["id"])
	}
	for _, tc := range []struct {
		name, file string
		body       []byte
		want       int
	}{
		{"html", "x.html", []byte("<html><script>alert(1)</script></html>"), 415},
		{"svg", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), 415},
		{"html named png", "x.png", []byte("<!DOCTYPE html><script>alert(1)</script>"), 415},
		{"empty", "x.png", nil, 400},
	} {
		if code, out := f.upload(gil, gh, tc.file, tc.body); code != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.name, code, out, tc.want)
		}
	}
	id := up["id"].(string)
	get := func(c *http.Client) *http.Response {
		req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/media/"+id, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := get(sam); resp.StatusCode != 404 {
		t.Fatalf("another operator fetches an unsent upload: %d", resp.StatusCode)
	}
	resp := get(gil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
		t.Fatalf("serve: %d %v", resp.StatusCode, resp.Header)
	}
	// Sent into gil's conversation: gil's department sees it, sales does not.
	path := "/api/v1/conversations/" + string(conv.ID) + "/messages"
	code, sent := f.do(gil, request{method: "POST", path: path, headers: gh, body: `{"parts":[{"kind":"image","attachment":{"media_id":"` + id + `"}}]}`})
	if code != 202 {
		t.Fatalf("send image: %d %v", code, sent)
	}
	// The provider and the visitor fetch it by its signed link, no session.
	att := sent["parts"].([]any)[0].(map[string]any)["attachment"].(map[string]any)
	link, _ := att["url"].(string)
	if !strings.HasPrefix(link, "/media/"+id+"?sig=") || att["content_type"] != "image/png" {
		t.Fatalf("attachment = %v", att)
	}
	for _, tc := range []struct {
		url  string
		want int
	}{{link, 200}, {link[:len(link)-1] + "x", 404}, {"/media/" + id, 404}, {"/media/med_other?sig=" + link[strings.Index(link, "sig=")+4:], 404}} {
		resp, err := http.Get(f.srv.URL + tc.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want || (tc.want == 200 && (resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff")) {
			t.Errorf("GET %s: %d %v, want %d", tc.url, resp.StatusCode, resp.Header, tc.want)
		}
	}
	if code, out := f.do(sam, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", headers: sh, body: `{"text":"x"}`}); code != 404 {
		t.Fatalf("sales posts into gil's conversation: %d %v", code, out)
	}
	if code, out := f.do(gil, request{method: "POST", path: path, headers: gh, body: `{"parts":[{"kind":"image","attachment":{"media_id":"med_nope"}}]}`}); code != 400 || errCode(out) != "invalid_media_id" {
		t.Fatalf("unknown media id: %d %v", code, out)
	}
	if resp := get(sam); resp.StatusCode != 404 {
		t.Fatalf("other department fetches: %d", resp.StatusCode)
	}
	f.operator("gwen@example.com", switchboard.RoleOperator, conv.DepartmentID)
	gwen, _ := f.sessionHeaders("gwen@example.com")
	if resp := get(gwen); resp.StatusCode != 200 {
		t.Fatalf("same department fetches a sent image: %d", resp.StatusCode)
	}
	// An HTML body stored under an image type (a provider's claim) is
	// served as a download, never as HTML inline.
	if err := f.store.PutMedia(context.Background(), store.Media{ID: "med_evil", WorkspaceID: f.ws, ContentType: "image/png", Body: []byte("<html><script>alert(1)</script>")}); err != nil {
		t.Fatal(err)
	}
	admin := f.token(f.ws, switchboard.RoleAdmin)
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/media/med_evil", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if ct := r2.Header.Get("Content-Type"); strings.HasPrefix(ct, "image/") || !strings.HasPrefix(r2.Header.Get("Content-Disposition"), "attachment") ||
		r2.Header.Get("Content-Security-Policy") != "default-src 'none'; sandbox" {
		t.Fatalf("evil media served as %q %q %q", ct, r2.Header.Get("Content-Disposition"), r2.Header.Get("Content-Security-Policy"))
	}
}

// TestChannelTypesAndCapabilities: channel types describe their config
// from the connector; channels list their capabilities, html for site chat.
func TestChannelTypesAndCapabilities(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	code, out := f.do(nil, request{method: "GET", path: "/api/v1/channel-types", bearer: admin})
	if code != 200 {
		t.Fatalf("channel-types: %d %v", code, out)
	}
	var web map[string]any
	for _, it := range items(out) {
		if m := it.(map[string]any); m["type"] == "webchat" {
			web = m
		}
	}
	if web == nil || web["name"] != "Site chat" {
		t.Fatalf("webchat type missing: %v", out)
	}
	found := false
	for _, fl := range web["fields"].([]any) {
		m := fl.(map[string]any)
		if m["key"] == "allowed_origins" && m["kind"] == "list" && m["label"] != "" && m["help"] != "" {
			found = true
		}
	}
	if !found {
		t.Fatalf("webchat fields = %v", web["fields"])
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/channel-types", bearer: f.token(f.ws, switchboard.RoleOperator)}); code != 403 {
		t.Fatalf("operator reads channel types: %d", code)
	}
	_, chans := f.do(nil, request{method: "GET", path: "/api/v1/channels", bearer: admin})
	caps, _ := items(chans)[0].(map[string]any)["capabilities"].(map[string]any)
	if caps["html"] != true || caps["forms"] != true {
		t.Fatalf("webchat capabilities = %v", caps)
	}
}

// TestWidgetFormResponse: a visitor answers a form an operator sent; the
// answer is checked against the form and stored as fields.
func TestWidgetFormResponse(t *testing.T) {
	f := newFixture(t)
	_, sess := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"web"}`})
	vt := sess["token"].(string)
	if code, out := f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: vt, body: `{"text":"sign me up"}`}); code != 201 {
		t.Fatalf("visitor writes: %d %v", code, out)
	}
	conv, err := f.store.FindConversation(context.Background(), "web", switchboard.ExternalID(sess["visitor_id"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	admin := f.token(f.ws, switchboard.RoleAdmin)
	code, form := f.do(nil, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", bearer: admin,
		body: `{"parts":[{"kind":"form","form":{"title":"Sign up","fields":[{"name":"name","label":"Name","type":"text","required":true},{"name":"email","label":"E-mail","type":"email","required":true}],"submit_label":"Send"}}]}`})
	if code != 202 {
		t.Fatalf("send form: %d %v", code, form)
	}
	formID := form["id"].(string)
	answer := func(fields string) (int, map[string]any) {
		return f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: vt,
			body: `{"parts":[{"kind":"form_response","form_response":{"form_message_id":"` + formID + `","fields":` + fields + `}}]}`})
	}
	for _, tc := range []struct{ name, fields, code string }{
		{"missing required", `[{"name":"name","value":"Ken"}]`, "invalid_form_response_fields"},
		{"bad e-mail", `[{"name":"name","value":"Ken"},{"name":"email","value":"ken@"}]`, "invalid_form_response_fields"},
		{"unknown field", `[{"name":"name","value":"Ken"},{"name":"email","value":"ken@example.com"},{"name":"admin","value":"1"}]`, "invalid_form_response_fields"},
	} {
		if code, out := answer(tc.fields); code != 400 || errCode(out) != tc.code {
			t.Errorf("%s: %d %v, want 400 %s", tc.name, code, out, tc.code)
		}
	}
	if code, out := f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: vt,
		body: `{"parts":[{"kind":"form_response","form_response":{"form_message_id":"msg_nope","fields":[{"name":"a","value":"b"}]}}]}`}); code != 400 || errCode(out) != "invalid_form_message_id" {
		t.Errorf("unknown form: %d %v", code, out)
	}
	code, out := answer(`[{"name":"name","value":"Ken"},{"name":"email","value":"ken@example.com"}]`)
	if code != 201 {
		t.Fatalf("answer: %d %v", code, out)
	}
	m, err := f.store.GetMessage(context.Background(), f.ws, switchboard.MessageID(out["id"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	fr := m.Parts[0].FormResponse
	if m.Parts[0].Kind != switchboard.PartFormResponse || fr == nil || len(fr.Fields) != 2 || fr.Fields[1].Label != "E-mail" || fr.Fields[1].Value != "ken@example.com" ||
		m.Text() != "Name: Ken\nE-mail: ken@example.com" {
		t.Fatalf("stored answer = %+v %q", m.Parts, m.Text())
	}
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

// TestSharedTemplateImage: an image in a shared template is seen and sent
// by every operator of the workspace, not only by who uploaded it; an
// image in someone else's personal template is not.
func TestSharedTemplateImage(t *testing.T) {
	f := newFixture(t)
	conv := f.customerWrites("v1", "hello")
	f.operator("root@example.com", switchboard.RoleAdmin)
	f.operator("op@example.com", switchboard.RoleOperator, conv.DepartmentID)
	admin, ah := f.sessionHeaders("root@example.com")
	op, oh := f.sessionHeaders("op@example.com")
	code, up := f.upload(admin, ah, "chart.png", pngBytes)
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %v", code, up)
	}
	img := up["id"].(string)
	part := `[{"kind":"image","text":"Size chart","attachment":{"media_id":"` + img + `"}}]`
	code, tpl := f.do(admin, request{method: "POST", path: "/api/v1/templates", headers: ah,
		body: `{"name":"Chart","shortcut":"chart","scope":"shared","parts":` + part + `}`})
	if code != http.StatusCreated {
		t.Fatalf("shared template: %d %v", code, tpl)
	}
	if code, _ := f.do(op, request{method: "GET", path: "/api/v1/media/" + img}); code != http.StatusOK {
		t.Fatalf("operator reads the shared template's image: %d", code)
	}
	if code, out := f.do(op, request{method: "POST", path: "/api/v1/conversations/" + string(conv.ID) + "/messages", headers: oh,
		body: `{"template_id":"` + tpl["id"].(string) + `"}`}); code != http.StatusAccepted {
		t.Fatalf("operator sends the shared template: %d %v", code, out)
	}
	// The admin's personal template with another image: not the operator's.
	_, up2 := f.upload(admin, ah, "private.png", append(append([]byte{}, pngBytes...), 'x'))
	private := up2["id"].(string)
	if code, out := f.do(admin, request{method: "POST", path: "/api/v1/templates", headers: ah,
		body: `{"name":"Mine","shortcut":"mine","scope":"personal","parts":[{"kind":"image","attachment":{"media_id":"` + private + `"}}]}`}); code != http.StatusCreated {
		t.Fatalf("personal template: %d %v", code, out)
	}
	if code, _ := f.do(op, request{method: "GET", path: "/api/v1/media/" + private}); code != http.StatusNotFound {
		t.Fatalf("operator reads another's personal template image: %d, want 404", code)
	}
}
