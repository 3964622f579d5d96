// The customer portal end to end (issue 15): a visitor leaves an offline
// message in the widget; it becomes a ticket; the visitor asks the portal
// for a sign-in link, which this test's in-process SMTP server captures;
// the visitor opens the portal, sees the ticket and replies; the operator
// sees the reply in the inbox and answers; the portal shows the answer.
// Then the portal embedded in the site's page through embed.js.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SMTPServer } from "smtp-server";
import { launch, login, skipReason, startHub, until } from "./hub.mjs";
import { embed, page, startSite } from "./site.mjs";

const skip = skipReason();
if (skip) console.log(skip);
const CHANNEL = "site";
let hub, site, browser, smtp, ada, op, ws;
const mails = [];

/** decodeQP undoes quoted-printable (the hub sends text as QP). */
const decodeQP = (s) => s.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

before(async () => {
  if (skip) return;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, done) {
      let raw = "";
      stream.on("data", (d) => (raw += d));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: decodeQP(raw) });
        done();
      });
    },
  });
  await new Promise((ok) => smtp.listen(0, "127.0.0.1", ok));
  const smtpAddr = `127.0.0.1:${smtp.server.address().port}`;
  hub = await startHub({ config: { smtp: { addr: smtpAddr, from: "Acme Support <support@acme.example>", tls: "none" } } });
  op = hub.addOperator("ada@example.com", "Ada Admin");
  ada = await hub.session(op);
  site = await startSite({});
  await ada.request("POST", "/api/v1/channels", { id: CHANNEL, type: "webchat", name: "Acme site", config: { title: "Acme Support", allowed_origins: [site.url] } });
  site.pages["/"] = page({ title: "Shop", body: `<h1>Shop</h1>${embed(hub.url, CHANNEL)}` });
  await until(async () => (await fetch(`${hub.url}/widget/v1/config?channel=${CHANNEL}`)).ok, "the channel to run");
  const depts = await ada.request("GET", "/api/v1/departments");
  const dept = depts.items.find((d) => d.default) ?? depts.items[0];
  // Closed today: the widget shows the offline form.
  await ada.request("PATCH", `/api/v1/departments/${dept.id}`, {
    hours: { time_zone: "UTC", weekly: {}, holidays: [new Date().toISOString().slice(0, 10)] },
    offline: { mode: "form", when_nobody_online: false, message: { en: "We are closed today.", ja: "本日は休業です。" } },
  });
  ws = (await ada.request("GET", "/api/v1/me")).workspace_id;
  site.pages["/support"] = page({ title: "Support", body: `<h1>Your tickets</h1><div id="switchboard-portal"></div><script src="${hub.url}/portal/${ws}/embed.js" async></script>` });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.stop();
  await hub?.stop();
  await new Promise((ok) => (smtp ? smtp.close(ok) : ok()));
});

const opts = { skip: skip || false };
let customer; // the visitor's browser context, signed in to the portal

test("an offline message becomes a ticket the visitor follows in the portal, with the operator's answer", opts, async () => {
  // 1. The widget's offline form.
  customer = await browser.newContext({ locale: "en-US", viewport: { width: 1100, height: 900 } });
  const p = await customer.newPage();
  p.on("pageerror", (e) => console.log("pageerror:", e.message));
  await p.goto(site.url + "/");
  await p.getByRole("button", { name: /^Open chat/ }).click();
  const dialog = p.getByRole("dialog", { name: "Acme Support" });
  await dialog.getByText("We are closed today.").waitFor();
  await dialog.getByLabel("Name").fill("Mei Tanaka");
  await dialog.getByLabel("E-mail *").fill("mei@example.jp");
  await dialog.getByLabel("Message *").fill("My parcel 1042 arrived damaged.");
  await dialog.getByRole("button", { name: "Send" }).click();
  await dialog.getByText("Thank you! We will get back to you by e-mail.").waitFor();
  const ticket = await until(async () => (await ada.request("GET", "/api/v1/tickets")).items.find((t) => t.subject.includes("parcel 1042")), "the offline ticket");

  // 2. The portal's sign-in: one e-mail field, a link by e-mail.
  await p.goto(`${hub.url}/portal/?lang=en`);
  await p.getByLabel("E-mail address").fill("mei@example.jp");
  await p.getByRole("button", { name: "Send me a sign-in link" }).click();
  await p.getByText(/sign-in link is on its way/).waitFor({ timeout: 5000 }).catch(async (e) => {
    console.log(await p.locator("main").textContent());
    throw e;
  });
  const mail = await until(() => mails.find((m) => m.to.includes("mei@example.jp") && /\/signin\?/.test(m.raw)), "the sign-in e-mail");
  const link = mail.raw.match(/http:\/\/\S+\/signin\?\S+/)[0];
  assert.ok(link.startsWith(hub.url + "/portal/"), link);

  // 3. The link shows a button; pressing it signs in.
  await p.goto(link);
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.getByRole("heading", { name: "My tickets" }).waitFor();
  const row = p.getByRole("link", { name: /My parcel 1042 arrived damaged/ });
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(`#${ticket.number}`));
  await row.click();
  await p.locator(".msg").getByText("My parcel 1042 arrived damaged.").waitFor();

  // 4. The visitor replies.
  await p.getByLabel("Reply").fill("Here is a photo: the box was crushed.");
  await p.getByRole("button", { name: "Send" }).click();
  await p.getByText("Your reply was sent.").waitFor();

  // 5. The operator sees it in the inbox and answers.
  const opCtx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
  try {
    const o = await opCtx.newPage();
    o.on("pageerror", (e) => console.log("pageerror:", e.message));
    await login(o, hub, op);
    const conv = o.getByRole("link", { name: /the box was crushed/ });
    await conv.waitFor({ timeout: 15000 });
    await conv.click();
    await o.getByRole("log", { name: "Message history" }).getByText("Here is a photo: the box was crushed.").waitFor();
    const box = o.getByRole("textbox", { name: "Reply" });
    await box.click();
    await box.fill("Sorry about that! A replacement ships tomorrow.");
    await o.keyboard.press("Control+Enter");
    await o.getByRole("article", { name: "Reply by Ada Admin" }).filter({ hasText: "A replacement ships tomorrow." }).waitFor();
  } finally {
    await opCtx.close();
  }

  // 6. The portal shows the answer, marked new.
  await until(async () => {
    await p.reload();
    return (await p.getByText("Sorry about that! A replacement ships tomorrow.").count()) > 0;
  }, "the operator's answer in the portal");
  const answer = p.locator(".msg").filter({ hasText: "A replacement ships tomorrow." });
  await answer.getByText("Ada Admin").waitFor();
  await answer.getByText("new", { exact: true }).waitFor();
  await p.close();
});

test("the portal embedded in the site's page sizes its iframe and keeps the session", opts, async () => {
  const p = await customer.newPage();
  p.on("pageerror", (e) => console.log("pageerror:", e.message));
  await p.goto(site.url + "/support");
  const frame = p.frameLocator("#switchboard-portal iframe");
  await frame.getByRole("heading", { name: "My tickets" }).waitFor();
  await frame.getByRole("link", { name: /My parcel 1042/ }).waitFor();
  // frame.js reports the height; embed.js sets it (from the hub's origin only).
  const height = await until(async () => {
    const h = await p.locator("#switchboard-portal iframe").evaluate((f) => f.style.height);
    return h && parseInt(h, 10) > 0 ? h : "";
  }, "the iframe to take the portal's height");
  console.log("embedded portal height:", height);
  // A message from another origin does not resize it.
  await p.evaluate(() => window.postMessage({ type: "switchboard-portal:height", height: 5 }, "*"));
  await p.waitForTimeout(200);
  assert.equal(await p.locator("#switchboard-portal iframe").evaluate((f) => f.style.height), height);
  await p.close();
  await customer.close();
});
