// Help-centre articles suggested while the visitor writes their first
// message (before a conversation exists): up to three, fetched ~250 ms
// after the last keystroke (a stale request is aborted), each opening the
// article in a new tab. They float above the input, so showing them never
// moves it; ArrowUp reaches them from the text box, ArrowDown past the
// last and Escape go back; a polite live region tells screen readers how many there are.
import { h } from "./dom";
import type { Strings } from "./i18n";
import type { Article } from "./types";

const DEBOUNCE_MS = 250;
const SHOWN = 3;

export type FindArticles = (q: string, signal: AbortSignal) => Promise<Article[]>;

export class Suggestions {
  readonly el: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly live: HTMLElement;
  private timer = 0;
  private pending: AbortController | null = null;
  private asked = "";
  private enabled = true;

  constructor(
    private readonly t: Strings,
    private readonly find: FindArticles,
    private readonly box: HTMLTextAreaElement,
  ) {
    const headId = "sb-faq-head";
    this.list = h("ul", { "aria-labelledby": headId });
    this.el = h("div", { class: "faq", hidden: true }, h("div", { class: "faq-head", id: headId }, t.faqHead), this.list);
    this.live = h("div", { class: "sr", "aria-live": "polite" });
    this.el.addEventListener("keydown", (e) => this.key(e));
    box.addEventListener("keydown", (e) => {
      // ArrowUp on the text's first line reaches the nearest suggestion (they are above).
      if (e.key === "ArrowUp" && !this.el.hidden && !e.isComposing && !box.value.slice(0, box.selectionStart).includes("\n")) {
        e.preventDefault();
        this.links().pop()?.focus();
      }
    });
  }

  /** liveRegion is the element that announces suggestions (kept in the DOM while hidden). */
  get liveRegion(): HTMLElement {
    return this.live;
  }

  /** typed is called on every input in the text box. */
  typed(text: string): void {
    clearTimeout(this.timer);
    if (!this.enabled) return;
    const q = text.trim().slice(0, 200);
    if ([...q].length < 2) {
      this.abort();
      this.asked = "";
      this.show([]);
      return;
    }
    if (q === this.asked) return;
    this.timer = window.setTimeout(() => void this.ask(q), DEBOUNCE_MS);
  }

  /** stop hides the suggestions for good (a conversation exists now). */
  stop(): void {
    this.enabled = false;
    clearTimeout(this.timer);
    this.abort();
    this.show([]);
  }

  private abort(): void {
    this.pending?.abort();
    this.pending = null;
  }

  private async ask(q: string): Promise<void> {
    this.abort();
    const ctl = new AbortController();
    this.pending = ctl;
    this.asked = q;
    try {
      const found = await this.find(q, ctl.signal);
      if (ctl.signal.aborted || !this.enabled) return;
      this.show(found.slice(0, SHOWN));
    } catch {
      // Aborted, offline or refused: suggestions are a help, not a must.
      if (!ctl.signal.aborted) this.asked = "";
    } finally {
      if (this.pending === ctl) this.pending = null;
    }
  }

  private show(items: Article[]): void {
    const had = this.list.childElementCount;
    this.list.replaceChildren(
      ...items.map((a) =>
        h(
          "li",
          null,
          h("a", { href: a.url, target: "_blank", rel: "noopener noreferrer", lang: a.locale || undefined }, h("b", null, a.title), a.snippet ? h("small", null, a.snippet) : null),
        ),
      ),
    );
    this.el.hidden = !items.length;
    if (items.length || had) this.live.textContent = items.length ? this.t.faqFound(items.length) : "";
  }

  private links(): HTMLAnchorElement[] {
    return [...this.list.querySelectorAll("a")];
  }

  /** key moves between suggestions with the arrow keys; Escape goes back to the text box. */
  private key(e: KeyboardEvent): void {
    const links = this.links();
    const at = links.indexOf(e.target as HTMLAnchorElement);
    if (at < 0) return;
    if (e.key === "Escape") {
      e.stopPropagation();
      this.box.focus();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const to = at + (e.key === "ArrowDown" ? 1 : -1);
      (links[Math.max(to, 0)] ?? this.box).focus();
    } else return;
    e.preventDefault();
  }
}
