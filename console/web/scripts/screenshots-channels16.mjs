// Screenshots of issue 16 in the console (docs/screenshots/): a WhatsApp
// conversation with its reply window ticking, a reaction and echoes
// (conversation-window-{en,ja}.png); the closed window with the approved-
// template picker filled in (conversation-templates-{en,ja,narrow}.png);
// the channels screen with health badges, template sync and the device
// pairing card (channels-health-{en,ja,narrow}.png). The hub has no
// WhatsApp connector to drive here, so the answers are rewritten by the
// test fixtures (tests/channels16.mjs). Run after `make build`:
// node scripts/screenshots-channels16.mjs
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, login, startHub, Visitor } from "../tests/hub.mjs";
import { fakeWhatsApp, whatsAppConversation } from "../tests/channels16.mjs";

const out = resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });

const hub = await startHub();
try {
  const op = hub.addOperator("mika@example.com", "Mika Admin");
  const api = hub.api(hub.token("screens"));
  const convId = await whatsAppConversation(hub, api, Visitor, "Aiko Tanaka", "Hi, where is my order A-1042? It was due yesterday.");
  const browser = await launch();
  const ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  const state = { expiresAt: new Date(Date.now() + (3 * 60 + 12) * 60_000 + 30_000).toISOString() };
  await fakeWhatsApp(page, convId, state);
  await login(page, hub, op);
  const shot = async (file) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, file), fullPage: false });
    console.log("wrote", join(out, file));
  };
  const setLang = (l) => page.evaluate((x) => localStorage.setItem("sb.language", x), l);

  for (const lang of ["en", "ja"]) {
    state.expiresAt = new Date(Date.now() + (3 * 60 + 12) * 60_000 + 30_000).toISOString();
    await page.setViewportSize({ width: 1280, height: 820 });
    await setLang(lang);
    await page.goto(hub.url + "/conversations/" + encodeURIComponent(convId));
    await page.locator(".msg-reaction").waitFor();
    await page.getByTestId("reply-window").waitFor();
    await shot(`conversation-window-${lang}.png`);
  }

  for (const [lang, file, viewport] of [
    ["en", "conversation-templates-en.png", { width: 1280, height: 900 }],
    ["ja", "conversation-templates-ja.png", { width: 1280, height: 900 }],
    ["ja", "conversation-templates-narrow.png", { width: 390, height: 1000 }],
  ]) {
    state.expiresAt = new Date(Date.now() - 2 * 3600_000).toISOString();
    await page.setViewportSize(viewport);
    await setLang(lang);
    await page.goto(hub.url + "/conversations/" + encodeURIComponent(convId));
    const search = page.locator(".tpl-search");
    await search.waitFor();
    await page.locator(".tpl-list [role=option]").first().waitFor();
    await search.fill("order");
    if (lang === "ja") await search.press("ArrowDown");
    await search.press("Enter");
    const inputs = page.locator(".tpl-params input");
    await inputs.nth(0).fill("Aiko");
    await inputs.nth(1).fill("A-1042");
    await inputs.nth(2).fill(lang === "ja" ? "12月5日" : "5 December");
    await shot(file);
  }

  for (const [lang, file, viewport] of [
    ["en", "channels-health-en.png", { width: 1280, height: 1250 }],
    ["ja", "channels-health-ja.png", { width: 1280, height: 1250 }],
    ["ja", "channels-health-narrow.png", { width: 390, height: 1700 }],
  ]) {
    await page.setViewportSize(viewport);
    await setLang(lang);
    await page.goto(hub.url + "/admin/channels");
    await page.getByRole("row").filter({ hasText: "WhatsApp Support" }).waitFor();
    await page.locator(".qr-box img").waitFor();
    await page.getByRole("button", { name: lang === "ja" ? "テンプレートを同期: WhatsApp Support" : "Sync templates: WhatsApp Support" }).click();
    await page.locator(".sync [role=status]").waitFor();
    await page.getByLabel(lang === "ja" ? "電話番号 (国際形式)" : "Phone number (international format)").fill("+81 90 1234 5678");
    await page.getByRole("button", { name: lang === "ja" ? "ペアリングコードを取得" : "Get pairing code" }).click();
    await page.locator(".pair-code code").waitFor();
    await shot(file);
  }
  await ctx.close();
  await browser.close();
} finally {
  await hub.stop();
}
