// Prints the gzipped bytes of the JavaScript the browser must load before
// the inbox shows: the entry script of dist/app/index.html and every chunk
// it imports statically (Vite's modulepreload links). Lazy chunks (emoji
// data and picker, markdown preview) are not counted. Then the site chat
// widget (dist/widget/widget.js, one file). Fails above either budget
// (250,000 bytes for the app, 40 KB for the widget).
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET = 250_000;
const WIDGET_BUDGET = 40 * 1024;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../dist/app");
const html = readFileSync(join(dist, "index.html"), "utf8");
const entry = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]);
const preload = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1]);
const seen = new Set();
const queue = [...entry, ...preload];
let total = 0;
const rows = [];
while (queue.length) {
  const url = queue.shift();
  if (seen.has(url)) continue;
  seen.add(url);
  const src = readFileSync(join(dist, url.replace(/^\//, "")));
  // Static imports of this chunk (import ... from "./x.js" / import "./x.js").
  for (const m of src.toString("utf8").matchAll(/(?:^|[;\s}])import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
    queue.push("/assets/" + m[1].slice(2));
  }
  const gz = gzipSync(src, { level: 9 }).length;
  total += gz;
  rows.push([url, src.length, gz]);
}
for (const [u, raw, gz] of rows) console.log(`${u}\t${raw} bytes\t${gz} gzipped`);
console.log(`first-load JS: ${total} bytes gzipped (budget ${BUDGET})`);

const widget = readFileSync(resolve(dist, "../widget/widget.js"));
const widgetGz = gzipSync(widget, { level: 9 }).length;
console.log(`widget.js: ${widget.length} bytes, ${widgetGz} gzipped (budget ${WIDGET_BUDGET})`);

let over = false;
if (total > BUDGET) {
  console.error("first-load JS over budget");
  over = true;
}
if (widgetGz > WIDGET_BUDGET) {
  console.error("widget.js over budget");
  over = true;
}
if (over) process.exit(1);
