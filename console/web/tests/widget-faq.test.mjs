// Help-centre articles where customers and operators write (issue 15),
// against a real hub: articles are written through the API in Japanese and
// English (and a draft); a visitor on a Japanese page types a Japanese
// question into the widget and sees the right article above the input
// (never the draft; the input does not move), reaches it with the keyboard
// and opens it on the help centre in a new tab; the help centre's search
// finds the same article; once the visitor has written, suggestions stop;
// the "My tickets" tab embeds the customer portal; an operator's "/" list
// offers the article and inserts a markdown link that the widget renders
// as a safe link.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, signedIn, skipReason, startHub, until } from "./hub.mjs";
import { embed, page, startSite } from "./site.mjs";

const skip = skipReason();
if (skip) console.log(skip);
const opts = { skip: skip || false };

const CHANNEL = "faq";
let hub, site, ada, ws, articles, browser, ctx, tab, session;

before(async () => {
  if (skip) return;
  hub = await startHub();
  const op = hub.addOperator("ada@example.com", "Ada Admin", "admin");
  ada = await hub.session(op);
  site = await startSite({});
  await ada.request("POST", "/api/v1/channels", {
    id: CHANNEL,
    type: "webchat",
    name: "Shop",
    config: { title: "ショップ サポート", color: "#0f766e", allowed_origins: [site.url] },
  });
  const mk = (a) => ada.request("POST", "/api/v1/articles", a);
  const ja = await mk({ title: "返品の方法", locale: "ja", status: "published", body: "## 手順\n\n商品到着後 **30日以内** に返品を受け付けます。箱に入れて伝票を貼ってください。" });
  const en = await mk({ title: "How to return an item", locale: "en", status: "published", translation_of: ja.id, body: "Within **30 days** of delivery." });
  const ship = await mk({ title: "送料について", locale: "ja", status: "published", body: "送料は全国一律 500 円です。" });
  const draft = await mk({ title: "返品ポリシー改定（下書き）", locale: "ja", status: "draft", body: "返品の新しい規則" });
  articles = { ja, en, ship, draft };
  ws = ja.workspace_id;
  site.pages["/ja.html"] = page({ title: "ショップ", lang: "ja", body: `<h1>ショップ</h1>${embed(hub.url, CHANNEL)}` });
  await until(async () => (await fetch(`${hub.url}/widget/v1/config?channel=${CHANNEL}`)).ok, "the channel to run");
  browser = await launch();
  ctx = await browser.newContext({ locale: "ja-JP", viewport: { width: 1280, height: 800 } });
  tab = await ctx.newPage();
  tab.on("pageerror", (e) => console.log("pageerror:", e.message));
});
after(async () => {
  await ctx?.close();
  await browser?.close();
  await session?.close();
  await site?.stop();
  await hub?.stop();
});

const dialog = () => tab.getByRole("dialog", { name: "ショップ サポート" });
const box = () => dialog().getByRole("textbox", { name: "メッセージ", exact: true });
const suggestions = () => dialog().getByRole("list", { name: "こちらの記事が役立つかもしれません" });

test("a Japanese question in the widget suggests the right article; it opens on the help centre", opts, async () => {
  await tab.goto(site.url + "/ja.html");
  await tab.getByRole("button", { name: "チャットを開く" }).click();
  await box().waitFor();
  // One character suggests nothing; where the box is then is where it stays.
  await box().pressSequentially("商", { delay: 20 });
  const before = await box().boundingBox();
  await box().pressSequentially("品を返品したいのですが", { delay: 20 });
  const hit = suggestions().getByRole("link", { name: /返品の方法/ });
  await hit.waitFor();
  const links = await suggestions().getByRole("link").allTextContents();
  assert.ok(links.length <= 3, `at most three suggestions: ${links}`);
  assert.ok(!links.some((l) => l.includes("下書き")), `a draft is never suggested: ${links}`);
  assert.match(await hit.textContent(), /30日以内/, "the snippet is the article's plain text");
  assert.ok(!(await hit.textContent()).includes("**"), "no markdown in the snippet");
  assert.equal(await hit.getAttribute("target"), "_blank");
  assert.equal(await hit.getAttribute("rel"), "noopener noreferrer");
  const now = await box().boundingBox();
  assert.ok(Math.abs(now.y - before.y) < 1 && Math.abs(now.height - before.height) < 1 && now.x === before.x, `the input does not move when suggestions show: ${JSON.stringify([before, now])}`);
  // Screen readers hear it politely.
  await until(async () => (await dialog().locator("[aria-live=polite]").allTextContents()).some((s) => s.includes("ヘルプ記事が")), "the polite announcement");

  // The keyboard reaches it (ArrowUp: the suggestions are above), Escape goes back.
  await box().press("ArrowUp");
  assert.match(await tab.evaluate(() => document.querySelector("switchboard-chat").shadowRoot.activeElement?.textContent ?? ""), /./, "a suggestion has focus");
  await tab.keyboard.press("Escape");
  assert.equal(await tab.evaluate(() => document.querySelector("switchboard-chat").shadowRoot.activeElement?.tagName), "TEXTAREA", "Escape: back in the text box");
  assert.equal(await dialog().isVisible(), true, "Escape in the suggestions does not close the chat");

  const [help] = await Promise.all([ctx.waitForEvent("page"), hit.click()]);
  await help.waitForLoadState();
  assert.ok(help.url().startsWith(`${hub.url}/help/${ws}/articles/`), help.url());
  await help.getByRole("heading", { name: "返品の方法", level: 1 }).waitFor();
  await help.getByText("30日以内").waitFor();
  await help.close();

  // A stale answer never wins: typing on replaces the suggestions.
  await box().fill("");
  await box().pressSequentially("送料はいくら", { delay: 20 });
  await suggestions().getByRole("link", { name: /送料について/ }).waitFor();
  await until(async () => !(await suggestions().getByRole("link", { name: /返品の方法/ }).count()), "the old suggestion to go");
});

test("the help centre's search finds the same article for a Japanese query", opts, async () => {
  const p = await ctx.newPage();
  await p.goto(`${hub.url}/help/${ws}/search?q=${encodeURIComponent("返品")}`);
  const result = p.getByRole("link", { name: "返品の方法" });
  await result.waitFor();
  assert.equal(await p.getByRole("link", { name: /下書き/ }).count(), 0, "no draft on the help centre");
  await result.click();
  await p.getByRole("heading", { name: "返品の方法", level: 1 }).waitFor();
  await p.close();
});

test("My tickets shows the customer portal inside the panel", opts, async () => {
  const tabs = dialog().getByRole("tablist", { name: "チャットとお問い合わせ履歴" });
  await tabs.getByRole("tab", { name: "お問い合わせ履歴" }).click();
  const frame = dialog().locator("iframe[title='お問い合わせ履歴']");
  await frame.waitFor();
  assert.equal(await frame.getAttribute("src"), `${hub.url}/portal/${ws}/?embed=widget`);
  assert.equal(await dialog().getByRole("link", { name: "新しいタブで開く" }).getAttribute("href"), `${hub.url}/portal/${ws}/`, "the portal in a tab too");
  assert.equal(await box().isVisible(), false, "the chat is behind its tab");
  // Back with the arrow keys, as tabs go.
  await tabs.getByRole("tab", { name: "お問い合わせ履歴" }).press("ArrowLeft");
  await box().waitFor();
  assert.equal(await tabs.getByRole("tab", { name: "チャット" }).getAttribute("aria-selected"), "true");
});

test("once the visitor has written, typing no longer suggests articles", opts, async () => {
  await box().fill("");
  await box().pressSequentially("返品について質問です", { delay: 10 });
  await suggestions().getByRole("link").first().waitFor();
  await box().press("Enter");
  await dialog().getByRole("listitem").filter({ hasText: "返品について質問です" }).getByText("送信済み").waitFor();
  assert.equal(await suggestions().isVisible(), false);
  await box().pressSequentially("返品の方法", { delay: 10 });
  await tab.waitForTimeout(600);
  assert.equal(await suggestions().isVisible(), false, "no suggestions in a conversation");
  await box().fill("");
});

test("the composer's / list offers the article and inserts a markdown link the widget shows safely", opts, async () => {
  const conv = await until(async () => (await ada.request("GET", "/api/v1/conversations?channel=" + CHANNEL)).items.find((c) => c.channel === CHANNEL), "the conversation");
  const op = hub.addOperator("kei@example.com", "Kei", "admin");
  session = await signedIn(hub, op, { locale: "en-US", viewport: { width: 1280, height: 900 } });
  const p = session.page;
  await p.goto(hub.url + "/conversations/" + encodeURIComponent(conv.id));
  const reply = p.getByRole("textbox", { name: "Reply" });
  await reply.fill("/返品");
  const list = p.getByRole("listbox", { name: "Templates" });
  const option = list.getByRole("option", { name: /返品の方法/ });
  await option.waitFor();
  assert.equal(await list.getByRole("option", { name: /下書き/ }).count(), 0, "no draft in the list");
  await until(async () => (await list.getByRole("option").count()) === 1, "only the matching article");
  await reply.press("ArrowDown");
  await reply.press("Enter");
  const url = `${hub.url}/help/${ws}/articles/${articles.ja.slug}`;
  await until(async () => (await reply.inputValue()) === `[返品の方法](${url}) `, "the link in the draft");
  // An empty "/" lists published articles too; Escape clears it.
  await reply.fill("/");
  await list.getByRole("option", { name: /How to return an item/ }).waitFor();
  await reply.press("Escape");
  await reply.fill(`[返品の方法](${url}) をご覧ください。`);
  await p.getByRole("button", { name: "Send", exact: true }).click();
  const link = dialog().getByRole("link", { name: "返品の方法", exact: true });
  await link.waitFor();
  assert.equal(await link.getAttribute("href"), url);
  assert.equal(await link.getAttribute("target"), "_blank");
  assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
});

test("what the widget's article search answers: published ones in the locale, a clear error for a bad locale", opts, async () => {
  const get = async (q) => {
    const res = await fetch(`${hub.url}/widget/v1/articles?${q}`);
    return { status: res.status, body: await res.json() };
  };
  const found = await get(`channel=${CHANNEL}&locale=ja&q=${encodeURIComponent("返品")}`);
  assert.equal(found.status, 200);
  assert.deepEqual(found.body.items.map((a) => a.title), ["返品の方法"]);
  const top = await get(`channel=${CHANNEL}&locale=ja`);
  assert.ok(top.body.items.every((a) => a.locale === "ja") && top.body.items.length === 2, JSON.stringify(top.body));
  const bad = await get(`channel=${CHANNEL}&locale=${encodeURIComponent("日本語")}`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_locale");
});
