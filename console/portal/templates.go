package portal

import "html/template"

// pages are the help centre's templates: one layout, a block per page.
var pages = template.Must(template.New("portal").Parse(`
{{define "head"}}<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}{{if .Workspace}} · {{.Workspace}}{{end}}</title>
<style>
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;--accent:{{if .Brand.Color}}{{.Brand.Color}}{{else}}#0b5cad{{end}}}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d{{if not .Brand.Color}};--accent:#4493f8{{end}}}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.7 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans JP",Meiryo,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
header{border-bottom:3px solid var(--accent);background:var(--card)}
.wrap{max-width:46rem;margin:0 auto;padding:0 1rem}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.75rem 0}
.brand{display:flex;align-items:center;gap:.6rem;font-weight:700;font-size:1.1rem;color:var(--fg);text-decoration:none;margin-right:auto}
.brand img{max-height:32px;max-width:160px}
.langs{display:flex;gap:.75rem;font-size:.9rem}
form.search{display:flex;gap:.5rem;padding:0 0 1rem}
form.search input{flex:1;min-width:0;font:inherit;padding:.5rem .75rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button{font:inherit;padding:.45rem 1rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);cursor:pointer}
button:hover{border-color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
main.wrap{padding:1.5rem 1rem 3rem}
h1{font-size:1.6rem;line-height:1.3;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:1.75rem 0 .5rem}
ul.list{list-style:none;padding:0;margin:0;border:1px solid var(--line);border-radius:8px}
ul.list li{padding:.6rem .9rem;border-top:1px solid var(--line)}
ul.list li:first-child{border-top:0}
.muted{color:var(--muted);font-size:.9rem}
.body img{max-width:100%;height:auto}
.body pre{overflow:auto;background:var(--card);padding:.75rem;border-radius:6px}
.body code{background:var(--card);padding:.1rem .3rem;border-radius:4px}
.body blockquote{margin:1rem 0;padding:.25rem 1rem;border-left:4px solid var(--line);color:var(--muted)}
.body blockquote p{margin:.5rem 0}
.body table{border-collapse:collapse}.body td,.body th{border:1px solid var(--line);padding:.3rem .6rem}
.feedback{margin-top:2.5rem;padding:1rem;border:1px solid var(--line);border-radius:8px;background:var(--card);display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem}
.feedback p{margin:0}
.feedback form{display:flex;gap:.5rem}
.result p{margin:.25rem 0 0}
mark{background:#fff3b0;color:inherit;padding:0 .1em}
@media (prefers-color-scheme:dark){mark{background:#6b5800}}
</style>
</head>
<body>
<header><div class="wrap">
<div class="top">
<a class="brand" href="{{.Base}}/{{if .Lang}}?lang={{.Lang}}{{end}}">{{if .Brand.Logo}}<img src="{{.Brand.Logo}}" alt="">{{end}}<span>{{if .Workspace}}{{.Workspace}} · {{end}}{{.T.help}}</span></a>
{{if .Languages}}<nav class="langs" aria-label="{{.T.language}}">{{range .Languages}}<a href="{{.Href}}" hreflang="{{.Lang}}" lang="{{.Lang}}">{{.Label}}</a>{{end}}</nav>{{end}}
</div>
<form class="search" role="search" action="{{.Base}}/search" method="get">
<input type="search" name="q" value="{{.Query}}" placeholder="{{.T.placeholder}}" aria-label="{{.T.searchLabel}}">
<input type="hidden" name="lang" value="{{.Lang}}">
<button type="submit">{{.T.search}}</button>
</form>
</div></header>
<main class="wrap">
{{end}}

{{define "foot"}}</main>
</body>
</html>
{{end}}

{{define "index"}}{{template "head" .}}
<h1>{{.T.help}}</h1>
{{range .Sections}}
{{if .Name}}<h2>{{.Name}}</h2>{{end}}
<ul class="list">{{range .Articles}}<li><a href="{{$.Base}}/articles/{{.Slug}}">{{.Title}}</a></li>{{end}}</ul>
{{else}}
<p class="muted">{{.T.noArticles}}</p>
{{end}}
{{template "foot" .}}{{end}}

{{define "article"}}{{template "head" .}}
<article>
<h1>{{.Article.Title}}</h1>
{{if .Translations}}<p class="muted">{{.T.translations}}: {{range $i, $t := .Translations}}{{if $i}}, {{end}}<a href="{{$t.Href}}" hreflang="{{$t.Lang}}" lang="{{$t.Lang}}">{{$t.Label}}</a>{{end}}</p>{{end}}
<div class="body">{{.HTML}}</div>
{{with .Article.PublishedAt}}<p class="muted">{{$.T.updated}}: <time datetime="{{$.Article.UpdatedAt.Format "2006-01-02"}}">{{$.Article.UpdatedAt.Format "2006-01-02"}}</time></p>{{end}}
</article>
<section class="feedback" id="feedback" aria-live="polite">
{{if .Voted}}<p>{{.T.thanks}}</p>{{else}}
<span>{{.T.wasHelpful}}</span>
<form method="post" action="{{.Base}}/articles/{{.Article.Slug}}/vote">
<button type="submit" name="helpful" value="yes">{{.T.yes}}</button>
<button type="submit" name="helpful" value="no">{{.T.no}}</button>
</form>{{end}}
</section>
{{template "foot" .}}{{end}}

{{define "search"}}{{template "head" .}}
{{if .Searched}}
<h1>{{.T.results}} “{{.Query}}”</h1>
{{if .Results}}<ul class="list">{{range .Results}}<li class="result"><a href="{{.Href}}">{{.Title}}</a>
<p class="muted">{{.Before}}{{if .Match}}<mark>{{.Match}}</mark>{{end}}{{.After}}</p></li>{{end}}</ul>
{{else}}<p>{{.T.noResults}}</p>{{end}}
{{else}}<h1>{{.T.search}}</h1>{{end}}
{{template "foot" .}}{{end}}

{{define "notfound"}}{{template "head" .}}
<h1>{{.T.notFound}}</h1>
<p>{{.T.notFoundText}}</p>
<p><a href="/help/">{{.T.back}}</a></p>
{{template "foot" .}}{{end}}
`))
