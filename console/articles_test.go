package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard"
)

func TestArticlesAPI(t *testing.T) {
	f := newFixture(t)
	admin := f.token(f.ws, switchboard.RoleAdmin)
	supervisor := f.token(f.ws, switchboard.RoleSupervisor)
	operator := f.token(f.ws, switchboard.RoleOperator)

	code, cat := f.do(nil, request{method: "POST", path: "/api/v1/article-categories", bearer: supervisor, body: `{"name":"返品","position":1}`})
	if code != http.StatusCreated || cat["id"] == "" {
		t.Fatalf("create category: %d %v", code, cat)
	}
	catID := cat["id"].(string)
	code, art := f.do(nil, request{method: "POST", path: "/api/v1/articles", bearer: admin,
		body: `{"title":"返品の方法","body":"# 手順\n\n30日以内","locale":"ja","category_id":"` + catID + `"}`})
	if code != http.StatusCreated || art["status"] != "draft" || art["published_at"] != nil || art["slug"] == "" {
		t.Fatalf("create article: %d %v", code, art)
	}
	id := art["id"].(string)
	code, en := f.do(nil, request{method: "POST", path: "/api/v1/articles", bearer: admin,
		body: `{"title":"How to return an item","body":"Steps","locale":"en","status":"published","translation_of":"` + id + `"}`})
	if code != http.StatusCreated || en["slug"] != "how-to-return-an-item" || en["published_at"] == nil || en["translation_of"] != id {
		t.Fatalf("create translation: %d %v", code, en)
	}

	tests := []struct {
		name     string
		method   string
		path     string
		bearer   string
		body     string
		wantCode int
		wantErr  string
	}{
		{"operator reads", "GET", "/api/v1/articles/" + id, operator, "", 200, ""},
		{"operator lists", "GET", "/api/v1/articles?locale=ja", operator, "", 200, ""},
		{"operator cannot create", "POST", "/api/v1/articles", operator, `{"title":"x","locale":"en"}`, 403, "forbidden"},
		{"operator cannot delete", "DELETE", "/api/v1/articles/" + id, operator, "", 403, "forbidden"},
		{"operator cannot create a category", "POST", "/api/v1/article-categories", operator, `{"name":"x"}`, 403, "forbidden"},
		{"title required", "POST", "/api/v1/articles", admin, `{"title":" ","locale":"en"}`, 400, "invalid_title"},
		{"locale", "POST", "/api/v1/articles", admin, `{"title":"x","locale":"English"}`, 400, "invalid_locale"},
		{"status", "POST", "/api/v1/articles", admin, `{"title":"x","locale":"en","status":"live"}`, 400, "invalid_status"},
		{"slug", "POST", "/api/v1/articles", admin, `{"title":"x","locale":"en","slug":"Not A Slug"}`, 400, "invalid_slug"},
		{"category", "POST", "/api/v1/articles", admin, `{"title":"x","locale":"en","category_id":"acat_nope"}`, 400, "invalid_category_id"},
		{"original", "POST", "/api/v1/articles", admin, `{"title":"x","locale":"en","translation_of":"art_nope"}`, 400, "invalid_translation_of"},
		{"itself", "PATCH", "/api/v1/articles/" + id, admin, `{"translation_of":"` + id + `"}`, 400, "invalid_translation_of"},
		{"slug taken", "PATCH", "/api/v1/articles/" + id, admin, `{"slug":"how-to-return-an-item"}`, 409, "slug_taken"},
		{"category name required", "POST", "/api/v1/article-categories", admin, `{"name":""}`, 400, "invalid_name"},
		{"category name taken", "POST", "/api/v1/article-categories", admin, `{"name":"返品"}`, 409, "name_taken"},
		{"unknown article", "GET", "/api/v1/articles/art_nope", operator, "", 404, "not_found"},
		{"unknown category", "PATCH", "/api/v1/article-categories/acat_nope", admin, `{"name":"x"}`, 404, "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.do(nil, request{method: tc.method, path: tc.path, bearer: tc.bearer, body: tc.body})
			if code != tc.wantCode || (tc.wantErr != "" && errCode(out) != tc.wantErr) {
				t.Fatalf("%s %s = %d %v, want %d %s", tc.method, tc.path, code, out, tc.wantCode, tc.wantErr)
			}
		})
	}

	// PATCH keeps what it does not send; publishing stamps published_at.
	code, got := f.do(nil, request{method: "PATCH", path: "/api/v1/articles/" + id, bearer: supervisor, body: `{"status":"published"}`})
	if code != 200 || got["title"] != "返品の方法" || got["category_id"] != catID || got["published_at"] == nil {
		t.Fatalf("publish: %d %v", code, got)
	}
	code, list := f.do(nil, request{method: "GET", path: "/api/v1/articles?status=published&locale=en", bearer: operator})
	if arts, _ := list["items"].([]any); code != 200 || len(arts) != 1 {
		t.Fatalf("list published en: %d %v", code, list)
	}
	code, cats := f.do(nil, request{method: "GET", path: "/api/v1/article-categories", bearer: operator})
	if cs, _ := cats["items"].([]any); code != 200 || len(cs) != 1 {
		t.Fatalf("list categories: %d %v", code, cats)
	}
	if code, c := f.do(nil, request{method: "PATCH", path: "/api/v1/article-categories/" + catID, bearer: admin, body: `{"name":"返品・交換"}`}); code != 200 || c["name"] != "返品・交換" || c["position"] != float64(1) {
		t.Fatalf("rename category: %d %v", code, c)
	}
	if code, _ := f.do(nil, request{method: "DELETE", path: "/api/v1/article-categories/" + catID, bearer: admin}); code != 204 {
		t.Fatalf("delete category: %d", code)
	}
	if code, _ := f.do(nil, request{method: "DELETE", path: "/api/v1/articles/" + id, bearer: supervisor}); code != 204 {
		t.Fatalf("delete article: %d", code)
	}
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/articles/" + id, bearer: operator}); code != 404 {
		t.Fatalf("deleted article: %d", code)
	}
	// Another workspace sees none of it.
	otherWS := switchboard.WorkspaceID("ws_other_articles")
	if err := f.store.CreateWorkspace(t.Context(), switchboard.Workspace{ID: otherWS, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	other := f.token(otherWS, switchboard.RoleAdmin)
	if code, _ := f.do(nil, request{method: "GET", path: "/api/v1/articles/" + en["id"].(string), bearer: other}); code != 404 {
		t.Fatalf("article of another workspace: %d", code)
	}
}

func TestArticlePreviewSanitises(t *testing.T) {
	f := newFixture(t)
	operator := f.token(f.ws, switchboard.RoleOperator)
	code, out := f.do(nil, request{method: "POST", path: "/api/v1/articles/preview", bearer: operator,
		body: `{"body":"# Title\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) **bold**"}`})
	html, _ := out["html"].(string)
	if code != 200 || !strings.Contains(html, "<h1") || !strings.Contains(html, "<strong>bold</strong>") {
		t.Fatalf("preview: %d %v", code, out)
	}
	if strings.Contains(html, "<script") || strings.Contains(html, "javascript:") {
		t.Fatalf("preview is not safe: %s", html)
	}
}
