// Screenshots of help-centre articles where people write (issue 15),
// against a real hub, in docs/screenshots/ (SHOTS_DIR to change): the site
// chat widget suggesting articles while a visitor types their first
// question, in Japanese and English and in a 390 px window; the widget's
// "My tickets" tab; and the console composer's "/" list with articles
// below the templates. Run after `make build`:
// node scripts/screenshots-faq.mjs
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, login, startHub, until } from "../tests/hub.mjs";
import { embed, page, startSite } from "../tests/site.mjs";

const out = process.env.SHOTS_DIR || resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });

const langs = {
  ja: {
    channel: { id: "shop-ja", config: { title: "ルーメン照明", greeting: "こんにちは。ご注文についてお気軽にどうぞ。", color: "#b4235a", language: "ja" } },
    typed: "ランプを返品したいのですが、送料は",
    textbox: "メッセージ",
    tickets: "お問い合わせ履歴",
  },
  en: {
    channel: { id: "shop", config: { title: "Lumen Lamps", greeting: "Hi! Ask us anything about your order.", color: "#2a5bd7" } },
    typed: "How do I return a lamp",
    textbox: "Message",
    tickets: "My tickets",
  },
};

const hub = await startHub();
const site = await startSite({});
const browser = await launch();
try {
  const op = hub.addOperator("ada@example.com", "Ada Okafor", "admin");
  const ada = await hub.session(op);
  const mk = (a) => ada.request("POST", "/api/v1/articles", { status: "published", ...a });
  const ja = await mk({ title: "返品・交換の方法", locale: "ja", body: "## 手順\n\n商品到着後 **30日以内** であれば返品を受け付けます。箱に入れて、同封の伝票を貼ってください。" });
  await mk({ title: "送料と配送日数", locale: "ja", body: "送料は全国一律 500 円です。ランプの返品の送料は当社が負担します。" });
  await mk({ title: "ランプの保証について", locale: "ja", body: "ランプ本体は 2 年間保証します。返品ではなく修理もお選びいただけます。" });
  await mk({ title: "How to return or exchange a lamp", locale: "en", translation_of: ja.id, body: "You can return a lamp within **30 days** of delivery. Pack it and stick the enclosed label on the box." });
  await mk({ title: "Shipping costs and times", locale: "en", body: "Shipping is free over $50. We pay for the return shipping of a lamp." });
  await mk({ title: "Lamp warranty", locale: "en", body: "Every lamp has a two-year warranty; instead of a return you can ask for a repair." });
  for (const s of Object.values(langs)) {
    await ada.request("POST", "/api/v1/channels", { type: "webchat", name: s.channel.config.title, ...s.channel, config: { ...s.channel.config, allowed_origins: [site.url] } });
    site.pages[`/${s.channel.id}.html`] = page({ title: "Lumen Lamps", lang: s.channel.config.language || "en", body: `<h1 style="font:600 28px system-ui;margin:40px">Lumen Lamps</h1>${embed(hub.url, s.channel.id)}` });
  }
  await until(async () => (await fetch(`${hub.url}/widget/v1/config?channel=shop-ja`)).ok, "the channels to run");

  for (const [lang, s] of Object.entries(langs)) {
    for (const narrow of [false, true]) {
      if (narrow && lang === "en") continue;
      const ctx = await browser.newContext({ locale: lang === "ja" ? "ja-JP" : "en-US", viewport: narrow ? { width: 390, height: 760 } : { width: 1280, height: 800 }, deviceScaleFactor: 1 });
      const tab = await ctx.newPage();
      await tab.goto(`${site.url}/${s.channel.id}.html`);
      await tab.waitForFunction(() => window.Switchboard?.version);
      await tab.evaluate(() => window.Switchboard.open());
      const dialog = tab.getByRole("dialog");
      const box = dialog.getByRole("textbox", { name: s.textbox, exact: true });
      await box.pressSequentially(s.typed, { delay: 15 });
      await dialog.locator(".faq a").nth(1).waitFor();
      await tab.waitForTimeout(200);
      await tab.screenshot({ path: join(out, `widget-faq-${narrow ? "narrow-" : ""}${lang}.png`) });
      await dialog.getByRole("tab", { name: s.tickets }).click();
      await dialog.locator("iframe").waitFor();
      await tab.waitForTimeout(500);
      await tab.screenshot({ path: join(out, `widget-tickets-${narrow ? "narrow-" : ""}${lang}.png`) });
      await ctx.close();
    }
  }

  // The composer's "/" list: articles below the templates.
  const visitor = await browser.newContext({ locale: "ja-JP" });
  const vt = await visitor.newPage();
  await vt.goto(`${site.url}/shop-ja.html`);
  await vt.waitForFunction(() => window.Switchboard?.version);
  await vt.evaluate(() => window.Switchboard.open());
  await vt.getByRole("textbox", { name: "メッセージ", exact: true }).fill("ランプを返品したいです");
  await vt.getByRole("textbox", { name: "メッセージ", exact: true }).press("Enter");
  const conv = await until(async () => (await ada.request("GET", "/api/v1/conversations?channel=shop-ja")).items[0], "the conversation");
  await ada.request("POST", "/api/v1/templates", { name: "返品の受付", shortcut: "返品", text: "返品を承りました。手順をご案内します。", scope: "shared" }).catch(() => {});
  for (const [lang, q] of [["ja", "/返品"], ["en", "/return"]]) {
    const ctx = await browser.newContext({ locale: lang === "ja" ? "ja-JP" : "en-US", viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const p = await ctx.newPage();
    await login(p, hub, op);
    await p.goto(`${hub.url}/conversations/${encodeURIComponent(conv.id)}`);
    const reply = p.getByRole("textbox", { name: lang === "ja" ? "返信" : "Reply" });
    await reply.fill(q);
    await p.getByRole("listbox").getByRole("option").first().waitFor();
    await p.waitForTimeout(400);
    await p.screenshot({ path: join(out, `composer-articles-${lang}.png`) });
    await ctx.close();
  }
  await visitor.close();
} finally {
  await browser.close();
  await site.stop();
  await hub.stop();
}
console.log("screenshots in", out);
