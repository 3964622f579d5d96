// Screenshots of the ticket screens against a real hub with seeded
// tickets (some past their 1-minute first-reply target, so the breach
// sweeper marks them): the Tickets list, a ticket with its fields and
// history, the convert dialog, the ticket fields admin and the department
// SLA settings, in English and Japanese, and narrow (390 px) Japanese
// windows. Written to docs/screenshots/ (SHOTS_DIR to change).
// Run after `make build`: node scripts/screenshots-tickets.mjs
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, login, startHub, until, Visitor } from "../tests/hub.mjs";

const out = process.env.SHOTS_DIR || resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });

const seeds = {
  en: {
    admin: "Mika Sato",
    fields: [
      ["order_no", { label: "Order number", type: "number", required: true, public: true, position: 1 }],
      ["reason", { label: "Reason", type: "select", options: ["Lost", "Damaged", "Late"], required: false, public: false, position: 2 }],
      ["gift", { label: "Gift wrapped", type: "checkbox", required: false, public: true, position: 3 }],
      ["delivery", { label: "Delivery date", type: "date", required: false, public: true, position: 4 }],
    ],
    chat: ["Hanako Suzuki", "My parcel never arrived\nOrder 5512 was sent last week and tracking stopped."],
    tickets: [
      ["Refund for order 5512", "Taro Yamada", "taro@example.com", "high"],
      ["Invoice address is wrong", "Lee Chen", "lee@example.com", "normal"],
      ["Cannot sign in to my account", "Ana Lima", "ana@example.com", "urgent"],
      ["Question about bulk discounts", "Sam Park", "sam@example.com", "low"],
    ],
    note: "Asked the courier for a trace.",
    lang: "en-US",
  },
  ja: {
    admin: "佐藤 美香",
    fields: [
      ["order_no", { label: "注文番号", type: "number", required: true, public: true, position: 1 }],
      ["reason", { label: "理由", type: "select", options: ["紛失", "破損", "遅延"], required: false, public: false, position: 2 }],
      ["gift", { label: "ギフト包装", type: "checkbox", required: false, public: true, position: 3 }],
      ["delivery", { label: "配達日", type: "date", required: false, public: true, position: 4 }],
    ],
    chat: ["鈴木 花子", "荷物が届きません\n先週発送された注文 5512 の追跡が止まっています。"],
    tickets: [
      ["注文 5512 の返金について", "山田 太郎", "taro@example.com", "high"],
      ["請求書の住所が間違っています", "陳 李", "lee@example.com", "normal"],
      ["アカウントにログインできません", "リマ アナ", "ana@example.com", "urgent"],
      ["まとめ買いの割引について", "朴 サム", "sam@example.com", "low"],
    ],
    note: "配送業者に調査を依頼しました。",
    lang: "ja-JP",
  },
};

/** prepare starts a hub for lang and seeds it; the tickets' 1-minute
 * first-reply target starts counting here. */
async function prepare(lang) {
  const s = seeds[lang];
  const hub = await startHub({ config: { tickets: { breach_sweep: "1s" } } });
  const op = hub.addOperator("mika@example.com", s.admin, "admin");
  const session = await hub.session(op);
  const api = hub.api(hub.token("shots"));
  const depts = await session.request("GET", "/api/v1/departments");
  const general = depts.items.find((d) => d.default);
  await session.request("PATCH", "/api/v1/departments/" + general.id, { sla: { first_reply_minutes: 1, resolution_minutes: 2880 } });
  for (const [key, body] of s.fields) await api("PUT", "/api/v1/ticket-fields/" + key, body);
  const made = [];
  for (const [subject, name, email, priority] of s.tickets) {
    const r = await api("POST", "/api/v1/tickets", { subject, text: subject, contact: { email, name }, priority });
    if (r.status !== 201) throw new Error("POST /api/v1/tickets: " + JSON.stringify(r.body));
    made.push(r.body);
  }
  const v = new Visitor(hub);
  await v.start(s.chat[0]);
  await v.send(s.chat[1]);
  const conv = await until(async () => (await api("GET", "/api/v1/conversations")).body.items.find((c) => !c.ticket), "the visitor's conversation");
  const tk = await api("POST", `/api/v1/conversations/${conv.id}/ticket`, { subject: s.chat[1].split("\n")[0], priority: "high" });
  await api("PATCH", "/api/v1/tickets/" + tk.body.number, { fields: { order_no: 5512, reason: s.fields[1][1].options[0], delivery: "2026-11-28" } });
  await api("POST", `/api/v1/tickets/${tk.body.number}/links`, { ticket: String(made[0].number) });
  await session.request("POST", `/api/v1/conversations/${conv.id}/messages`, { text: s.note, note: true });
  // A second visitor whose conversation is no ticket (the convert dialog).
  const v2 = new Visitor(hub);
  await v2.start(lang === "ja" ? "高橋 健" : "Ken Takahashi");
  await v2.send(lang === "ja" ? "領収書を再発行してもらえますか?\n宛名は会社名でお願いします。" : "Could you reissue my receipt?\nIt should be made out to my company.");
  const conv2 = await until(async () => (await api("GET", "/api/v1/conversations")).body.items.find((c) => !c.ticket && c.id !== conv.id), "the second conversation");
  return { hub, op, conv: conv.id, conv2: conv2.id, number: tk.body.number, created: Date.now() };
}

const browser = await launch();
try {
  const prepared = await Promise.all(["en", "ja"].map(prepare));
  // Let the first-reply targets pass and the sweeper (every second) record them.
  const wait = prepared[0].created + 63_000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  for (const [i, lang] of ["en", "ja"].entries()) {
    const { hub, op, conv, conv2, number } = prepared[i];
    const ja = lang === "ja";
    try {
      const ctx = await browser.newContext({ locale: seeds[lang].lang, viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      page.on("pageerror", (e) => console.log("pageerror:", e.message));
      await login(page, hub, op);
      const shot = async (name) => {
        await page.waitForTimeout(400);
        await page.screenshot({ path: join(out, name) });
        console.log("wrote", join(out, name));
      };
      await page.goto(hub.url + "/tickets");
      await page.getByRole("list", { name: ja ? "チケット" : "Tickets" }).getByRole("link").nth(4).waitFor();
      await shot(`tickets-list-${lang}.png`);

      await page.goto(hub.url + "/conversations/" + encodeURIComponent(conv));
      const bar = page.getByRole("region", { name: (ja ? "チケット #" : "Ticket #") + number });
      await bar.waitFor();
      const toggle = bar.getByRole("button", { name: ja ? "チケットの詳細" : "Ticket details" });
      await toggle.waitFor();
      await toggle.click();
      await bar.getByRole("list", { name: ja ? "履歴" : "History" }).waitFor();
      await shot(`ticket-${lang}.png`);

      await page.goto(hub.url + "/conversations/" + encodeURIComponent(conv2));
      await page.getByRole("button", { name: ja ? "チケットに変換" : "Convert to ticket" }).click();
      await page.getByRole("dialog").waitFor();
      await shot(`ticket-convert-${lang}.png`);
      await page.keyboard.press("Escape");

      await page.goto(hub.url + "/admin/ticket-fields");
      await page.getByRole("row").nth(4).waitFor();
      await shot(`ticket-fields-${lang}.png`);
      await page.getByRole("button", { name: ja ? "編集: 理由" : "Edit: Reason" }).click();
      await shot(`ticket-fields-edit-${lang}.png`);

      await page.goto(hub.url + "/admin/departments");
      await page.getByRole("button", { name: ja ? /編集/ : /Edit/ }).first().click();
      const sla = page.getByRole("group", { name: ja ? "チケットのSLA" : "Ticket SLA" });
      await sla.scrollIntoViewIfNeeded();
      await shot(`ticket-sla-${lang}.png`);

      if (ja) {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(hub.url + "/tickets");
        await page.getByRole("list", { name: "チケット" }).getByRole("link").nth(4).waitFor();
        await shot("tickets-list-narrow-ja.png");
        await page.goto(hub.url + "/conversations/" + encodeURIComponent(conv));
        await bar.getByRole("list", { name: "履歴" }).waitFor();
        await shot("ticket-narrow-ja.png");
        await page.goto(hub.url + "/conversations");
        await page.locator(".conv-row .ticket-tag").first().waitFor();
        await shot("inbox-tickets-narrow-ja.png");
      } else {
        await page.goto(hub.url + "/conversations");
        await page.locator(".conv-row .ticket-tag").first().waitFor();
        await shot("inbox-tickets-en.png");
      }
      await ctx.close();
    } finally {
      await hub.stop();
    }
  }
} finally {
  await browser.close();
}
