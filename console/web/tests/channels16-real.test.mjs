// Issue 16 against the hub's real answers (no connector with a window or a
// device runs in a test hub, so what can be seen for real is: every
// channel's status, the site chat without a window, and the real template,
// QR and pairing endpoints answering for channels that have none). The last
// two tests rewrite one thing only, the channel list's type and
// capabilities (page.route), so the console offers the WhatsApp parts and
// the hub's own answers to them are what the page shows.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { signedIn, skipReason, startHub, Visitor } from "./hub.mjs";
import { whatsAppConversation } from "./channels16.mjs";

const skip = skipReason();
if (skip) console.log(skip);

let hub, session, ctx, page, convId, api;
const opts = { skip: skip || false };

before(async () => {
  if (skip) return;
  hub = await startHub();
  const admin = hub.addOperator("ada@example.com", "Ada Admin");
  api = hub.api(hub.token("channels16-real"));
  convId = await whatsAppConversation(hub, api, Visitor, "Ken Sato", "Is the shop open on Sunday?");
  const made = await api("POST", "/api/v1/channels", { id: "web2", type: "webchat", name: "Second chat", config: {} });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  session = await signedIn(hub, admin, { locale: "en-US", viewport: { width: 1280, height: 900 } });
  ({ ctx, page } = session);
});
after(async () => {
  await session?.close();
  await hub?.stop();
});

test("the hub's channel status shows as a badge; a site chat has no window, no pairing, no template sync", opts, async () => {
  const list = await api("GET", "/api/v1/channels");
  assert.equal(list.body.items.find((c) => c.id === "web")?.status?.state, "ok", "the API answers each channel's status");
  await page.goto(hub.url + "/admin/channels");
  const row = page.getByRole("row").filter({ hasText: "Website chat" });
  await row.getByText("OK", { exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: /Sync templates/ }).count(), 0);
  assert.equal(await page.locator(".pairing").count(), 0);

  await page.goto(hub.url + "/conversations/" + encodeURIComponent(convId));
  await page.getByRole("heading", { name: "Ken Sato" }).waitFor();
  const conv = await api("GET", "/api/v1/conversations/" + encodeURIComponent(convId));
  assert.equal(conv.body.window_expires_at, undefined, "no window on a site chat");
  assert.ok(conv.body.customer_last_at, "the customer's last message time is answered");
  await page.getByRole("textbox", { name: "Reply" }).fill("Yes, 10:00 to 18:00.");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.getByRole("log", { name: "Message history" }).getByText("Yes, 10:00 to 18:00.").waitFor();
  assert.equal(await page.getByTestId("reply-window").count(), 0);
  assert.equal(await page.getByRole("button", { name: "Approved templates" }).count(), 0);
});

/** asWhatsApp rewrites the channel list: web becomes a WhatsApp linked
 * device waiting to be paired (with a 24 h window and templates, so the
 * console counts the window from the conversation's customer_last_at),
 * web2 a WhatsApp Cloud API channel. */
async function asWhatsApp(p) {
  await p.route(/\/api\/v1\/channels(\?.*)?$/, async (route) => {
    if (route.request().method() !== "GET") return route.continue();
    const body = await (await route.fetch()).json();
    body.items = body.items.map((c) => {
      const caps = { ...c.capabilities, templates: true, reply_window_seconds: 86400 };
      if (c.id === "web") return { ...c, type: "whatsapp", config: { mode: "device" }, capabilities: caps, status: { ...c.status, state: "unpaired" } };
      if (c.id === "web2") return { ...c, type: "whatsapp", config: { mode: "cloud" }, capabilities: caps };
      return c;
    });
    return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
  });
}

test("a channel with a window counts from the hub's customer_last_at; the toolbar's picker shows the hub's (empty) template list", opts, async () => {
  const p = await ctx.newPage();
  try {
    await asWhatsApp(p);
    await p.goto(hub.url + "/conversations/" + encodeURIComponent(convId));
    // The customer wrote moments ago: nearly 24 hours left.
    await p.getByTestId("reply-window").filter({ hasText: /Reply window: 23 h 5\d min left/ }).waitFor();
    const templates = p.waitForResponse((r) => r.url().endsWith("/api/v1/channels/web/templates"));
    await p.getByRole("button", { name: "Approved templates" }).click();
    assert.equal((await templates).status(), 200);
    const picker = p.getByRole("region", { name: "Approved templates" });
    await picker.getByText("No approved templates. An admin can sync them under Channels.").waitFor();
    await picker.getByText("Not synced yet").waitFor();
  } finally {
    await p.close();
  }
});

test("pairing and sync answered by the hub: no QR code, phone pairing refused, sync refused, each said plainly", opts, async () => {
  const p = await ctx.newPage();
  try {
    await asWhatsApp(p);
    const qr = p.waitForResponse((r) => r.url().includes("/api/v1/channels/web/link.png"));
    await p.goto(hub.url + "/admin/channels");
    const card = p.getByRole("region", { name: "Link the WhatsApp device of “Website chat”" });
    assert.equal((await qr).status(), 404, "link.png: not_pairing");
    await card.getByText("No QR code right now").waitFor();
    await card.getByLabel("Phone number (international format)").fill("+819012345678");
    const link = p.waitForResponse((r) => r.url().endsWith("/api/v1/channels/web/link"));
    await card.getByRole("button", { name: "Get pairing code" }).click();
    const answer = await link;
    assert.equal(answer.status(), 409, "a site chat cannot pair by phone");
    const { error } = await answer.json();
    await card.getByRole("alert").filter({ hasText: error.code === "not_here" ? "Another hub instance" : error.message }).waitFor();

    const row = p.getByRole("row").filter({ hasText: "Second chat" });
    const sync = p.waitForResponse((r) => r.url().endsWith("/api/v1/channels/web2/templates/sync"));
    await row.getByRole("button", { name: "Sync templates: Second chat" }).click();
    const s = await sync;
    assert.ok(s.status() >= 400, "a channel without provider templates cannot sync: " + s.status());
    await row.getByRole("alert").waitFor();
  } finally {
    await p.close();
  }
});
