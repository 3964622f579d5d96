// The operator's day in the inbox, end to end against a real hub: a
// visitor writes through the widget API, the operator sees it live, sees
// the visitor's draft, answers with a template picked by keyboard, adds a
// note, marks the conversation unread, searches Japanese text, retracts a
// reply and downloads the transcript.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { launch, login, skipReason, startHub, until, Visitor } from "./hub.mjs";

const skip = skipReason();
if (skip) console.log(skip);

let hub, browser, ctx, page, op, apiAs, visitor, convId;

before(async () => {
  if (skip) return;
  hub = await startHub();
  op = hub.addOperator("ada@example.com", "Ada Admin");
  apiAs = hub.api(hub.token("inbox-test"));
  browser = await launch();
  ctx = await browser.newContext({ locale: "en-US", acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  page = await ctx.newPage();
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  await login(page, hub, op);
});
after(async () => {
  await ctx?.close();
  await browser?.close();
  await hub?.stop();
});

const opts = { skip: skip || false };

test("a visitor's message arrives live", opts, async () => {
  await page.getByText("No conversations.").waitFor();
  visitor = new Visitor(hub);
  await visitor.start("Hanako Visitor");
  await visitor.send("配送についての質問があります。注文はいつ届きますか?");
  const row = page.getByRole("link", { name: /配送についての質問があります/ });
  await row.waitFor({ timeout: 10000 });
  await row.click();
  await page.getByRole("log", { name: "Message history" }).getByText("配送についての質問があります").waitFor();
  convId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop());
  assert.match(convId, /\S/);
  // The visitor's widget is not connected (HTTP only).
  await page.getByRole("status").filter({ hasText: "Not connected" }).waitFor();
});

test("the typing preview shows the visitor's draft", opts, async () => {
  await visitor.typing("注文番号は A-1234 で");
  const preview = page.getByRole("status", { name: /is typing/ });
  await preview.getByText("注文番号は A-1234 で").waitFor();
  await visitor.typing("");
  await preview.waitFor({ state: "detached" });
});

test("answer with a template chosen by keyboard", opts, async (t) => {
  const made = await apiAs("POST", "/api/v1/templates", { name: "Shipping time", shortcut: "ship", text: "Thanks {{contact.name}}, it ships within 2 days.", scope: "shared" });
  if (made.status === 404) {
    t.skip("POST /api/v1/templates is not merged into this branch yet (helper ADMIN)");
    return;
  }
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await page.keyboard.press("r");
  const box = page.getByRole("textbox", { name: "Reply" });
  await assert.doesNotReject(box.waitFor());
  await page.keyboard.type("/shi");
  const option = page.getByRole("option", { name: /\/ship/ });
  await option.waitFor();
  await page.keyboard.press("Enter");
  assert.equal(await box.inputValue(), "Thanks {{contact.name}}, it ships within 2 days.");
  await page.keyboard.press("Control+Enter");
  await page.getByRole("article", { name: "Reply by Ada Admin" }).getByText("it ships within 2 days").waitFor();
  const got = await until(async () => (await visitor.messages()).find((m) => m.direction === "out" && /ships within 2 days/.test(m.text)), "the visitor to get the template answer");
  assert.doesNotMatch(got.text, /\{\{contact\.name\}\}/, "variables filled by the server");
});

test("reply, the visitor receives it, retract it and the widget drops it", opts, async () => {
  const box = page.getByRole("textbox", { name: "Reply" });
  await box.click();
  await box.fill("お届けは明日の予定です。");
  await page.keyboard.press("Control+Enter");
  const mine = page.getByRole("article", { name: "Reply by Ada Admin" }).filter({ hasText: "お届けは明日の予定です。" });
  await mine.waitFor();
  await until(async () => (await visitor.messages()).some((m) => m.text === "お届けは明日の予定です。"), "the visitor to receive the reply");
  await mine.getByText(/Sent|Delivered|Read/).waitFor();
  await mine.getByRole("button", { name: "Retract" }).click();
  await mine.getByText("Retracted").waitFor();
  await until(async () => !(await visitor.messages()).some((m) => m.text === "お届けは明日の予定です。" && !m.retracted_at), "the widget to drop the retracted reply");
});

test("add a private note, visibly different and never sent", opts, async () => {
  await page.getByRole("log", { name: "Message history" }).click();
  await page.keyboard.press("n");
  const box = page.getByRole("textbox", { name: "Private note" });
  await box.waitFor();
  await box.fill("VIP customer — handle with care");
  await page.getByRole("button", { name: "Add note" }).click();
  const note = page.getByRole("article", { name: "Private note by Ada Admin" });
  await note.getByText("VIP customer — handle with care").waitFor();
  assert.equal(await note.getByText("Private note").first().isVisible(), true);
  const seen = await visitor.messages();
  assert.ok(!seen.some((m) => /VIP customer/.test(m.text)), "the visitor never sees a note");
});

test("attachments: picked files upload to the media store and go out as parts", opts, async () => {
  await page.getByRole("tab", { name: "Reply" }).click();
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: "Attach files" }).click()]);
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  await chooser.setFiles([
    { name: "dot.png", mimeType: "image/png", buffer: png },
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("order A-1234\n") },
  ]);
  const list = page.getByRole("list", { name: "Attachments" });
  await list.getByText("dot.png").waitFor();
  await until(async () => (await list.getByText("ready").count()) === 2, "both uploads to finish");
  await page.getByRole("textbox", { name: "Reply" }).fill("Here are the files");
  await page.keyboard.press("Control+Enter");
  const sent = page.getByRole("article", { name: "Reply by Ada Admin" }).filter({ hasText: "Here are the files" });
  await sent.getByRole("img", { name: "dot.png" }).waitFor();
  await sent.getByRole("link", { name: /notes\.txt/ }).waitFor();
  const got = await until(async () => (await visitor.messages()).find((m) => m.text === "Here are the files" || (m.parts ?? []).some((p) => p.text === "Here are the files")), "the visitor to get the files");
  assert.ok(got.parts.some((p) => p.kind === "image"), JSON.stringify(got.parts));
});

test("custom HTML on a channel that renders it, sanitised", opts, async () => {
  await page.getByRole("tab", { name: "HTML" }).click();
  await page.getByRole("textbox", { name: "Reply" }).fill('<p><b>Bold offer</b> <a href="https://shop.example/sale">sale</a></p><img src=x onerror="window.__xss=1">');
  await page.keyboard.press("Control+Enter");
  const sent = page.getByRole("article", { name: "Reply by Ada Admin" }).filter({ hasText: "Bold offer" });
  await sent.getByRole("link", { name: "sale" }).waitFor();
  assert.equal(await sent.locator("b").first().textContent(), "Bold offer");
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.getByRole("tab", { name: "Reply" }).click();
});

test("emoji: :shortcode: completion and the lazily loaded picker", opts, async () => {
  const box = page.getByRole("textbox", { name: /Reply|Private note/ });
  await page.getByRole("tab", { name: "Reply" }).click();
  await box.fill("");
  await box.pressSequentially("thanks :thumbsu");
  await page.getByRole("option", { name: /👍/ }).first().waitFor();
  await page.keyboard.press("Enter");
  assert.match(await box.inputValue(), /^thanks 👍 $/u);
  await page.getByRole("button", { name: "Emoji" }).click();
  const picker = page.getByRole("dialog", { name: "Emoji" }).locator("em-emoji-picker");
  await picker.waitFor();
  await box.fill("");
});

test("an admin deletes a message, leaving who deleted it", opts, async () => {
  const note = page.getByRole("article", { name: "Private note by Ada Admin" });
  await note.hover();
  await note.getByRole("button", { name: "Delete" }).click();
  await page.getByText("Message deleted by Ada Admin").waitFor();
});

test("mark unread", opts, async () => {
  await page.getByRole("button", { name: "Mark as unread" }).click();
  await page.getByRole("link", { name: /unread/ }).waitFor();
  const c = await until(async () => {
    const r = await apiAs("GET", `/api/v1/conversations/${encodeURIComponent(convId)}`);
    return r.body.unread === true && r.body;
  }, "the API to read unread");
  assert.equal(c.unread, true);
});

test("search finds a Japanese message, highlighted", opts, async () => {
  await page.goto(hub.url + "/conversations");
  const box = page.getByRole("combobox", { name: "Search" });
  await box.fill("配送について");
  const hit = page.getByRole("option").filter({ hasText: "質問があります" });
  await hit.waitFor();
  assert.equal(await hit.locator("mark").first().textContent(), "配送について");
  await hit.click();
  await page.waitForURL(/\/conversations\/.+/);
  await page.getByRole("log", { name: "Message history" }).getByText("配送についての質問があります").waitFor();
});

test("download the transcript", opts, async () => {
  await page.getByText("Download transcript").click();
  const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Plain text (.txt)" }).click()]);
  const text = readFileSync(await dl.path(), "utf8");
  assert.match(text, /配送についての質問があります/);
  assert.match(text, /VIP customer|ships within|お届け/);
});

test("search finds a conversation by its contact's name", opts, async () => {
  const v = new Visitor(hub);
  await v.start();
  await v.req("POST", "/widget/v1/messages", { text: "Do you ship to Osaka?", name: "Keiko Nakamura", email: "keiko@example.jp" });
  await page.goto(hub.url + "/conversations");
  const box = page.getByRole("combobox", { name: "Search" });
  await box.fill("nakamura");
  const hit = page.getByRole("option").filter({ hasText: "keiko@example.jp" });
  await hit.waitFor();
  assert.equal((await hit.locator("mark").first().textContent()).toLowerCase(), "nakamura");
  await box.press("Enter");
  await page.waitForURL(/\/conversations\/.+/);
  await page.getByRole("log", { name: "Message history" }).getByText("Do you ship to Osaka?").waitFor();
});

test("keyboard: ? lists the shortcuts, j/k move in the list", opts, async () => {
  const v2 = new Visitor(hub);
  await v2.start("Taro Second");
  await v2.send("Hello there");
  await page.getByRole("link", { name: /Hello there/ }).waitFor();
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await dialog.waitFor();
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "hidden" });
  // The newest conversation (Taro's) is first; Hanako's is open below it.
  const before = page.url();
  await page.keyboard.press("k");
  await until(async () => page.url() !== before, "k to open the conversation above");
  await page.getByRole("log", { name: "Message history" }).getByText("Hello there").waitFor();
  await page.keyboard.press("j");
  await until(async () => page.url() === before, "j to move back down");
});

test("the list follows assignment and status changes live", opts, async () => {
  // The router hands new conversations to online members: start from an
  // operator who is away and a conversation nobody holds.
  await page.evaluate(() => fetch("/api/v1/me").then((r) => r.json()).then((me) => fetch("/api/v1/me/presence", { method: "PUT", headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf_token }, body: '{"presence":"away"}' })));
  for (const c of (await apiAs("GET", "/api/v1/conversations?limit=100")).body.items) {
    if (c.assignee_id) await apiAs("PATCH", `/api/v1/conversations/${encodeURIComponent(c.id)}`, { assignee_id: "" });
  }
  await page.goto(hub.url + "/conversations");
  await page.getByRole("combobox", { name: "Assignee" }).selectOption("me");
  await page.getByText("No conversations.").waitFor();
  const ops = (await apiAs("GET", "/api/v1/operators")).body.items;
  const ada = ops.find((o) => o.email === op.email);
  const r = await apiAs("PATCH", `/api/v1/conversations/${encodeURIComponent(convId)}`, { assignee_id: ada.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await page.getByRole("link", { name: /配送|お届け|files|Bold offer|ships/ }).first().waitFor();
  await page.getByRole("combobox", { name: "Status", exact: true }).selectOption("open");
  await page.getByRole("list", { name: "Conversations" }).getByRole("link").first().waitFor();
  await apiAs("PATCH", `/api/v1/conversations/${encodeURIComponent(convId)}`, { status: "resolved" });
  await page.getByText("No conversations.").waitFor();
  await page.getByRole("combobox", { name: "Status", exact: true }).selectOption("");
  await page.getByRole("combobox", { name: "Assignee" }).selectOption("");
});

test("language switch to Japanese is kept", opts, async () => {
  await page.getByRole("combobox", { name: "Language" }).selectOption("ja");
  await page.getByRole("navigation", { name: "メイン" }).waitFor();
  await page.reload();
  await page.getByRole("link", { name: "受信箱" }).waitFor();
  await page.getByRole("combobox", { name: "言語" }).selectOption("en");
});
