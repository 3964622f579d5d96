// The site chat while nobody can take it (issue 14): in an open department
// whose operators are all offline, a visitor sees their place in the queue
// and the estimated wait, updated live as the conversation ahead is taken;
// outside business hours the widget shows the offline form, and what the
// visitor leaves there becomes a conversation labelled "offline"; or, when
// the department says so, a banner with its message and opening hours.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, skipReason, startHub, until, Visitor } from "./hub.mjs";
import { embed, page, startSite } from "./site.mjs";

let skip = skipReason();
const CHANNEL = "site";
let hub, site, browser, ada, dept;

before(async () => {
  if (skip) return;
  hub = await startHub();
  ada = await hub.session(hub.addOperator("ada@example.com", "Ada Admin"));
  site = await startSite({});
  await ada.request("POST", "/api/v1/channels", { id: CHANNEL, type: "webchat", name: "Acme site", config: { title: "Acme Support", allowed_origins: [site.url] } });
  site.pages["/"] = page({ title: "Shop", body: `<h1>Shop</h1>${embed(hub.url, CHANNEL)}` });
  site.pages["/ja.html"] = page({ title: "ショップ", lang: "ja", body: `<h1>ショップ</h1>${embed(hub.url, CHANNEL)}` });
  await until(async () => (await fetch(`${hub.url}/widget/v1/config?channel=${CHANNEL}`)).ok, "the channel to run");
  const depts = await ada.request("GET", "/api/v1/departments");
  dept = depts.items.find((d) => d.default) ?? depts.items[0];
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.stop();
  await hub?.stop();
});

const launcher = (p) => p.getByRole("button", { name: /^(Open|Close) chat|チャットを(開|閉)/ });

async function visitorPage(path = "/", locale = "en-US") {
  const ctx = await browser.newContext({ locale, viewport: { width: 1100, height: 800 } });
  const p = await ctx.newPage();
  p.on("pageerror", (e) => console.log("pageerror:", e.message));
  await p.goto(site.url + path);
  await launcher(p).click();
  return { ctx, p, dialog: p.getByRole("dialog", { name: "Acme Support" }) };
}

test("a queued visitor sees their place and wait, live, and may leave a message instead", { skip: skip || false }, async () => {
  // Someone wrote first; nobody is online, so both wait.
  const first = new Visitor(hub, CHANNEL, { Origin: site.url });
  await first.start("First Visitor");
  const ahead = await first.send("hello, anyone there?");
  await until(async () => (await ada.request("GET", `/api/v1/conversations/${ahead.conversation_id}`)).queued_at, "the first conversation to queue");

  const { ctx, dialog } = await visitorPage();
  try {
    const box = dialog.getByRole("textbox", { name: "Message", exact: true });
    await box.fill("I have a question about my order");
    await box.press("Enter");
    const place = dialog.getByRole("status").filter({ hasText: /You are number \d+ in line/ });
    await place.filter({ hasText: /You are number 2 in line, about \d+ min\./ }).waitFor({ timeout: 15000 });
    console.log("queue:", await place.textContent());

    // An operator takes the conversation ahead: this visitor moves up.
    await ada.request("POST", `/api/v1/conversations/${ahead.conversation_id}/claim`).catch(async () => {
      // (Before the claim endpoint: assigning through PATCH also takes it off the queue.)
      const me = await ada.request("GET", "/api/v1/me");
      await ada.request("PATCH", `/api/v1/conversations/${ahead.conversation_id}`, { assignee_id: me.operator_id });
    });
    await place.filter({ hasText: /You are number 1 in line/ }).waitFor({ timeout: 15000 });
    console.log("queue after a claim:", await place.textContent());

    // Rather not wait: the offline form replaces the composer.
    await dialog.getByRole("button", { name: "Leave a message instead" }).click();
    await dialog.getByLabel("E-mail *").waitFor();
    assert.equal(await box.isVisible(), false, "the composer is hidden behind the form");
  } finally {
    await ctx.close();
  }
});

test("outside business hours the widget shows the offline form and the answer becomes a conversation", { skip: skip || false }, async (t) => {
  const today = new Date().toISOString().slice(0, 10);
  try {
    await ada.request("PATCH", `/api/v1/departments/${dept.id}`, {
      hours: { time_zone: "UTC", weekly: {}, holidays: [today] },
      offline: { mode: "form", when_nobody_online: false, message: { en: "We are closed for the holidays.", ja: "年末年始はお休みです。" } },
    });
  } catch (e) {
    if (/: 404 /.test(e.message)) return t.skip("PATCH /api/v1/departments/{id} is not in this build yet");
    throw e;
  }
  const { ctx, dialog } = await visitorPage();
  try {
    await dialog.getByText("We are closed for the holidays.").waitFor();
    assert.equal(await dialog.getByRole("textbox", { name: "Message", exact: true }).count(), 0, "the chat's composer is hidden");
    await dialog.getByLabel("Name").fill("Mei Tanaka");
    await dialog.getByLabel("E-mail *").fill("not-an-address");
    await dialog.getByLabel("Message *").fill("Please call me back about invoice 42.");
    await dialog.getByRole("button", { name: "Send" }).click();
    await dialog.getByText("Enter an e-mail address like name@example.com.").waitFor();
    await dialog.getByLabel("E-mail *").fill("mei@example.jp");
    await dialog.getByRole("button", { name: "Send" }).click();
    await dialog.getByText("Thank you! We will get back to you by e-mail.").waitFor();
  } finally {
    await ctx.close();
  }
  const conv = await until(
    async () => (await ada.request("GET", "/api/v1/conversations?label=offline")).items.find((c) => c.last_message?.includes("invoice 42")),
    "the offline conversation",
  );
  assert.ok(conv.labels.includes("offline"), "labelled offline");
});

test("a department set to show a banner when closed shows its message and opening hours, nothing to fill in", { skip: skip || false }, async () => {
  await ada.request("PATCH", `/api/v1/departments/${dept.id}`, {
    hours: { time_zone: "Asia/Tokyo", weekly: { mon: [{ from: "09:00", to: "18:00" }] }, holidays: [new Date().toISOString().slice(0, 10), new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10)] },
    offline: { mode: "banner", when_nobody_online: false, message: { en: "Back on Monday.", ja: "月曜日に再開します。" } },
  });
  const { ctx, dialog } = await visitorPage("/ja.html", "ja-JP");
  try {
    await dialog.getByText("月曜日に再開します。").waitFor();
    await dialog.getByText("月 09:00–18:00").waitFor();
    assert.equal(await dialog.getByRole("textbox").count(), 0, "no composer, no form");
  } finally {
    await ctx.close();
  }
});
