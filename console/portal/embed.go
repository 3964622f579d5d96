package portal

import (
	"net/http"
	"strings"
)

// embedJS is the snippet a site includes to show the portal in its page:
// it inserts an iframe of the portal (into the element with id
// "switchboard-portal", or after the script) and sets its height from the
// portal's messages, accepting them only from the hub's origin and that
// iframe.
const embedJS = `(function(){
var s=document.currentScript;if(!s)return;
var src=new URL(s.src),origin=src.origin,base=src.pathname.replace(/embed\.js$/,"");
var f=document.createElement("iframe");
var lang=s.getAttribute("data-lang")||(document.documentElement.lang||navigator.language||"").slice(0,2);
f.src=origin+base+"?embed=1"+(lang?"&lang="+encodeURIComponent(lang):"");
f.title=s.getAttribute("data-title")||"Support";
f.style.cssText="width:100%;border:0;min-height:420px;display:block";
f.setAttribute("loading","lazy");
var box=document.getElementById(s.getAttribute("data-target")||"switchboard-portal");
if(box)box.appendChild(f);else s.parentNode.insertBefore(f,s.nextSibling);
window.addEventListener("message",function(e){
if(e.origin!==origin||e.source!==f.contentWindow)return;
var d=e.data;if(!d||d.type!=="switchboard-portal:height")return;
var h=Math.ceil(Number(d.height));if(h>0&&h<100000)f.style.height=h+"px";
});
})();
`

// frameJS runs in the portal's pages in embed mode (same origin, CSP
// script-src 'self'): it tells the embedding page its height. The
// portal works without it; only the iframe's height depends on it.
const frameJS = `(function(){
if(window.parent===window)return;
var last=0;
function post(){var h=Math.ceil(document.body.scrollHeight);if(h!==last){last=h;window.parent.postMessage({type:"switchboard-portal:height",height:h},"*");}}
if(window.ResizeObserver)new ResizeObserver(post).observe(document.body);
window.addEventListener("load",post);post();
})();
`

// embedScript serves /portal/{workspace}/embed.js.
func (p *Portal) embedScript(w http.ResponseWriter, r *http.Request, c *ctx) {
	serveScript(w, embedJS)
}

// frameScript serves /portal/{workspace}/frame.js.
func (p *Portal) frameScript(w http.ResponseWriter, r *http.Request) {
	serveScript(w, frameJS)
}

func serveScript(w http.ResponseWriter, js string) {
	h := w.Header()
	h.Del("Content-Security-Policy")
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	_, _ = w.Write([]byte(strings.TrimSpace(js) + "\n"))
}
