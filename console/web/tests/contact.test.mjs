// The customer side panel against a real hub with a small MaxMind-format
// database: a visitor from a London address chats; the operator sees
// where they are (city, map marker with or without tiles, local time,
// currency), the page they are on follows their navigation within a
// second, attributes and labels are edited and stay, the composer tells
// the visitor the operator is typing, a duplicate is merged, only admins
// and supervisors may erase and erasure leaves an anonymised contact, and
// turning off IP collection in the privacy screen stops storing addresses.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { signedIn, skipReason, startHub, until, Visitor } from "./hub.mjs";

const skip = skipReason();
if (skip) console.log(skip);
const opts = { skip: skip || false };

const LONDON_IP = "81.2.69.142";
const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

let hub, session, page, apiAs, visitor, convId, contactId;

// A tile server on this machine: refusing at first (as when tiles can't be
// reached), serving a 1×1 PNG for every tile once tilesUp.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
let tilesUp = false;
const tiles = createServer((req, res) => {
  if (!tilesUp) return res.writeHead(503).end();
  res.writeHead(200, { "Content-Type": "image/png" }).end(PNG);
});

const panel = () => page.getByRole("complementary", { name: "Customer" });

before(async () => {
  if (skip) return;
  await new Promise((ok) => tiles.listen(0, "127.0.0.1", ok));
  const tileURL = `http://127.0.0.1:${tiles.address().port}/{z}/{x}/{y}.png`;
  hub = await startHub({ geoip: true, limits: { trust_forwarded_for: true }, config: { map: { tile_url: tileURL } } });
  const op = hub.addOperator("ada@example.com", "Ada Admin");
  apiAs = hub.api(hub.token("contact-test"));
  // The operator is in Tokyo, the visitor in London.
  session = await signedIn(hub, op, { locale: "en-US", timezoneId: "Asia/Tokyo", viewport: { width: 1440, height: 900 } });
  page = session.page;
});
after(async () => {
  await session?.close();
  await hub?.stop();
  tiles.close();
});

test("the panel shows where a London visitor is", opts, async () => {
  visitor = new Visitor(hub, "web", { "X-Forwarded-For": LONDON_IP, "User-Agent": CHROME });
  await visitor.start();
  await visitor.visit({ url: "https://shop.example/products/kettle", title: "Kettle", referrer: "https://search.example/?q=kettle", language: "en-GB", time_zone: "Europe/London" });
  await visitor.send("Does the kettle come with a UK plug?");
  await page.getByRole("link", { name: /UK plug/ }).click();
  convId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop());
  const p = panel();
  await p.getByText("London, England, United Kingdom").waitFor();
  // The map: Leaflet's marker, with the coordinates as text (no tiles here).
  await p.getByTestId("map-marker").waitFor();
  assert.equal(await p.getByTestId("coordinates").textContent(), "51.5142, -0.0931");
  await p.getByText("Map tiles can't be loaded here").waitFor();
  // Local time in Europe/London, ticking, against the operator's Tokyo.
  await until(async () => {
    const expected = new Intl.DateTimeFormat("en", { timeZone: "Europe/London", weekday: "short", hour: "2-digit", minute: "2-digit" }).format(new Date());
    return (await p.getByTestId("local-time").textContent()) === expected;
  }, "local time of Europe/London");
  await p.getByText(/9 h behind you|8 h behind you/).waitFor();
  await p.getByText("GBP").waitFor();
  await p.getByText("British Pound").waitFor();
  await p.getByText(LONDON_IP).waitFor();
  await p.getByText("Chrome 131 · Windows 10").waitFor();
  const now = p.getByRole("group", { name: "Last page" });
  await now.getByRole("link", { name: "Kettle" }).waitFor();
  contactId = (await apiAs("GET", `/api/v1/conversations/${encodeURIComponent(convId)}`)).body.contact_id;
});

test("map tiles load from the configured tile server", opts, async () => {
  tilesUp = true;
  await page.reload();
  const map = panel().getByRole("region", { name: /^Map: London/ });
  // Leaflet marks each tile it could show; the console's CSP lets them in.
  await map.locator("img.leaflet-tile-loaded").first().waitFor();
  await map.getByTestId("map-marker").waitFor();
  assert.equal(await panel().getByText("Map tiles can't be loaded here").count(), 0);
});

test("the current page follows the visitor within a second", opts, async () => {
  const next = "https://shop.example/checkout?step=2";
  await visitor.visit({ url: next, title: "Checkout", language: "en-GB", time_zone: "Europe/London" });
  const now = panel().getByRole("group", { name: "Last page" });
  await now.getByText(next).waitFor({ timeout: 1000 });
  await now.getByRole("link", { name: "Checkout" }).waitFor({ timeout: 1000 });
  await panel().getByText("2 pages this visit").waitFor({ timeout: 1000 });
});

test("the panel speaks Japanese", opts, async () => {
  const lang = page.getByRole("navigation").getByLabel(/Language|言語/);
  await lang.selectOption("ja");
  const p = page.getByRole("complementary", { name: "顧客" });
  await p.getByText("現地時刻").waitFor();
  await p.getByText("英国ポンド").waitFor();
  await p.getByText(/あなたより (8|9) 時間 遅れています/).waitFor();
  await p.getByRole("group", { name: "最後に見たページ" }).waitFor();
  await lang.selectOption("en");
  await panel().waitFor();
});

test("attributes and labels are edited and stay", opts, async () => {
  const p = panel();
  await p.getByRole("button", { name: "Add attributes" }).click();
  const form = p.getByRole("form", { name: "Edit attributes" });
  await form.getByLabel("Key 1").fill("bad key!");
  await form.getByLabel("Value 1").fill("x");
  await form.getByRole("button", { name: "Save" }).click();
  // The hub's message names the field.
  await form.getByRole("alert").filter({ hasText: /attributes: key "bad key!"/ }).waitFor();
  await form.getByLabel("Key 1").fill("plan");
  await form.getByLabel("Value 1").fill("Gold");
  await form.getByRole("button", { name: "Add attribute" }).click();
  await form.getByLabel("Key 2").fill("company");
  await form.getByLabel("Value 2").fill("Acme Ltd");
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });
  await p.getByLabel("Add a label").fill("vip");
  await p.getByLabel("Add a label").press("Enter");
  await p.getByRole("list", { name: "Labels" }).getByText("vip").waitFor();

  await page.reload();
  await panel().getByText("Acme Ltd").waitFor();
  await panel().getByText("Gold").waitFor();
  await panel().getByRole("list", { name: "Labels" }).getByText("vip").waitFor();
  const c = (await apiAs("GET", `/api/v1/contacts/${contactId}`)).body;
  assert.deepEqual(c.attributes, { plan: "Gold", company: "Acme Ltd" });
  assert.deepEqual(c.labels, ["vip"]);

  // Change one attribute, remove the other and the label.
  await panel().getByRole("button", { name: "Edit attributes" }).click();
  const edit = panel().getByRole("form", { name: "Edit attributes" });
  assert.equal(await edit.getByLabel("Key 2").inputValue(), "plan");
  await edit.getByLabel("Value 2").fill("Platinum");
  await edit.getByRole("button", { name: "Remove attribute company" }).click();
  await edit.getByRole("button", { name: "Save" }).click();
  await edit.waitFor({ state: "detached" });
  await panel().getByRole("button", { name: "Remove label vip" }).click();
  await panel().getByText("No labels.").waitFor();
  const changed = (await apiAs("GET", `/api/v1/contacts/${contactId}`)).body;
  assert.deepEqual(changed.attributes, { plan: "Platinum" });
  assert.deepEqual(changed.labels, []);
});

test("the profile form shows the hub's error for a bad e-mail", opts, async () => {
  const p = panel();
  await p.getByRole("button", { name: "Edit contact" }).click();
  const form = p.getByRole("form", { name: "Edit contact" });
  await form.getByLabel("Name").fill("Hanako Visitor");
  await form.getByLabel("E-mail").fill("not-an-address");
  await form.getByRole("button", { name: "Save" }).click();
  await form.getByRole("alert").filter({ hasText: /email: "not-an-address" is not an e-mail address/ }).waitFor();
  await form.getByLabel("E-mail").fill("hanako@example.com");
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });
  await p.getByRole("heading", { name: "Hanako Visitor" }).waitFor();
  // A change made elsewhere (another operator, an integration) arrives live.
  const changed = await apiAs("PATCH", `/api/v1/contacts/${contactId}`, { labels: ["from-crm"] });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  await p.getByRole("list", { name: "Labels" }).getByText("from-crm").waitFor({ timeout: 2000 });
});

test("typing a reply tells the customer, and stops when cleared or left", opts, async () => {
  const typing = (on) => page.waitForResponse((r) => r.url().endsWith("/typing") && r.request().postDataJSON()?.typing === on && r.status() === 200);
  const box = page.getByRole("textbox", { name: "Reply" });
  let started = typing(true);
  await box.fill("Yes, it has a UK plug");
  await started;
  let stopped = typing(false);
  await box.fill("");
  await stopped;
  started = typing(true);
  await box.fill("Let me check");
  await started;
  stopped = typing(false);
  await box.blur();
  await stopped;
  await box.fill("");
});

test("a duplicate contact is merged into this one", opts, async () => {
  const dup = new Visitor(hub, "web", { "X-Forwarded-For": LONDON_IP, "User-Agent": CHROME });
  await dup.start();
  await dup.req("POST", "/widget/v1/identify", { name: "Hanako Duplicate", email: "hanako.dup@example.com" });
  await dup.send("Writing again from my phone");
  const p = panel();
  await p.getByRole("button", { name: "Merge a duplicate…" }).click();
  await p.getByLabel("Find the duplicate contact").fill("Duplicate");
  const hit = p.getByRole("list", { name: "Matching contacts" }).getByRole("listitem").filter({ hasText: "Hanako Duplicate" });
  await hit.getByRole("button", { name: "Merge" }).click();
  await hit.getByRole("group", { name: /Merge Hanako Duplicate into Hanako Visitor/ }).getByRole("button", { name: "Merge" }).click();
  await p.getByRole("link", { name: /Writing again from my phone/ }).waitFor();
  const c = (await apiAs("GET", `/api/v1/contacts/${contactId}`)).body;
  assert.equal(c.conversations.length, 2);
});

test("an operator sees the panel but may not erase", opts, async () => {
  const op = hub.addOperator("olly@example.com", "Olly Operator", "operator");
  const other = await signedIn(hub, op, { locale: "en-US", viewport: { width: 1440, height: 900 } });
  try {
    await other.page.goto(hub.url + "/conversations/" + encodeURIComponent(convId));
    const p = other.page.getByRole("complementary", { name: "Customer" });
    await p.getByRole("button", { name: "Merge a duplicate…" }).waitFor();
    await p.getByText("London, England, United Kingdom").waitFor();
    assert.equal(await p.getByRole("button", { name: "Erase contact…" }).count(), 0);
  } finally {
    await other.close();
  }
});

test("erasing as admin leaves the panel anonymised", opts, async () => {
  const p = panel();
  await p.getByRole("button", { name: "Erase contact…" }).click();
  const dialog = page.getByRole("dialog", { name: "Erase Hanako Visitor?" });
  await dialog.getByText("This cannot be undone.").waitFor();
  await dialog.getByRole("button", { name: "Erase for good" }).click();
  await dialog.waitFor({ state: "detached" });
  await p.getByText(/Erased on request/).waitFor();
  await p.getByRole("heading", { name: "Visitor", exact: true }).waitFor();
  assert.equal(await p.getByText("hanako@example.com").count(), 0);
  assert.equal(await p.getByText(LONDON_IP).count(), 0);
  assert.equal(await p.getByRole("button", { name: "Erase contact…" }).count(), 0);
  const c = (await apiAs("GET", `/api/v1/contacts/${contactId}`)).body;
  assert.ok(c.erased_at, "erased_at is set");
  assert.equal(c.email ?? "", "");
});

test("privacy: with IP collection off a new visit stores no address", opts, async () => {
  await page.getByRole("link", { name: "Privacy" }).click();
  await page.getByRole("heading", { name: "Privacy" }).waitFor();
  const days = page.getByLabel("Keep visit data for (days)");
  await days.fill("-1");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("alert").filter({ hasText: /visitor_retention_days: -1 is not between 0/ }).waitFor();
  await days.fill("30");
  await page.getByLabel("Visitors' IP addresses").uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").filter({ hasText: "Privacy settings saved." }).waitFor();
  assert.deepEqual((await apiAs("GET", "/api/v1/workspace/privacy")).body, { collect_ip: false, collect_location: true, visitor_retention_days: 30 });

  const other = new Visitor(hub, "web", { "X-Forwarded-For": LONDON_IP, "User-Agent": CHROME });
  await other.start();
  await other.visit({ url: "https://shop.example/", title: "Shop", language: "en-GB" });
  await other.send("Hello from a private visitor");
  const list = (await apiAs("GET", "/api/v1/conversations")).body.items;
  const conv = list.find((c) => c.last_message === "Hello from a private visitor");
  const full = (await apiAs("GET", `/api/v1/conversations/${conv.id}`)).body;
  const context = full.context ?? full.contact?.context;
  assert.equal(context.page_url, "https://shop.example/");
  assert.equal(context.ip ?? "", "", "no IP stored");
  // The panel says why.
  await page.goto(hub.url + "/conversations/" + encodeURIComponent(conv.id));
  await panel().getByText("IP collection is off").waitFor();
});
