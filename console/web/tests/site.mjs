// A website for the widget tests: a small HTTP server on its own loopback
// port (another origin than the hub) serving the pages given to it, each
// embedding the hub's /widget.js the way a business's site does.
import { createServer } from "node:http";

/** embed is the snippet a site puts in its pages (docs/widget.md). */
export function embed(hubURL, channel) {
  return [
    `<script>window.Switchboard = window.Switchboard || function () { (Switchboard.q = Switchboard.q || []).push(arguments) };</script>`,
    `<script async src="${hubURL}/widget.js" data-channel="${channel}"></script>`,
  ].join("\n");
}

/** page is an HTML page with extra head content and a body. */
export function page({ title = "Shop", lang = "en", head = "", body = "" }) {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title>${head}</head><body>${body}</body></html>`;
}

/** startSite serves pages ({"/path": html}) until stop(); its url is the site's origin. */
export async function startSite(pages) {
  const server = createServer((req, res) => {
    const html = pages[new URL(req.url, "http://x").pathname];
    res.writeHead(html ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html ?? "not found");
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    pages,
    stop: () => new Promise((ok) => server.close(ok)),
  };
}
