// Screenshots of the customer portal against a real hub: sign-in,
// mailbox, thread and new ticket in English and Japanese and in a narrow
// window, the portal embedded in a site's page, and the console's
// branding settings, into docs/screenshots/portal-*.png. Run after
// `make build`: node scripts/screenshots-portal.mjs
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SMTPServer } from "smtp-server";
import { launch, login, startHub, until } from "../tests/hub.mjs";
import { page, startSite } from "../tests/site.mjs";

const out = resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });
const mails = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, session, done) {
    let raw = "";
    stream.on("data", (d) => (raw += d));
    stream.on("end", () => {
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))) });
      done();
    });
  },
});
await new Promise((ok) => smtp.listen(0, "127.0.0.1", ok));
const hub = await startHub({ config: { smtp: { addr: `127.0.0.1:${smtp.server.address().port}`, from: "Acme <support@acme.example>", tls: "none" } } });
const site = await startSite({});
const browser = await launch();
const shot = async (p, name) => {
  await p.waitForTimeout(250);
  await p.screenshot({ path: join(out, name), fullPage: true });
  console.log("wrote", join(out, name));
};
try {
  const op = hub.addOperator("mika@example.com", "Mika Sato");
  const api = hub.api(hub.token("screens"));
  const ws = (await (await hub.session(op)).request("GET", "/api/v1/me")).workspace_id;
  // The portal may be framed by the sites of the workspace's site chats.
  await api("POST", "/api/v1/channels", { id: "acme", type: "webchat", name: "Acme site", config: { allowed_origins: [site.url] } });
  await api("PUT", "/api/v1/workspace/branding", { color: "#0a7d4f", logo_url: "" });
  for (const a of [
    { title: "How do I return an item?", locale: "en", body: "Contact us within 30 days." },
    { title: "Where is my order?", locale: "en", body: "Track it from the confirmation e-mail." },
    { title: "返品の方法を教えてください", locale: "ja", body: "30日以内にご連絡ください。" },
    { title: "注文した商品はいつ届きますか", locale: "ja", body: "確認メールのリンクから確認できます。" },
  ]) await api("POST", "/api/v1/articles", { ...a, status: "published" });
  const mk = async (subject, text) => (await api("POST", "/api/v1/tickets", { subject, text, contact: { email: "mei@example.jp", name: "Mei Tanaka" } })).body;
  const t1 = await mk("Parcel 1042 arrived damaged", "The box was crushed and the cup inside is broken.");
  await mk("Invoice for October", "Could you send the invoice again?");
  const t3 = await mk("返品について", "サイズが合わなかったので返品したいです。");
  const sess = await hub.session(op);
  await sess.request("POST", `/api/v1/conversations/${t1.conversation_id}/messages`, { parts: [{ kind: "text", text: "Sorry about that! A replacement ships tomorrow." }] });
  await sess.request("POST", `/api/v1/conversations/${t3.conversation_id}/messages`, { parts: [{ kind: "text", text: "ご連絡ありがとうございます。返品用の伝票をお送りします。" }] });

  const ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1100, height: 760 }, deviceScaleFactor: 1 });
  const p = await ctx.newPage();
  for (const lang of ["en", "ja"]) {
    await p.goto(`${hub.url}/portal/${ws}/?lang=${lang}`);
    await shot(p, `portal-signin-${lang}.png`);
  }
  await p.getByRole("textbox").first().fill("mei@example.jp");
  await p.getByRole("button").filter({ hasText: /link|リンク/ }).click();
  const mail = await until(() => mails.find((m) => /\/signin\?/.test(m.raw)), "the sign-in e-mail");
  await p.goto(mail.raw.match(/http:\/\/\S+\/signin\?\S+/)[0].replace("lang=ja", "lang=en"));
  await shot(p, "portal-link-en.png");
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.getByRole("heading", { name: "My tickets" }).waitFor();
  for (const lang of ["en", "ja"]) {
    await p.goto(`${hub.url}/portal/${ws}/?lang=${lang}`);
    await shot(p, `portal-mailbox-${lang}.png`);
    await p.goto(`${hub.url}/portal/${ws}/tickets/${lang === "en" ? t1.number : t3.number}?lang=${lang}`);
    await shot(p, `portal-thread-${lang}.png`);
    await p.goto(`${hub.url}/portal/${ws}/tickets/new?lang=${lang}`);
    await shot(p, `portal-new-${lang}.png`);
  }
  await p.setViewportSize({ width: 390, height: 844 });
  await p.goto(`${hub.url}/portal/${ws}/?lang=ja`);
  await shot(p, "portal-mailbox-narrow.png");
  await p.goto(`${hub.url}/portal/${ws}/tickets/${t3.number}?lang=ja`);
  await shot(p, "portal-thread-narrow.png");

  site.pages["/support"] = page({
    title: "Acme support",
    body: `<div style="font-family:sans-serif;max-width:960px;margin:0 auto;padding:1rem"><h1>Acme — Support</h1><p>Your questions and our answers, in one place.</p><div id="switchboard-portal"></div><script src="${hub.url}/portal/${ws}/embed.js" data-lang="en" async></script><footer style="margin-top:1rem;color:#666">© Acme</footer></div>`,
  });
  await p.setViewportSize({ width: 1100, height: 760 });
  await p.goto(site.url + "/support");
  await p.frameLocator("#switchboard-portal iframe").getByRole("heading", { name: "My tickets" }).waitFor();
  await p.waitForTimeout(500);
  await shot(p, "portal-embedded.png");
  await ctx.close();

  const cctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const c = await cctx.newPage();
  await login(c, hub, op);
  for (const lang of ["en", "ja"]) {
    await c.evaluate((l) => localStorage.setItem("sb.language", l), lang);
    await c.goto(hub.url + "/settings");
    await c.locator("#branding-title").scrollIntoViewIfNeeded();
    await c.locator("#branding-color").waitFor();
    await c.locator('section[aria-labelledby="branding-title"]').screenshot({ path: join(out, `branding-settings-${lang}.png`) });
    console.log("wrote", join(out, `branding-settings-${lang}.png`));
  }
  await cctx.close();
} finally {
  await browser.close();
  await site.stop();
  await hub.stop();
  smtp.close();
}
