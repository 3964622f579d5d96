package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/store"
)

// articleTests are the contract tests of the knowledge base (issue 15);
// Run registers them.
var articleTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"ArticleCRUD", testArticleCRUD},
	{"ArticleCategories", testArticleCategories},
	{"ArticleSearch", testArticleSearch},
	{"ArticleViewsAndVotes", testArticleViewsAndVotes},
}

func newArticle(ws switchboard.WorkspaceID, id, locale, title, slug, body string, status switchboard.ArticleStatus) switchboard.Article {
	a := switchboard.Article{ID: switchboard.ArticleID(id), WorkspaceID: ws, Locale: locale, Title: title, Slug: slug, Body: body,
		Status: status, CreatedAt: t0, UpdatedAt: t0}
	if status == switchboard.ArticlePublished {
		at := t0
		a.PublishedAt = &at
	}
	return a
}

func testArticleCRUD(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "Articles")
	other := newWorkspace(t, s, "Articles other")
	a := newArticle(ws, "art_1", "ja", "返品の方法", "returns", "# 返品\n\n手順", switchboard.ArticleDraft)
	must(t, s.CreateArticle(ctx, a), "CreateArticle")
	wantErr(t, s.CreateArticle(ctx, newArticle(ws, "art_2", "ja", "x", "returns", "", switchboard.ArticleDraft)), store.ErrConflict, "CreateArticle same slug")
	must(t, s.CreateArticle(ctx, newArticle(other, "art_o", "ja", "x", "returns", "", switchboard.ArticleDraft)), "CreateArticle same slug in other workspace")

	got, err := s.GetArticle(ctx, ws, "art_1")
	must(t, err, "GetArticle")
	if got.Title != a.Title || got.Body != a.Body || got.Status != switchboard.ArticleDraft || got.PublishedAt != nil || !got.CreatedAt.Equal(t0) || !isUTC(got.CreatedAt) {
		t.Fatalf("GetArticle = %+v", got)
	}
	_, err = s.GetArticle(ctx, other, "art_1")
	wantErr(t, err, store.ErrNotFound, "GetArticle in other workspace")

	tr := newArticle(ws, "art_en", "en", "How to return", "returns-en", "Steps", switchboard.ArticlePublished)
	tr.TranslationOf = "art_1"
	must(t, s.CreateArticle(ctx, tr), "CreateArticle translation")

	got.Status = switchboard.ArticlePublished
	pub := t0.Add(time.Hour)
	got.PublishedAt, got.UpdatedAt = &pub, pub
	got.Title = "返品・交換の方法"
	must(t, s.UpdateArticle(ctx, got), "UpdateArticle")
	again, err := s.GetArticleBySlug(ctx, ws, "returns")
	must(t, err, "GetArticleBySlug")
	if again.ID != "art_1" || again.Title != "返品・交換の方法" || again.PublishedAt == nil || !again.PublishedAt.Equal(pub) {
		t.Fatalf("after update = %+v", again)
	}
	got.Slug = "returns-en"
	wantErr(t, s.UpdateArticle(ctx, got), store.ErrConflict, "UpdateArticle taken slug")
	wantErr(t, s.UpdateArticle(ctx, switchboard.Article{ID: "art_1", WorkspaceID: other, Slug: "zz"}), store.ErrNotFound, "UpdateArticle in other workspace")

	list, err := s.ListArticles(ctx, ws, store.ArticleQuery{Status: switchboard.ArticlePublished, Locale: "en"})
	must(t, err, "ListArticles")
	if len(list) != 1 || list[0].ID != "art_en" {
		t.Fatalf("ListArticles en = %+v", list)
	}

	wantErr(t, s.DeleteArticle(ctx, other, "art_1"), store.ErrNotFound, "DeleteArticle in other workspace")
	must(t, s.DeleteArticle(ctx, ws, "art_1"), "DeleteArticle")
	_, err = s.GetArticle(ctx, ws, "art_1")
	wantErr(t, err, store.ErrNotFound, "GetArticle deleted")
	en, err := s.GetArticle(ctx, ws, "art_en")
	must(t, err, "GetArticle translation")
	if en.TranslationOf != "" {
		t.Fatalf("translation of a deleted article = %q, want none", en.TranslationOf)
	}
}

func testArticleCategories(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "Article categories")
	must(t, s.CreateArticleCategory(ctx, switchboard.ArticleCategory{ID: "cat_b", WorkspaceID: ws, Name: "Shipping", Position: 2}), "CreateArticleCategory")
	must(t, s.CreateArticleCategory(ctx, switchboard.ArticleCategory{ID: "cat_a", WorkspaceID: ws, Name: "Orders", Position: 1}), "CreateArticleCategory")
	wantErr(t, s.CreateArticleCategory(ctx, switchboard.ArticleCategory{ID: "cat_c", WorkspaceID: ws, Name: "Orders"}), store.ErrConflict, "CreateArticleCategory same name")

	a := newArticle(ws, "art_s", "en", "Delivery times", "delivery", "", switchboard.ArticlePublished)
	a.CategoryID = "cat_b"
	must(t, s.CreateArticle(ctx, a), "CreateArticle")
	b := newArticle(ws, "art_o", "en", "Cancel an order", "cancel", "", switchboard.ArticlePublished)
	b.CategoryID = "cat_a"
	must(t, s.CreateArticle(ctx, b), "CreateArticle")
	list, err := s.ListArticles(ctx, ws, store.ArticleQuery{})
	must(t, err, "ListArticles")
	if len(list) != 2 || list[0].ID != "art_o" || list[1].ID != "art_s" {
		t.Fatalf("ListArticles by category position = %+v", list)
	}
	inCat, err := s.ListArticles(ctx, ws, store.ArticleQuery{CategoryID: "cat_b"})
	must(t, err, "ListArticles by category")
	if len(inCat) != 1 || inCat[0].ID != "art_s" {
		t.Fatalf("ListArticles cat_b = %+v", inCat)
	}

	must(t, s.UpdateArticleCategory(ctx, switchboard.ArticleCategory{ID: "cat_b", WorkspaceID: ws, Name: "Delivery", Position: 0}), "UpdateArticleCategory")
	cats, err := s.ListArticleCategories(ctx, ws)
	must(t, err, "ListArticleCategories")
	if len(cats) != 2 || cats[0].ID != "cat_b" || cats[0].Name != "Delivery" || cats[1].ID != "cat_a" {
		t.Fatalf("ListArticleCategories = %+v", cats)
	}
	other := newWorkspace(t, s, "Article categories other")
	wantErr(t, s.DeleteArticleCategory(ctx, other, "cat_b"), store.ErrNotFound, "DeleteArticleCategory in other workspace")
	must(t, s.DeleteArticleCategory(ctx, ws, "cat_b"), "DeleteArticleCategory")
	got, err := s.GetArticle(ctx, ws, "art_s")
	must(t, err, "GetArticle")
	if got.CategoryID != "" {
		t.Fatalf("article of a deleted category has category %q", got.CategoryID)
	}
}

func testArticleSearch(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "Article search")
	other := newWorkspace(t, s, "Article search other")
	for _, a := range []switchboard.Article{
		newArticle(ws, "art_ret", "ja", "返品の方法", "henpin", "商品到着後30日以内にご連絡ください。", switchboard.ArticlePublished),
		newArticle(ws, "art_pay", "ja", "お支払い", "pay", "返品の場合は返金いたします。", switchboard.ArticlePublished),
		newArticle(ws, "art_draft", "ja", "返品の下書き", "draft", "", switchboard.ArticleDraft),
		newArticle(ws, "art_en", "en", "Returns policy", "returns", "You can return items within 30 days.", switchboard.ArticlePublished),
		newArticle(other, "art_x", "ja", "返品の方法", "henpin", "", switchboard.ArticlePublished),
	} {
		must(t, s.CreateArticle(ctx, a), "CreateArticle "+string(a.ID))
	}
	ids := func(as []switchboard.Article) []switchboard.ArticleID {
		var out []switchboard.ArticleID
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	for _, tc := range []struct {
		query, locale string
		want          []switchboard.ArticleID
	}{
		{"返品", "", []switchboard.ArticleID{"art_ret", "art_pay"}}, // two characters: LIKE
		{"返品の方法", "", []switchboard.ArticleID{"art_ret"}},         // FTS5 trigram
		{"30日以内", "ja", []switchboard.ArticleID{"art_ret"}},       // in the body
		{"return", "", []switchboard.ArticleID{"art_en"}},         // case and word prefix
		{"RETURNS", "en", []switchboard.ArticleID{"art_en"}},      // case-insensitive
		{"returns", "ja", nil}, // other locale
		{"下書き", "", nil},       // drafts are never found
		{"50%", "", nil},       // LIKE wildcards are literal
		{`"`, "", nil},         // FTS syntax is literal
		{"  ", "", nil},
	} {
		got, err := s.SearchArticles(ctx, ws, tc.query, tc.locale, 10)
		must(t, err, "SearchArticles "+tc.query)
		g := ids(got)
		if len(g) != len(tc.want) {
			t.Errorf("SearchArticles(%q, %q) = %v, want %v", tc.query, tc.locale, g, tc.want)
			continue
		}
		for i := range g {
			if g[i] != tc.want[i] {
				t.Errorf("SearchArticles(%q, %q) = %v, want %v", tc.query, tc.locale, g, tc.want)
				break
			}
		}
	}
	// An edited title is found by its new words only.
	a, err := s.GetArticle(ctx, ws, "art_pay")
	must(t, err, "GetArticle")
	a.Title, a.Body = "Payment methods", "Card or bank transfer."
	must(t, s.UpdateArticle(ctx, a), "UpdateArticle")
	got, err := s.SearchArticles(ctx, ws, "返品の場合", "", 10)
	must(t, err, "SearchArticles after edit")
	if len(got) != 0 {
		t.Errorf("old body still found: %v", ids(got))
	}
	got, err = s.SearchArticles(ctx, ws, "transfer", "", 10)
	must(t, err, "SearchArticles new body")
	if len(got) != 1 || got[0].ID != "art_pay" {
		t.Errorf("new body not found: %v", ids(got))
	}
}

func testArticleViewsAndVotes(t *testing.T, s store.Store) {
	ctx := context.Background()
	ws := newWorkspace(t, s, "Article votes")
	other := newWorkspace(t, s, "Article votes other")
	must(t, s.CreateArticle(ctx, newArticle(ws, "art_v", "en", "Votes", "votes", "", switchboard.ArticlePublished)), "CreateArticle")
	must(t, s.CountArticleView(ctx, ws, "art_v"), "CountArticleView")
	must(t, s.CountArticleView(ctx, ws, "art_v"), "CountArticleView")
	wantErr(t, s.CountArticleView(ctx, other, "art_v"), store.ErrNotFound, "CountArticleView in other workspace")

	for _, v := range []struct {
		visitor string
		helpful bool
		counted bool
	}{
		{"visitor-a", true, true},
		{"visitor-a", false, false}, // the first vote stands
		{"visitor-b", false, true},
		{"visitor-c", true, true},
	} {
		counted, err := s.VoteArticle(ctx, ws, "art_v", v.visitor, v.helpful)
		must(t, err, "VoteArticle")
		if counted != v.counted {
			t.Errorf("VoteArticle(%s, %v) counted = %v, want %v", v.visitor, v.helpful, counted, v.counted)
		}
	}
	_, err := s.VoteArticle(ctx, other, "art_v", "visitor-d", true)
	wantErr(t, err, store.ErrNotFound, "VoteArticle in other workspace")
	a, err := s.GetArticle(ctx, ws, "art_v")
	must(t, err, "GetArticle")
	if a.Views != 2 || a.Helpful != 2 || a.NotHelpful != 1 {
		t.Fatalf("views %d helpful %d not helpful %d, want 2 2 1", a.Views, a.Helpful, a.NotHelpful)
	}
}
