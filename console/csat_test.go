package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// resolvedSurvey has a visitor write, an admin resolve the conversation,
// and returns the visitor's token and the rating card's token.
func resolvedSurvey(t *testing.T, f *fixture) (visitorToken, cardToken string, conv switchboard.ConversationID) {
	t.Helper()
	_, sess := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"web"}`})
	vt := sess["token"].(string)
	if code, out := f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: vt, body: `{"text":"where is my parcel?"}`}); code != http.StatusCreated {
		t.Fatalf("visitor writes: %d %v", code, out)
	}
	c, err := f.store.FindConversation(context.Background(), "web", switchboard.ExternalID(sess["visitor_id"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	f.routed(c.ID)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	if code, out := f.do(nil, request{method: "PATCH", path: "/api/v1/conversations/" + string(c.ID), bearer: admin, body: `{"status":"resolved"}`}); code != http.StatusOK {
		t.Fatalf("resolve: %d %v", code, out)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		_, hist := f.do(nil, request{method: "GET", path: "/widget/v1/messages", bearer: vt})
		items, _ := hist["items"].([]any)
		for _, it := range items {
			for _, p := range it.(map[string]any)["parts"].([]any) {
				part := p.(map[string]any)
				if part["kind"] == "csat" {
					return vt, part["csat"].(map[string]any)["token"].(string), c.ID
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no rating card in the widget's history")
	return "", "", ""
}

// TestWidgetCSAT: the visitor whose conversation was resolved finds the
// rating card in the widget and rates once; another visitor cannot use
// the token; bad scores change nothing.
func TestWidgetCSAT(t *testing.T) {
	f := newFixture(t)
	vt, tok, conv := resolvedSurvey(t, f)
	_, other := f.do(nil, request{method: "POST", path: "/widget/v1/sessions", body: `{"channel":"web"}`})
	ot := other["token"].(string)
	f.do(nil, request{method: "POST", path: "/widget/v1/messages", bearer: ot, body: `{"text":"hi"}`})

	body := func(score int, comment string) string {
		return fmt.Sprintf(`{"token":%q,"score":%d,"comment":%q}`, tok, score, comment)
	}
	tests := []struct {
		name, bearer, body string
		want               int
		code               string
	}{
		{"no visitor token", "", body(4, ""), http.StatusUnauthorized, "unauthorized"},
		{"another visitor", ot, body(1, "not mine"), http.StatusNotFound, "unknown_survey"},
		{"forged token", vt, `{"token":"cs_x.zzz.bad","score":4}`, http.StatusNotFound, "unknown_survey"},
		{"no token", vt, `{"score":4}`, http.StatusBadRequest, "invalid_token"},
		{"score too high", vt, body(6, ""), http.StatusBadRequest, "invalid_score"},
		{"score zero", vt, body(0, ""), http.StatusBadRequest, "invalid_score"},
		{"comment too long", vt, body(4, strings.Repeat("x", 2001)), http.StatusBadRequest, "invalid_comment"},
		{"rated", vt, body(4, "とても親切でした"), http.StatusOK, ""},
		{"rated again", vt, body(1, "changed"), http.StatusConflict, "already_rated"},
	}
	for _, tc := range tests {
		code, out := f.do(nil, request{method: "POST", path: "/widget/v1/csat", bearer: tc.bearer, body: tc.body})
		if code != tc.want {
			t.Fatalf("%s: %d %v, want %d", tc.name, code, out, tc.want)
		}
		if tc.code != "" {
			if e, _ := out["error"].(map[string]any); e["code"] != tc.code {
				t.Fatalf("%s: error %v, want %s", tc.name, out, tc.code)
			}
		}
	}
	// The visitor's history shows the card rated (a reloaded widget shows the outcome).
	_, hist := f.do(nil, request{method: "GET", path: "/widget/v1/messages", bearer: vt})
	var card map[string]any
	for _, it := range hist["items"].([]any) {
		for _, p := range it.(map[string]any)["parts"].([]any) {
			if p.(map[string]any)["kind"] == "csat" {
				card = p.(map[string]any)["csat"].(map[string]any)
			}
		}
	}
	if card["closed"] != true || card["score"] != 4.0 {
		t.Fatalf("rated card in the history = %v", card)
	}
	// Operators see the question, never the customer's rating link.
	_, msgs := f.do(nil, request{method: "GET", path: "/api/v1/conversations/" + string(conv) + "/messages", bearer: f.token(f.ws, switchboard.RoleAdmin)})
	if raw := fmt.Sprint(msgs); !strings.Contains(raw, "How did we do?") || strings.Contains(raw, tok) {
		t.Fatalf("operator's view of the question: %s", raw)
	}
	s, err := f.store.CSATSurveyOfConversation(context.Background(), f.ws, conv)
	if err != nil || s.Score != 4 || s.Comment != "とても親切でした" || s.Via != switchboard.CSATViaWidget {
		t.Fatalf("survey = %+v, %v", s, err)
	}
}

// TestCSATPage: /csat/{token} shows the form, records one rating, then
// says it was rated (409) to a replay; expired links are 410, others 404;
// the page is Japanese for Japanese browsers and under the strict CSP.
func TestCSATPage(t *testing.T) {
	f := newFixture(t)
	_, tok, conv := resolvedSurvey(t, f)
	get := func(path, lang string) (int, string, http.Header) {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	post := func(form url.Values) (int, string) {
		resp, err := http.PostForm(f.srv.URL+"/csat/"+tok, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, page, hd := get("/csat/"+tok, "ja,en;q=0.8")
	if code != http.StatusOK || !strings.Contains(page, "今回の対応はいかがでしたか") || !strings.Contains(page, `name="score" value="5"`) ||
		!strings.Contains(page, `<textarea id="comment" name="comment"`) {
		t.Fatalf("GET: %d %s", code, page)
	}
	if csp := hd.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(page, "<script") {
		t.Fatalf("CSP %q", csp)
	}
	open, err := f.store.CSATSurveyOfConversation(context.Background(), f.ws, conv)
	if err != nil {
		t.Fatal(err)
	}
	if code, page, _ := get("/csat/"+f.rt.CSATToken(open.ID, time.Now().Add(-time.Hour)), ""); code != http.StatusGone || !strings.Contains(page, "expired") {
		t.Fatalf("expired: %d %s", code, page)
	}
	if code, page := post(url.Values{"score": {"9"}, "comment": {"keep me"}}); code != http.StatusBadRequest || !strings.Contains(page, "1 to 5") || !strings.Contains(page, "keep me") {
		t.Fatalf("bad score: %d %s", code, page)
	}
	if code, page := post(url.Values{"score": {"5"}, "comment": {"<b>great</b>"}}); code != http.StatusOK || !strings.Contains(page, "Thank you") {
		t.Fatalf("POST: %d %s", code, page)
	}
	if code, page := post(url.Values{"score": {"1"}}); code != http.StatusConflict || !strings.Contains(page, "already been rated") {
		t.Fatalf("replayed POST: %d %s", code, page)
	}
	if code, page, _ := get("/csat/"+tok, ""); code != http.StatusConflict || !strings.Contains(page, "already been rated") {
		t.Fatalf("GET after rating: %d %s", code, page)
	}
	s, err := f.store.CSATSurveyOfConversation(context.Background(), f.ws, conv)
	if err != nil || s.Score != 5 || s.Comment != "<b>great</b>" || s.Via != switchboard.CSATViaLink {
		t.Fatalf("survey = %+v %v", s, err)
	}
	if code, page, _ := get("/csat/"+tok[:len(tok)-3]+"abc", "ja"); code != http.StatusNotFound || !strings.Contains(page, "リンクが無効です") {
		t.Fatalf("forged: %d %s", code, page)
	}
}

// TestCSATAPI: GET /api/v1/csat filters the answers, aggregates them,
// and shows operators only their departments' answers.
func TestCSATAPI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	def, err := f.store.DefaultDepartment(ctx, f.ws)
	if err != nil {
		t.Fatal(err)
	}
	sales := switchboard.Department{ID: "dep_sales", WorkspaceID: f.ws, Name: "Sales", CreatedAt: time.Now().UTC()}
	if err := f.store.CreateDepartment(ctx, sales); err != nil {
		t.Fatal(err)
	}
	ana := f.operator("ana@example.com", switchboard.RoleOperator, def.ID)
	f.operator("sue@example.com", switchboard.RoleSupervisor)
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) // a Monday
	for i, v := range []struct {
		dept  switchboard.DepartmentID
		op    switchboard.OperatorID
		score int
		days  int
	}{{def.ID, ana.ID, 5, 0}, {def.ID, ana.ID, 3, 1}, {sales.ID, "op_other", 1, 8}} {
		s := switchboard.CSATSurvey{ID: switchboard.CSATSurveyID(fmt.Sprint("cs_", i)), WorkspaceID: f.ws, ConversationID: switchboard.ConversationID(fmt.Sprint("cv_", i)),
			ChannelID: "web", ChannelType: "webchat", OperatorID: v.op, DepartmentID: v.dept, AskedAt: at, ExpiresAt: at.Add(time.Hour)}
		if err := f.store.CreateCSATSurvey(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.AnswerCSATSurvey(ctx, f.ws, s.ID, store.CSATAnswer{Score: v.score, Comment: fmt.Sprint("c", i), Via: "link", At: at.AddDate(0, 0, v.days)}); err != nil {
			t.Fatal(err)
		}
	}
	login := func(email string) *http.Client {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		if code, _ := f.do(c, request{method: "POST", path: "/api/v1/auth/login", body: `{"email":"` + email + `","password":"correct horse"}`}); code != http.StatusOK {
			t.Fatalf("login %s: %d", email, code)
		}
		return c
	}
	ids := func(out map[string]any) string {
		var got []string
		for _, it := range out["items"].([]any) {
			got = append(got, it.(map[string]any)["conversation_id"].(string))
		}
		return strings.Join(got, ",")
	}
	sue, anaC := login("sue@example.com"), login("ana@example.com")
	tests := []struct {
		name   string
		client *http.Client
		query  string
		want   int
		items  string
	}{
		{"supervisor sees all", sue, "", 200, "cv_2,cv_1,cv_0"},
		{"operator sees own departments", anaC, "", 200, "cv_1,cv_0"},
		{"operator asks for another department", anaC, "?department_id=dep_sales", 403, ""},
		{"by operator", sue, "?operator_id=" + string(ana.ID), 200, "cv_1,cv_0"},
		{"by department", sue, "?department_id=dep_sales", 200, "cv_2"},
		{"by channel", sue, "?channel=other", 200, ""},
		{"period", sue, "?from=2026-11-03&to=2026-11-10", 200, "cv_2,cv_1"},
		{"bad from", sue, "?from=yesterday", 400, ""},
		{"to before from", sue, "?from=2026-11-05&to=2026-11-01", 400, ""},
		{"bad group", sue, "?group=year", 400, ""},
		{"bad cursor", sue, "?cursor=zzz", 400, ""},
		{"bad limit", sue, "?limit=0", 400, ""},
	}
	for _, tc := range tests {
		code, out := f.do(tc.client, request{method: "GET", path: "/api/v1/csat" + tc.query})
		if code != tc.want {
			t.Fatalf("%s: %d %v, want %d", tc.name, code, out, tc.want)
		}
		if code == 200 && ids(out) != tc.items {
			t.Errorf("%s: items %s, want %s", tc.name, ids(out), tc.items)
		}
	}
	_, out := f.do(sue, request{method: "GET", path: "/api/v1/csat?group=week"})
	agg := out["aggregates"].(map[string]any)
	overall := agg["overall"].(map[string]any)
	if overall["count"] != 3.0 || overall["average"] != 3.0 || overall["satisfied"] != 1.0 {
		t.Fatalf("overall = %v", overall)
	}
	weeks := agg["by_period"].([]any)
	if len(weeks) != 2 || weeks[0].(map[string]any)["key"] != "2026-11-02" || weeks[0].(map[string]any)["count"] != 2.0 {
		t.Fatalf("weeks = %v", weeks)
	}
	depts := agg["by_department"].([]any)
	if len(depts) != 2 || depts[0].(map[string]any)["name"] != "General" && depts[1].(map[string]any)["name"] != "General" {
		t.Fatalf("departments = %v", depts)
	}
	first := out["items"].([]any)[2].(map[string]any)
	if first["operator_name"] != "ana@example.com" || first["score"] != 5.0 || first["comment"] != "c0" {
		t.Fatalf("item = %v", first)
	}
	_, own := f.do(anaC, request{method: "GET", path: "/api/v1/csat"})
	if o := own["aggregates"].(map[string]any)["overall"].(map[string]any); o["count"] != 2.0 || o["average"] != 4.0 {
		t.Fatalf("operator's overall = %v", o)
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/csat"}); code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", code)
	}
}
