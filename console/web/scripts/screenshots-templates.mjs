// Takes the README's screenshots of the Templates screen against a real hub
// with a few seeded templates: docs/screenshots/templates-en.png and
// templates-ja.png. Run after `make build`: node scripts/screenshots-templates.mjs
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, login, startHub } from "../tests/hub.mjs";

const out = resolve(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });

const seeds = {
  en: [
    { name: "Delivery slot", shortcut: "slot", scope: "shared", parts: [{ kind: "buttons", text: "When should we deliver, {{contact.name}}?", buttons: [{ label: "Morning", payload: "am" }, { label: "Afternoon", payload: "pm" }, { label: "Evening", payload: "eve" }], quick_reply: true }] },
    { name: "Greeting", shortcut: "hi", scope: "shared", text: "Hello {{contact.name}}, this is {{operator.name}}. How can I help?" },
    { name: "Return request", shortcut: "return", scope: "shared", parts: [{ kind: "form", form: { title: "Return request", fields: [{ name: "order", label: "Order number", type: "text", required: true }, { name: "email", label: "E-mail", type: "email", required: true }], submit_label: "Send" } }] },
    { name: "Size guide", shortcut: "size", scope: "personal", parts: [{ kind: "link", link: { url: "https://shop.example/size-guide", title: "Size guide", description: "Find the right fit" } }] },
  ],
  ja: [
    { name: "配送時間帯", shortcut: "haiso", scope: "shared", parts: [{ kind: "buttons", text: "{{contact.name}} 様、配送のご希望時間帯をお選びください。", buttons: [{ label: "午前中", payload: "am" }, { label: "14〜16時", payload: "pm" }, { label: "18〜20時", payload: "eve" }], quick_reply: true }] },
    { name: "ごあいさつ", shortcut: "aisatsu", scope: "shared", text: "{{contact.name}} 様、お問い合わせありがとうございます。担当の {{operator.name}} です。" },
    { name: "返品のお申し込み", shortcut: "henpin", scope: "shared", parts: [{ kind: "form", form: { title: "返品のお申し込み", fields: [{ name: "order", label: "注文番号", type: "text", required: true }, { name: "email", label: "メールアドレス", type: "email", required: true }], submit_label: "送信" } }] },
    { name: "サイズガイド", shortcut: "size", scope: "personal", parts: [{ kind: "link", link: { url: "https://shop.example/size-guide", title: "サイズガイド", description: "ぴったりのサイズを見つけましょう" } }] },
  ],
};

const browser = await launch();
try {
  for (const lang of ["en", "ja"]) {
    const hub = await startHub();
    try {
      const op = hub.addOperator("mika@example.com", lang === "ja" ? "佐藤 美香" : "Mika Sato", "supervisor");
      const ctx = await browser.newContext({ locale: lang === "ja" ? "ja-JP" : "en-US", viewport: { width: 1280, height: 1240 }, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      await login(page, hub, op);
      // Seed through the console's own session (personal templates need an operator).
      await page.evaluate(async (items) => {
        const me = await (await fetch("/api/v1/me")).json();
        for (const t of items) {
          const r = await fetch("/api/v1/templates", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf_token }, body: JSON.stringify(t) });
          if (!r.ok) throw new Error(await r.text());
        }
      }, seeds[lang]);
      await page.goto(hub.url + "/templates");
      const list = page.getByRole("list");
      await list.first().waitFor();
      // Open the first template in the editor so the preview shows.
      await page.getByRole("listitem", { name: seeds[lang][0].name }).getByRole("button", { name: lang === "ja" ? "編集" : "Edit" }).click();
      await page.waitForTimeout(400);
      const file = `templates-${lang}.png`;
      await page.screenshot({ path: join(out, file) });
      console.log("wrote", join(out, file));
      await ctx.close();
    } finally {
      await hub.stop();
    }
  }
} finally {
  await browser.close();
}
