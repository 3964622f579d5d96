// The conversation as a list: one row per message in time order, the
// operator's name and avatar above their messages, delivery and read marks
// under the visitor's own.
import { h } from "./dom";
import type { Strings } from "./i18n";
import { body, type Actions } from "./render";
import type { Author, Message } from "./types";

/** looksSame tells whether b would be drawn like a (nothing to redraw). */
function looksSame(a: Message, b: Message): boolean {
  return a.created_at === b.created_at && a.text === b.text && a.author?.name === b.author?.name && JSON.stringify(a.parts) === JSON.stringify(b.parts);
}

interface Row {
  m: Message;
  li: HTMLLIElement;
  meta: HTMLElement;
}

export class Thread {
  readonly el: HTMLOListElement;
  private readonly rows = new Map<string, Row>();
  private readonly byItem = new WeakMap<Element, Row>();
  private readAt = 0;
  private readonly failures = new Map<string, string>();

  constructor(
    private readonly t: Strings,
    private readonly lang: string,
    private readonly act: Actions,
    private readonly teamName: () => string,
  ) {
    this.el = h("ol", { class: "list", "aria-label": t.messages, tabindex: 0 });
  }

  /** messages lists what the thread shows, oldest first. */
  messages(): Message[] {
    return [...this.el.children].flatMap((li) => this.byItem.get(li)?.m ?? []);
  }

  /** greet shows the channel's greeting first (local: not a stored message). */
  greet(text: string): void {
    this.el.querySelector(".greeting")?.remove();
    if (!text) return;
    const li = h("li", { class: "msg out greeting", "data-author": this.teamName() }, this.who(undefined), h("div", { class: "bubble" }, text));
    this.el.prepend(li);
    this.group();
  }

  /** upsert shows m, or redraws it when it changed; true when it is new. */
  upsert(m: Message): boolean {
    let old = this.rows.get(m.id);
    if (!old && m.direction === "in") {
      // The stream can bring what the visitor sent before the POST answers.
      old = this.pendingLike(m);
      if (old) this.rows.delete(old.m.id);
    }
    if (old && looksSame(old.m, m)) return false;
    const stick = this.atBottom();
    const row = this.draw(m);
    if (old) old.li.replaceWith(row.li);
    else this.el.insertBefore(row.li, this.next(m));
    this.rows.set(m.id, row);
    if (m.direction === "in") this.answered(m);
    this.group();
    if (stick || (!old && m.direction === "in")) this.scrollDown();
    return !old;
  }

  /** replace swaps a pending message (keyed by its client id) for the stored one. */
  replace(oldId: string, m: Message): void {
    const old = this.rows.get(oldId);
    // The stream may have brought the stored message first: it is the truer copy.
    if (!old || this.rows.has(m.id)) {
      this.remove(oldId);
      if (!this.rows.has(m.id)) this.upsert(m);
      return;
    }
    this.rows.delete(oldId);
    const row = this.draw(m);
    old.li.replaceWith(row.li);
    this.rows.set(m.id, row);
  }

  /** pendingLike is the oldest message still sending that m is the stored copy of. */
  private pendingLike(m: Message): Row | undefined {
    const files = (x: Message) => x.parts?.filter((p) => p.attachment).length ?? 0;
    return [...this.rows.values()].find((r) => r.m.pending && r.m.text === m.text && files(r.m) === files(m));
  }

  remove(id: string): void {
    this.rows.get(id)?.li.remove();
    this.rows.delete(id);
    this.group();
  }

  /** group shows the name and avatar once above a run of one operator's messages. */
  private group(): void {
    let prev = "";
    for (const li of this.el.children) {
      const author = (li as HTMLElement).dataset.author ?? "";
      li.classList.toggle("cont", !!author && author === prev);
      prev = author;
    }
  }

  /** fail marks a message the hub refused, with why. */
  fail(id: string, why: string): void {
    this.failures.set(id, why);
    const row = this.rows.get(id);
    if (row) this.mark(row);
  }

  /** read moves the team's read mark to at (marks only ever advance). */
  read(at: string | null | undefined): void {
    const t = at ? Date.parse(at) : 0;
    if (!(t > this.readAt)) return;
    this.readAt = t;
    for (const row of this.rows.values()) if (row.m.direction === "in") this.mark(row);
  }

  scrollDown(): void {
    this.el.scrollTop = this.el.scrollHeight;
  }

  private atBottom(): boolean {
    return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < 40;
  }

  /** next is the row m goes before (time order; pending ones stay last). */
  private next(m: Message): Element | null {
    const at = Date.parse(m.created_at);
    for (const li of this.el.children) {
      const r = this.byItem.get(li);
      if (r && ((!m.pending && r.m.pending) || Date.parse(r.m.created_at) > at)) return li;
    }
    return null;
  }

  private draw(m: Message): Row {
    const li = h("li", { class: `msg ${m.direction}`, "data-author": m.direction === "out" ? m.author?.name || this.teamName() : undefined });
    if (m.direction === "out") li.append(this.who(m.author));
    li.append(...body(m, this.t, this.act));
    const meta = h("div", { class: "meta" });
    li.append(meta);
    const row = { m, li, meta };
    this.byItem.set(li, row);
    this.mark(row);
    return row;
  }

  private who(author: Author | undefined): HTMLElement {
    const name = author?.name || this.teamName();
    const avatar = h("span", { class: "avatar", "aria-hidden": "true" });
    if (author?.avatar_url && /^https?:/i.test(author.avatar_url)) avatar.append(h("img", { src: author.avatar_url, alt: "" }));
    else avatar.textContent = [...name.trim()][0]?.toUpperCase() ?? "?";
    return h("div", { class: "who" }, avatar, h("span", null, name));
  }

  /** mark writes the time and, on the visitor's messages, sending / sent ✓ / read ✓✓. */
  private mark(row: Row): void {
    const { m, meta } = row;
    const at = new Date(m.created_at);
    // The time, and the day too when it is not today.
    const day = at.toDateString() === new Date().toDateString() ? {} : { month: "short", day: "numeric" } as const;
    const time = at.toLocaleString(this.lang, { ...day, hour: "2-digit", minute: "2-digit" });
    meta.replaceChildren(h("time", { datetime: m.created_at }, time));
    if (m.direction !== "in") return;
    const failed = this.failures.get(m.id);
    const [cls, glyph, label] = failed
      ? ["failed", "!", this.t.failed(failed)]
      : m.pending
        ? ["pending", "🕓", this.t.sending]
        : Date.parse(m.created_at) <= this.readAt
          ? ["read", "✓✓", this.t.read]
          : ["sent", "✓", this.t.sent];
    // A refusal is written out; the other states are a glyph with a spoken label.
    meta.append(h("span", { class: "mark " + cls, title: label }, h("span", { "aria-hidden": "true" }, glyph), failed ? null : h("span", { class: "sr" }, label)));
    if (failed) meta.append(h("span", { class: "error" }, label));
  }

  /** answered: after a visitor message, spent quick replies go, and an answered form closes. */
  private answered(m: Message): void {
    const at = Date.parse(m.created_at);
    for (const row of this.rows.values()) {
      if (row.m.direction !== "out") continue;
      const spent = Date.parse(row.m.created_at) <= at && row.li.querySelector(".quick");
      const formDone = m.parts?.some((p) => p.form_response?.form_message_id === row.m.id) && row.li.querySelector("form");
      if (spent || formDone) {
        const redrawn = this.draw(row.m);
        row.li.replaceWith(redrawn.li);
        this.rows.set(row.m.id, redrawn);
      }
    }
  }
}
