// Test harness for the browser tests: starts a real hub (bin/switchboard
// serve) on a random port with SQLite in a temp dir, makes an operator with
// the CLI, and launches Debian's chromium through playwright-core.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
export const BIN = process.env.SWITCHBOARD_BIN || join(repo, "bin/switchboard");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** skipReason says why browser tests cannot run here, or "" when they can. */
export function skipReason() {
  if (!existsSync(CHROMIUM)) return `SKIP: no chromium at ${CHROMIUM} (install Debian's chromium; make test does)`;
  if (!existsSync(BIN)) return `SKIP: no hub binary at ${BIN} (run make build)`;
  return "";
}

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function cli(config, args, input) {
  const r = spawnSync(BIN, [...args, "--config", config], { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`switchboard ${args.join(" ")}: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

/** yamlLines writes a plain object (nested objects, scalars, arrays of
 * scalars) as YAML lines indented by depth. */
function yamlLines(obj, depth = 0) {
  const pad = "  ".repeat(depth);
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object" && !Array.isArray(v) ? [`${pad}${k}:`, ...yamlLines(v, depth + 1)] : [`${pad}${k}: ${JSON.stringify(v)}`],
  );
}

/** geoDatabase writes the small MaxMind-format test database of
 * console/visitorinfo/geotest (London and Tokyo) to dir and returns its
 * path; mkgeotest is built into bin/ (Go's build cache makes that quick
 * after the first time, and keeps it current with geotest). */
export function geoDatabase(dir) {
  const tool = join(repo, "bin/mkgeotest");
  const built = spawnSync("go", ["build", "-o", tool, "./console/visitorinfo/geotest/mkgeotest"], { cwd: repo, encoding: "utf8" });
  if (built.status !== 0) throw new Error("go build mkgeotest: " + (built.stderr || built.stdout || built.error));
  const file = join(dir, "geo.mmdb");
  const r = spawnSync(tool, [file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error("mkgeotest: " + r.stderr);
  return file;
}

/** startHub runs a hub until stop() and returns its URL and helpers.
 * opts.limits adds keys to the config's limits (e.g. trust_forwarded_for),
 * opts.config adds top-level sections (e.g. {map: {tile_url: ...}}), and
 * opts.geoip: true places visitors with the test location database. */
export async function startHub(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), "sb-web-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, "config.yaml");
  const extra = { ...opts.config, ...(opts.geoip ? { geoip: { database: geoDatabase(dir) } } : {}) };
  writeFileSync(
    config,
    [
      `listen: "127.0.0.1:${port}"`,
      `public_url: "${url}"`,
      `data_dir: "${dir}/data"`,
      `log:`,
      `  level: warn`,
      `store:`,
      `  driver: sqlite`,
      `  dsn: "${dir}/hub.db"`,
      `limits:`,
      `  login_per_ip_per_minute: 1000`,
      `  widget_per_ip_per_minute: 100000`,
      `  widget_per_visitor_per_minute: 100000`,
      ...yamlLines(opts.limits ?? {}, 1),
      ...yamlLines(extra),
      `channels:`,
      `  - id: web`,
      `    type: webchat`,
      `    name: Website chat`,
      `    max_text_length: 4000`,
      `    allowed_origins: ["http://shop.example"]`,
      ``,
    ].join("\n"),
  );
  cli(config, ["migrate"]);
  const proc = spawn(BIN, ["serve", "--config", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error("hub exited: " + stderr);
    try {
      const r = await fetch(url + "/healthz");
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error("hub did not start: " + stderr);
    await new Promise((r) => setTimeout(r, 100));
  }
  const hub = {
    url,
    config,
    dir,
    /** addOperator makes an operator with the CLI; returns its credentials. */
    addOperator(email, name, role = "admin", password = "correct horse battery staple") {
      cli(config, ["operators", "add", email, "--name", name, "--role", role], password + "\n");
      return { email, password, name };
    },
    token(name, role = "admin") {
      return cli(config, ["tokens", "create", "--name", name, "--role", role]).split(/\s+/).pop();
    },
    /** api calls the hub's API with an API token: (method, path, body) →
     * {status, body} with the answer's JSON. */
    api(token) {
      return async (method, path, body) => {
        const res = await fetch(url + path, {
          method,
          headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      };
    },
    /** session signs op in through the API; its request() carries the cookie and CSRF token (a FormData body goes as multipart). */
    async session(op) {
      const res = await fetch(url + "/api/v1/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: op.email, password: op.password }),
      });
      if (!res.ok) throw new Error(`login ${op.email}: ${res.status} ${await res.text()}`);
      const cookie = res.headers.get("set-cookie").split(";")[0];
      const { csrf_token: csrf } = await res.json();
      return {
        async request(method, path, body) {
          const multipart = body instanceof FormData;
          const r = await fetch(url + path, {
            method,
            headers: { Cookie: cookie, "X-CSRF-Token": csrf, ...(multipart ? {} : { "Content-Type": "application/json" }) },
            body: body === undefined || multipart ? body : JSON.stringify(body),
          });
          const text = await r.text();
          if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
          return text ? JSON.parse(text) : undefined;
        },
      };
    },
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return hub;
}

/** recordNotifications, run in a page (addInitScript or evaluate),
 * replaces window.Notification with one that records its calls in
 * window.__notes instead of showing them. */
export function recordNotifications() {
  window.__notes = [];
  window.Notification = class {
    static permission = "granted";
    static requestPermission = () => Promise.resolve("granted");
    constructor(title, o) {
      window.__notes.push({ title, body: o?.body });
    }
    close() {}
  };
}

/** launch starts headless chromium with the flags this machine needs. */
export async function launch() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** signedIn launches chromium, opens a page in a new context (options:
 * locale, viewport...), logs its errors and signs op in; close() ends all. */
export async function signedIn(hub, op, contextOptions) {
  const browser = await launch();
  const ctx = await browser.newContext(contextOptions);
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  await login(page, hub, op);
  return { browser, ctx, page, close: () => ctx.close().then(() => browser.close()) };
}

/** login signs op in on page and waits for the inbox. */
export async function login(page, hub, op) {
  await page.goto(hub.url + "/");
  await page.getByLabel(/E-mail|メールアドレス/).fill(op.email);
  await page.getByLabel(/Password|パスワード/).fill(op.password);
  await page.getByRole("button", { name: /Sign in|ログイン/ }).click();
  await page.getByRole("navigation", { name: /Main|メイン/ }).waitFor();
}

/** Visitor drives the site-chat widget HTTP API as a website visitor would. */
export class Visitor {
  /** headers go with every request (e.g. X-Forwarded-For, User-Agent). */
  constructor(hub, channel = "web", headers = {}) {
    this.hub = hub;
    this.channel = channel;
    this.headers = headers;
    this.token = "";
  }
  async req(method, path, body) {
    const res = await fetch(this.hub.url + path, {
      method,
      headers: {
        "Content-Type": "application/json",
        Origin: "http://shop.example",
        ...this.headers,
        ...(this.token ? { Authorization: "Bearer " + this.token } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  async start(name) {
    const s = await this.req("POST", "/widget/v1/sessions", { channel: this.channel, name });
    this.token = s.token;
    this.session = s;
    return s;
  }
  send(text) {
    return this.req("POST", "/widget/v1/messages", { text });
  }
  /** visit reports the page the visitor is on (the widget does on load and
   * on each navigation). */
  visit(page) {
    return this.req("POST", "/widget/v1/context", page);
  }
  typing(text) {
    return this.req("POST", "/widget/v1/typing", { text });
  }
  async messages() {
    return (await this.req("GET", "/widget/v1/messages")).items;
  }
}

/** until polls fn until it returns a truthy value or the deadline passes. */
export async function until(fn, what, ms = 10000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
