// The site chat widget on a business's page, end to end against a real
// hub: the page (another origin, with hostile CSS) embeds /widget.js; the
// visitor chats, an operator answers with quick replies and a form, the
// visitor answers them and sends two files, sees the operator typing and
// the read marks; the page's CSS does not change the widget; the history
// survives a reload and shows in a second tab; nothing is lost offline.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { gzipSync } from "node:zlib";
import { after, before, test } from "node:test";
import { launch, skipReason, startHub, until } from "./hub.mjs";
import { embed, page, startSite } from "./site.mjs";

const skip = skipReason();
if (skip) console.log(skip);
const opts = { skip: skip || false };

const CHANNEL = "site";
const SIGNED = "signed";
const SECRET = "a-secret-only-the-site-server-knows";
// Rules a careless site might have: they must not reach into the widget.
const HOSTILE = `<style>
  * { font: 40px/3 serif !important; color: red !important; letter-spacing: 4px !important; box-sizing: content-box !important; }
  button { display: none !important; } div { padding: 30px !important; border: 5px solid lime !important; }
  ol, li { margin: 50px !important; list-style: square !important; } img { opacity: .2 !important; }
  html { font-size: 50px !important; } body { background: #ffe !important; }
</style>`;

let hub, site, browser, ctx, tab, op, ada, convId;

/** widget finds the widget's parts by role, through its open shadow root. */
const launcher = (p) => p.getByRole("button", { name: /^(Open|Close) chat/ });
const panel = (p) => p.getByRole("dialog", { name: "Acme Support" });

async function teamMessages() {
  const { items } = await ada.request("GET", `/api/v1/conversations/${convId}/messages?limit=500`);
  return items;
}

before(async () => {
  if (skip) return;
  hub = await startHub();
  op = hub.addOperator("ada@example.com", "Ada Admin");
  ada = await hub.session(op);
  site = await startSite({});
  await ada.request("POST", "/api/v1/channels", {
    id: CHANNEL,
    type: "webchat",
    name: "Acme site",
    config: { title: "Acme Support", greeting: "Hi! How can we help?", color: "#0f766e", allowed_origins: [site.url] },
  });
  await ada.request("POST", "/api/v1/channels", {
    id: SIGNED,
    type: "webchat",
    name: "Signed site",
    config: { title: "Signed", allowed_origins: [site.url], identity_secret: SECRET, position: "left" },
  });
  const snippet = embed(hub.url, CHANNEL);
  // A Japanese page whose script calls the API before the widget loaded.
  site.pages["/ja.html"] = page({
    title: "日本語のページ",
    lang: "ja",
    body: `<h1>ショップ</h1>${embed(hub.url, SIGNED)}<script>window.opened = 0; Switchboard("on", "open", () => window.opened++); Switchboard("open");</script>`,
  });
  site.pages["/hostile.html"] = page({ title: "Hostile shop", head: HOSTILE, body: `<h1>Shop</h1><p>Products</p>${snippet}` });
  // Settings instead of data-channel: the channel and a language that beats the page's.
  site.pages["/settings.html"] = page({
    title: "Settings",
    body: `<script>window.SwitchboardSettings = { channel: "${CHANNEL}", language: "ja" };</script><script async src="${hub.url}/widget.js"></script>`,
  });
  site.pages["/plain.html"] = page({ title: "Plain shop", body: `<h1>Shop</h1><p>Products</p>${snippet}` });
  await until(async () => (await fetch(`${hub.url}/widget/v1/config?channel=${CHANNEL}`)).ok, "the channel to run");
  browser = await launch();
  ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
  tab = await ctx.newPage();
  tab.on("pageerror", (e) => console.log("pageerror:", e.message));
});
after(async () => {
  await ctx?.close();
  await browser?.close();
  await site?.stop();
  await hub?.stop();
});

test("the widget is small and its launcher paints fast on the page", opts, async () => {
  const res = await fetch(hub.url + "/widget.js");
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  const gz = gzipSync(Buffer.from(await res.arrayBuffer()), { level: 9 }).length;
  console.log(`widget.js: ${gz} bytes gzipped`);
  assert.ok(gz < 40 * 1024, `widget.js is ${gz} bytes gzipped, over 40 KB`);

  // A first visit waits for the channel's look; a returning one has it cached.
  for (const visit of ["first visit", "returning visitor"]) {
    if (visit === "first visit") await tab.goto(site.url + "/hostile.html");
    else await tab.reload();
    await launcher(tab).waitFor();
    const paint = await tab.evaluate(() => performance.getEntriesByName("switchboard:launcher-painted")[0]?.startTime);
    const fcp = await tab.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime);
    console.log(`${visit}: widget launcher painted ${Math.round(paint)} ms after navigation start (the page's first contentful paint: ${Math.round(fcp)} ms)`);
    assert.ok(paint > 0 && paint < 3000, `launcher painted at ${paint} ms`);
  }
});

test("the visitor opens the launcher, chats and sees the operator's answer and read marks", opts, async () => {
  await launcher(tab).click();
  const dialog = panel(tab);
  await dialog.waitFor();
  await dialog.getByText("Hi! How can we help?").waitFor();
  const box = dialog.getByRole("textbox", { name: "Message" });
  assert.ok(await box.evaluate((el) => el.getRootNode().activeElement === el), "focus moved into the panel");
  await box.fill("Hello 👋 where is my order?");
  await box.press("Enter");
  const mine = dialog.getByRole("listitem").filter({ hasText: "Hello 👋 where is my order?" });
  await mine.getByText("Sent", { exact: true }).waitFor();

  const conv = await until(async () => (await ada.request("GET", "/api/v1/conversations?channel=" + CHANNEL)).items.find((c) => c.channel === CHANNEL), "the conversation");
  convId = conv.id;
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, { parts: [{ kind: "markdown", text: "It ships **today**. [Track it](https://track.example/1)" }] });
  const answer = dialog.getByRole("listitem").filter({ hasText: "It ships today." });
  await answer.getByText("Ada Admin").waitFor();
  assert.equal(await answer.locator("strong").textContent(), "today", "markdown rendered");
  assert.equal(await answer.getByRole("link", { name: "Track it" }).getAttribute("rel"), "noopener noreferrer");
  await ada.request("POST", `/api/v1/conversations/${convId}/read`);
  await mine.getByText("Read", { exact: true }).waitFor();
});

test("the operator's typing shows until their message arrives", opts, async () => {
  const dialog = panel(tab);
  await ada.request("POST", `/api/v1/conversations/${convId}/typing`, { typing: true });
  const typing = dialog.getByText("Ada Admin is typing…");
  await typing.waitFor();
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, { text: "Let me check." });
  await dialog.getByText("Let me check.").waitFor();
  await typing.waitFor({ state: "hidden" });
});

test("a quick reply answers with its label and goes away", opts, async () => {
  const dialog = panel(tab);
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, {
    parts: [{ kind: "buttons", text: "What is it about?", quick_reply: true, buttons: [{ label: "Shipping" }, { label: "Returns" }] }],
  });
  const chip = dialog.getByRole("button", { name: "Shipping" });
  await chip.click();
  await chip.waitFor({ state: "detached" });
  await dialog.getByRole("button", { name: "Returns" }).waitFor({ state: "detached" });
  await dialog.getByRole("listitem").filter({ hasText: /^Shipping/ }).waitFor();
  await until(async () => (await teamMessages()).some((m) => m.direction === "in" && m.parts?.[0]?.text === "Shipping"), "the hub to store the quick reply");
});

test("a form is checked in the widget, then stored as a form response", opts, async () => {
  const dialog = panel(tab);
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, {
    parts: [
      {
        kind: "form",
        form: {
          title: "Your details",
          submit_label: "Send details",
          fields: [
            { name: "name", label: "Name", type: "text", required: true },
            { name: "email", label: "E-mail", type: "email", required: true },
          ],
        },
      },
    ],
  });
  const form = dialog.getByRole("form", { name: "Your details" });
  await form.getByLabel("Name").fill("Hanako Yamada");
  await form.getByLabel("E-mail").fill("hanako.example.com");
  await form.getByRole("button", { name: "Send details" }).click();
  await form.getByText("Enter an e-mail address like name@example.com.").waitFor();
  assert.equal(await form.getByLabel("E-mail").getAttribute("aria-invalid"), "true");
  await form.getByLabel("E-mail").fill("hanako@example.com");
  await form.getByRole("button", { name: "Send details" }).click();
  await dialog.getByText("Thank you, your answer was sent.").waitFor();
  const stored = await until(async () => (await teamMessages()).find((m) => m.parts?.[0]?.kind === "form_response"), "the form response");
  assert.deepEqual(
    stored.parts[0].form_response.fields.map((f) => [f.name, f.value]),
    [
      ["name", "Hanako Yamada"],
      ["email", "hanako@example.com"],
    ],
  );
});

test("two files are attached (a third of a refused type is not) and sent in one message", opts, async () => {
  const dialog = panel(tab);
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==", "base64");
  const chooser = tab.waitForEvent("filechooser");
  await dialog.getByRole("button", { name: "Attach files" }).click();
  await (
    await chooser
  ).setFiles([
    { name: "photo.png", mimeType: "image/png", buffer: png },
    { name: "order.txt", mimeType: "text/plain", buffer: Buffer.from("order A-1234\n") },
    { name: "tool.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") },
  ]);
  await dialog.getByRole("alert").filter({ hasText: "“tool.exe” is not a file type you can send here." }).waitFor();
  await dialog.getByRole("button", { name: "Remove photo.png" }).waitFor();
  await dialog.getByRole("button", { name: "Remove order.txt" }).waitFor();
  await dialog.getByRole("textbox", { name: "Message" }).fill("My receipt");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  const sent = dialog.getByRole("listitem").filter({ hasText: "My receipt" });
  await sent.getByText("Sent", { exact: true }).waitFor();
  await sent.getByRole("link", { name: /order\.txt/ }).waitFor();
  await sent.getByRole("img", { name: "photo.png" }).waitFor();
  const stored = await until(async () => (await teamMessages()).find((m) => m.direction === "in" && m.parts?.some((p) => p.attachment)), "the message with files");
  assert.deepEqual(
    stored.parts.filter((p) => p.attachment).map((p) => [p.kind, p.attachment.filename]),
    [
      ["image", "photo.png"],
      ["file", "order.txt"],
    ],
  );
});

test("a retracted message disappears", opts, async () => {
  const dialog = panel(tab);
  const msg = await ada.request("POST", `/api/v1/conversations/${convId}/messages`, { text: "Wrong order number, sorry" });
  await dialog.getByText("Wrong order number, sorry").waitFor();
  await ada.request("POST", `/api/v1/messages/${msg.id}/retract`);
  await dialog.getByText("Wrong order number, sorry").waitFor({ state: "detached" });
});

/** panelShot opens the widget on path and returns the PNG of its panel. */
async function panelShot(p, path) {
  await p.goto(site.url + path);
  await launcher(p).click();
  const dialog = panel(p);
  await dialog.getByText("My receipt").waitFor();
  await dialog.getByRole("img", { name: "photo.png" }).evaluate((img) => img.decode());
  await p.evaluate(() => document.fonts.ready);
  const box = await dialog.boundingBox();
  return { png: await p.screenshot({ clip: box, animations: "disabled" }), box };
}

test("the page's CSS does not change the widget", opts, async () => {
  const plain = await panelShot(tab, "/plain.html");
  const hostile = await panelShot(tab, "/hostile.html");
  assert.deepEqual(hostile.box, plain.box, "same place and size");
  // Compare pixels (decoded by the browser's canvas), inside the rounded corners.
  const diff = await tab.evaluate(
    async ([a, b]) => {
      const pixels = async (b64) => {
        const img = new Image();
        img.src = "data:image/png;base64," + b64;
        await img.decode();
        const c = document.createElement("canvas");
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext("2d");
        g.drawImage(img, 0, 0);
        return g.getImageData(16, 16, img.width - 32, img.height - 32).data;
      };
      const [pa, pb] = [await pixels(a), await pixels(b)];
      let differ = 0;
      for (let i = 0; i < pa.length; i += 4) if (Math.abs(pa[i] - pb[i]) + Math.abs(pa[i + 1] - pb[i + 1]) + Math.abs(pa[i + 2] - pb[i + 2]) > 24) differ++;
      return differ / (pa.length / 4);
    },
    [plain.png.toString("base64"), hostile.png.toString("base64")],
  );
  console.log(`hostile vs plain page: ${(diff * 100).toFixed(3)}% of the panel's pixels differ`);
  assert.ok(diff < 0.001, `${(diff * 100).toFixed(2)}% of the pixels differ`);
});

test("the history survives a reload and a second tab follows live", opts, async () => {
  await tab.reload();
  await launcher(tab).click();
  const dialog = panel(tab);
  for (const text of ["Hello 👋 where is my order?", "It ships today.", "Let me check.", "My receipt", "Thank you, your answer was sent."]) await dialog.getByText(text).first().waitFor();
  await dialog.getByText("Wrong order number, sorry").waitFor({ state: "detached" });

  const second = await ctx.newPage();
  await second.goto(site.url + "/plain.html");
  await launcher(second).click();
  await panel(second).getByText("My receipt").waitFor();
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, { text: "Seen in both tabs" });
  await dialog.getByText("Seen in both tabs").waitFor();
  await panel(second).getByText("Seen in both tabs").waitFor();
  await second.close();
});

test("offline: reconnecting shows, a message waits and goes out once, nothing is lost", opts, async () => {
  const dialog = panel(tab);
  await ctx.setOffline(true);
  await dialog.getByRole("status").filter({ hasText: /Reconnecting|Offline/ }).waitFor();
  await dialog.getByRole("textbox", { name: "Message" }).fill("Written offline");
  await dialog.getByRole("textbox", { name: "Message" }).press("Enter");
  await dialog.getByRole("listitem").filter({ hasText: "Written offline" }).getByText("Sending", { exact: true }).waitFor();
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, { text: "Said while you were away" });
  await ctx.setOffline(false);
  await dialog.getByText("Said while you were away").waitFor({ timeout: 20000 });
  await dialog.getByRole("listitem").filter({ hasText: "Written offline" }).getByText(/^(Sent|Read)$/).waitFor({ timeout: 20000 });
  await dialog.getByRole("status").filter({ hasText: /Reconnecting|Offline/ }).waitFor({ state: "hidden" });
  const stored = (await teamMessages()).filter((m) => m.parts?.[0]?.text === "Written offline");
  assert.equal(stored.length, 1, "stored once");
});

test("a message written offline in a page closed before the network came back goes out from the next page", opts, async () => {
  const page1 = await ctx.newPage();
  await page1.goto(site.url + "/plain.html");
  await launcher(page1).click();
  await panel(page1).getByText("Written offline").waitFor();
  await ctx.setOffline(true);
  await panel(page1).getByRole("textbox", { name: "Message" }).fill("Kept for later");
  await panel(page1).getByRole("textbox", { name: "Message" }).press("Enter");
  await panel(page1).getByRole("listitem").filter({ hasText: "Kept for later" }).getByText("Sending", { exact: true }).waitFor();
  await page1.close();
  await ctx.setOffline(false);
  await tab.reload();
  await launcher(tab).click();
  await panel(tab).getByRole("listitem").filter({ hasText: "Kept for later" }).getByText(/^(Sent|Read)$/).waitFor({ timeout: 20000 });
  await until(async () => (await teamMessages()).filter((m) => m.parts?.[0]?.text === "Kept for later").length === 1, "the hub to store it once");
});

test("keyboard: Escape closes the panel and focus returns to the launcher", opts, async () => {
  await panel(tab).getByRole("textbox", { name: "Message" }).focus();
  await tab.keyboard.press("Escape");
  await panel(tab).waitFor({ state: "hidden" });
  assert.ok(await launcher(tab).evaluate((el) => el.getRootNode().activeElement === el), "focus is on the launcher");
  assert.equal(await launcher(tab).getAttribute("aria-expanded"), "false");
});

test("the unread badge counts team messages while closed, in every tab, and clears in all when read in one; the JS API opens, closes and reports messages", opts, async () => {
  await tab.evaluate(() => {
    window.seen = [];
    window.Switchboard.on("message", (m) => window.seen.push(m.text));
  });
  const other = await ctx.newPage();
  await other.goto(site.url + "/plain.html");
  await launcher(other).waitFor();
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, { text: "Anything else?" });
  await tab.getByRole("button", { name: "Open chat, 1 unread message" }).waitFor();
  await other.getByRole("button", { name: "Open chat, 1 unread message" }).waitFor();
  assert.deepEqual(await tab.evaluate(() => window.seen), ["Anything else?"]);
  await tab.evaluate(() => window.Switchboard.open());
  await panel(tab).getByText("Anything else?").waitFor();
  // Read in one tab: the other tab's badge clears too.
  await other.getByRole("button", { name: "Open chat", exact: true }).waitFor();
  await other.close();
  await tab.getByRole("button", { name: "Close chat", exact: true }).last().waitFor();
  await tab.evaluate(() => window.Switchboard.close());
  await panel(tab).waitFor({ state: "hidden" });
  await tab.getByRole("button", { name: "Open chat", exact: true }).waitFor();
});

test("identify and page context reach the hub", opts, async () => {
  const who = await tab.evaluate(() => window.Switchboard.identify({ name: "Hanako Yamada", email: "hanako@example.com", attributes: { plan: "gold" } }));
  assert.equal(who.verified, false, "no identity_secret: taken as unverified");
  assert.equal(who.contact.name, "Hanako Yamada");
  await tab.evaluate(() => history.pushState({}, "", "/products/42"));
  const started = Date.now();
  const conv = await until(async () => {
    const c = await ada.request("GET", `/api/v1/conversations/${convId}`);
    return c.context?.page_url?.endsWith("/products/42") && c;
  }, "the page context", 3000);
  console.log(`page context reached the hub ${Date.now() - started} ms after navigation`);
  assert.equal(conv.context.time_zone, await tab.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone));
});

test("typing sends the draft at most every 400 ms, and an empty draft once sent", opts, async () => {
  const drafts = [];
  const seen = (req) => req.url().endsWith("/widget/v1/typing") && drafts.push(req.postDataJSON().text);
  tab.on("request", seen);
  await tab.evaluate(() => window.Switchboard.open());
  const box = panel(tab).getByRole("textbox", { name: "Message" });
  const started = Date.now();
  await box.pressSequentially("Where is the parcel now?", { delay: 40 });
  const typed = Date.now() - started;
  await until(() => drafts.at(-1) === "Where is the parcel now?", "the last draft");
  const most = Math.ceil(typed / 400) + 1;
  assert.ok(drafts.length >= 2 && drafts.length <= most, `${drafts.length} drafts for ${typed} ms of typing (at most ${most}): ${JSON.stringify(drafts)}`);
  await box.press("Enter");
  await until(() => drafts.at(-1) === "", "the empty draft after sending");
  tab.off("request", seen);
});

test("emoji from the picker; files pasted and dropped; a file over the size limit is refused before upload", opts, async () => {
  const dialog = panel(tab);
  const box = dialog.getByRole("textbox", { name: "Message" });
  await box.fill("Thanks ");
  await dialog.getByRole("button", { name: "Insert emoji" }).click();
  await dialog.getByRole("button", { name: "🙏" }).click();
  assert.equal(await box.inputValue(), "Thanks 🙏");
  // By keyboard: Escape closes the picker first (not the panel); opened
  // again it takes focus, the arrows move, Enter inserts.
  const picker = dialog.getByRole("group", { name: "Insert emoji" });
  await tab.keyboard.press("Escape");
  await picker.waitFor({ state: "hidden" });
  await tab.keyboard.press("Enter");
  await picker.waitFor();
  await tab.keyboard.press("ArrowRight");
  await tab.keyboard.press("Enter");
  assert.equal(await box.inputValue(), "Thanks 🙏😂");
  await tab.keyboard.press("Escape");
  await picker.waitFor({ state: "hidden" });
  await panel(tab).waitFor();
  await box.fill("Thanks 🙏");
  await box.evaluate((el) => {
    const dt = new DataTransfer();
    dt.items.add(new File(["pasted"], "pasted.png", { type: "image/png" }));
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await dialog.getByRole("button", { name: "Remove pasted.png" }).waitFor();
  await dialog.evaluate((panelEl) => {
    const dt = new DataTransfer();
    dt.items.add(new File(["dropped"], "dropped.txt", { type: "text/plain" }));
    dt.items.add(new File([new Uint8Array(11 << 20)], "huge.pdf", { type: "application/pdf" }));
    for (const type of ["dragenter", "dragover", "drop"]) panelEl.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await dialog.getByRole("button", { name: "Remove dropped.txt" }).waitFor();
  await dialog.getByRole("alert").filter({ hasText: "“huge.pdf” is larger than 10 MB." }).waitFor();
  assert.equal(await dialog.getByRole("button", { name: "Remove huge.pdf" }).count(), 0);
  await dialog.getByRole("button", { name: "Remove pasted.png" }).click();
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  const sent = dialog.getByRole("listitem").filter({ hasText: "Thanks 🙏" });
  await sent.getByRole("link", { name: /dropped\.txt/ }).waitFor();
  await sent.getByText(/^(Sent|Read)$/).waitFor();
});

test("a Japanese page: Japanese words, calls queued before load, the launcher on the left; identify must be signed; SwitchboardSettings", opts, async () => {
  const ctxJa = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
  const ja = await ctxJa.newPage();
  try {
    await ja.goto(site.url + "/ja.html");
    const dialog = ja.getByRole("dialog", { name: "Signed" });
    await dialog.waitFor();
    assert.equal(await ja.evaluate(() => window.opened), 1, "the queued open listener ran");
    await dialog.getByRole("textbox", { name: "メッセージ" }).waitFor();
    await ja.getByRole("button", { name: "チャットを閉じる" }).first().waitFor();
    const box = await dialog.boundingBox();
    assert.ok(box.x < 100, `panel on the left (x=${box.x})`);

    const forged = await ja.evaluate(() => window.Switchboard.identify({ email: "boss@example.com", signature: "00".repeat(32) }).then(() => "accepted", (e) => e.code));
    assert.equal(forged, "invalid_signature");
    const signature = createHmac("sha256", SECRET).update("cust-42").digest("hex");
    const who = await ja.evaluate((sig) => window.Switchboard.identify({ external_id: "cust-42", name: "山田花子", email: "hanako@example.com", signature: sig }), signature);
    assert.equal(who.verified, true);
    assert.equal(who.contact.external_id, "cust-42");

    await ja.goto(site.url + "/settings.html");
    await ja.getByRole("button", { name: "チャットを開く" }).click();
    await ja.getByRole("dialog", { name: "Acme Support" }).getByRole("textbox", { name: "メッセージ" }).waitFor();
  } finally {
    await ctxJa.close();
  }
});

test("what operators send is rendered safely: no script runs, no javascript: link, no page-covering styles", opts, async () => {
  await tab.evaluate(() => window.Switchboard.open());
  const dialog = panel(tab);
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, {
    parts: [{ kind: "markdown", text: 'Markdown <img src=x onerror="window.pwned=1"> [click](javascript:window.pwned=2) <div style="position:fixed;inset:0">cover</div>' }],
  });
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, {
    parts: [{ kind: "html", text: '<p>Custom <b>HTML</b></p><img src=x onerror="window.pwned=3"><script>window.pwned=4</script><a href="https://example.com/offer">offer</a>' }],
  });
  const html = dialog.getByRole("listitem").filter({ hasText: "Custom HTML" });
  await html.locator("b").getByText("HTML").waitFor();
  const md = dialog.getByRole("listitem").filter({ hasText: "Markdown" });
  await md.waitFor();
  assert.equal(await html.getByRole("link", { name: "offer" }).getAttribute("rel"), "noopener noreferrer");
  assert.equal(await md.locator("[href^='javascript']").count(), 0, "no javascript: link");
  assert.equal(await md.locator("[style]").count(), 0, "no inline styles");
  assert.equal(await dialog.locator("script, [onerror]").count(), 0);
  await tab.waitForTimeout(200);
  assert.equal(await tab.evaluate(() => window.pwned), undefined, "no script ran");
});
