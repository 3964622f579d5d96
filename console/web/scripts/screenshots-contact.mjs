// Takes screenshots of the customer side panel and the privacy screen
// against a real hub with the test location database: a site-chat visitor
// from London (the map without tiles: none load here), a LINE customer
// whose profile comes from a stand-in for LINE's API, the privacy screen,
// in English and Japanese, and the drawer in a 390px window. Run after
// `make build`: node scripts/screenshots-contact.mjs [OUT_DIR]
// (default docs/screenshots).
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { signedIn, startHub, until, Visitor } from "../tests/hub.mjs";

const out = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots"));
mkdirSync(out, { recursive: true });

// LINE's API as far as the hub asks it: the profile, and 200 for sends.
const avatar = "data:image/svg+xml," + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" fill="#06c755"/><circle cx="20" cy="16" r="7" fill="#fff"/><rect x="9" y="26" width="22" height="12" rx="6" fill="#fff"/></svg>');
const line = createServer((req, res) => {
  res.setHeader("Content-Type", "application/json");
  if (req.url.startsWith("/v2/bot/profile/")) res.end(JSON.stringify({ userId: "U1", displayName: "佐藤 花子", pictureUrl: avatar, language: "ja" }));
  else res.end("{}");
});
await new Promise((ok) => line.listen(0, "127.0.0.1", ok));
const lineURL = `http://127.0.0.1:${line.address().port}`;

const hub = await startHub({ geoip: true, limits: { trust_forwarded_for: true }, config: { map: { tile_url: "http://127.0.0.1:9/{z}/{x}/{y}.png" } } });
try {
  const op = hub.addOperator("mika@example.com", "Mika Admin");
  const token = hub.token("screens");
  const api = async (method, path, body) => {
    const r = await fetch(hub.url + path, { method, headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" }, body: body && JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const conversationOf = async (text) => until(async () => (await api("GET", "/api/v1/conversations")).items.find((c) => c.last_message === text), text);

  // A site-chat visitor from London, three pages into a visit.
  const visitor = new Visitor(hub, "web", {
    "X-Forwarded-For": "81.2.69.142",
    "User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  });
  await visitor.start();
  const page1 = { referrer: "https://search.example/results?q=electric+kettle+uk+plug+stainless", language: "en-GB", time_zone: "Europe/London" };
  await visitor.visit({ ...page1, url: "https://shop.example/", title: "Shop" });
  await visitor.visit({ ...page1, url: "https://shop.example/products/kitchen/kettles/stainless-steel-electric-kettle-1-7-litre-uk-plug?colour=silver&utm_source=newsletter", title: "Stainless steel electric kettle, 1.7 litre (UK plug) — Shop" });
  await visitor.send("Does the kettle come with a UK plug?");
  await visitor.visit({ ...page1, url: "https://shop.example/checkout?step=2", title: "Checkout — delivery" });
  const web = await conversationOf("Does the kettle come with a UK plug?");
  await api("PATCH", `/api/v1/contacts/${web.contact_id}`, { name: "Emily Clarke", email: "emily@example.co.uk", attributes: { plan: "Gold", company: "Clarke & Sons Ltd" }, labels: ["vip", "wholesale"] });

  // A LINE customer: the profile from LINE, no visit.
  const secret = "line-secret-for-screens";
  await api("POST", "/api/v1/channels", { id: "line", type: "line", name: "LINE 公式アカウント", config: { channel_secret: secret, channel_access_token: "token", api_base_url: lineURL } });
  const body = JSON.stringify({
    destination: "U" + "0".repeat(32),
    events: [{ type: "message", mode: "active", timestamp: Date.now(), webhookEventId: "EV1", deliveryContext: { isRedelivery: false }, replyToken: "r1", source: { type: "user", userId: "U4af4980629" }, message: { type: "text", id: "m1", text: "注文した商品の配送状況を教えてください。", quoteToken: "q1" } }],
  });
  const hook = await fetch(hub.url + "/webhooks/line", { method: "POST", headers: { "Content-Type": "application/json", "X-Line-Signature": createHmac("sha256", secret).update(body).digest("base64") }, body });
  if (!hook.ok) throw new Error("LINE webhook: " + hook.status + " " + (await hook.text()));
  const lineConv = await conversationOf("注文した商品の配送状況を教えてください。");

  const session = await signedIn(hub, op, { locale: "en-US", timezoneId: "Asia/Tokyo", viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  const { page } = session;
  const panel = page.getByRole("complementary");
  const shot = async (file) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, file) });
    console.log("wrote", join(out, file));
  };
  for (const lang of ["en", "ja"]) {
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.evaluate((l) => localStorage.setItem("sb.language", l), lang);
    await page.goto(hub.url + "/conversations/" + encodeURIComponent(web.id));
    await panel.getByTestId("map-marker").waitFor();
    await panel.getByRole("status").filter({ hasText: lang === "ja" ? "地図タイル" : "Map tiles" }).waitFor();
    await shot(`panel-web-${lang}.png`);
    await page.goto(hub.url + "/conversations/" + encodeURIComponent(lineConv.id));
    await panel.getByRole("heading", { name: "佐藤 花子" }).waitFor();
    await shot(`panel-line-${lang}.png`);
    await page.goto(hub.url + "/admin/privacy");
    await page.getByRole("checkbox").first().waitFor();
    await shot(`privacy-${lang}.png`);
  }
  // The erase dialog, and the narrow window with the drawer open.
  await page.goto(hub.url + "/conversations/" + encodeURIComponent(web.id));
  await panel.getByRole("button", { name: "連絡先を消去…" }).click();
  await page.getByRole("dialog").waitFor();
  await shot("panel-erase-ja.png");
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(hub.url + "/conversations/" + encodeURIComponent(web.id));
  await page.getByRole("button", { name: "顧客情報" }).click();
  await panel.getByTestId("map-marker").waitFor();
  await shot("panel-narrow-ja.png");
  await panel.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await shot("panel-narrow-ja-bottom.png");
  await page.goto(hub.url + "/admin/privacy");
  await page.getByRole("checkbox").first().waitFor();
  await shot("privacy-narrow-ja.png");
  // A visitor the location database does not know, and an erased contact.
  const stranger = new Visitor(hub, "web", { "X-Forwarded-For": "192.0.2.44" });
  await stranger.start();
  await stranger.visit({ url: "https://shop.example/help", title: "Help", language: "ja-JP" });
  await stranger.send("住所がわからない訪問者です");
  const unknown = await conversationOf("住所がわからない訪問者です");
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.evaluate(() => localStorage.setItem("sb.language", "en"));
  await page.goto(hub.url + "/conversations/" + encodeURIComponent(unknown.id));
  await panel.getByText("No location").waitFor();
  await shot("panel-no-location-en.png");
  await api("DELETE", `/api/v1/contacts/${web.contact_id}`);
  await page.goto(hub.url + "/conversations/" + encodeURIComponent(web.id));
  await panel.getByText("Erased on request").waitFor();
  await shot("panel-erased-en.png");
  await session.close();
} finally {
  await hub.stop();
  line.close();
}
