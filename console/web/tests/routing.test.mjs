// Departments and routing rules end to end (issue 14): an admin sets up
// departments and rules, reorders the rules by drag and keyboard, asks the
// test box where a message would go; then a new visitor's message with a
// keyword lands in Billing, and Billing's operator is told (the hidden
// tab's title flashes and a desktop notification is shown). The history
// shows the activity entry of a transfer.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, login, recordNotifications, skipReason, startHub, until, Visitor } from "./hub.mjs";

const skip = skipReason();
if (skip) console.log(skip);
const opts = { skip: skip || false };

let hub, browser, ada, bo, admin, billing, sales;

before(async () => {
  if (skip) return;
  hub = await startHub();
  const adaOp = hub.addOperator("ada@example.com", "Ada Admin");
  bo = hub.addOperator("bo@example.com", "Bo Billing", "operator");
  admin = await hub.session(adaOp);
  const ops = (await admin.request("GET", "/api/v1/operators")).items;
  const boId = ops.find((o) => o.email === bo.email).id;
  billing = await admin.request("POST", "/api/v1/departments", { name: "Billing", member_ids: [boId], assignment: "round_robin", max_chats: 3, offline: { mode: "form" } });
  sales = await admin.request("POST", "/api/v1/departments", { name: "Sales", member_ids: [], assignment: "manual", offline: { mode: "queue" } });
  await admin.request("POST", "/api/v1/routing-rules", { name: "Everything from the site", match: { channel: "web" }, action: { department_id: sales.id } });
  await admin.request("POST", "/api/v1/routing-rules", { name: "Refunds", match: { keywords: ["refund", "返金"] }, action: { department_id: billing.id, priority: 5 } });
  browser = await launch();
  const ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
  ada = await ctx.newPage();
  ada.on("pageerror", (e) => console.log("pageerror:", e.message));
  await login(ada, hub, adaOp);
});
after(async () => {
  await browser?.close();
  await hub?.stop();
});

test("the admin reorders the rules by drag and by keyboard and the test box follows", opts, async () => {
  await ada.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Routing rules" }).click();
  const list = ada.getByRole("list", { name: "Routing rules" });
  await list.getByRole("listitem").first().getByText("Everything from the site").waitFor();

  const test = ada.getByRole("form", { name: "Test the rules" });
  await test.getByLabel("First message").fill("I would like a refund, please");
  await test.getByLabel("Channel").fill("web");
  await test.getByRole("button", { name: "Test" }).click();
  await test.getByText("Rule “Everything from the site” matches: the conversation goes to Sales.").waitFor();

  // Drag Refunds above the catch-all...
  const item = (name) => list.getByRole("listitem").filter({ hasText: name });
  await item("Refunds").dragTo(item("Everything from the site"));
  await ada.getByText("“Refunds” is now number 1.").waitFor();
  await list.getByRole("listitem").first().getByText("Refunds").waitFor();
  // ...and, keyboard only, down and up again. The arrows are disabled
  // while the previous order is being saved: wait for them, as a person
  // would, before pressing.
  const press = async (name) => {
    const button = list.getByRole("button", { name });
    await ada.waitForFunction((el) => !el.disabled, await button.elementHandle());
    await button.focus();
    await ada.keyboard.press("Enter");
  };
  await press("Move down: Refunds");
  await ada.getByText("“Refunds” is now number 2.").waitFor();
  await press("Move up: Refunds");
  await ada.getByText("“Refunds” is now number 1.").waitFor();
  await list.getByRole("listitem").first().getByText("Refunds").waitFor();
  const stored = await admin.request("GET", "/api/v1/routing-rules");
  assert.deepEqual(stored.items.map((r) => r.name), ["Refunds", "Everything from the site"]);
  await ada.reload();
  await list.getByRole("listitem").first().getByText("Refunds").waitFor();

  await test.getByLabel("First message").fill("I would like a refund, please");
  await test.getByLabel("Channel").fill("web");
  await test.getByRole("button", { name: "Test" }).click();
  await test.getByText("Rule “Refunds” matches: the conversation goes to Billing.").waitFor();
});

test("a visitor's refund question lands in Billing and Billing's operator is notified", opts, async () => {
  const ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
  try {
    // Record desktop notifications instead of showing them; the tab is hidden.
    await ctx.addInitScript(recordNotifications);
    const p = await ctx.newPage();
    p.on("pageerror", (e) => console.log("pageerror:", e.message));
    const frames = [];
    p.on("websocket", (ws) => ws.on("framereceived", (f) => frames.push(String(f.payload).slice(0, 300))));
    await login(p, hub, bo);
    const boSession = await hub.session(bo);
    await boSession.request("PUT", "/api/v1/me/settings", { notify_title: true, notify_desktop: true, notify_sound: false, language: "en" });
    await boSession.request("PUT", "/api/v1/me/presence", { presence: "online" });
    frames.length = 0;
    await p.reload();
    // The reloaded page's stream is subscribed once its ready frame came.
    await until(() => frames.some((f) => f.includes('"type":"ready"')), "the stream to connect");
    await p.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    });

    const v = new Visitor(hub);
    await v.start("Rei Visitor");
    const sent = await v.send("返金をお願いします — I need a refund for order 7");
    const conv = await until(async () => {
      const c = await admin.request("GET", `/api/v1/conversations/${sent.conversation_id}`);
      return c.department_id === billing.id ? c : null;
    }, "the conversation to be routed to Billing");
    assert.equal(conv.priority, 5, "the rule's priority");

    await until(async () => /New message/.test(await p.title()), "Bo's tab title to flash", 15000);
    const notes = await until(() => p.evaluate(() => (window.__notes.length ? window.__notes : null)), "a desktop notification");
    assert.match(notes[0].body, /refund for order 7/);
    console.log("title:", await p.title(), "| notification:", notes[0].title);
  } finally {
    await ctx.close();
  }
});

test("a transfer shows in the history as an activity entry", opts, async () => {
  const v = new Visitor(hub);
  await v.start("Kai Visitor");
  const sent = await v.send("How much is the premium plan?");
  await until(async () => (await admin.request("GET", `/api/v1/conversations/${sent.conversation_id}`)).department_id === sales.id, "routing to Sales");
  await ada.goto(`${hub.url}/conversations/${sent.conversation_id}`);
  await ada.getByRole("button", { name: "Transfer" }).click();
  const dialog = ada.getByRole("dialog", { name: "Transfer this conversation" });
  await dialog.getByLabel("Department", { exact: true }).selectOption({ label: "Billing" });
  await dialog.getByLabel("Reason").fill("asks about an invoice");
  await dialog.getByRole("button", { name: "Transfer" }).click();
  await dialog.waitFor({ state: "detached" });
  await ada.getByRole("note").filter({ hasText: "Ada Admin transferred this to Billing: asks about an invoice" }).waitFor();
});
