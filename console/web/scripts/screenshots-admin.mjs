// Takes screenshots of the admin channels screen against a real hub:
// docs/screenshots/channels-en.png, channels-ja.png (with the add form
// open) and channels-narrow.png. Run after `make build`:
// node scripts/screenshots-admin.mjs
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, login, startHub } from "../tests/hub.mjs";

const out = resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });

const hub = await startHub();
try {
  const op = hub.addOperator("mika@example.com", "Mika Admin");
  const token = hub.token("screens");
  const api = (method, path, body) =>
    fetch(hub.url + path, { method, headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" }, body: body && JSON.stringify(body) }).then((r) => r.json());
  await api("POST", "/api/v1/channels", { id: "support", type: "webchat", name: "Support chat", config: { title: "Ask us", allowed_origins: ["https://www.example.com"] } });
  await api("POST", "/api/v1/channels", { id: "jp-shop", type: "webchat", name: "ショップ窓口", paused: true, config: {} });

  const browser = await launch();
  const ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await login(page, hub, op);
  for (const [lang, file, viewport] of [
    ["en", "channels-en.png", { width: 1280, height: 1300 }],
    ["ja", "channels-ja.png", { width: 1280, height: 1300 }],
    ["ja", "channels-narrow.png", { width: 390, height: 900 }],
  ]) {
    await page.setViewportSize(viewport);
    await page.evaluate((l) => localStorage.setItem("sb.language", l), lang);
    await page.goto(hub.url + "/admin/channels");
    await page.getByRole("row").filter({ hasText: "Support chat" }).waitFor();
    await page.getByRole("button", { name: lang === "ja" ? "チャネルを追加" : "Add channel" }).click();
    await page.locator("form select").first().selectOption("webchat");
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, file), fullPage: false });
    console.log("wrote", join(out, file));
  }
  await ctx.close();
  await browser.close();
} finally {
  await hub.stop();
}
