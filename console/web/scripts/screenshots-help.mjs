// Screenshots of the public help centre (issue 15) against a real hub:
// the index, an article and search results in ja and en, and a narrow
// window. Written to $SHOTS_DIR (default /tmp/shots-help). Run after
// `make build`: node scripts/screenshots-help.mjs
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch, startHub } from "../tests/hub.mjs";

const out = process.env.SHOTS_DIR || "/tmp/shots-help";
mkdirSync(out, { recursive: true });

const hub = await startHub();
try {
  const api = hub.api(hub.token("shots"));
  const call = async (method, path, body) => {
    const r = await api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const returnsJa = await call("POST", "/api/v1/article-categories", { name: "返品・交換", position: 1 });
  const shippingJa = await call("POST", "/api/v1/article-categories", { name: "配送", position: 2 });
  const returnsEn = await call("POST", "/api/v1/article-categories", { name: "Returns", position: 3 });
  const ja = await call("POST", "/api/v1/articles", {
    title: "返品の方法", slug: "henpin", locale: "ja", status: "published", category_id: returnsJa.id,
    body: "商品到着後 **30日以内** であれば返品を承ります。\n\n## 手順\n\n1. マイページの「注文履歴」を開きます。\n2. 返品したい商品の「返品する」を押します。\n3. 届いた返送ラベルを箱に貼り、お近くのコンビニから発送してください。\n\n> セール品・開封済みの消耗品は返品できません。\n\nご不明な点は[お問い合わせ](https://example.com/contact)ください。",
  });
  await call("POST", "/api/v1/articles", { title: "交換を申し込むには", locale: "ja", slug: "koukan", status: "published", category_id: returnsJa.id, body: "サイズ違いの交換は一度まで無料です。返品の手順と同じく注文履歴から申し込めます。" });
  await call("POST", "/api/v1/articles", { title: "配送にかかる日数", locale: "ja", slug: "haisou", status: "published", category_id: shippingJa.id, body: "通常、ご注文から2〜3営業日でお届けします。" });
  await call("POST", "/api/v1/articles", { title: "返品の下書き(非公開)", locale: "ja", slug: "draft", category_id: returnsJa.id, body: "まだ公開しない" });
  await call("POST", "/api/v1/articles", {
    title: "How to return an item", locale: "en", status: "published", category_id: returnsEn.id, translation_of: ja.id,
    body: "We accept returns within **30 days** of delivery.\n\n## Steps\n\n1. Open *Order history* in your account.\n2. Press *Return* next to the item.\n3. Stick the return label on the box and drop it at any convenience store.\n\n> Sale items and opened consumables cannot be returned.",
  });
  await call("POST", "/api/v1/articles", { title: "Delivery times", locale: "en", status: "published", body: "Orders usually arrive in 2–3 business days." });

  const browser = await launch();
  const shoot = async (name, locale, width, path) => {
    const ctx = await browser.newContext({ locale, viewport: { width, height: 800 } });
    const page = await ctx.newPage();
    const res = await page.goto(hub.url + path);
    console.log(name, res.status());
    await page.screenshot({ path: join(out, name + ".png"), fullPage: true });
    await ctx.close();
  };
  await shoot("index-ja", "ja-JP", 1280, "/help/");
  await shoot("index-en", "en-US", 1280, "/help/");
  await shoot("article-ja", "ja-JP", 1280, `/help/${ja.workspace_id}/articles/henpin`);
  await shoot("article-en", "en-US", 1280, `/help/${ja.workspace_id}/articles/how-to-return-an-item`);
  await shoot("search-ja", "ja-JP", 1280, "/help/search?q=" + encodeURIComponent("返品"));
  await shoot("search-en", "en-US", 1280, "/help/search?q=return");
  await shoot("article-ja-narrow", "ja-JP", 380, `/help/${ja.workspace_id}/articles/henpin`);
  await shoot("index-ja-narrow", "ja-JP", 380, "/help/");
  await shoot("notfound", "en-US", 1280, `/help/${ja.workspace_id}/articles/draft`);
  await browser.close();
} finally {
  await hub.stop();
}
