package console_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
)

// helpArticles stores a small knowledge base in the fixture's workspace:
// a Japanese article with its English translation, a draft and an
// article with hostile markdown.
func helpArticles(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	if err := f.store.CreateArticleCategory(ctx, switchboard.ArticleCategory{ID: "acat_ret", WorkspaceID: f.ws, Name: "返品と交換", Position: 1}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, a := range []switchboard.Article{
		{ID: "art_ja", Locale: "ja", CategoryID: "acat_ret", Title: "返品の方法", Slug: "henpin", Body: "商品到着後**30日以内**にご連絡ください。", Status: switchboard.ArticlePublished, PublishedAt: &now},
		{ID: "art_en", Locale: "en", Title: "How to return an item", Slug: "returns", Body: "Contact us within 30 days.", Status: switchboard.ArticlePublished, PublishedAt: &now, TranslationOf: "art_ja"},
		{ID: "art_draft", Locale: "ja", CategoryID: "acat_ret", Title: "返品の下書き", Slug: "draft", Body: "secret draft", Status: switchboard.ArticleDraft},
		{ID: "art_xss", Locale: "en", Title: "Hostile", Slug: "hostile", Body: "<script>alert('x')</script>\n\n[click me](javascript:alert(1))\n\n<img src=x onerror=alert(1)>", Status: switchboard.ArticlePublished, PublishedAt: &now},
	} {
		a.WorkspaceID, a.CreatedAt, a.UpdatedAt = f.ws, now, now
		if err := f.store.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
}

// get fetches a help page as a browser would.
func helpGet(t *testing.T, f *fixture, path string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestHelpCentrePages(t *testing.T) {
	f := newFixture(t)
	helpArticles(t, f)
	ws := string(f.ws)
	tests := []struct {
		name     string
		path     string
		header   map[string]string
		wantCode int
		want     []string
		notWant  []string
	}{
		{"index in Japanese from Accept-Language", "/help/", map[string]string{"Accept-Language": "ja,en;q=0.8"}, 200,
			[]string{`lang="ja"`, "ヘルプセンター", "返品と交換", "返品の方法", `hreflang="en"`}, []string{"返品の下書き", "How to return"}},
		{"index in English by ?lang", "/help/" + ws + "/?lang=en", map[string]string{"Accept-Language": "ja"}, 200,
			[]string{`lang="en"`, "Help centre", "How to return an item", "日本語"}, []string{"返品の方法", "返品の下書き"}},
		{"article with its translation", "/help/" + ws + "/articles/henpin", nil, 200,
			[]string{"<h1>返品の方法</h1>", "<strong>30日以内</strong>", "/articles/returns", "この記事は役に立ちましたか", `method="post"`}, nil},
		{"article by id", "/help/" + ws + "/articles/art_en", nil, 200, []string{"How to return an item", "Was this helpful?", "/articles/henpin"}, nil},
		{"draft is not public", "/help/" + ws + "/articles/draft", nil, 404, []string{"Page not found"}, []string{"secret draft"}},
		{"draft by id is not public", "/help/" + ws + "/articles/art_draft", nil, 404, nil, []string{"secret draft"}},
		{"unknown article", "/help/" + ws + "/articles/nope", map[string]string{"Accept-Language": "ja"}, 404, []string{"ページが見つかりません"}, nil},
		{"unknown workspace", "/help/ws_nope/", nil, 404, []string{"Page not found"}, nil},
		{"Japanese search", "/help/search?q=" + url.QueryEscape("返品"), map[string]string{"Accept-Language": "ja"}, 200,
			[]string{"返品の方法", "/articles/henpin"}, []string{"返品の下書き"}},
		{"Japanese search in the body, trigram", "/help/" + ws + "/search?q=" + url.QueryEscape("30日以内"), nil, 200,
			[]string{"返品の方法", "<mark>30日以内</mark>"}, []string{"How to return"}},
		{"search without results", "/help/search?q=zzzz&lang=en", nil, 200, []string{"No articles match"}, nil},
		{"hostile markdown renders safely", "/help/" + ws + "/articles/hostile", nil, 200, []string{"click me"},
			[]string{"<script>alert", "javascript:", "onerror"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, h, body := helpGet(t, f, tc.path, tc.header)
			if code != tc.wantCode {
				t.Fatalf("GET %s = %d, want %d\n%s", tc.path, code, tc.wantCode, body)
			}
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
				t.Errorf("CSP = %q", csp)
			}
			for _, s := range tc.want {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s lacks %q\n%s", tc.path, s, body)
				}
			}
			for _, s := range tc.notWant {
				if strings.Contains(body, s) {
					t.Errorf("GET %s has %q", tc.path, s)
				}
			}
		})
	}
}

func TestHelpCentreViewsAndVotes(t *testing.T) {
	f := newFixture(t)
	helpArticles(t, f)
	base := f.srv.URL + "/help/" + string(f.ws) + "/articles/henpin"
	for range 3 {
		if code, _, _ := helpGet(t, f, "/help/"+string(f.ws)+"/articles/henpin", nil); code != 200 {
			t.Fatalf("article: %d", code)
		}
	}
	// HEAD (a link checker) counts no view.
	if resp, err := http.Head(base); err != nil || resp.StatusCode != 200 {
		t.Fatalf("HEAD article: %v %v", resp, err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	vote := func(userAgent, helpful string) int {
		req, _ := http.NewRequest("POST", base+"/vote", strings.NewReader("helpful="+helpful))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", userAgent)
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, v := range []struct{ ua, helpful string }{{"visitor-one", "yes"}, {"visitor-one", "yes"}, {"visitor-one", "no"}, {"visitor-two", "no"}} {
		if code := vote(v.ua, v.helpful); code != http.StatusSeeOther {
			t.Fatalf("vote %v: %d", v, code)
		}
	}
	if code := vote("visitor-three", "maybe"); code != http.StatusBadRequest {
		t.Fatalf("bad vote: %d", code)
	}
	a, err := f.store.GetArticle(context.Background(), f.ws, "art_ja")
	if err != nil {
		t.Fatal(err)
	}
	if a.Views != 3 || a.Helpful != 1 || a.NotHelpful != 1 {
		t.Fatalf("views %d helpful %d not helpful %d, want 3 1 1", a.Views, a.Helpful, a.NotHelpful)
	}
	if code, _, body := helpGet(t, f, "/help/"+string(f.ws)+"/articles/henpin?voted=1", nil); code != 200 || !strings.Contains(body, "ありがとうございました") {
		t.Fatalf("after the vote: %d", code)
	}
	// A draft takes no votes.
	req, _ := http.NewRequest("POST", f.srv.URL+"/help/"+string(f.ws)+"/articles/draft/vote", strings.NewReader("helpful=yes"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("vote on a draft: %d", resp.StatusCode)
	}
}

func TestHelpCentreSitemap(t *testing.T) {
	f := newFixture(t)
	helpArticles(t, f)
	for _, path := range []string{"/help/sitemap.xml", "/help/" + string(f.ws) + "/sitemap.xml"} {
		code, h, body := helpGet(t, f, path, nil)
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/xml") {
			t.Fatalf("GET %s = %d %s", path, code, h.Get("Content-Type"))
		}
		for _, slug := range []string{"henpin", "returns", "hostile"} {
			if !strings.Contains(body, "/articles/"+slug+"</loc>") {
				t.Errorf("%s lacks %s:\n%s", path, slug, body)
			}
		}
		if strings.Contains(body, "draft") {
			t.Errorf("%s lists the draft:\n%s", path, body)
		}
	}
}
