// Screenshots of the site chat widget on a test page against a real hub,
// in /tmp/shots-widget/ (SHOTS_DIR to change): closed with the unread
// badge, open with a conversation (operator name and avatar, markdown; an
// image, a file and read marks; a form, quick replies, the typing indicator),
// in English and Japanese, and in a 375 px window where the panel takes the
// whole screen; in English also the form's checks and the composer (emoji
// picker, attached files, a refused file). Run after `make build`:
// node scripts/screenshots-widget.mjs
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch, startHub, until } from "../tests/hub.mjs";
import { embed, page, startSite } from "../tests/site.mjs";

const out = process.env.SHOTS_DIR || "/tmp/shots-widget";
mkdirSync(out, { recursive: true });

const script = {
  en: {
    channel: { id: "shop", config: { title: "Lumen Lamps", greeting: "Hi! Ask us anything about your order.", color: "#2a5bd7" } },
    hello: "Hi, I ordered a lamp last week — where is it? 📦",
    shipped: "Hi! Your order **#A-1234** left our warehouse yesterday. Here is the lamp and your receipt:",
    thanks: "Great, thank you! 🙏",
    form: { title: "Delivery details", submit_label: "Save", fields: [{ name: "name", label: "Name", type: "text", required: true }, { name: "email", label: "E-mail", type: "email", required: true }, { name: "note", label: "Note for the driver", type: "textarea" }] },
    ask: "Anything else I can help with?",
    chips: ["Change address", "Track parcel", "No, thanks"],
    photo: "Aurora lamp",
  },
  ja: {
    channel: { id: "shop-ja", config: { title: "ルーメン照明", greeting: "こんにちは。ご注文についてお気軽にどうぞ。", color: "#b4235a", language: "ja" } },
    hello: "先週ランプを注文しました。いつ届きますか? 📦",
    shipped: "お問い合わせありがとうございます。ご注文 **#A-1234** は昨日出荷しました。商品と領収書です:",
    thanks: "ありがとうございます! 🙏",
    form: { title: "お届け先", submit_label: "保存", fields: [{ name: "name", label: "お名前", type: "text", required: true }, { name: "email", label: "メールアドレス", type: "email", required: true }, { name: "note", label: "配達メモ", type: "textarea" }] },
    ask: "ほかにお手伝いできることはありますか?",
    chips: ["住所を変更", "配送状況", "大丈夫です"],
    photo: "オーロラランプ",
  },
};

const hub = await startHub();
const site = await startSite({});
const browser = await launch();
try {
  const op = hub.addOperator("ada@example.com", "Ada Okafor");
  const ada = await hub.session(op);
  for (const s of Object.values(script)) {
    await ada.request("POST", "/api/v1/channels", { type: "webchat", name: s.channel.config.title, ...s.channel, config: { ...s.channel.config, allowed_origins: [site.url] } });
    site.pages[`/${s.channel.id}.html`] = page({ title: "Lumen Lamps", lang: s.channel.config.language || "en", body: shopBody(), head: shopStyle() }).replace("</body>", embed(hub.url, s.channel.id) + "</body>");
  }
  await until(async () => (await fetch(`${hub.url}/widget/v1/config?channel=shop-ja`)).ok, "the channels to run");

  for (const [lang, s] of Object.entries(script)) {
    const ctx = await browser.newContext({ locale: lang === "ja" ? "ja-JP" : "en-US", viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const tab = await ctx.newPage();
    await tab.goto(`${site.url}/${s.channel.id}.html`);
    const launcher = tab.getByRole("button", { name: lang === "ja" ? /チャットを(開く|閉じる)/ : /^(Open|Close) chat/ });
    await launcher.click();
    const dialog = tab.getByRole("dialog");
    const box = dialog.getByRole("textbox", { name: lang === "ja" ? "メッセージ" : "Message", exact: true });
    await box.fill(s.hello);
    await box.press("Enter");
    const conv = await until(async () => (await ada.request("GET", "/api/v1/conversations?channel=" + s.channel.id)).items.find((c) => c.channel === s.channel.id), "the conversation");
    const say = (body) => ada.request("POST", `/api/v1/conversations/${conv.id}/messages`, body);

    // Closed: the team answers meanwhile; the badge counts.
    await tab.keyboard.press("Escape");
    await tab.evaluate(() => document.activeElement?.blur());
    const photo = await upload(ada, tab, s.photo);
    const receipt = await ada.request("POST", "/api/v1/media", form("receipt-A-1234.pdf", "application/pdf", Buffer.from("%PDF-1.4\n% receipt\n" + "x".repeat(48000))));
    await say({ parts: [{ kind: "markdown", text: s.shipped }] });
    await say({ parts: [{ kind: "image", text: s.photo, attachment: { media_id: photo.id } }] });
    await say({ parts: [{ kind: "file", attachment: { media_id: receipt.id, filename: "receipt-A-1234.pdf" } }] });
    await tab.getByRole("button", { name: lang === "ja" ? /未読メッセージ 3 件/ : /3 unread messages/ }).waitFor();
    await shot(tab, `widget-closed-${lang}.png`);

    await launcher.click();
    await dialog.getByRole("img", { name: s.photo }).evaluate((img) => img.decode());
    await box.fill(s.thanks);
    await box.press("Enter");
    await dialog.getByRole("listitem").filter({ hasText: s.thanks }).getByText(lang === "ja" ? "送信済み" : "Sent", { exact: true }).waitFor();
    await ada.request("POST", `/api/v1/conversations/${conv.id}/read`);
    await dialog.getByRole("listitem").filter({ hasText: s.thanks }).getByText(lang === "ja" ? "既読" : "Read", { exact: true }).waitFor();
    await dialog.getByRole("list").first().evaluate((l) => (l.scrollTop = 0));
    await shot(tab, `widget-open-${lang}-history.png`);
    await dialog.getByRole("listitem").filter({ hasText: s.thanks }).evaluate((li) => li.scrollIntoView({ block: "end" }));
    await shot(tab, `widget-open-${lang}-media.png`);

    await say({ parts: [{ kind: "form", form: s.form }] });
    await say({ parts: [{ kind: "buttons", text: s.ask, quick_reply: true, buttons: s.chips.map((label) => ({ label })) }] });
    await dialog.getByRole("button", { name: s.chips[0] }).waitFor();
    await ada.request("POST", `/api/v1/conversations/${conv.id}/typing`, { typing: true });
    await dialog.getByText(lang === "ja" ? "Ada Okafor が入力中…" : "Ada Okafor is typing…").waitFor();
    await box.focus();
    await dialog.getByRole("list").first().evaluate((l) => (l.scrollTop = l.scrollHeight));
    await shot(tab, `widget-open-${lang}.png`);

    if (lang === "en") {
      // The form's checks, then the composer with the emoji picker, files and a refused one.
      const formEl = dialog.getByRole("form", { name: s.form.title });
      await formEl.getByLabel(s.form.fields[1].label).fill("ada.example.com");
      await formEl.getByRole("button", { name: s.form.submit_label }).click();
      await formEl.evaluate((f) => f.scrollIntoView({ block: "center" }));
      await shot(tab, "widget-form-errors-en.png");
      const chooser = tab.waitForEvent("filechooser");
      await dialog.getByRole("button", { name: "Attach files" }).click();
      await (await chooser).setFiles([
        { name: "order-photo.png", mimeType: "image/png", buffer: Buffer.from("png") },
        { name: "invoice-march.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4") },
        { name: "setup.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") },
      ]);
      await box.fill("Here are the photos 📷");
      await dialog.getByRole("button", { name: "Insert emoji" }).click();
      await shot(tab, "widget-composer-en.png");
      await tab.keyboard.press("Escape");
      for (const name of ["order-photo.png", "invoice-march.pdf"]) await dialog.getByRole("button", { name: "Remove " + name }).click();
      await box.fill("");
    }

    await tab.setViewportSize({ width: 375, height: 740 });
    await tab.reload();
    await launcher.click();
    await dialog.getByRole("button", { name: s.chips[0] }).waitFor();
    await shot(tab, `widget-narrow-${lang}.png`);
    await tab.keyboard.press("Escape");
    await tab.evaluate(() => document.activeElement?.blur());
    await shot(tab, `widget-narrow-closed-${lang}.png`);
    await ctx.close();
  }
} finally {
  await browser.close();
  await site.stop();
  await hub.stop();
}

async function shot(tab, file) {
  await tab.mouse.move(10, 300);
  await tab.waitForTimeout(150);
  await tab.screenshot({ path: join(out, file) });
  console.log("wrote", join(out, file));
}

function form(name, type, bytes) {
  const f = new FormData();
  f.append("file", new Blob([bytes], { type }), name);
  return f;
}

/** upload draws a product photo in the browser and uploads it as the operator. */
async function upload(ada, tab, label) {
  const dataURL = await tab.evaluate((text) => {
    const c = document.createElement("canvas");
    c.width = 480;
    c.height = 320;
    const g = c.getContext("2d");
    const grad = g.createLinearGradient(0, 0, 480, 320);
    grad.addColorStop(0, "#1e3a5f");
    grad.addColorStop(1, "#f59e0b");
    g.fillStyle = grad;
    g.fillRect(0, 0, 480, 320);
    g.fillStyle = "#fde68a";
    g.beginPath();
    g.moveTo(190, 80);
    g.lineTo(290, 80);
    g.lineTo(330, 170);
    g.lineTo(150, 170);
    g.fill();
    g.fillStyle = "#111827";
    g.fillRect(234, 170, 12, 100);
    g.fillRect(190, 270, 100, 12);
    g.fillStyle = "#fff";
    g.font = "bold 26px sans-serif";
    g.fillText(text, 24, 304);
    return c.toDataURL("image/png");
  }, label);
  return ada.request("POST", "/api/v1/media", form("lamp.png", "image/png", Buffer.from(dataURL.split(",")[1], "base64")));
}

function shopStyle() {
  return `<style>body{margin:0;font:16px Georgia,serif;color:#222;background:#faf7f2}header{background:#222;color:#fff;padding:18px 40px;font-size:22px}
main{padding:40px;display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:24px}.p{background:#fff;border:1px solid #e5ded3;height:220px;padding:16px}</style>`;
}

function shopBody() {
  return `<header>Lumen Lamps</header><main>${["Aurora", "Nova", "Ember", "Halo", "Lyra", "Orbit"].map((n) => `<div class="p">${n} lamp</div>`).join("")}</main>`;
}
