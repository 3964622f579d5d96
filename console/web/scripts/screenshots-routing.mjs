// Screenshots of the routing screens (issue 14) against a real hub:
// departments, the business hours editor, routing rules, the supervisor's
// queues, the notification log, activity entries in a conversation, and
// the widget's queue place and offline form; en, ja and a narrow window.
// Written to $SHOTS_DIR (default /tmp/shots-14). Run after `make build`:
// node scripts/screenshots-routing.mjs
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch, login, startHub, until, Visitor } from "../tests/hub.mjs";
import { embed, page as sitePage, startSite } from "../tests/site.mjs";

const out = process.env.SHOTS_DIR || "/tmp/shots-14";
mkdirSync(out, { recursive: true });

const hub = await startHub();
const site = await startSite({});
try {
  const mika = hub.addOperator("mika@example.com", "Mika Admin");
  const ken = hub.addOperator("ken@example.com", "Ken Sato", "operator");
  const admin = await hub.session(mika);
  const ops = (await admin.request("GET", "/api/v1/operators")).items;
  const id = (email) => ops.find((o) => o.email === email).id;
  const week = { mon: [{ from: "09:00", to: "12:00" }, { from: "13:00", to: "18:00" }], tue: [{ from: "09:00", to: "18:00" }], wed: [{ from: "09:00", to: "18:00" }], thu: [{ from: "09:00", to: "18:00" }], fri: [{ from: "09:00", to: "17:00" }] };
  const billing = await admin.request("POST", "/api/v1/departments", {
    name: "Billing 請求",
    member_ids: [id(ken.email)],
    assignment: "least_busy",
    max_chats: 3,
    hours: { time_zone: "Asia/Tokyo", weekly: week, holidays: ["2026-12-31", "2027-01-01"], special: [{ date: "2026-12-24", ranges: [{ from: "10:00", to: "15:00" }] }] },
    offline: { mode: "form", when_nobody_online: true, message: { ja: "ただいま受付時間外です。", en: "We are closed right now." }, auto_reply: { ja: "営業時間内にお返事します。", en: "We will answer during opening hours." } },
    default_wait_seconds: 180,
    queue_auto_text: true,
    notify: { new_conversation: ["email", "push", "browser"], transfer: ["email", "browser"], waiting: ["push"], waiting_minutes: 10 },
  });
  const sales = await admin.request("POST", "/api/v1/departments", { name: "Sales", member_ids: [id(mika.email)], assignment: "round_robin", offline: { mode: "banner" } });
  await admin.request("POST", "/api/v1/routing-rules", { name: "Refunds / 返金", match: { keywords: ["refund", "返金"] }, action: { department_id: billing.id, priority: 5, labels: ["refund"] } });
  await admin.request("POST", "/api/v1/routing-rules", { name: "Pricing pages", match: { page_url: "https://shop.example/pricing*", language: "en" }, action: { department_id: sales.id } });
  await admin.request("POST", "/api/v1/routing-rules", { name: "LINE customers", match: { channel_type: "line" }, action: { department_id: billing.id } });
  await admin.request("POST", "/api/v1/channels", { id: "site", type: "webchat", name: "Acme site", config: { title: "Acme Support", allowed_origins: [site.url] } });
  await until(async () => (await fetch(`${hub.url}/widget/v1/config?channel=site`)).ok, "the channel");

  // Two visitors wait in the default department (nobody there is online).
  const waiting = [];
  for (const [name, text] of [["Aoi", "Hello, is anyone there?"], ["Ben", "Can I change my delivery address?"]]) {
    const v = new Visitor(hub, "site", { Origin: site.url });
    await v.start(name);
    waiting.push(await v.send(text));
  }
  // A conversation moved from Sales to Billing, for the activity entries.
  const v = new Visitor(hub);
  await v.start("Chika");
  const moved = await v.send("How much is the premium plan?");
  await admin.request("POST", `/api/v1/conversations/${moved.conversation_id}/transfer`, { department_id: billing.id, reason: "asks about last month's invoice" }).catch((e) => console.log("transfer:", e.message));

  const browser = await launch();
  const ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  await login(page, hub, mika);
  const shot = async (file) => {
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(out, file) });
    console.log("wrote", join(out, file));
  };
  for (const [lang, suffix, viewport] of [
    ["en", "en", { width: 1280, height: 900 }],
    ["ja", "ja", { width: 1280, height: 900 }],
    ["ja", "narrow", { width: 390, height: 844 }],
  ]) {
    await page.setViewportSize(viewport);
    await page.evaluate((l) => localStorage.setItem("sb.language", l), lang);
    await page.goto(hub.url + "/admin/departments");
    await page.getByRole("row").filter({ hasText: "Billing" }).waitFor();
    await shot(`departments-${suffix}.png`);
    await page.getByRole("row").filter({ hasText: "Billing" }).getByRole("button").first().click();
    await page.locator(".hours-editor").scrollIntoViewIfNeeded();
    await shot(`hours-${suffix}.png`);
    await page.locator(".notify-grid").scrollIntoViewIfNeeded();
    await shot(`department-offline-${suffix}.png`);
    await page.goto(hub.url + "/admin/routing-rules");
    await page.getByRole("list").filter({ hasText: "Refunds" }).waitFor();
    await page.getByLabel(lang === "ja" ? "最初のメッセージ" : "First message").fill("返金してほしい");
    await page.getByRole("button", { name: lang === "ja" ? "試す" : "Test", exact: true }).click();
    await page.locator("output").waitFor();
    await shot(`rules-${suffix}.png`);
    await page.goto(hub.url + "/supervisor");
    await page.locator(".queue-card").first().waitFor();
    await shot(`supervisor-${suffix}.png`);
    await page.goto(hub.url + "/admin/notifications");
    await page.waitForTimeout(500);
    await shot(`notification-log-${suffix}.png`);
    await page.goto(hub.url + `/conversations/${moved.conversation_id}`);
    await page.getByRole("note").first().waitFor({ timeout: 5000 }).catch(() => {});
    await shot(`activity-${suffix}.png`);
    await page.goto(hub.url + "/settings");
    await page.locator(".notify-prefs").waitFor({ timeout: 5000 }).catch(() => {});
    await page.locator("#notify-prefs-title").scrollIntoViewIfNeeded().catch(() => {});
    await shot(`settings-notifications-${suffix}.png`);
  }

  // The widget: a queued visitor (nobody online), then the offline form of a closed department.
  await ctx.close();
  await admin.request("PUT", "/api/v1/me/presence", { presence: "away" });
  site.pages["/en.html"] = sitePage({ title: "Shop", body: `<h1>Shop</h1>${embed(hub.url, "site")}` });
  site.pages["/ja.html"] = sitePage({ title: "ショップ", lang: "ja", body: `<h1>ショップ</h1>${embed(hub.url, "site")}` });
  for (const [lang, viewport] of [["en", { width: 1100, height: 760 }], ["ja", { width: 1100, height: 760 }], ["narrow", { width: 390, height: 760 }]]) {
    const wctx = await browser.newContext({ locale: lang === "en" ? "en-US" : "ja-JP", viewport });
    const w = await wctx.newPage();
    await w.goto(`${site.url}/${lang === "en" ? "en" : "ja"}.html`);
    await w.getByRole("button", { name: /Open chat|チャットを開く/ }).click();
    const box = w.getByRole("textbox", { name: /^(Message|メッセージ)$/ });
    await box.fill(lang === "en" ? "Hi, I have a question about my order" : "注文について質問があります");
    await box.press("Enter");
    await w.getByText(/You are number|番目です/).waitFor({ timeout: 15000 });
    await w.waitForTimeout(300);
    await w.screenshot({ path: join(out, `widget-queue-${lang}.png`) });
    console.log("wrote", join(out, `widget-queue-${lang}.png`));
    await wctx.close();
  }
  const dflt = (await admin.request("GET", "/api/v1/departments")).items.find((d) => d.default);
  await admin.request("PATCH", `/api/v1/departments/${dflt.id}`, {
    hours: { time_zone: "Asia/Tokyo", weekly: week, holidays: [new Date().toISOString().slice(0, 10), new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10)] },
    offline: { mode: "form", when_nobody_online: false, message: { ja: "本日は休業日です。メッセージを残してください。", en: "We are closed today. Leave us a message." } },
  });
  for (const [lang, viewport] of [["en", { width: 1100, height: 760 }], ["ja", { width: 1100, height: 760 }], ["narrow", { width: 390, height: 760 }]]) {
    const wctx = await browser.newContext({ locale: lang === "en" ? "en-US" : "ja-JP", viewport });
    const w = await wctx.newPage();
    await w.goto(`${site.url}/${lang === "en" ? "en" : "ja"}.html`);
    await w.getByRole("button", { name: /Open chat|チャットを開く/ }).click();
    await w.getByText(/closed today|休業日/).waitFor({ timeout: 10000 });
    await w.waitForTimeout(300);
    await w.screenshot({ path: join(out, `widget-offline-${lang}.png`) });
    console.log("wrote", join(out, `widget-offline-${lang}.png`));
    await wctx.close();
  }
  await browser.close();
} finally {
  await site.stop();
  await hub.stop();
}
