package portal

import (
	"net/http"
	"slices"
	"strings"
)

// strings of the pages, by language; languages without their own fall
// back to English.
var texts = map[string]map[string]string{
	"en": {
		"help":         "Help centre",
		"search":       "Search",
		"searchLabel":  "Search the help centre",
		"placeholder":  "Search articles",
		"results":      "Results for",
		"noResults":    "No articles match your search.",
		"noArticles":   "No articles yet.",
		"other":        "Other articles",
		"wasHelpful":   "Was this helpful?",
		"yes":          "Yes",
		"no":           "No",
		"thanks":       "Thank you for your feedback.",
		"translations": "Also in",
		"language":     "Language",
		"notFound":     "Page not found",
		"notFoundText": "The page you are looking for does not exist or is no longer published.",
		"back":         "Back to the help centre",
		"updated":      "Updated",
	},
	"ja": {
		"help":         "ヘルプセンター",
		"search":       "検索",
		"searchLabel":  "ヘルプセンターを検索",
		"placeholder":  "記事を検索",
		"results":      "検索結果:",
		"noResults":    "該当する記事はありません。",
		"noArticles":   "まだ記事がありません。",
		"other":        "その他の記事",
		"wasHelpful":   "この記事は役に立ちましたか?",
		"yes":          "はい",
		"no":           "いいえ",
		"thanks":       "ご意見ありがとうございました。",
		"translations": "他の言語",
		"language":     "言語",
		"notFound":     "ページが見つかりません",
		"notFoundText": "お探しのページは存在しないか、公開が終了しました。",
		"back":         "ヘルプセンターに戻る",
		"updated":      "更新日",
	},
}

// languageNames name each language in itself.
var languageNames = map[string]string{"ja": "日本語", "en": "English", "zh": "中文", "ko": "한국어", "fr": "Français", "de": "Deutsch", "es": "Español"}

func languageName(l string) string {
	if n, ok := languageNames[l]; ok {
		return n
	}
	return l
}

// textsFor returns the strings of lang.
func textsFor(lang string) map[string]string {
	if t, ok := texts[lang]; ok {
		return t
	}
	return texts["en"]
}

// pickLang chooses the page's language: ?lang= when it is one of
// available (or, with none given, any), else the first of
// Accept-Language that is, else the first available (English when none).
func pickLang(r *http.Request, available []string) string {
	ok := func(l string) bool {
		if available == nil {
			_, known := texts[l]
			return known
		}
		return slices.Contains(available, l)
	}
	if l := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("lang"))); l != "" && ok(l) {
		return l
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if base != "" && base != "*" && ok(base) {
			return base
		}
	}
	if len(available) > 0 {
		if slices.Contains(available, "en") {
			return "en"
		}
		return available[0]
	}
	return "en"
}
