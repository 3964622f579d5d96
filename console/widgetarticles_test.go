package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
)

// putArticle stores an article straight in the store.
func (f *fixture) putArticle(ws switchboard.WorkspaceID, id, locale, title, body string, status switchboard.ArticleStatus, views int) {
	f.t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	a := switchboard.Article{ID: switchboard.ArticleID(id), WorkspaceID: ws, Locale: locale, Title: title, Slug: strings.ReplaceAll(id, "_", "-"), Body: body, Status: status, CreatedAt: now, UpdatedAt: now}
	if status == switchboard.ArticlePublished {
		a.PublishedAt = &now
	}
	if err := f.store.CreateArticle(ctx, a); err != nil {
		f.t.Fatal(err)
	}
	for range views {
		if err := f.store.CountArticleView(ctx, ws, a.ID); err != nil {
			f.t.Fatal(err)
		}
	}
}

// The widget suggests published articles of its channel's workspace while
// a visitor types: Japanese queries work, drafts and other workspaces'
// articles never show, an empty query answers the most read ones.
func TestWidgetArticles(t *testing.T) {
	f := newFixture(t)
	other := switchboard.WorkspaceID("ws_other_faq")
	if err := f.store.CreateWorkspace(t.Context(), switchboard.Workspace{ID: other, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("ご注文の前にお読みください。", 20)
	f.putArticle(f.ws, "art_return_ja", "ja", "返品の方法", "## 手順\n\n商品到着後 **30日以内** に[窓口](https://example.jp)へご連絡ください。", switchboard.ArticlePublished, 1)
	f.putArticle(f.ws, "art_return_en", "en", "How to return an item", "Within **30 days** of delivery, write to us.", switchboard.ArticlePublished, 5)
	f.putArticle(f.ws, "art_ship_ja", "ja", "配送について", long+"送料は全国一律です。", switchboard.ArticlePublished, 7)
	f.putArticle(f.ws, "art_draft_ja", "ja", "返品の方法（下書き）", "返品 まだ公開しません", switchboard.ArticleDraft, 100)
	f.putArticle(other, "art_other_ja", "ja", "返品の方法 他社", "返品は他社の窓口へ", switchboard.ArticlePublished, 100)
	for i := range 7 {
		f.putArticle(f.ws, fmt.Sprintf("art_many_%d", i), "en", fmt.Sprintf("Shipping FAQ %d", i), "shipping question", switchboard.ArticlePublished, 0)
	}

	type item struct{ id, title, snippet, url string }
	get := func(t *testing.T, query string) (int, []item, map[string]any) {
		t.Helper()
		code, out := f.do(nil, request{method: "GET", path: "/widget/v1/articles?" + query})
		var items []item
		list, _ := out["items"].([]any)
		for _, x := range list {
			m := x.(map[string]any)
			items = append(items, item{m["id"].(string), m["title"].(string), m["snippet"].(string), m["url"].(string)})
		}
		return code, items, out
	}
	ids := func(items []item) string {
		var out []string
		for _, it := range items {
			out = append(out, it.id)
		}
		return strings.Join(out, ",")
	}

	tests := []struct {
		name  string
		query url.Values
		want  string // ids in order
	}{
		{"Japanese query of three characters or more (trigram index)", url.Values{"channel": {"web"}, "q": {"返品の方"}, "locale": {"ja"}}, "art_return_ja"},
		{"Japanese query of two characters (LIKE)", url.Values{"channel": {"web"}, "q": {"送料"}, "locale": {"ja"}}, "art_ship_ja"},
		{"English query finds the English article", url.Values{"channel": {"web"}, "q": {"how to return"}, "locale": {"en"}}, "art_return_en"},
		{"a Japanese sentence finds the article by its words", url.Values{"channel": {"web"}, "q": {"商品の返品をしたいのですが、方法を教えてください"}, "locale": {"ja"}}, "art_return_ja"},
		{"an English sentence finds the article by its words", url.Values{"channel": {"web"}, "q": {"Hi, can I return an item I bought?"}, "locale": {"en"}}, "art_return_en"},
		{"nothing matches", url.Values{"channel": {"web"}, "q": {"存在しない言葉"}}, ""},
		{"at most five", url.Values{"channel": {"web"}, "q": {"Shipping FAQ"}, "locale": {"en"}}, "art_many_0,art_many_1,art_many_2,art_many_3,art_many_4"},
		{"empty query: the most read in the locale", url.Values{"channel": {"web"}, "locale": {"ja"}}, "art_ship_ja,art_return_ja"},
		{"empty query, region in the locale", url.Values{"channel": {"web"}, "locale": {"ja-JP"}}, "art_ship_ja,art_return_ja"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, items, out := get(t, tc.query.Encode())
			if code != http.StatusOK || ids(items) != tc.want {
				t.Fatalf("GET %s = %d %v, want %s", tc.query.Encode(), code, out, tc.want)
			}
		})
	}

	// What one suggestion carries: plain text, an absolute help-centre link.
	_, items, _ := get(t, url.Values{"channel": {"web"}, "q": {"返品"}, "locale": {"ja"}}.Encode())
	if len(items) != 1 || items[0].id != "art_return_ja" {
		t.Fatalf("返品: %v (drafts and other workspaces must not show)", items)
	}
	it := items[0]
	if it.title != "返品の方法" || it.snippet != "手順 商品到着後 30日以内 に窓口へご連絡ください。" {
		t.Fatalf("title/snippet: %q %q", it.title, it.snippet)
	}
	if want := f.srv.URL + "/help/" + string(f.ws) + "/articles/art-return-ja"; it.url != want {
		t.Fatalf("url %q, want %q", it.url, want)
	}
	// The link opens the article on the help centre.
	resp, err := http.Get(it.url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", it.url, resp.StatusCode)
	}
	// A long body is cut around the match.
	_, items, _ = get(t, url.Values{"channel": {"web"}, "q": {"送料は全国"}}.Encode())
	if len(items) != 1 || !strings.Contains(items[0].snippet, "送料は全国一律です。") || !strings.HasPrefix(items[0].snippet, "…") || len([]rune(items[0].snippet)) > 142 {
		t.Fatalf("long snippet: %v", items)
	}

	// Bad requests change nothing and say what is wrong.
	bad := []struct {
		name, query string
		code        int
		err         string
	}{
		{"no channel", "q=x", 400, "invalid_channel"},
		{"unknown channel", "channel=nope&q=x", 404, "unknown_channel"},
		{"bad locale", "channel=web&locale=Japanese!", 400, "invalid_locale"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			code, _, out := get(t, tc.query)
			if code != tc.code || errCode(out) != tc.err {
				t.Fatalf("%s: %d %v, want %d %s", tc.query, code, out, tc.code, tc.err)
			}
		})
	}

	// A visitor's token names the channel too; the config names the workspace.
	v := f.visitor()
	if code, out := f.do(nil, request{method: "GET", path: "/widget/v1/articles?q=" + url.QueryEscape("返品"), bearer: v.token}); code != 200 || len(out["items"].([]any)) != 1 {
		t.Fatalf("with a token: %d %v", code, out)
	}
	if code, cfg := f.do(nil, request{method: "GET", path: "/widget/v1/config?channel=web"}); code != 200 || cfg["workspace_id"] != string(f.ws) {
		t.Fatalf("config workspace_id: %d %v", code, cfg)
	}
}

// The console's composer (status=published) and the articles page find
// articles with GET /api/v1/articles?q=: of the caller's workspace only.
func TestArticlesAPISearch(t *testing.T) {
	f := newFixture(t)
	other := switchboard.WorkspaceID("ws_other_search")
	if err := f.store.CreateWorkspace(t.Context(), switchboard.Workspace{ID: other, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	f.putArticle(f.ws, "art_pw_ja", "ja", "パスワードの再設定", "ログイン画面から再設定できます。", switchboard.ArticlePublished, 0)
	f.putArticle(f.ws, "art_pw_en", "en", "Reset your password", "From the sign-in page.", switchboard.ArticlePublished, 0)
	f.putArticle(f.ws, "art_pw_draft", "ja", "パスワード（下書き）", "パスワード", switchboard.ArticleDraft, 0)
	f.putArticle(other, "art_pw_other", "ja", "パスワード 他社", "パスワード", switchboard.ArticlePublished, 0)
	op := f.token(f.ws, switchboard.RoleOperator)
	tests := []struct {
		name, query string
		code        int
		want        string
	}{
		{"Japanese, published", "q=" + url.QueryEscape("パスワード") + "&status=published", 200, "art_pw_ja"},
		{"in one locale", "q=password&locale=en&status=published", 200, "art_pw_en"},
		{"no match", "q=" + url.QueryEscape("請求書"), 200, ""},
		{"drafts when asked", "q=" + url.QueryEscape("パスワード") + "&status=draft", 200, "art_pw_draft"},
		{"any status: title matches first", "q=" + url.QueryEscape("再設定"), 200, "art_pw_ja"},
		{"every status", "q=" + url.QueryEscape("パスワード") + "&locale=ja", 200, "art_pw_ja,art_pw_draft"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := f.do(nil, request{method: "GET", path: "/api/v1/articles?" + tc.query, bearer: op})
			if code != tc.code {
				t.Fatalf("%s: %d %v", tc.query, code, out)
			}
			if code != 200 {
				if errCode(out) != tc.want {
					t.Fatalf("%s: %v, want %s", tc.query, out, tc.want)
				}
				return
			}
			var got []string
			for _, x := range out["items"].([]any) {
				got = append(got, x.(map[string]any)["id"].(string))
			}
			if strings.Join(got, ",") != tc.want {
				t.Fatalf("%s: %v, want %s", tc.query, got, tc.want)
			}
		})
	}
}
