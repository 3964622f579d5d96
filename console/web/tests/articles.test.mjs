// Help centre against a real hub: an admin writes a Japanese article in
// markdown, sees the hub-rendered preview (with an uploaded image) and
// publishes it; it appears on the public /help/ pages while a draft does
// not; the hub's validation error shows by the form; an English translation
// links to its original; categories are added,
// renamed, reordered and deleted; an operator reads but cannot write.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { login, signedIn, skipReason, startHub, until } from "./hub.mjs";

const skip = skipReason();
if (skip) console.log(skip);

let hub, session, browser, ctx, page;

before(async () => {
  if (skip) return;
  hub = await startHub();
  session = await signedIn(hub, hub.addOperator("ada@example.com", "Ada Admin", "admin"), { locale: "en-US", viewport: { width: 1280, height: 900 } });
  ({ browser, ctx, page } = session);
});
after(async () => {
  await session?.close();
  await hub?.stop();
});

const opts = { skip: skip || false };
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0d6a0a50000000049454e44ae426082", "hex");

test("categories: add, rename, reorder with the keyboard, delete", opts, async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Help centre" }).click();
  await page.getByRole("heading", { name: "Help centre", level: 1 }).waitFor();
  await page.getByText("No articles yet.").waitFor();
  await page.getByText("No categories yet.").waitFor();
  const cats = page.getByRole("region", { name: "Categories" });
  for (const n of ["配送", "返品", "Temp"]) {
    await cats.getByLabel("New category name").fill(n);
    await cats.getByLabel("New category name").press("Enter");
    await cats.getByRole("listitem", { name: n }).waitFor();
  }
  const list = cats.getByRole("list", { name: "Categories" });
  const names = async () => (await list.getByRole("listitem").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label"))));
  assert.deepEqual(await names(), ["配送", "返品", "Temp"]);
  await cats.getByRole("button", { name: "Move 返品 up" }).focus();
  await page.keyboard.press("Enter");
  await until(async () => JSON.stringify(await names()) === JSON.stringify(["返品", "配送", "Temp"]), "返品 moves up");
  await cats.getByRole("listitem", { name: "Temp" }).getByRole("button", { name: "Rename" }).click();
  await cats.getByLabel("New name for Temp").fill("その他");
  await cats.getByLabel("New name for Temp").press("Enter");
  const other = cats.getByRole("listitem", { name: "その他" });
  await other.getByRole("button", { name: "Delete" }).click();
  await other.getByRole("button", { name: "Delete" }).click();
  await other.waitFor({ state: "detached" });
  assert.deepEqual(await names(), ["返品", "配送"]);
});

test("write a Japanese article in markdown, preview it, publish it; a bad input shows the hub's error", opts, async () => {
  await page.getByRole("button", { name: "New article" }).click();
  const form = page.getByRole("form", { name: "New article" });
  // No title: the hub refuses and names the field.
  await form.getByLabel("Body (Markdown)").fill("本文だけ");
  await form.getByRole("button", { name: "Save article" }).click();
  await form.getByRole("alert").filter({ hasText: /title/i }).waitFor();

  await form.getByLabel("Title").fill("返品について");
  await form.getByLabel("Language").selectOption({ label: "Japanese" });
  await form.getByLabel("Category").selectOption({ label: "返品" });
  await form.getByLabel("Body (Markdown)").fill("## 返品の手順\n\n商品到着後 **30日以内** にご連絡ください。\n\n- 箱に入れる\n- 伝票を貼る\n\n");
  const preview = page.getByRole("region", { name: "Article preview" });
  await preview.getByRole("heading", { name: "返品の手順" }).waitFor();
  await preview.locator("strong", { hasText: "30日以内" }).waitFor();
  await preview.getByRole("listitem").filter({ hasText: "伝票を貼る" }).waitFor();

  // An image goes into the body as markdown and shows in the preview.
  await form.getByLabel("Insert image").setInputFiles({ name: "label.png", mimeType: "image/png", buffer: PNG });
  await until(async () => /!\[label\]\(\S+\)/.test(await form.getByLabel("Body (Markdown)").inputValue()), "the image's markdown in the body");
  const img = preview.getByRole("img", { name: "label" });
  await img.waitFor();
  await until(async () => (await img.evaluate((el) => el.complete && el.naturalWidth)) > 0, "the uploaded image loads in the preview");

  await form.getByLabel("Status").selectOption({ label: "Published" });
  await form.getByRole("button", { name: "Save article" }).click();
  const edit = page.getByRole("form", { name: "Edit “返品について”" });
  await edit.waitFor();
  const link = edit.getByRole("link", { name: "View on the help centre" });
  await link.waitFor();
  const row = page.getByRole("row", { name: "返品について" });
  await row.getByText("Published").waitFor();
  await row.getByText("Japanese").waitFor();
  await row.getByRole("cell", { name: "返品", exact: true }).waitFor();

  // The published article's public page shows the rendered body.
  const [pub] = await Promise.all([ctx.waitForEvent("page"), link.click()]);
  await pub.waitForLoadState();
  await pub.getByRole("heading", { name: "返品の手順" }).waitFor();
  await pub.close();
  await edit.getByRole("button", { name: "Cancel" }).click();
  await edit.waitFor({ state: "detached" });
});

test("a draft stays off the public help centre; filters and search", opts, async () => {
  await page.getByRole("button", { name: "New article" }).click();
  const form = page.getByRole("form", { name: "New article" });
  await form.getByLabel("Title").fill("下書きの記事");
  await form.getByLabel("Language").selectOption({ label: "Japanese" });
  await form.getByLabel("Body (Markdown)").fill("まだ公開しません。");
  await form.getByRole("button", { name: "Save article" }).click();
  await form.waitFor({ state: "detached" });
  await page.getByRole("row", { name: "下書きの記事" }).getByText("Draft").waitFor();

  await page.getByLabel("Status", { exact: true }).selectOption({ label: "Published" });
  await page.getByRole("row", { name: "下書きの記事" }).waitFor({ state: "detached" });
  await page.getByRole("row", { name: "返品について" }).waitFor();
  await page.getByLabel("Status", { exact: true }).selectOption({ label: "All" });
  await page.getByLabel("Search articles").fill("下書き");
  await page.getByRole("row", { name: "返品について" }).waitFor({ state: "detached" });
  await page.getByRole("row", { name: "下書きの記事" }).waitFor();
  await page.getByLabel("Search articles").fill("存在しない記事");
  await page.getByText("No articles match these filters.").waitFor();
  await page.getByLabel("Search articles").fill("");

  // The public pages, fetched in the browser (no session needed).
  const pub = await ctx.newPage();
  await pub.goto(hub.url + "/help/?lang=ja");
  await pub.getByText("返品について").first().waitFor();
  assert.equal(await pub.getByText("下書きの記事").count(), 0, "a draft is not on /help/");
  await pub.close();
});

test("an English translation links to its Japanese original on the help centre", opts, async () => {
  await page.getByRole("button", { name: "New article" }).click();
  const form = page.getByRole("form", { name: "New article" });
  await form.getByLabel("Title").fill("About returns");
  await form.getByLabel("Language").selectOption({ label: "English" });
  await form.getByLabel("Translation of").selectOption({ label: "返品について (ja)" });
  await form.getByLabel("Body (Markdown)").fill("## How to return\n\nWithin **30 days**.");
  await page.getByRole("region", { name: "Article preview" }).getByRole("heading", { name: "How to return" }).waitFor();
  await form.getByLabel("Status").selectOption({ label: "Published" });
  await form.getByRole("button", { name: "Save article" }).click();
  const edit = page.getByRole("form", { name: "Edit “About returns”" });
  await edit.getByLabel("Translation of").evaluate((el) => el.selectedOptions[0].textContent).then((t) => assert.equal(t, "返品について (ja)"));
  const [pub] = await Promise.all([ctx.waitForEvent("page"), edit.getByRole("link", { name: "View on the help centre" }).click()]);
  await pub.getByRole("heading", { name: "How to return" }).waitFor();
  await pub.getByRole("link", { name: /返品について/ }).click();
  await pub.getByRole("heading", { name: "返品の手順" }).waitFor();
  await pub.close();
  await edit.getByRole("button", { name: "Cancel" }).click();
});

test("an operator reads the help centre but cannot write", opts, async () => {
  const op = hub.addOperator("oli@example.com", "Oli Operator", "operator");
  const c2 = await browser.newContext({ locale: "en-US" });
  const p2 = await c2.newPage();
  try {
    await login(p2, hub, op);
    await p2.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Help centre" }).click();
    await p2.getByRole("row", { name: "返品について" }).waitFor();
    assert.equal(await p2.getByRole("button", { name: "New article" }).count(), 0);
    assert.equal(await p2.getByRole("button", { name: "Edit" }).count(), 0);
    assert.equal(await p2.getByLabel("New category name").count(), 0);
  } finally {
    await c2.close();
  }
});
