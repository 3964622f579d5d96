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
    list.scrollTop = list.scrollHeight;
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
