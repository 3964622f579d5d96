// Templates, settings and notifications against a real hub: an admin makes a
// shared template with buttons and sees it listed with its preview, the hub's
// errors show by the form, the settings screen saves and reloads, and a
// visitor's message flashes the title of a hidden tab.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, login, recordNotifications, skipReason, startHub, until, Visitor } from "./hub.mjs";

const skip = skipReason();
if (skip) console.log(skip);

let hub, browser, ctx, page, op;

before(async () => {
  if (skip) return;
  hub = await startHub();
  op = hub.addOperator("sue@example.com", "Sue Supervisor", "supervisor");
  browser = await launch();
  ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
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

test("create a shared template with buttons; it is listed with its preview", opts, async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
  await page.getByRole("heading", { name: "Templates", level: 1 }).waitFor();
  await page.getByText("No templates yet.").waitFor();
  await page.getByRole("button", { name: "New template" }).click();
  const form = page.getByRole("form", { name: "New template" });
  await form.getByLabel("Name").fill("Delivery slot");
  await form.getByLabel("Shortcut").fill("deliv slot");
  await form.getByText("The shortcut must not contain spaces.").waitFor();
  await form.getByLabel("Shortcut").fill("deliv");
  await form.getByLabel("Visible to").selectOption({ label: "Everyone (shared)" });
  await form.getByLabel("Rich message").check();
  await form.getByRole("button", { name: "Add buttons" }).click();
  await form.getByLabel("Prompt").fill("When should we deliver?");
  await form.getByLabel("Button 1 label").fill("Morning");
  await form.getByLabel("Button 1 payload").fill("slot_am");
  await form.getByRole("button", { name: "Add a button" }).click();
  await form.getByLabel("Button 2 label").fill("Evening");
  await form.getByLabel("Button 2 payload").fill("slot_pm");
  const preview = page.getByRole("region", { name: "Message preview" });
  await preview.getByText("When should we deliver?").waitFor();
  await preview.getByText("Evening").waitFor();
  await form.getByRole("button", { name: "Save template" }).click();
  await form.waitFor({ state: "detached" });

  const item = page.getByRole("list", { name: "Templates" }).getByRole("listitem", { name: "Delivery slot" });
  await item.getByText("/deliv").waitFor();
  await item.getByText("Shared").waitFor();
  await item.getByText("When should we deliver?").waitFor();
  await item.getByText("Morning").waitFor();
  await item.getByText("Evening").waitFor();
});

test("a template with an uploaded image and a caption", opts, async () => {
  await page.getByRole("button", { name: "New template" }).click();
  const form = page.getByRole("form", { name: "New template" });
  await form.getByLabel("Name").fill("Size chart");
  await form.getByLabel("Shortcut").fill("chart");
  await form.getByLabel("Rich message").check();
  const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0d6a0a50000000049454e44ae426082", "hex");
  await form.getByLabel("Add image").setInputFiles({ name: "chart.png", mimeType: "image/png", buffer: png });
  await form.getByText("chart.png").waitFor();
  await form.getByLabel("Caption").fill("Our size chart");
  const preview = page.getByRole("region", { name: "Message preview" });
  const img = preview.getByRole("img", { name: "Our size chart" });
  await img.waitFor();
  await until(async () => (await img.evaluate((el) => el.complete && el.naturalWidth)) > 0, "the uploaded image loads in the preview");
  await form.getByRole("button", { name: "Save template" }).click();
  await form.waitFor({ state: "detached" });
  const item = page.getByRole("list", { name: "Templates" }).getByRole("listitem", { name: "Size chart" });
  await item.getByText("Our size chart").waitFor();
});

test("a text template with a variable; the hub's error names the field", opts, async () => {
  await page.getByRole("button", { name: "New template" }).click();
  const form = page.getByRole("form", { name: "New template" });
  await form.getByLabel("Name").fill("Greeting");
  await form.getByLabel("Shortcut").fill("deliv");
  await form.getByLabel("Visible to").selectOption({ label: "Everyone (shared)" });
  await form.getByLabel("Message text").fill("Hello ");
  await form.getByRole("button", { name: /Contact name/ }).click();
  await page.getByRole("region", { name: "Message preview" }).getByText("Hello Hanako Yamada").waitFor();
  assert.equal(await form.getByLabel("Message text").inputValue(), "Hello {{contact.name}}");
  await form.getByRole("button", { name: "Save template" }).click();
  await form.getByRole("alert").filter({ hasText: /shortcut: \/deliv is already used/ }).waitFor();
  await form.getByLabel("Shortcut").fill("hello");
  await form.getByRole("button", { name: "Save template" }).click();
  await form.waitFor({ state: "detached" });
  const list = page.getByRole("list", { name: "Templates" });
  await list.getByRole("listitem", { name: "Greeting" }).getByText("Hello Hanako Yamada").waitFor();

  // The filter asks the hub (?q=).
  await page.getByLabel("Filter templates").fill("deliver");
  await list.getByRole("listitem", { name: "Greeting" }).waitFor({ state: "detached" });
  await list.getByRole("listitem", { name: "Delivery slot" }).waitFor();
  await page.getByLabel("Filter templates").fill("nothing-like-this");
  await page.getByText("No templates match.").waitFor();
  await page.getByLabel("Filter templates").fill("");

  // Delete asks first.
  const greeting = list.getByRole("listitem", { name: "Greeting" });
  await greeting.getByRole("button", { name: "Delete" }).click();
  await greeting.getByRole("group", { name: "Delete “Greeting”?" }).getByRole("button", { name: "Delete" }).click();
  await greeting.waitFor({ state: "detached" });
});

test("the settings screen saves and reloads its values", opts, async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  const title = page.getByLabel("Flash the tab title when the tab is in the background");
  const sound = page.getByLabel("Play a short sound");
  await title.waitFor();
  assert.equal(await title.isChecked(), true);
  assert.equal(await sound.isChecked(), true);
  await sound.uncheck();
  // The browser has allowed notifications, so ticking the box asks nothing.
  await ctx.grantPermissions(["notifications"], { origin: hub.url });
  await page.getByLabel("Desktop notifications").check();
  await page.getByText("This browser allows notifications.").waitFor();
  await page.getByLabel("Console language").selectOption("en");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
  await page.reload();
  await title.waitFor();
  assert.equal(await title.isChecked(), true);
  assert.equal(await sound.isChecked(), false);
  assert.equal(await page.getByLabel("Desktop notifications").isChecked(), true);
  assert.equal(await page.getByLabel("Console language").inputValue(), "en");
});

test("a visitor's message flashes the title of a hidden tab", opts, async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inbox" }).click();
  await until(() => page.evaluate(() => !document.querySelector(".stream-state")), "the stream to connect");
  const original = await page.title();
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  // Record desktop notifications instead of showing them.
  await page.evaluate(recordNotifications);
  const v = new Visitor(hub);
  await v.start("Taro Visitor");
  await v.send("Is my order on its way?");
  // (The stream does not carry the contact's name yet, so it may read "Visitor".)
  await until(async () => /^\(1\) New message — (Taro Visitor|Visitor)$/.test(await page.title()), "the title to flash", 10000);
  const notes = await until(() => page.evaluate(() => (window.__notes.length ? window.__notes : null)), "a desktop notification");
  assert.equal(notes.length, 1);
  assert.match(notes[0].title, /^New message — (Taro Visitor|Visitor)$/);
  assert.equal(notes[0].body, "Is my order on its way?");
  console.log("title:", await page.title(), "notification:", notes[0].title);
  // Back to the tab: the title stops flashing.
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await page.waitForTimeout(1300);
  assert.equal(await page.title(), original);
});

test("an operator gets personal templates only and cannot change shared ones", opts, async () => {
  const otto = hub.addOperator("otto@example.com", "Otto Operator", "operator");
  const octx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
  try {
    const p = await octx.newPage();
    await login(p, hub, otto);
    await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
    const list = p.getByRole("list", { name: "Templates" });
    const shared = list.getByRole("listitem", { name: "Delivery slot" });
    await shared.getByText("Shared").waitFor();
    assert.equal(await shared.getByRole("button", { name: "Edit" }).count(), 0);
    await p.getByRole("button", { name: "New template" }).click();
    const form = p.getByRole("form", { name: "New template" });
    const scope = form.getByLabel("Visible to");
    assert.deepEqual(await scope.locator("option").allTextContents(), ["Only me"]);
    await form.getByLabel("Name").fill("My sign-off");
    await form.getByLabel("Shortcut").fill("bye");
    await form.getByLabel("Message text").fill("Best regards, ");
    await form.getByRole("button", { name: /My name/ }).click();
    await form.getByRole("button", { name: "Save template" }).click();
    await form.waitFor({ state: "detached" });
    const mine = list.getByRole("listitem", { name: "My sign-off" });
    await mine.getByText("Personal").waitFor();
    await mine.getByText("Best regards, Otto Operator").waitFor();
  } finally {
    await octx.close();
  }
});
