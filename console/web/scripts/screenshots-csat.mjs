// Screenshots of customer satisfaction (issue 15) against a real hub: the
// widget's rating card, the public rating page /csat/{token} and the
// console's satisfaction page, in English and Japanese and in a narrow
// window, under docs/screenshots/ (SHOTS_DIR overrides).
// Run after `make build`: node scripts/screenshots-csat.mjs
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, login, startHub, until, Visitor } from "../tests/hub.mjs";
import { embed, page as sitePage, startSite } from "../tests/site.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.env.SHOTS_DIR || resolve(here, "../../../docs/screenshots");
mkdirSync(out, { recursive: true });

const seeds = {
  en: {
    ops: ["Mika Sato", "Ken Ito"],
    chats: [
      [5, "Super fast answer, thanks!"],
      [4, "Helpful, the parcel arrived the next day."],
      [2, "I had to wait a long time."],
      [5, ""],
      [3, "OK, but I had to explain twice."],
    ],
    hello: "Where is my parcel?",
  },
  ja: {
    ops: ["佐藤 美香", "伊藤 健"],
    chats: [
      [5, "すぐに対応していただき助かりました。"],
      [4, "丁寧な説明でした。翌日に届きました。"],
      [2, "つながるまで時間がかかりました。"],
      [5, ""],
      [3, "二度説明する必要がありました。"],
    ],
    hello: "荷物はいつ届きますか？",
  },
};

/** rated opens a conversation from a visitor, has op answer and resolve it, and returns the card's token. */
async function resolved(hub, api, opId, text) {
  const v = new Visitor(hub, "web");
  await v.start();
  await v.send(text);
  const conv = await until(async () => (await api("GET", "/api/v1/conversations?channel=web&limit=100")).body.items.find((c) => c.last_message === text && c.status !== "resolved"), "the conversation");
  await api("PATCH", `/api/v1/conversations/${conv.id}`, { assignee_id: opId });
  await api("PATCH", `/api/v1/conversations/${conv.id}`, { status: "resolved" });
  const tok = await until(async () => {
    for (const m of await v.messages()) for (const p of m.parts ?? []) if (p.kind === "csat") return p.csat.token;
    return "";
  }, "the rating card");
  return { v, tok };
}

const browser = await launch();
try {
  for (const lang of (process.env.LANGS || "en,ja").split(",")) {
    const s = seeds[lang];
    const hub = await startHub();
    const site = await startSite({});
    try {
      const admin = hub.addOperator("mika@example.com", s.ops[0], "admin");
      hub.addOperator("ken@example.com", s.ops[1], "operator");
      const api = hub.api(hub.token("shots"));
      const ops = (await api("GET", "/api/v1/operators")).body.items;
      for (const [i, [score, comment]] of s.chats.entries()) {
        const { v, tok } = await resolved(hub, api, ops[i % 2].id, `${s.hello} #${i + 1}`);
        await v.req("POST", "/widget/v1/csat", { token: tok, score, comment });
      }
      const open = await resolved(hub, api, ops[0].id, s.hello);

      // The rating page of an unanswered survey, wide and narrow.
      const locale = lang === "ja" ? "ja-JP" : "en-US";
      for (const [name, viewport] of [["", { width: 1000, height: 760 }], ["-narrow", { width: 390, height: 780 }]]) {
        const ctx = await browser.newContext({ locale, viewport, deviceScaleFactor: 1 });
        const p = await ctx.newPage();
        await p.goto(hub.url + "/csat/" + open.tok);
        await p.locator("input[value='4']").check();
        await p.locator("textarea").fill(lang === "ja" ? "とても親切でした" : "Very kind, thank you");
        await p.screenshot({ path: join(out, `csat-page-${lang}${name}.png`), fullPage: true });
        await ctx.close();
      }

      // The widget's card on a shop page (a channel of the site's origin).
      await api("POST", "/api/v1/channels", { id: "shop", type: "webchat", name: "Shop", config: { title: lang === "ja" ? "サポート" : "Support", language: lang, allowed_origins: [site.url] } });
      site.pages["/shop.html"] = sitePage({ title: "Shop", lang, body: `<h1>Shop</h1>${embed(hub.url, "shop")}` });
      await until(async () => (await fetch(`${hub.url}/widget/v1/config?channel=shop`)).ok, "the shop channel");
      for (const [name, viewport] of [["", { width: 1000, height: 760 }], ["-narrow", { width: 390, height: 780 }]]) {
        const ctx = await browser.newContext({ locale, viewport, deviceScaleFactor: 1 });
        const p = await ctx.newPage();
        await p.goto(site.url + "/shop.html");
        await p.getByRole("button", { name: lang === "ja" ? /チャットを開く/ : /Open chat/ }).click();
        const box = p.getByRole("textbox", { name: lang === "ja" ? "メッセージ" : "Message" });
        await box.fill(s.hello);
        await box.press("Enter");
        const conv = await until(async () => (await api("GET", "/api/v1/conversations?channel=shop&limit=100")).body.items.find((c) => c.status !== "resolved"), "the shop conversation");
        await api("POST", `/api/v1/conversations/${conv.id}/messages`, { text: lang === "ja" ? "明日お届けします。" : "It arrives tomorrow." });
        await api("PATCH", `/api/v1/conversations/${conv.id}`, { status: "resolved" });
        const card = p.getByRole("group", { name: lang === "ja" ? "この会話を評価" : "Rate this conversation" });
        await card.waitFor();
        await card.getByRole("button").nth(3).click();
        await card.getByRole("textbox").fill(lang === "ja" ? "ありがとうございました" : "Thanks a lot");
        await p.waitForTimeout(300);
        await p.screenshot({ path: join(out, `csat-widget-${lang}${name}.png`) });
        await ctx.close();
      }

      // The console's satisfaction page.
      for (const [name, viewport] of [["", { width: 1280, height: 1000 }], ["-narrow", { width: 390, height: 900 }]]) {
        const ctx = await browser.newContext({ locale, viewport, deviceScaleFactor: 1 });
        const p = await ctx.newPage();
        await login(p, hub, admin);
        await p.goto(hub.url + "/satisfaction");
        await p.getByRole("row").filter({ hasText: s.chats[0][1] }).waitFor();
        await p.waitForTimeout(300);
        await p.screenshot({ path: join(out, `csat-console-${lang}${name}.png`), fullPage: true });
        if (name) {
          // The app scrolls inside its shell: the ratings list of the narrow window.
          await p.getByRole("row").filter({ hasText: s.chats[0][1] }).scrollIntoViewIfNeeded();
          await p.screenshot({ path: join(out, `csat-console-${lang}${name}-list.png`) });
        }
        await ctx.close();
      }
    } finally {
      await site.stop();
      await hub.stop();
    }
  }
} finally {
  await browser.close();
}
console.log("screenshots in", out);
