// The rating card (part kind "csat"): after a conversation is resolved the
// hub asks the visitor to rate it 1–5 with an optional comment. Five star
// buttons (keyboard: Tab and Enter/Space), a comment box, then a thank-you
// line. The answer goes to POST /widget/v1/csat with the card's signed
// token; the hub records it once (409 afterwards, 410 when expired).
import type { Api } from "./api";
import { h } from "./dom";
import type { Strings } from "./i18n";
import type { Part } from "./types";

let api: Api | null = null;
/** Each token's card: the thread redraws messages, the card keeps its stars, comment and outcome. */
const cards = new Map<string, HTMLElement>();

/** setCSATApi gives the cards the visitor's client (main.ts). */
export function setCSATApi(a: Api): void {
  api = a;
}

const stars = (n: number) => "★".repeat(n) + "☆".repeat(5 - n);

export function renderCSAT(p: Part, t: Strings): HTMLElement | null {
  const tok = p.csat?.token;
  if (!tok) return null;
  const old = cards.get(tok);
  if (old) return old;
  const box = h("div", { class: "form", role: "group", "aria-label": t.rate });
  cards.set(tok, box);
  const end = (line: string) => box.replaceChildren(h("div", { class: "done", role: "status" }, line));
  if (p.csat!.closed) {
    end(p.csat!.score ? t.rated + " " + stars(p.csat!.score) : t.rateExpired);
    return box;
  }
  let score = 0;
  const row = h("div", { class: "chips" });
  const btns = [1, 2, 3, 4, 5].map((n) =>
    h("button", { class: "chip", type: "button", "aria-label": t.stars(n), "aria-pressed": "false", onclick: () => pick(n) }, "☆"),
  );
  const note = h("textarea", { "aria-label": t.comment, placeholder: t.comment, maxlength: 2000 });
  const send = h("button", { class: "primary", type: "button", disabled: true }, t.submit);
  const err = h("div", { class: "error", role: "alert" });
  const pick = (n: number) => {
    score = n;
    btns.forEach((b, i) => {
      b.textContent = i < n ? "★" : "☆";
      b.setAttribute("aria-pressed", String(i === n - 1));
    });
    send.disabled = false;
  };
  send.onclick = async () => {
    send.disabled = true;
    err.textContent = "";
    try {
      const res = await fetch(api!.hub + "/widget/v1/csat", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer " + api!.token },
        body: JSON.stringify({ token: tok, score, comment: note.value.trim() }),
      });
      if (res.ok) return end(t.rated + " " + stars(score));
      if (res.status === 409 || res.status === 410) return end(res.status === 409 ? t.rateDone : t.rateExpired);
      err.textContent = t.failed(((await res.json().catch(() => null))?.error?.message as string) || res.statusText);
    } catch (e) {
      err.textContent = t.failed((e as Error).message);
    }
    send.disabled = false;
  };
  box.append(h("b", null, p.text || t.rate), row, h("div", { class: "field" }, note), err, send);
  row.append(...btns);
  return box;
}
