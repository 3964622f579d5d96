// Sign in and out through the console, as an operator would.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, login, skipReason, startHub } from "./hub.mjs";

const skip = skipReason();
if (skip) console.log(skip);

let hub, browser, op;
before(async () => {
  if (skip) return;
  hub = await startHub();
  op = hub.addOperator("ada@example.com", "Ada Admin");
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await hub?.stop();
});

test("log in, deep link, log out", { skip: skip || false }, async () => {
  const ctx = await browser.newContext({ locale: "en-US" });
  const page = await ctx.newPage();
  await page.goto(hub.url + "/conversations/nope");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Empty form: the browser's own validation keeps us on the page.
  await page.getByLabel("E-mail").fill(op.email);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "Wrong e-mail or password." }).waitFor();
  await login(page, hub, op);
  assert.equal(await page.getByText("Ada Admin").first().isVisible(), true);
  await page.reload();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  // A second operator signs in: the first sees them online, then away.
  const bob = hub.addOperator("bob@example.com", "Bob Operator", "operator");
  const ctx2 = await browser.newContext({ locale: "ja-JP" });
  const page2 = await ctx2.newPage();
  await login(page2, hub, bob);
  assert.equal(await page2.getByRole("link", { name: "受信箱" }).isVisible(), true, "Japanese from the browser's language");
  const team = page.getByRole("region", { name: "Team" });
  await team.getByText("Bob Operator Online").waitFor();
  await page2.getByRole("combobox", { name: "自分のステータス" }).selectOption("away");
  await team.getByText("Bob Operator Away").waitFor();
  await ctx2.close();
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await ctx.close();
});
