package portal

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/router"
)

// CSATRater is what the rating page needs of the hub (router.Router).
type CSATRater interface {
	CSATSurvey(ctx context.Context, token string) (switchboard.CSATSurvey, error)
	AnswerCSAT(ctx context.Context, token string, score int, comment, via string) (switchboard.CSATSurvey, error)
}

// CSATHandler serves /csat/{token}: the satisfaction survey's rating page
// for channels without a rating card (SMS, e-mail). GET shows the 1–5
// choice and a comment box, POST (score, comment) records the answer
// once. No script: it works in any browser, under CSP.
type CSATHandler struct {
	rater CSATRater
	log   func(ctx context.Context, msg string, err error)
	mux   *http.ServeMux
}

// NewCSAT returns the rating page over rater; log receives unexpected
// errors (nil: none).
func NewCSAT(rater CSATRater, log func(ctx context.Context, msg string, err error)) *CSATHandler {
	h := &CSATHandler{rater: rater, log: log, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /csat/{token}", h.show)
	h.mux.HandleFunc("POST /csat/{token}", h.answer)
	h.mux.HandleFunc("/csat/", func(w http.ResponseWriter, r *http.Request) {
		h.render(w, r, http.StatusNotFound, csatPage{State: "invalid"})
	})
	return h
}

// ServeHTTP sets the page's headers (those of the help centre; never
// cached, never framed, no referrer: the URL is the secret) and routes.
func (h *CSATHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", CSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
	h.mux.ServeHTTP(w, r)
}

// csatPage is what the template shows. State is "form", "thanks",
// "answered", "expired" or "invalid".
type csatPage struct {
	Lang, State, Error, Comment string
	Score                       int
	T                           map[string]string
	Scores                      []int
}

func (h *CSATHandler) show(w http.ResponseWriter, r *http.Request) {
	s, err := h.rater.CSATSurvey(r.Context(), r.PathValue("token"))
	status, state := h.state(r, err)
	h.render(w, r, status, csatPage{State: state, Score: s.Score})
}

func (h *CSATHandler) answer(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		h.render(w, r, http.StatusBadRequest, csatPage{State: "form", Error: "badForm"})
		return
	}
	comment := r.PostForm.Get("comment")
	score, err := strconv.Atoi(r.PostForm.Get("score"))
	if err != nil || score < 1 || score > 5 {
		h.render(w, r, http.StatusBadRequest, csatPage{State: "form", Error: "badScore", Comment: comment})
		return
	}
	s, err := h.rater.AnswerCSAT(r.Context(), r.PathValue("token"), score, comment, switchboard.CSATViaLink)
	var verr *router.ValidationError
	if errors.As(err, &verr) {
		h.render(w, r, http.StatusBadRequest, csatPage{State: "form", Error: "badComment", Comment: comment, Score: score})
		return
	}
	if err == nil {
		h.render(w, r, http.StatusOK, csatPage{State: "thanks", Score: s.Score})
		return
	}
	status, state := h.state(r, err)
	h.render(w, r, status, csatPage{State: state, Score: s.Score})
}

// state maps the rating link's error to the page's status and state.
func (h *CSATHandler) state(r *http.Request, err error) (int, string) {
	switch {
	case err == nil:
		return http.StatusOK, "form"
	case errors.Is(err, router.ErrCSATAnswered):
		return http.StatusConflict, "answered"
	case errors.Is(err, router.ErrCSATExpired):
		return http.StatusGone, "expired"
	case errors.Is(err, router.ErrCSATToken):
		return http.StatusNotFound, "invalid"
	}
	if h.log != nil {
		h.log(r.Context(), "csat page", err)
	}
	return http.StatusInternalServerError, "error"
}

func (h *CSATHandler) render(w http.ResponseWriter, r *http.Request, status int, p csatPage) {
	p.Lang = pickCSATLang(r)
	p.T = csatTexts[p.Lang]
	p.Scores = []int{1, 2, 3, 4, 5}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := csatTemplate.Execute(w, p); err != nil && h.log != nil {
		h.log(r.Context(), "csat page template", err)
	}
}

func pickCSATLang(r *http.Request) string {
	if l := pickLang(r, []string{"en", "ja"}); l == "ja" {
		return l
	}
	return "en"
}

var csatTexts = map[string]map[string]string{
	"en": {
		"title": "Rate your conversation", "question": "How did we do?", "score": "Your rating",
		"s1": "1 – very poor", "s2": "2 – poor", "s3": "3 – okay", "s4": "4 – good", "s5": "5 – excellent",
		"comment": "Comment (optional)", "send": "Send rating",
		"thanks": "Thank you for your rating!", "thanksText": "Your feedback helps us improve.",
		"answered": "Already rated", "answeredText": "This conversation has already been rated. Thank you!",
		"expired": "This link has expired", "expiredText": "Ratings are accepted for a limited time after the conversation.",
		"invalid": "Link not valid", "invalidText": "This rating link is not valid. Please check that you opened the whole link.",
		"error": "Something went wrong", "errorText": "Please try again later.",
		"badScore": "Please choose a rating from 1 to 5.", "badComment": "The comment is too long (2000 characters at most).",
		"badForm": "The form could not be read. Please try again.", "yourScore": "Your rating:",
	},
	"ja": {
		"title": "対応の評価", "question": "今回の対応はいかがでしたか？", "score": "評価",
		"s1": "1 – とても不満", "s2": "2 – 不満", "s3": "3 – 普通", "s4": "4 – 満足", "s5": "5 – とても満足",
		"comment": "コメント（任意）", "send": "評価を送信",
		"thanks": "ご評価ありがとうございました。", "thanksText": "いただいたご意見はサービスの改善に役立てます。",
		"answered": "評価済みです", "answeredText": "この会話はすでに評価されています。ありがとうございました。",
		"expired": "評価の受付期間が終了しました", "expiredText": "評価は会話の終了後、一定期間のみ受け付けています。",
		"invalid": "リンクが無効です", "invalidText": "この評価リンクは無効です。リンク全体を開いたかご確認ください。",
		"error": "エラーが発生しました", "errorText": "しばらくしてからもう一度お試しください。",
		"badScore": "1〜5で評価を選んでください。", "badComment": "コメントが長すぎます（2000文字まで）。",
		"badForm": "フォームを読み取れませんでした。もう一度お試しください。", "yourScore": "評価:",
	},
}

var csatTemplate = template.Must(template.New("csat").Funcs(template.FuncMap{
	"label": func(t map[string]string, n int) string { return t["s"+strconv.Itoa(n)] },
	"stars": func(n int) string {
		out := ""
		for i := 1; i <= 5; i++ {
			if i <= n {
				out += "★"
			} else {
				out += "☆"
			}
		}
		return out
	},
}).Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.T.title}}</title>
<style>
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;--accent:#0b5cad;--star:#d4a106}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;--accent:#4493f8}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans JP",Meiryo,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:32rem;margin:2rem auto;padding:1.5rem;border:1px solid var(--line);border-radius:12px;background:var(--card)}
h1{font-size:1.4rem;line-height:1.3;margin:0 0 1rem}
fieldset{border:0;margin:0 0 1rem;padding:0}
legend{font-weight:600;margin-bottom:.5rem}
.scores{display:flex;flex-direction:column;gap:.4rem}
.scores label{display:flex;align-items:center;gap:.6rem;padding:.5rem .75rem;border:1px solid var(--line);border-radius:8px;background:var(--bg);cursor:pointer}
.scores label:has(input:checked){border-color:var(--accent);outline:2px solid var(--accent)}
.scores .st{color:var(--star);letter-spacing:.05em}
label.c{display:block;font-weight:600;margin-bottom:.4rem}
textarea{width:100%;min-height:6rem;font:inherit;padding:.5rem .75rem;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg)}
button{margin-top:1rem;font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.err{color:#b42318;font-weight:600}
.muted{color:var(--muted)}
.big{font-size:2rem;color:var(--star);margin:.25rem 0}
</style>
</head>
<body>
<main>
{{if eq .State "form"}}
<h1>{{.T.question}}</h1>
{{if .Error}}<p class="err" role="alert">{{index .T .Error}}</p>{{end}}
<form method="post">
<fieldset>
<legend>{{.T.score}}</legend>
<div class="scores">
{{range .Scores}}<label><input type="radio" name="score" value="{{.}}" required{{if eq . $.Score}} checked{{end}}><span class="st" aria-hidden="true">{{stars .}}</span> <span>{{label $.T .}}</span></label>
{{end}}</div>
</fieldset>
<label class="c" for="comment">{{.T.comment}}</label>
<textarea id="comment" name="comment" maxlength="2000">{{.Comment}}</textarea>
<button type="submit">{{.T.send}}</button>
</form>
{{else if eq .State "thanks"}}
<h1>{{.T.thanks}}</h1>
<p class="big" aria-label="{{.T.yourScore}} {{.Score}}/5">{{stars .Score}}</p>
<p class="muted">{{.T.thanksText}}</p>
{{else}}
<h1>{{index .T .State}}</h1>
<p class="muted">{{index .T (printf "%sText" .State)}}</p>
{{end}}
</main>
</body>
</html>
`))
