// Issue 16 in the console, against a real hub with its answers rewritten
// by page.route (tests/channels16.mjs: the hub binary has no WhatsApp,
// Messenger or linked-device connector a test can drive, so the site-chat
// conversation is shown as a WhatsApp one and the channel list gains
// channels in the health states under test). Every test here uses those
// rewritten answers; the reply window's ticking runs on Playwright's fake
// clock, not on waiting.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, login, skipReason, startHub, until, Visitor } from "./hub.mjs";
import { fakeWhatsApp, whatsAppConversation } from "./channels16.mjs";

const skip = skipReason();
if (skip) console.log(skip);

let hub, browser, ctx, page, convId;
const state = {};
const opts = { skip: skip || false };

before(async () => {
  if (skip) return;
  hub = await startHub();
  const admin = hub.addOperator("ada@example.com", "Ada Admin");
  const api = hub.api(hub.token("channels16"));
  convId = await whatsAppConversation(hub, api, Visitor, "Aiko Tanaka", "Hi, where is my order A-1042?");
  browser = await launch();
  ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  page = await ctx.newPage();
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  await page.clock.install({ time: Date.now() });
  state.clock = () => page.evaluate(() => Date.now());
  await fakeWhatsApp(page, convId, state);
  await login(page, hub, admin);
});
after(async () => {
  await ctx?.close();
  await browser?.close();
  await hub?.stop();
});

const open = async () => {
  await page.goto(hub.url + "/conversations/" + encodeURIComponent(convId));
  await page.getByRole("heading", { name: "Aiko Tanaka" }).waitFor();
};
const windowBadge = () => page.getByTestId("reply-window");
/** pageNow: the page's (fake) clock, which runs ahead of Node's after the first test. */
const pageNow = () => page.evaluate(() => Date.now());
const slotWidth = () => page.locator(".window-time").evaluate((e) => e.getBoundingClientRect().width);

test("the reply window ticks each minute, each second in its last hour (red), keeps its width, then closes", opts, async () => {
  const now = await page.evaluate(() => Date.now());
  const pause = now + 30_000;
  state.expiresAt = new Date(pause + 3_690_500).toISOString(); // 1 h 01 min 30.5 s after the pause
  const urgent = () => windowBadge().evaluate((e) => e.classList.contains("window-urgent"));
  await open();
  await windowBadge().waitFor();
  // The page's clock is Playwright's: each runFor fires the timer the
  // indicator set for its next change (one change per step).
  await page.clock.pauseAt(pause);
  try {
    await page.clock.runFor(10);
    await page.getByText("Reply window: 1 h 01 min left").waitFor();
    const w0 = await slotWidth();
    await page.clock.runFor(60_000);
    await page.getByText("Reply window: 1 h 00 min left").waitFor();
    assert.equal(await urgent(), false, "not red above an hour");
    await page.clock.runFor(31_000);
    await page.getByText("Reply window: 59 min 59 s left").waitFor();
    assert.equal(await urgent(), true, "red in the last hour");
    const red = await windowBadge().evaluate((e) => getComputedStyle(e).color);
    assert.match(red, /^rgb\((1[89]\d|2\d\d), \d{1,2}, \d{1,2}\)$/, "the text is red: " + red);
    const w1 = await slotWidth();
    await page.clock.runFor(1_000);
    await page.getByText("Reply window: 59 min 58 s left").waitFor();
    const w2 = await slotWidth();
    assert.equal(w1, w0, "the time slot keeps its width from minutes to seconds");
    assert.equal(w2, w0, "the time slot keeps its width as seconds tick");
    // Free text is possible until the window closes.
    await page.getByRole("textbox", { name: "Reply" }).waitFor();
    await page.clock.runFor(3_600_000);
    const closed = page.getByText("Window closed — only approved templates");
    for (let i = 0; i < 3 && !(await closed.isVisible()); i++) await page.clock.runFor(1_000);
    await closed.waitFor();
  } finally {
    await page.clock.resume();
  }
  await page.getByText("Free text is off: the customer-service window closed.").waitFor();
  assert.equal(await page.getByRole("textbox", { name: "Reply" }).count(), 0, "no free-text box outside the window");
  await page.getByRole("region", { name: "Approved templates" }).waitFor();
});

test("outside the window: search the approved templates, pick by keyboard, fill the parameters, send a template part", opts, async () => {
  state.expiresAt = new Date((await pageNow()) - 2 * 3600_000).toISOString();
  await open();
  await windowBadge().filter({ hasText: "Window closed — only approved templates" }).waitFor();
  const picker = page.getByRole("region", { name: "Approved templates" });
  const options = picker.getByRole("option");
  await options.first().waitFor();
  const names = await options.locator("strong").allTextContents();
  assert.deepEqual(names, ["follow_up", "order_update", "order_update"], "APPROVED ones only (spring_sale is PENDING)");
  const search = picker.getByRole("combobox", { name: "Search by name or language" });
  await search.fill("ja");
  assert.equal(await options.count(), 1, "search by language");
  await search.fill("zzz");
  await picker.getByText("No template matches “zzz”.").waitFor();
  await search.fill("order");
  assert.equal(await options.count(), 2);
  await search.press("ArrowDown");
  assert.equal(await options.nth(1).getAttribute("aria-selected"), "true");
  await search.press("ArrowUp");
  await search.press("Enter");
  const form = picker.getByRole("form", { name: "order_update" });
  await form.getByText("Hello {{1}}, your order {{2}} ships on {{3}}.").waitFor();
  await form.getByRole("button", { name: "Send template" }).click();
  await form.getByRole("alert").filter({ hasText: "Fill in every parameter." }).waitFor();
  assert.equal(state.sent.length, 0, "nothing sent with empty parameters");
  await form.getByLabel("Parameter 1").fill("Aiko");
  await form.getByLabel("Parameter 2").fill("A-1042");
  await form.getByLabel("Parameter 3").fill("5 December");
  await form.getByText("Hello Aiko, your order A-1042 ships on 5 December.").waitFor();
  await form.getByText("Reply STOP to opt out").waitFor();
  await form.getByLabel("Parameter 3").press("Control+Enter");
  await page.getByRole("log", { name: "Message history" }).getByText("Provider template: order_update (en)").waitFor();
  assert.deepEqual(state.sent.at(-1), { parts: [{ kind: "template", template: { name: "order_update", language: "en", variables: { 1: "Aiko", 2: "A-1042", 3: "5 December" } } }] });
  // A note still goes in as free text outside the window.
  await page.getByRole("tab", { name: "Note" }).click();
  await page.getByRole("textbox", { name: "Private note" }).fill("Customer asked twice");
  await page.getByRole("button", { name: "Add note" }).click();
  await page.getByRole("log", { name: "Message history" }).getByText("Customer asked twice").waitFor();
});

test("a send refused with 422 window_closed shows the reason and opens the picker", opts, async () => {
  state.expiresAt = new Date((await pageNow()) + 5 * 3600_000).toISOString();
  state.refuseSends = true;
  try {
    await open();
    await page.getByText("Reply window: 4 h 59 min left").waitFor();
    await page.getByRole("textbox", { name: "Reply" }).fill("Sure, let me check.");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "window closed at" }).waitFor();
    await page.getByRole("region", { name: "Approved templates" }).getByRole("option").first().waitFor();
    assert.equal(await page.getByRole("textbox", { name: "Reply" }).count(), 0, "free text is off after the refusal");
    assert.equal(state.sent.at(-1).text, "Sure, let me check.");
  } finally {
    state.refuseSends = false;
  }
});

test("inside the window the toolbar opens the picker; Escape closes it and gives the focus back", opts, async () => {
  state.expiresAt = new Date((await pageNow()) + 20 * 3600_000).toISOString();
  await open();
  await page.getByText(/Reply window: 19 h 5\d min left/).waitFor();
  const button = page.getByRole("button", { name: "Approved templates" });
  await button.click();
  assert.equal(await button.getAttribute("aria-expanded"), "true");
  const search = page.getByRole("combobox", { name: "Search by name or language" });
  await search.waitFor();
  assert.equal(await search.evaluate((e) => e === document.activeElement), true, "the search field has the focus");
  await search.press("Escape");
  await search.waitFor({ state: "detached" });
  await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Reply");
});

test("a reaction shows as one line naming the message; echoes say where they were sent from", opts, async () => {
  await open();
  const log = page.getByRole("log", { name: "Message history" });
  const reaction = log.getByRole("article", { name: "Aiko Tanaka reacted 👍" });
  await reaction.getByText("Reacted 👍 to").waitFor();
  await reaction.getByText("We shipped it this morning 📦 — tracking number 4455-8812.").waitFor();
  const echo = log.getByRole("article", { name: "Reply by Business" }).first();
  await echo.getByText("sent from the phone").waitFor();
  await log.getByText("sent from another app (crm-7)").waitFor();
});

test("Japanese: the window and the picker speak Japanese", opts, async () => {
  state.expiresAt = new Date((await pageNow()) - 3600_000).toISOString();
  await page.evaluate(() => localStorage.setItem("sb.language", "ja"));
  try {
    await open();
    await windowBadge().filter({ hasText: "返信期限切れ — 承認済みテンプレートのみ送信できます" }).waitFor();
    await page.getByRole("region", { name: "承認済みテンプレート" }).getByRole("combobox", { name: "名前・言語で検索" }).waitFor();
    state.expiresAt = new Date((await pageNow()) + 2 * 3600_000 + 5 * 60_000 + 30_000).toISOString();
    await open();
    await page.getByText("返信可能時間: 残り 2時間05分").waitFor();
  } finally {
    await page.evaluate(() => localStorage.setItem("sb.language", "en"));
  }
});

test("channels: health badges with reasons, the device's QR (refreshed by the event and every 20 s), phone pairing, template sync", opts, async () => {
  await page.goto(hub.url + "/admin/channels");
  const row = (name) => page.getByRole("row").filter({ hasText: name });
  await row("WhatsApp Support").getByText("OK", { exact: true }).waitFor();
  await row("Facebook page").getByText("Credentials broken").waitFor();
  await row("Facebook page").getByText("Session has expired (code 190)").waitFor();
  await row("Telegram bot").getByText("Disconnected").waitFor();
  await row("Shop phone").getByText("Not linked").waitFor();
  assert.equal(await row("Shop phone").getByRole("button", { name: /Sync templates/ }).count(), 0, "no sync for a linked device");

  const card = page.getByRole("region", { name: "Link the WhatsApp device of “Shop phone”" });
  const img = card.getByRole("img", { name: "QR code to link “Shop phone”" });
  await img.waitFor();
  assert.ok(await img.evaluate((e) => e.complete && e.naturalWidth > 100), "the QR image loaded");
  const first = await img.getAttribute("src");
  const before = state.qrRequests;
  // A channel.status event with a new code refreshes it at once.
  state.pushFrame({ type: "channel.status", channel: { channel_id: "wa-phone", state: "unpaired", qr: "2@next", since: new Date().toISOString() } });
  await page.waitForFunction((src) => document.querySelector(".qr-box img")?.getAttribute("src") !== src, first);
  assert.equal(state.qrRequests, before + 1);
  // And so do 20 seconds.
  const now = await page.evaluate(() => Date.now());
  await page.clock.pauseAt(now + 1000);
  await page.clock.runFor(20_100);
  await page.clock.resume();
  await until(() => state.qrRequests >= before + 2, "the QR fetched again after 20 s");

  // Phone pairing: the code, and the hub's "another instance" answer.
  await card.getByLabel("Phone number (international format)").fill("+81 90 1234 5678");
  await card.getByRole("button", { name: "Get pairing code" }).click();
  await card.getByRole("status").filter({ hasText: "K7QD-2MXA" }).waitFor();
  assert.deepEqual(state.pairs.at(-1), { phone: "+81 90 1234 5678" });
  state.notHere = true;
  await card.getByRole("button", { name: "Get pairing code" }).click();
  await card.getByRole("alert").filter({ hasText: "Another hub instance runs this device" }).waitFor();
  state.notHere = false;

  // No code right now: said plainly, the box keeps its size.
  state.noQR = true;
  state.pushFrame({ type: "channel.status", channel: { channel_id: "wa-phone", state: "unpaired", since: new Date().toISOString() } });
  await card.getByText("No QR code right now").waitFor();
  assert.deepEqual(await card.locator(".qr-box").evaluate((e) => [e.offsetWidth, e.offsetHeight]), [256, 256]);
  state.noQR = false;

  // Linked: the card goes, the badge says so.
  state.pushFrame({ type: "channel.status", channel: { channel_id: "wa-phone", state: "ok", account: "+81 90 1234 5678", since: new Date().toISOString() } });
  await card.waitFor({ state: "detached" });
  await row("Shop phone").getByText("Linked as +81 90 1234 5678").waitFor();

  // Sync templates: the count, then the provider's refusal.
  await row("WhatsApp Support").getByRole("button", { name: "Sync templates: WhatsApp Support" }).click();
  await row("WhatsApp Support").getByRole("status").filter({ hasText: "4 templates (3 approved), synced" }).waitFor();
  state.syncFails = true;
  await row("WhatsApp Support").getByRole("button", { name: "Sync templates: WhatsApp Support" }).click();
  await row("WhatsApp Support").getByRole("alert").filter({ hasText: "The provider refused the sync: (#100) Invalid parameter" }).waitFor();
  state.syncFails = false;
  assert.equal(state.syncs, 2);
});
