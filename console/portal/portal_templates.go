package portal

import "html/template"

// portalPages are the customer portal's templates: one layout (a header,
// the page, the FAQ column), a block per page. No inline script: in embed
// mode the page loads the same-origin frame.js.
var portalPages = template.Must(template.New("customer-portal").Parse(`
{{define "phead"}}<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>{{.Title}}{{if .Workspace}} · {{.Workspace}}{{end}}</title>
<style>
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;--accent:{{if .Brand.Color}}{{.Brand.Color}}{{else}}#0b5cad{{end}};--ok:#1a7f37;--bad:#cf222e}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;{{if not .Brand.Color}}--accent:#4493f8;{{end}}--ok:#3fb950;--bad:#f85149}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans JP",Meiryo,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
header{border-bottom:3px solid var(--accent);background:var(--card)}
.wrap{max-width:62rem;margin:0 auto;padding:0 1rem}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem}
.brand{display:flex;align-items:center;gap:.6rem;font-weight:700;font-size:1.1rem;color:var(--fg);text-decoration:none;margin-right:auto}
.brand img{max-height:32px;max-width:160px}
.langs,.who{display:flex;gap:.75rem;align-items:center;font-size:.9rem}
.who form{margin:0}
.cols{display:grid;grid-template-columns:minmax(0,1fr) 16rem;gap:2rem;padding:1.5rem 1rem 3rem}
@media (max-width:720px){.cols{grid-template-columns:1fr}}
.embed .cols{padding-top:1rem}
h1{font-size:1.5rem;line-height:1.3;margin:.25rem 0 1rem}
h2{font-size:1.1rem;margin:0 0 .5rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
.hint{font-weight:400;color:var(--muted);font-size:.85rem}
input[type=email],input[type=tel],input[type=text],input[type=search],textarea{width:100%;font:inherit;padding:.5rem .7rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
textarea{min-height:8rem;resize:vertical}
button,.button{display:inline-block;font:inherit;padding:.45rem 1rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);cursor:pointer;text-decoration:none}
button.primary,.button.primary{background:var(--accent);border-color:var(--accent);color:#fff;font-weight:600}
button:hover{filter:brightness(1.08)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-top:1rem}
.notice{padding:.6rem .9rem;border-radius:6px;border:1px solid var(--ok);margin:0 0 1rem}
.error{padding:.6rem .9rem;border-radius:6px;border:1px solid var(--bad);color:var(--bad);margin:0 0 1rem}
ul.tickets{list-style:none;padding:0;margin:0;border:1px solid var(--line);border-radius:8px}
ul.tickets li{border-top:1px solid var(--line)}
ul.tickets li:first-child{border-top:0}
ul.tickets a{display:grid;grid-template-columns:auto minmax(0,1fr) auto;gap:.2rem .75rem;padding:.7rem .9rem;color:var(--fg);text-decoration:none}
ul.tickets a:hover{background:var(--card)}
.num{color:var(--muted);font-variant-numeric:tabular-nums}
.subj{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.unread .subj{font-weight:700}
.meta{grid-column:2/4;color:var(--muted);font-size:.85rem}
.status{font-size:.8rem;padding:.05rem .5rem;border-radius:999px;border:1px solid var(--line);white-space:nowrap;align-self:start}
.status-waiting{border-color:var(--accent);color:var(--accent)}
.status-resolved{color:var(--muted)}
.dot{display:inline-block;width:.55rem;height:.55rem;border-radius:50%;background:var(--accent);margin-right:.35rem;vertical-align:middle}
.msgs{display:flex;flex-direction:column;gap:.75rem;margin:1rem 0}
.msg{max-width:85%;padding:.6rem .85rem;border-radius:10px;border:1px solid var(--line);background:var(--card)}
.msg.mine{align-self:flex-end;background:var(--bg)}
.msg .by{font-size:.8rem;color:var(--muted);display:flex;gap:.5rem;flex-wrap:wrap}
.msg .text{white-space:pre-wrap;margin:.25rem 0;overflow-wrap:anywhere}
.msg img{max-width:100%;max-height:16rem;display:block;margin:.4rem 0;border-radius:6px}
.msg .csat .button{margin:.35rem 0}
.msg .csat-done{margin:.35rem 0;color:var(--muted)}
.new{color:var(--accent);font-weight:700}
aside h2{font-size:1rem}
aside ul{padding-left:1.1rem;margin:.5rem 0}
aside form{display:flex;flex-wrap:wrap;gap:.4rem}
aside form input{flex:1 1 9rem;min-width:0}
.faq{border:1px solid var(--line);border-radius:8px;padding:.9rem;background:var(--card)}
.muted{color:var(--muted);font-size:.9rem}
</style>
{{if .Embed}}<script src="{{.Base}}/frame.js" defer></script>{{end}}
</head>
<body{{if .Embed}} class="embed"{{end}}>
<header><div class="wrap top">
<a class="brand" href="{{.Base}}/{{.Q}}">{{if .Brand.Logo}}<img src="{{.Brand.Logo}}" alt="">{{end}}<span>{{if .Workspace}}{{.Workspace}} · {{end}}{{.T.portal}}</span></a>
{{if .Languages}}<nav class="langs" aria-label="{{.T.language}}">{{range .Languages}}<a href="{{.Href}}" hreflang="{{.Lang}}" lang="{{.Lang}}">{{.Label}}</a>{{end}}</nav>{{end}}
{{if .Signed}}<div class="who"><span class="muted">{{.T.signedInAs}} {{.Who}}</span>
<form method="post" action="{{.Base}}/logout{{.QForm}}"><button type="submit">{{.T.signOut}}</button></form></div>{{end}}
</div></header>
<div class="wrap cols">
<main>
{{if .Notice}}<p class="notice" role="status">{{.Notice}}</p>{{end}}
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{end}}

{{define "pfoot"}}</main>
<aside aria-label="{{.T.faq}}"><div class="faq">
<h2>{{.T.faq}}</h2>
<form role="search" action="{{.HelpBase}}/search" method="get"{{if .Embed}} target="_blank"{{end}}>
<input type="search" name="q" aria-label="{{.T.faqSearch}}" placeholder="{{.T.faqSearch}}">
<input type="hidden" name="lang" value="{{.Lang}}">
<button type="submit">{{.T.search}}</button>
</form>
{{if .FAQ}}<ul>{{range .FAQ}}<li><a href="{{.Href}}"{{if $.Embed}} target="_blank"{{end}}>{{.Label}}</a></li>{{end}}</ul>{{end}}
<p class="muted"><a href="{{.HelpBase}}/?lang={{.Lang}}"{{if .Embed}} target="_blank"{{end}}>{{.T.allArticles}}</a></p>
</div></aside>
</div>
</body>
</html>
{{end}}

{{define "signinform"}}{{template "phead" .}}
<h1>{{.T.signInTitle}}</h1>
{{if .SMSPicked}}
<p>{{.T.signInIntroSMS}}</p>
<form method="post" action="{{.Base}}/login{{.Q}}">
<label for="phone">{{.T.phoneLabel}}</label>
<input id="phone" type="tel" name="phone" autocomplete="tel" required>
<div class="actions"><button class="primary" type="submit">{{.T.sendLink}}</button>
{{if .MailOn}}<a href="{{.Base}}/{{.Q}}">{{.T.useEmail}}</a>{{end}}</div>
</form>
{{else if .MailOn}}
<p>{{.T.signInIntro}}</p>
<form method="post" action="{{.Base}}/login{{.Q}}">
<label for="email">{{.T.emailLabel}}</label>
<input id="email" type="email" name="email" value="{{.Email}}" autocomplete="email" required>
<div class="actions"><button class="primary" type="submit">{{.T.sendLink}}</button>
{{if .SMSOn}}<a href="{{.Base}}/{{.Q}}&amp;by=sms">{{.T.useSMS}}</a>{{end}}</div>
</form>
{{else}}
<p class="error" role="alert">{{.T.noMailHere}}</p>
{{end}}
{{template "pfoot" .}}{{end}}

{{define "sent"}}{{template "phead" .}}
<h1>{{.T.checkTitle}}</h1>
{{template "pfoot" .}}{{end}}

{{define "signin"}}{{template "phead" .}}
<h1>{{.T.signIn}}</h1>
<p>{{.T.signInButton}}</p>
<form method="post" action="{{.Base}}/signin{{.Q}}">
<input type="hidden" name="token" value="{{.Token}}">
<div class="actions"><button class="primary" type="submit">{{.T.signIn}}</button></div>
</form>
{{template "pfoot" .}}{{end}}

{{define "mailbox"}}{{template "phead" .}}
<h1>{{.T.myTickets}}</h1>
<div class="actions" style="margin:0 0 1rem"><a class="button primary" href="{{.Base}}/tickets/new{{.Q}}">{{.T.newTicket}}</a></div>
{{if .Tickets}}<ul class="tickets">{{range .Tickets}}
<li{{if .Unread}} class="unread"{{end}}><a href="{{$.Base}}/tickets/{{.Number}}{{$.Q}}">
<span class="num">#{{.Number}}</span>
<span class="subj">{{if .Unread}}<span class="dot" aria-hidden="true"></span><span class="new">{{$.T.unread}}:</span> {{end}}{{.Subject}}</span>
<span class="status status-{{.Status}}">{{.Label}}</span>
<span class="meta">{{.Updated}}</span>
</a></li>{{end}}</ul>
{{else}}<p class="muted">{{.T.noTickets}}</p>{{end}}
{{template "pfoot" .}}{{end}}

{{define "thread"}}{{template "phead" .}}
<p class="muted"><a href="{{.Base}}/{{.Q}}">← {{.T.backTickets}}</a></p>
{{with .Ticket}}<h1><span class="num">#{{.Number}}</span> {{.Subject}}</h1>
<p><span class="status status-{{.Status}}">{{.Label}}</span> <span class="muted">{{$.T.opened}}: {{.Updated}}</span></p>{{end}}
<div class="msgs">{{range $i, $m := .Messages}}
<div class="msg{{if .Mine}} mine{{end}}">
<div class="by"><strong>{{.Author}}</strong><span>{{.At}}</span>{{if .New}}<span class="new">{{$.T.newMark}}</span>{{end}}</div>
{{range .Parts}}{{.}}{{end}}
{{range .Files}}{{if .Image}}<a href="{{.URL}}" target="_blank" rel="noopener"><img src="{{.URL}}" alt="{{.Name}}"></a>{{else}}<p>📎 <a href="{{.URL}}" target="_blank" rel="noopener">{{.Name}}</a></p>{{end}}{{end}}
</div>{{end}}
</div>
<span id="latest"></span>
{{if eq .Ticket.Status "resolved"}}<p class="muted">{{.T.resolvedNote}}</p>{{end}}
<form method="post" action="{{.Base}}/tickets/{{.Ticket.Number}}/reply{{.QForm}}" enctype="multipart/form-data">
<label for="text">{{.T.reply}}</label>
<textarea id="text" name="text">{{.Draft}}</textarea>
<label for="file">{{.T.attachments}} <span class="hint">{{printf .T.filesHint .MaxFiles}}</span></label>
<input id="file" type="file" name="file" multiple>
<div class="actions"><button class="primary" type="submit">{{.T.send}}</button></div>
</form>
<div class="actions">
{{if eq .Ticket.Status "resolved"}}<form method="post" action="{{.Base}}/tickets/{{.Ticket.Number}}/reopen{{.QForm}}"><button type="submit">{{.T.reopen}}</button></form>
{{else}}<form method="post" action="{{.Base}}/tickets/{{.Ticket.Number}}/close{{.QForm}}"><button type="submit">{{.T.close}}</button></form>{{end}}
</div>
{{template "pfoot" .}}{{end}}

{{define "new"}}{{template "phead" .}}
<p class="muted"><a href="{{.Base}}/{{.Q}}">← {{.T.backTickets}}</a></p>
<h1>{{.T.newTicket}}</h1>
<form method="post" action="{{.Base}}/tickets{{.QForm}}" enctype="multipart/form-data">
<label for="subject">{{.T.subject}} <span class="hint">{{.T.subjectHint}}</span></label>
<input id="subject" type="text" name="subject" maxlength="200" value="{{.DraftSubject}}">
<label for="text">{{.T.message}}</label>
<textarea id="text" name="text" required>{{.Draft}}</textarea>
<label for="file">{{.T.attachments}} <span class="hint">{{printf .T.filesHint .MaxFiles}}</span></label>
<input id="file" type="file" name="file" multiple>
<div class="actions"><button class="primary" type="submit">{{.T.openTicket}}</button></div>
</form>
{{template "pfoot" .}}{{end}}

{{define "error"}}{{template "phead" .}}
<h1>{{.Title}}</h1>
<p><a href="{{.Base}}/{{.Q}}">{{.T.backTickets}}</a></p>
{{template "pfoot" .}}{{end}}
`))
