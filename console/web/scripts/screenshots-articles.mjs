// Screenshots of the help centre screens against a real hub with seeded
// categories and articles: the list and the editor in English and
// Japanese, and the list in a narrow window, under /tmp/shots-articles/.
// Run after `make build`: node scripts/screenshots-articles.mjs
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch, login, startHub } from "../tests/hub.mjs";

const out = process.env.SHOTS_DIR || "/tmp/shots-articles";
mkdirSync(out, { recursive: true });

const seeds = {
  en: {
    categories: ["Orders", "Returns", "Account"],
    articles: [
      { title: "How do I return an item?", cat: 1, locale: "en", status: "published", body: "## Returning an item\n\nContact us within **30 days** of delivery.\n\n1. Pack the item in its box\n2. Stick the label on\n3. Hand it to the courier\n\nSee [our policy](https://shop.example/returns)." },
      { title: "Where is my order?", cat: 0, locale: "en", status: "published", body: "Track your order from the link in the confirmation e-mail." },
      { title: "Changing your e-mail address", cat: 2, locale: "en", status: "draft", body: "Open **Account → Settings**." },
    ],
  },
  ja: {
    categories: ["ご注文", "返品・交換", "アカウント"],
    articles: [
      { title: "返品の方法を教えてください", cat: 1, locale: "ja", status: "published", body: "## 返品の手順\n\n商品到着後 **30日以内** にご連絡ください。\n\n1. 商品を箱に入れる\n2. 伝票を貼る\n3. 配送業者に渡す\n\n詳しくは[返品ポリシー](https://shop.example/returns)をご覧ください。" },
      { title: "注文した商品はいつ届きますか", cat: 0, locale: "ja", status: "published", body: "ご注文確認メールのリンクから配送状況を確認できます。" },
      { title: "メールアドレスの変更", cat: 2, locale: "ja", status: "draft", body: "**アカウント → 設定** を開きます。" },
    ],
  },
};

async function seed(page, s) {
  await page.evaluate(async (s) => {
    const me = await (await fetch("/api/v1/me")).json();
    const send = async (path, body) => {
      const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf_token }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(path + ": " + (await r.text()));
      return r.json();
    };
    const cats = [];
    for (const [i, name] of s.categories.entries()) cats.push(await send("/api/v1/article-categories", { name, position: i }));
    for (const a of s.articles) await send("/api/v1/articles", { title: a.title, locale: a.locale, status: a.status, body: a.body, category_id: cats[a.cat].id });
  }, s);
}

const browser = await launch();
try {
  for (const lang of ["en", "ja"]) {
    const hub = await startHub();
    try {
      const op = hub.addOperator("mika@example.com", lang === "ja" ? "佐藤 美香" : "Mika Sato", "admin");
      const ctx = await browser.newContext({ locale: lang === "ja" ? "ja-JP" : "en-US", viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      await login(page, hub, op);
      await seed(page, seeds[lang]);
      await page.goto(hub.url + "/help-centre");
      await page.getByRole("row", { name: seeds[lang].articles[0].title }).waitFor();
      await page.screenshot({ path: join(out, `list-${lang}.png`) });
      await page.getByRole("row", { name: seeds[lang].articles[0].title }).getByRole("button", { name: lang === "ja" ? "編集" : "Edit" }).click();
      await page.getByRole("region", { name: lang === "ja" ? "記事のプレビュー" : "Article preview" }).getByRole("heading", { level: 2 }).nth(1).waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(out, `editor-${lang}.png`) });
      if (lang === "ja") {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(hub.url + "/help-centre");
        await page.getByRole("row", { name: seeds[lang].articles[0].title }).waitFor();
        await page.screenshot({ path: join(out, "list-narrow-ja.png") });
        await page.getByRole("row", { name: seeds[lang].articles[0].title }).getByRole("button", { name: "編集" }).click();
        await page.waitForTimeout(800);
        await page.screenshot({ path: join(out, "editor-narrow-ja.png") });
        await page.getByRole("region", { name: "記事のプレビュー" }).scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(out, "editor-narrow-preview-ja.png") });
      }
      for (const f of ["list", "editor"]) console.log("wrote", join(out, `${f}-${lang}.png`));
      await ctx.close();
    } finally {
      await hub.stop();
    }
  }
} finally {
  await browser.close();
}
