// A real WhatsApp Cloud API channel in the console, end to end: the hub
// runs its whatsapp connector against a small stand-in for Graph (node
// HTTP on loopback, checking the Bearer token and the versioned paths as
// Graph does), the customer's messages arrive as signed webhooks, and
// nothing of the hub's answers is rewritten. What the operator sees: the
// templates synced from the business account, the 24-hour window closed
// for a customer who wrote 25 hours ago (free text off, the picker in its
// place), the operator's read as WhatsApp's read receipt, the template
// reaching Graph with its parameters, and the window
// opening live when the customer writes again.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { signedIn, skipReason, startHub, until } from "./hub.mjs";

const skip = skipReason();
if (skip) console.log(skip);

const APP_SECRET = "wa-app-secret-for-browser-tests";
const TOKEN = "wa-access-token-for-browser-tests";
const PHONE_ID = "105500";
const WABA = "990011";
const CUSTOMER = "819012345678";

let hub, graph, graphURL, session, page, api;
const sent = [];
const reads = [];
const opts = { skip: skip || false };

/** startGraph answers the Cloud API calls the hub makes: the approved
 * templates of the business account and sends from the phone number. */
function startGraph() {
  return new Promise((resolve) => {
    const srv = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const reply = (status, obj) => {
          res.writeHead(status, { "Content-Type": "application/json" });
          res.end(JSON.stringify(obj));
        };
        if (req.headers.authorization !== "Bearer " + TOKEN) {
          return reply(401, { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190, fbtrace_id: "T" } });
        }
        const path = req.url.split("?")[0];
        if (req.method === "GET" && path === `/v26.0/${WABA}/message_templates`) {
          return reply(200, {
            data: [
              { id: "1", name: "order_update", language: "en", status: "APPROVED", category: "UTILITY", components: [{ type: "HEADER", format: "TEXT", text: "Order {{1}}" }, { type: "BODY", text: "Hello {{1}}, your order {{2}} is on its way." }] },
              { id: "2", name: "spring_sale", language: "en", status: "PENDING", category: "MARKETING", components: [{ type: "BODY", text: "Spring sale" }] },
            ],
            paging: { cursors: { before: "a", after: "b" } },
          });
        }
        if (req.method === "POST" && path === `/v26.0/${PHONE_ID}/messages`) {
          const msg = JSON.parse(body);
          if (msg.status === "read") {
            // The blue ticks: the operator read the customer's message.
            reads.push(msg);
            return reply(200, { success: true });
          }
          sent.push(msg);
          return reply(200, { messaging_product: "whatsapp", contacts: [{ input: msg.to, wa_id: msg.to }], messages: [{ id: "wamid.out" + sent.length }] });
        }
        reply(400, { error: { message: "Unsupported request: " + req.method + " " + path, type: "GraphMethodException", code: 100, fbtrace_id: "T" } });
      });
    });
    srv.listen(0, "127.0.0.1", () => resolve(srv));
  });
}

/** customerWrites posts a signed messages webhook, as Meta does. */
async function customerWrites(id, text, at) {
  const payload = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{ id: WABA, changes: [{ field: "messages", value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "15550001111", phone_number_id: PHONE_ID },
      contacts: [{ profile: { name: "Ken Sato" }, wa_id: CUSTOMER }],
      messages: [{ from: CUSTOMER, id, timestamp: String(Math.floor(at / 1000)), type: "text", text: { body: text } }],
    } }] }],
  });
  const sig = "sha256=" + createHmac("sha256", APP_SECRET).update(payload).digest("hex");
  const res = await fetch(hub.url + "/webhooks/wa", { method: "POST", headers: { "Content-Type": "application/json", "X-Hub-Signature-256": sig }, body: payload });
  assert.equal(res.status, 200, await res.text());
}

before(async () => {
  if (skip) return;
  graph = await startGraph();
  graphURL = `http://127.0.0.1:${graph.address().port}`;
  hub = await startHub();
  const admin = hub.addOperator("ada@example.com", "Ada Admin");
  api = hub.api(hub.token("whatsapp-real"));
  const made = await api("POST", "/api/v1/channels", {
    id: "wa", type: "whatsapp", name: "WhatsApp Support",
    config: { app_secret: APP_SECRET, verify_token: "vt", access_token: TOKEN, phone_number_id: PHONE_ID, business_account_id: WABA, api_base_url: graphURL },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  session = await signedIn(hub, admin, { locale: "en-US", viewport: { width: 1280, height: 900 } });
  ({ page } = session);
});
after(async () => {
  await session?.close();
  await hub?.stop();
  graph?.close();
});

test("a real WhatsApp channel: templates synced, the closed window refuses free text, a template reaches Graph, the window opens live", opts, async () => {
  await customerWrites("wamid.in1", "Where is my order A-1042?", Date.now() - 25 * 3600_000);

  // The templates come from the business account (the pending one is not offered).
  await page.goto(hub.url + "/admin/channels");
  const row = page.getByRole("row").filter({ hasText: "WhatsApp Support" });
  await row.getByText("OK", { exact: true }).waitFor();
  await row.getByRole("button", { name: "Sync templates: WhatsApp Support" }).click();
  await row.getByRole("status").filter({ hasText: "2 templates (1 approved), synced" }).waitFor();

  const list = await api("GET", "/api/v1/conversations?limit=5");
  const conv = list.body.items.find((c) => c.channel === "wa");
  assert.ok(conv, "the customer's message opened a conversation: " + JSON.stringify(list.body));
  assert.ok(new Date(conv.window_expires_at) < new Date(), "the window closed an hour ago: " + conv.window_expires_at);
  const refused = await api("POST", `/api/v1/conversations/${conv.id}/messages`, { text: "Let me check." });
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.equal(refused.body.error.code, "window_closed");

  await page.goto(hub.url + "/conversations/" + encodeURIComponent(conv.id));
  await page.getByRole("heading", { name: "Ken Sato" }).waitFor();
  await page.getByText("Window closed — only approved templates").waitFor();
  await until(() => reads.some((r) => r.message_id === "wamid.in1" && r.messaging_product === "whatsapp"), "the operator's read to reach WhatsApp as a read receipt");
  assert.equal(await page.getByRole("textbox", { name: "Reply" }).count(), 0, "no free-text box outside the window");
  const picker = page.getByRole("region", { name: "Approved templates" });
  const names = await picker.getByRole("option").locator("strong").allTextContents();
  assert.deepEqual(names, ["order_update"]);
  await picker.getByRole("option").first().click();
  const form = picker.getByRole("form", { name: "order_update" });
  await form.getByLabel("Header parameter 1", { exact: true }).fill("A-1042");
  await form.getByLabel("Parameter 1", { exact: true }).fill("Ken");
  await form.getByLabel("Parameter 2", { exact: true }).fill("A-1042");
  await form.getByText("Order A-1042", { exact: true }).waitFor();
  await form.getByText("Hello Ken, your order A-1042 is on its way.").waitFor();
  await form.getByRole("button", { name: "Send template" }).click();
  await until(() => sent.length === 1, "the template reaches Graph");
  const t = sent[0];
  assert.equal(t.messaging_product, "whatsapp");
  assert.equal(t.type, "template");
  assert.equal(t.template.name, "order_update");
  assert.equal(t.template.language.code, "en");
  assert.deepEqual(t.template.components.map((c) => c.type), ["header", "body"]);
  assert.deepEqual(t.template.components[0].parameters.map((p) => p.text), ["A-1042"]);
  assert.deepEqual(t.template.components[1].parameters.map((p) => p.text), ["Ken", "A-1042"]);
  await page.getByRole("log", { name: "Message history" }).getByText("Provider template: order_update (en)").waitFor();

  // The customer answers: the window opens in the open page, free text is back.
  await customerWrites("wamid.in2", "Thanks! Can I change the address?", Date.now());
  await page.getByText(/Reply window: 2[34] h \d\d min left/).waitFor();
  await page.getByRole("textbox", { name: "Reply" }).fill("Yes: which address?");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await until(() => sent.length === 2, "the free-text reply reaches Graph");
  assert.equal(sent[1].type, "text");
  assert.equal(sent[1].text.body, "Yes: which address?");
});
