// Customer satisfaction end to end (issue 15): a site-chat visitor's
// conversation is resolved by the operator; the rating card appears in
// the widget; the visitor rates it 4 with the keyboard and a comment; the
// console's satisfaction page shows the rating; a second rating is
// refused and the first stands.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, login, skipReason, startHub, until } from "./hub.mjs";
import { embed, page, startSite } from "./site.mjs";

const skip = skipReason();
if (skip) console.log(skip);
const opts = { skip: skip || false };

const CHANNEL = "shop";
let hub, site, browser, ctx, tab, tab2, op, ada, me, convId;

const panel = (p) => p.getByRole("dialog", { name: "Acme Support" });
const card = (p) => panel(p).getByRole("group", { name: "Rate this conversation" });

before(async () => {
  if (skip) return;
  hub = await startHub();
  op = hub.addOperator("ada@example.com", "Ada Admin");
  ada = await hub.session(op);
  me = await ada.request("GET", "/api/v1/me");
  site = await startSite({});
  await ada.request("POST", "/api/v1/channels", {
    id: CHANNEL,
    type: "webchat",
    name: "Acme site",
    config: { title: "Acme Support", allowed_origins: [site.url] },
  });
  site.pages["/shop.html"] = page({ title: "Shop", body: `<h1>Shop</h1>${embed(hub.url, CHANNEL)}` });
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

test("the visitor rates the resolved conversation from the widget's card, once", opts, async () => {
  await tab.goto(site.url + "/shop.html");
  await tab.getByRole("button", { name: /^Open chat/ }).click();
  const box = panel(tab).getByRole("textbox", { name: "Message" });
  await box.fill("My parcel has not arrived");
  await box.press("Enter");
  const conv = await until(async () => (await ada.request("GET", "/api/v1/conversations?channel=" + CHANNEL)).items[0], "the conversation");
  convId = conv.id;
  await ada.request("POST", `/api/v1/conversations/${convId}/messages`, { text: "It arrives tomorrow, sorry for the wait." });
  await panel(tab).getByText("It arrives tomorrow").waitFor();
  await ada.request("PATCH", `/api/v1/conversations/${convId}`, { assignee_id: me.operator_id });
  await ada.request("PATCH", `/api/v1/conversations/${convId}`, { status: "resolved" });

  const rating = card(tab);
  await rating.getByText("How did we do?").waitFor();
  // The same visitor has the shop open in a second tab, card and all.
  tab2 = await ctx.newPage();
  await tab2.goto(site.url + "/shop.html");
  await tab2.getByRole("button", { name: /^Open chat/ }).click();
  await card(tab2).getByRole("button", { name: "1 of 5 stars" }).waitFor();
  const send = rating.getByRole("button", { name: "Send" });
  assert.ok(await send.isDisabled(), "nothing to send before a star is chosen");
  // Keyboard only: Tab to the fourth star, Enter picks it.
  await rating.getByRole("button", { name: "3 of 5 stars" }).focus();
  await tab.keyboard.press("Tab");
  await tab.keyboard.press("Enter");
  assert.equal(await rating.getByRole("button", { name: "4 of 5 stars" }).getAttribute("aria-pressed"), "true");
  await rating.getByRole("textbox", { name: "Comment (optional)" }).fill("Quick and friendly, thank you");
  await send.click();
  await panel(tab).getByText("Thank you for your rating! ★★★★☆").waitFor();

  const { items } = await ada.request("GET", "/api/v1/csat");
  assert.equal(items.length, 1);
  assert.equal(items[0].score, 4);
  assert.equal(items[0].comment, "Quick and friendly, thank you");
  assert.equal(items[0].operator_id, me.operator_id);
  assert.equal(items[0].via, "widget");
  const c = await ada.request("GET", `/api/v1/conversations/${convId}`);
  assert.equal(c.status, "resolved", "rating does not reopen the conversation");
});

test("the console's satisfaction page shows the rating", opts, async () => {
  const console_ = await ctx.newPage();
  await login(console_, hub, op);
  await console_.getByRole("navigation", { name: /Main/ }).getByRole("link", { name: "Satisfaction" }).click();
  await console_.getByRole("heading", { name: "Customer satisfaction" }).waitFor();
  const row = console_.getByRole("row").filter({ hasText: "Quick and friendly, thank you" });
  await row.waitFor();
  assert.match(await row.textContent(), /Ada Admin/);
  assert.match(await row.textContent(), /Site chat/);
  await row.getByLabel("4 of 5").waitFor();
  const overall = console_.getByLabel("Overall");
  assert.match(await overall.textContent(), /Average\s*4\.00/);
  assert.match(await overall.textContent(), /Satisfied \(4–5\)\s*100%/);
  await row.getByRole("link", { name: "Open" }).click();
  await console_.waitForURL(new RegExp(`/conversations/${convId}$`));
  await console_.close();
});

test("a second rating is refused and the first stands", opts, async () => {
  // The second tab still shows the stars: its answer is refused.
  const other = card(tab2);
  await other.getByRole("button", { name: "1 of 5 stars" }).click();
  await other.getByRole("button", { name: "Send" }).click();
  await panel(tab2).getByText("You have already rated this conversation.").waitFor();
  // A reloaded widget shows the outcome, not the stars again.
  await tab.reload();
  await tab.getByRole("button", { name: /^Open chat/ }).click();
  await card(tab).getByText("Thank you for your rating! ★★★★☆").waitFor();
  assert.equal(await card(tab).getByRole("button").count(), 0, "no stars to press on a rated card");
  const { items } = await ada.request("GET", "/api/v1/csat");
  assert.equal(items.length, 1);
  assert.equal(items[0].score, 4);
});
