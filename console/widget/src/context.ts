// The page the visitor is on, reported to the hub on load and on every
// navigation, also in single-page apps (history.pushState / replaceState,
// popstate, hashchange): operators see the current page within a second.
import type { PageContext } from "./types";

const SETTLE_MS = 150;

export function trackPages(report: (ctx: PageContext) => void): void {
  let first = true;
  let last = "";
  let timer = 0;
  const send = () => {
    const key = location.href + "\n" + document.title;
    if (key === last) return;
    last = key;
    report({
      url: location.href,
      title: document.title.slice(0, 300),
      referrer: first ? document.referrer : "",
      language: navigator.language,
      time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? "",
    });
    first = false;
  };
  // A short wait lets a single-page app set its new title first.
  const soon = () => {
    clearTimeout(timer);
    timer = window.setTimeout(send, SETTLE_MS);
  };
  for (const name of ["pushState", "replaceState"] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History["pushState"]>) {
      const result = original.apply(this, args);
      soon();
      return result;
    };
  }
  addEventListener("popstate", soon);
  addEventListener("hashchange", soon);
  soon();
}
