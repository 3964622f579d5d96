/* Switchboard site chat. Embed with:
 *   <script src="https://HUB/widget.js" data-channel="web" async></script>
 * The script talks to the hub it was loaded from over /widget/v1. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-channel]");
  if (!script) return;
  var hub = new URL(script.src).origin;
  var channel = script.getAttribute("data-channel") || "web";
  var storeKey = "switchboard:" + hub + ":" + channel;
  var state = { token: localStorage.getItem(storeKey), seen: {}, rows: {}, ws: null, retry: 1000 };

  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text) e.textContent = text;
    return e;
  }
  var root = el("div", "position:fixed;right:20px;bottom:20px;z-index:2147483000;font:14px system-ui,sans-serif");
  var panel = el("div", "display:none;flex-direction:column;width:320px;height:420px;background:#fff;border:1px solid #ccd;border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.18);overflow:hidden;margin-bottom:10px");
  var head = el("div", "padding:12px;background:#2a5bd7;color:#fff;font-weight:600", "Chat");
  var list = el("div", "flex:1;overflow-y:auto;padding:10px;background:#f6f7fb");
  list.setAttribute("aria-live", "polite");
  var form = el("form", "display:flex;border-top:1px solid #dde");
  var input = el("input", "flex:1;border:0;padding:12px;font:inherit;outline:none");
  input.placeholder = "Type a message…";
  input.setAttribute("aria-label", "Message");
  var send = el("button", "border:0;background:#2a5bd7;color:#fff;padding:0 16px;font:inherit;cursor:pointer", "Send");
  form.appendChild(input); form.appendChild(send);
  panel.appendChild(head); panel.appendChild(list); panel.appendChild(form);
  var button = el("button", "float:right;width:56px;height:56px;border-radius:50%;border:0;background:#2a5bd7;color:#fff;font-size:24px;cursor:pointer;box-shadow:0 4px 12px rgba(0,0,0,.2)", "💬");
  button.setAttribute("aria-label", "Open chat");
  root.appendChild(panel); root.appendChild(button);

  function show(m) {
    if (!m || !m.id) return;
    // Retracted or deleted by the business: it disappears.
    if (m.retracted_at) {
      state.seen[m.id] = true;
      if (state.rows[m.id]) { state.rows[m.id].remove(); delete state.rows[m.id]; }
      return;
    }
    if (state.seen[m.id]) return;
    state.seen[m.id] = true;
    var mine = m.direction === "in";
    var row = el("div", "display:flex;margin:4px 0;justify-content:" + (mine ? "flex-end" : "flex-start"));
    row.appendChild(el("div", "max-width:75%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word;background:" + (mine ? "#2a5bd7;color:#fff" : "#fff;border:1px solid #dde"), m.text));
    state.rows[m.id] = row;
    list.appendChild(row);
    if (!mine && m.parts) showRich(m, list);
    list.scrollTop = list.scrollHeight;
  }
  // Rich parts an operator sent: buttons and quick replies answer with
  // their label, a form posts a form_response, a link opens in a new tab.
  // Everything is built with textContent: nothing from a message is parsed
  // as HTML here.
  function postRich(body, shown) {
    var clientID = String(Date.now()) + Math.random().toString(16).slice(2, 10);
    body.client_id = clientID;
    return session().then(function () { return api("POST", "/widget/v1/messages", body); })
      .then(function (m) { show({ id: m.id, direction: "in", text: shown }); })
      .catch(function (err) { show({ id: "err" + clientID, direction: "out", text: "⚠ " + ((err && err.error && err.error.message) || "not sent") }); });
  }
  function safeURL(u) { return /^https?:\/\//i.test(u || "") ? u : null; }
  function showRich(m, into) {
    m.parts.forEach(function (p) {
      var box = el("div", "margin:2px 0 6px;display:flex;flex-wrap:wrap;gap:6px");
      if (p.kind === "buttons" && p.buttons) {
        p.buttons.forEach(function (b) {
          var url = safeURL(b.url);
          var btn = el(url ? "a" : "button", "border:1px solid #2a5bd7;color:#2a5bd7;background:#fff;border-radius:" + (p.quick_reply ? "14px" : "6px") + ";padding:4px 10px;font:inherit;cursor:pointer;text-decoration:none", b.label);
          if (url) { btn.href = url; btn.target = "_blank"; btn.rel = "noopener noreferrer"; }
          else btn.onclick = function () { if (p.quick_reply) box.remove(); postRich({ text: b.label }, b.label); };
          box.appendChild(btn);
        });
      } else if (p.kind === "form" && p.form) {
        var f = el("form", "display:flex;flex-direction:column;gap:6px;background:#fff;border:1px solid #dde;border-radius:10px;padding:8px;width:75%");
        if (p.form.title) f.appendChild(el("strong", "", p.form.title));
        var inputs = [];
        (p.form.fields || []).forEach(function (fd) {
          var lab = el("label", "display:flex;flex-direction:column;font-size:12px", fd.label + (fd.required ? " *" : ""));
          var inp = el(fd.type === "textarea" ? "textarea" : "input", "font:inherit;padding:4px;border:1px solid #ccd;border-radius:4px");
          if (fd.type !== "textarea") inp.type = fd.type === "email" ? "email" : fd.type === "tel" ? "tel" : "text";
          inp.required = !!fd.required; inp.name = fd.name;
          lab.appendChild(inp); f.appendChild(lab); inputs.push({ field: fd, input: inp });
        });
        f.appendChild(el("button", "border:0;background:#2a5bd7;color:#fff;border-radius:6px;padding:6px;font:inherit;cursor:pointer", p.form.submit_label || "Send"));
        f.onsubmit = function (e) {
          e.preventDefault();
          var fields = inputs.map(function (x) { return { name: x.field.name, value: x.input.value.trim() }; });
          var shown = inputs.map(function (x) { return x.field.label + ": " + x.input.value.trim(); }).join("\n");
          postRich({ parts: [{ kind: "form_response", form_response: { form_message_id: m.id, fields: fields } }] }, shown).then(function () { f.remove(); });
        };
        box.appendChild(f);
      } else if (p.kind === "link" && p.link && safeURL(p.link.url)) {
        var a = el("a", "display:block;background:#fff;border:1px solid #dde;border-radius:10px;padding:8px;color:#2a5bd7;text-decoration:none;width:75%", p.link.title || p.link.url);
        a.href = p.link.url; a.target = "_blank"; a.rel = "noopener noreferrer";
        if (p.link.description) a.appendChild(el("div", "color:#445;font-size:12px", p.link.description));
        box.appendChild(a);
      } else return;
      into.appendChild(box);
    });
  }
  function api(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    return fetch(hub + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw j; return j; }); });
  }
  function session() {
    if (state.token) return Promise.resolve();
    return api("POST", "/widget/v1/sessions", { channel: channel }).then(function (s) {
      state.token = s.token; localStorage.setItem(storeKey, s.token);
      if (s.title) head.textContent = s.title;
      if (s.greeting) show({ id: "greeting", direction: "out", text: s.greeting });
    });
  }
  function connect() {
    var url = hub.replace(/^http/, "ws") + "/widget/v1/stream?token=" + encodeURIComponent(state.token);
    var ws = new WebSocket(url);
    state.ws = ws;
    ws.onopen = function () { state.retry = 1000; };
    ws.onmessage = function (e) {
      var f = JSON.parse(e.data);
      // Subscribed: load what came while the stream was not (after a
      // reconnect, or between the history and the subscription).
      if (f.type === "ready") api("GET", "/widget/v1/messages").then(function (h) { h.items.forEach(show); }).catch(function () {});
      if (f.message) show(f.message);
    };
    ws.onclose = function () { setTimeout(connect, state.retry); state.retry = Math.min(state.retry * 2, 30000); };
  }
  function open() {
    panel.style.display = "flex";
    session().then(function () {
      return api("GET", "/widget/v1/messages").then(function (h) { h.items.forEach(show); });
    }).then(function () { if (!state.ws) connect(); }).catch(function (err) {
      if (err && err.error && err.error.code === "unauthorized") { localStorage.removeItem(storeKey); state.token = null; }
    });
    input.focus();
  }
  // The draft, throttled, so the operator sees what is being typed (it is
  // never stored); an empty box clears the preview at once.
  var typingTimer = null, typingSent = "";
  function sendTyping() {
    typingTimer = null;
    var text = input.value;
    if (!state.token || text === typingSent) return;
    typingSent = text;
    fetch(hub + "/widget/v1/typing", { method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + state.token }, body: JSON.stringify({ text: text }) }).catch(function () {});
  }
  input.oninput = function () {
    if (input.value === "") { if (typingTimer) clearTimeout(typingTimer); sendTyping(); return; }
    if (!typingTimer) typingTimer = setTimeout(sendTyping, 400);
  };
  button.onclick = function () { panel.style.display === "flex" ? (panel.style.display = "none") : open(); };
  form.onsubmit = function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    typingSent = ""; // the server clears the preview when the message arrives
    if (typingTimer) { clearTimeout(typingTimer); typingTimer = null; }
    var clientID = String(Date.now()) + Math.random().toString(16).slice(2, 10);
    session().then(function () { return api("POST", "/widget/v1/messages", { text: text, client_id: clientID }); })
      .then(function (m) { show({ id: m.id, direction: "in", text: text }); })
      .catch(function (err) { show({ id: "err" + clientID, direction: "out", text: "⚠ " + ((err && err.error && err.error.message) || "not sent") }); });
  };
  (document.body || document.documentElement).appendChild(root);
})();
