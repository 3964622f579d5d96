// Takes the README's screenshots of the inbox against a real hub with a few
// seeded conversations: docs/screenshots/inbox-en.png, inbox-ja.png and
// inbox-narrow.png. Run after `make build`: node scripts/screenshots.mjs
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, login, startHub, Visitor } from "../tests/hub.mjs";

const out = resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });

const hub = await startHub();
try {
  const op = hub.addOperator("mika@example.com", "Mika Operator");
  const token = hub.token("screens");
  const api = (method, path, body) =>
    fetch(hub.url + path, { method, headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" }, body: body && JSON.stringify(body) }).then((r) => r.json());
  const chats = [
    ["ご注文の件で質問があります。配送はいつ頃になりますか?", "お問い合わせありがとうございます。明日発送予定です。"],
    ["Hi! Can I change the size of my order #4411?", null],
    ["返品の手続きを教えてください", null],
    ["Is the store open on Sunday?", "Yes — 10:00 to 18:00 every Sunday."],
    ["Thanks, that solved it!", null],
  ];
  let first;
  for (const [q, a] of chats) {
    const v = new Visitor(hub);
    await v.start("");
    const m = await v.send(q);
    first ??= { conv: m.conversation_id, v };
    if (a) await api("POST", `/api/v1/conversations/${m.conversation_id}/messages`, { parts: [{ kind: "markdown", text: a }] });
  }
  await api("POST", `/api/v1/conversations/${first.conv}/messages`, { text: "常連のお客様です。丁寧に対応してください。", note: true });
  await first.v.send("ありがとうございます!注文番号は A-1234 です。");

  const browser = await launch();
  for (const [lang, file, viewport] of [
    ["en", "inbox-en.png", { width: 1280, height: 760 }],
    ["ja", "inbox-ja.png", { width: 1280, height: 760 }],
    ["ja", "inbox-narrow.png", { width: 390, height: 760 }],
  ]) {
    const ctx = await browser.newContext({ locale: lang === "ja" ? "ja-JP" : "en-US", viewport, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    await login(page, hub, op);
    await page.goto(hub.url + "/conversations/" + encodeURIComponent(first.conv));
    await page.getByRole("log").getByText("A-1234").waitFor();
    await first.v.typing(lang === "ja" ? "それと、ギフト包装は" : "And could you gift-wrap");
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(out, file) });
    await first.v.typing("");
    await ctx.close();
    console.log("wrote", join(out, file));
  }
  await browser.close();
} finally {
  await hub.stop();
}
