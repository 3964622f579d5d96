// Fixtures of the issue-16 browser tests and screenshots. The hub binary
// has no WhatsApp, Messenger or device connector to drive from a test, so
// these pages see the real hub's answers rewritten with page.route: the
// site-chat conversation is shown as a WhatsApp one (its channel, window
// and messages), the channel list gains WhatsApp / Messenger / device
// channels in the health states under test, and the template, sync, QR and
// pairing endpoints answer from the fixture state below.
import { deflateSync } from "node:zlib";

export const TEMPLATES = [
  { channel_id: "wa", name: "order_update", language: "en", status: "APPROVED", category: "UTILITY", header: "Order update", body: "Hello {{1}}, your order {{2}} ships on {{3}}.", footer: "Reply STOP to opt out", params: ["1", "2", "3"], buttons: ["Track order"] },
  { channel_id: "wa", name: "order_update", language: "ja", status: "APPROVED", category: "UTILITY", body: "{{1}} 様、ご注文 {{2}} は {{3}} に発送します。", params: ["1", "2", "3"] },
  { channel_id: "wa", name: "follow_up", language: "en", status: "APPROVED", category: "MARKETING", body: "Hi! We have not heard from you for a while. Can we still help?" },
  { channel_id: "wa", name: "spring_sale", language: "en", status: "PENDING", category: "MARKETING", body: "Spring sale: {{1}} off" },
];

/** channels: the fake channels appended to the hub's list (admin and inbox). */
export function fakeChannels(now = Date.now()) {
  const since = new Date(now - 3 * 3600_000).toISOString();
  const wa = { text: true, markdown: false, media: ["image", "file"], templates: true, reactions: true, reply_window_seconds: 86400, max_text_length: 4096, retract: false };
  return [
    { id: "wa", type: "whatsapp", name: "WhatsApp Support", paused: false, running: true, webhook_url: "http://hub.example/webhooks/wa", config: { mode: "cloud", phone_number_id: "1055", api_version: "v26.0" }, capabilities: wa, status: { channel_id: "wa", state: "ok", since } },
    { id: "wa-phone", type: "whatsapp", name: "Shop phone", paused: false, running: true, webhook_url: "", config: { mode: "device" }, capabilities: { ...wa, templates: false }, status: { channel_id: "wa-phone", state: "unpaired", qr: "2@fixture", since } },
    { id: "fb", type: "messenger", name: "Facebook page", paused: false, running: true, webhook_url: "http://hub.example/webhooks/fb", config: { page_id: "42" }, capabilities: { text: true, reply_window_seconds: 86400 }, status: { channel_id: "fb", state: "credentials_broken", reason: "Error validating access token: Session has expired (code 190)", since } },
    { id: "tg", type: "telegram", name: "Telegram bot", paused: false, running: true, webhook_url: "http://hub.example/webhooks/tg", config: {}, capabilities: { text: true }, status: { channel_id: "tg", state: "disconnected", reason: "dial tcp: i/o timeout", since } },
  ];
}

/** qrPNG draws a QR-like 29×29 module picture (finder squares and a fixed
 * pseudo-random fill) as a PNG, standing in for the hub's link.png. */
export function qrPNG(seed = 7, scale = 8) {
  const n = 29, quiet = 4, size = (n + quiet * 2) * scale;
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16) & 1;
  const mod = [];
  const finder = (r, c) => {
    for (const [fr, fc] of [[0, 0], [0, n - 7], [n - 7, 0]]) {
      const i = r - fr, j = c - fc;
      if (i >= 0 && i < 7 && j >= 0 && j < 7) return i === 0 || i === 6 || j === 0 || j === 6 || (i >= 2 && i <= 4 && j >= 2 && j <= 4) ? 1 : 0;
      if (i >= -1 && i <= 7 && j >= -1 && j <= 7) return 0;
    }
    return -1;
  };
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    const f = finder(r, c);
    mod.push(f >= 0 ? f : rnd());
  }
  const raw = Buffer.alloc((size + 1) * size, 255);
  for (let y = 0; y < size; y++) {
    raw[y * (size + 1)] = 0;
    for (let xx = 0; xx < size; xx++) {
      const r = Math.floor(y / scale) - quiet, c = Math.floor(xx / scale) - quiet;
      if (r >= 0 && r < n && c >= 0 && c < n && mod[r * n + c]) raw[y * (size + 1) + 1 + xx] = 0;
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, k) => {
    let c = k;
    for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => {
    let c = 0xffffffff;
    for (const v of b) c = crcTable[(c ^ v) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

const json = (route, status, body) => route.fulfill({ status, contentType: "application/json", body: JSON.stringify(body) });

/** fakeWhatsApp rewrites page's API answers (see the file comment). convId
 * is a real site-chat conversation of the hub; state is read on every
 * request, so tests change it between steps:
 *   state.expiresAt    ISO time the window closes (null: customer never wrote)
 *   state.refuseSends  answer sends with 422 window_closed
 *   state.syncFails    answer the sync with 502 provider_error
 *   state.clock       async () => the page's time (when it runs on a fake clock)
 *   state.noQR, state.notHere  link.png 404 not_pairing, link 409 not_here
 *   state.qrRequests, state.sent, state.pairs, state.syncs  recorded calls
 * and sets state.pushFrame(frame), which sends a stream frame to the page. */
export async function fakeWhatsApp(page, convId, state) {
  state.sent ??= [];
  state.pairs ??= [];
  state.qrRequests ??= 0;
  state.syncs ??= 0;
  state.statuses ??= {};
  const asWhatsApp = (c) => {
    if (c.id !== convId) return c;
    const out = { ...c, channel: "wa", channel_type: "whatsapp" };
    if (state.expiresAt) {
      out.window_expires_at = state.expiresAt;
      out.customer_last_at = new Date(Date.parse(state.expiresAt) - 86400_000).toISOString();
    } else {
      delete out.window_expires_at;
      delete out.customer_last_at;
    }
    return out;
  };
  // Stream frames carry the conversation too: show it as WhatsApp there.
  await page.routeWebSocket(/\/api\/v1\/stream/, (ws) => {
    const server = ws.connectToServer();
    state.pushFrame = (f) => {
      if (f.type === "channel.status") state.statuses[f.channel.channel_id] = f.channel;
      ws.send(JSON.stringify(f));
    };
    server.onMessage((m) => {
      try {
        const f = JSON.parse(String(m));
        if (f.conversation) f.conversation = asWhatsApp(f.conversation);
        ws.send(JSON.stringify(f));
      } catch {
        ws.send(m);
      }
    });
    ws.onMessage((m) => server.send(m));
  });
  await page.route(/\/api\/v1\/channels(\?.*)?$/, async (route) => {
    if (route.request().method() !== "GET") return route.continue();
    const res = await route.fetch();
    const body = await res.json();
    body.items = [...(body.items ?? []).map((c) => ({ status: { channel_id: c.id, state: "ok", since: new Date().toISOString() }, ...c })), ...fakeChannels().map((c) => ({ ...c, status: state.statuses[c.id] ?? c.status }))];
    return json(route, 200, body);
  });
  await page.route(/\/api\/v1\/conversations(\/[^/?]+)?(\?.*)?$/, async (route) => {
    if (route.request().method() !== "GET") return route.continue();
    const res = await route.fetch();
    if (!res.ok()) return route.fulfill({ response: res });
    const body = await res.json();
    return json(route, 200, body.items ? { ...body, items: body.items.map(asWhatsApp) } : asWhatsApp(body));
  });
  await page.route(new RegExp(`/api/v1/conversations/${convId}/messages(\\?.*)?$`), async (route) => {
    const req = route.request();
    if (req.method() === "POST") {
      const body = req.postDataJSON();
      state.sent.push(body);
      const templatesOnly = (body.parts ?? []).length > 0 && body.parts.every((p) => p.kind === "template");
      const now = state.clock ? await state.clock() : Date.now();
      const closed = !state.expiresAt || Date.parse(state.expiresAt) < now || state.refuseSends;
      if (closed && !templatesOnly && !body.note) {
        const at = state.expiresAt ?? new Date(0).toISOString();
        return json(route, 422, { error: { code: "window_closed", message: `parts: the customer-service window closed at ${at}; send an approved template` } });
      }
      if (!templatesOnly) return route.continue();
      return json(route, 201, { id: "m-tpl-" + state.sent.length, conversation_id: convId, channel: "wa", direction: "out", parts: body.parts, text: "", status: "sent", author_name: "Ada Admin", via: "console", created_at: new Date().toISOString() });
    }
    const res = await route.fetch();
    const body = await res.json();
    const items = body.items ?? [];
    if (items.length && !body.next) {
      items[0] = { ...items[0], external_id: "wamid.C1" };
      const t0 = Date.parse(items[items.length - 1].created_at);
      const at = (s) => new Date(t0 + s * 1000).toISOString();
      items.push(
        { id: "m-echo", conversation_id: convId, channel: "wa", direction: "out", via: "phone", external_id: "wamid.E1", parts: [{ kind: "text", text: "We shipped it this morning 📦 — tracking number 4455-8812." }], text: "We shipped it this morning 📦 — tracking number 4455-8812.", status: "delivered", created_at: at(60) },
        { id: "m-react", conversation_id: convId, channel: "wa", direction: "in", external_id: "wamid.R1", parts: [{ kind: "reaction", reaction: { emoji: "👍", to: "wamid.E1" } }], text: "", status: "sent", created_at: at(90) },
        { id: "m-app", conversation_id: convId, channel: "wa", direction: "out", via: "app:crm-7", external_id: "wamid.E2", parts: [{ kind: "text", text: "Your invoice is attached to the order page." }], text: "Your invoice is attached to the order page.", status: "read", created_at: at(120) },
      );
    }
    return json(route, 200, { ...body, items });
  });
  await page.route(/\/api\/v1\/channels\/wa\/templates(\?.*)?$/, (route) => json(route, 200, { items: TEMPLATES, synced_at: state.syncedAt ?? new Date(Date.now() - 3600_000).toISOString() }));
  await page.route(/\/api\/v1\/channels\/wa\/templates\/sync$/, (route) => {
    state.syncs++;
    if (state.syncFails) return json(route, 502, { error: { code: "provider_error", message: "(#100) Invalid parameter" } });
    state.syncedAt = new Date().toISOString();
    return json(route, 200, { items: TEMPLATES, synced_at: state.syncedAt });
  });
  await page.route(/\/api\/v1\/channels\/wa-phone\/link\.png(\?.*)?$/, (route) => {
    state.qrRequests++;
    if (state.noQR) return json(route, 404, { error: { code: "not_pairing", message: "no pairing code right now" } });
    return route.fulfill({ status: 200, contentType: "image/png", body: qrPNG(state.qrRequests) });
  });
  await page.route(/\/api\/v1\/channels\/wa-phone\/link$/, (route) => {
    state.pairs.push(route.request().postDataJSON());
    if (state.notHere) return json(route, 409, { error: { code: "not_here", message: "this instance does not run the device" } });
    return json(route, 200, { pair_code: "K7QD-2MXA" });
  });
}

/** whatsAppConversation makes a site-chat conversation (shown as WhatsApp
 * through fakeWhatsApp) and returns its id. */
export async function whatsAppConversation(hub, api, Visitor, name, text) {
  const v = new Visitor(hub);
  await v.start(name);
  await v.send(text);
  const list = await api("GET", "/api/v1/conversations");
  const c = list.body.items.find((x) => (x.last_message ?? "").includes(text.slice(0, 10))) ?? list.body.items[0];
  await api("PATCH", "/api/v1/contacts/" + encodeURIComponent(c.contact_id), { name });
  return c.id;
}
