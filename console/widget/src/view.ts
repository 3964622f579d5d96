// The widget's frame: a host element with a shadow root (the page's CSS
// cannot reach in, ours cannot leak out), the launcher button with its
// unread badge, and the panel (a dialog) holding the header, connection
// status, message list, typing indicator and composer.
import type { Composer } from "./composer";
import { h, icon, icons } from "./dom";
import type { Strings } from "./i18n";
import { css, NARROW, theme } from "./styles";
import type { Thread } from "./thread";

export interface ViewEvents {
  toggle(): void;
  close(): void;
  /** seen: the panel is open and visible (the visitor reads what is there). */
  seen(): void;
}

export class View {
  readonly host: HTMLElement;
  readonly panel: HTMLElement;
  private readonly root: HTMLElement;
  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLElement;
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;
  private readonly typing: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly announcer: HTMLElement;
  private readonly tabs: HTMLElement;
  private readonly chatTab: HTMLButtonElement;
  private readonly ticketsTab: HTMLButtonElement;
  private readonly chat: HTMLElement;
  private readonly tickets: HTMLElement;
  private portal: string | null = null;
  private unread = 0;
  private typingTimer = 0;

  constructor(
    private readonly t: Strings,
    lang: string,
    thread: Thread,
    private readonly composer: Composer,
    on: ViewEvents,
  ) {
    this.host = h("switchboard-chat" as "div");
    const shadow = this.host.attachShadow({ mode: "open" });
    shadow.append(h("style", null, css));
    const titleId = "sb-title";
    this.title = h("h2", { id: titleId }, t.title);
    this.status = h("div", { class: "status", role: "status", hidden: true });
    this.typing = h("div", { class: "typing", hidden: true });
    this.notice = h("div", { hidden: true });
    this.announcer = h("div", { class: "sr", "aria-live": "polite" });
    // Two tabs once the portal is known: the chat, and the visitor's
    // tickets (the customer portal in a frame, loaded when first shown).
    const tab = (label: string, id: string) => h("button", { type: "button", role: "tab", id: id + "-tab", "aria-controls": id, "aria-selected": "false", tabindex: -1, onclick: () => this.showTab(id === "sb-tickets") }, label);
    this.chatTab = tab(t.chat, "sb-chat");
    this.ticketsTab = tab(t.tickets, "sb-tickets");
    this.tabs = h("div", { class: "tabs", role: "tablist", "aria-label": t.sections, hidden: true }, this.chatTab, this.ticketsTab);
    this.tabs.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      e.preventDefault();
      this.showTab(e.target === this.chatTab);
      (e.target === this.chatTab ? this.ticketsTab : this.chatTab).focus();
    });
    this.chat = h("div", { class: "chat", id: "sb-chat", role: "tabpanel", "aria-labelledby": "sb-chat-tab" }, this.status, this.notice, thread.el, this.typing, composer.el);
    this.tickets = h("div", { class: "chat", id: "sb-tickets", role: "tabpanel", "aria-labelledby": "sb-tickets-tab", hidden: true });
    this.panel = h(
      "div",
      { class: "panel", id: "sb-panel", role: "dialog", "aria-labelledby": titleId, hidden: true },
      h("div", { class: "head" }, this.title, h("button", { class: "icon", type: "button", "aria-label": t.close, onclick: () => on.close() }, icon(icons.close))),
      this.tabs,
      this.chat,
      this.tickets,
    );
    this.showTab(false);
    composer.acceptDrops(this.panel);
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !composer.closeEmoji()) {
        e.stopPropagation();
        on.close();
      }
    });
    this.badge = h("span", { class: "badge", "aria-hidden": "true", hidden: true });
    this.launcher = h("button", { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "sb-panel", onclick: () => on.toggle() }, icon(icons.chat), this.badge);
    this.root = h("div", { class: "root", lang }, this.panel, this.launcher, this.announcer);
    shadow.append(this.root);
    this.label();
    document.addEventListener("visibilitychange", () => this.isOpen() && document.visibilityState === "visible" && on.seen());
  }

  /** mount puts the widget on the page and notes when the launcher first paints. */
  mount(): void {
    // On <html>, not <body>: a transformed body would move a fixed element.
    document.documentElement.append(this.host);
    performance.mark?.("switchboard:launcher");
    requestAnimationFrame(() => performance.mark?.("switchboard:launcher-painted"));
  }

  /** style applies the channel's colour, title and launcher side. */
  style(color: string | undefined, title: string | undefined, position: string | undefined): void {
    const th = theme(color);
    const s = this.root.style;
    s.setProperty("--accent", th.accent);
    s.setProperty("--on-accent", th.onAccent);
    s.setProperty("--accent-text", th.accentText);
    s.setProperty("--focus", th.focus);
    this.root.classList.toggle("left", position === "left");
    this.title.textContent = title || this.t.title;
  }

  isOpen(): boolean {
    return !this.panel.hidden;
  }

  /** setOpen shows or hides the panel; focus goes into it, and back to the launcher. */
  setOpen(open: boolean): void {
    const hadFocus = this.host.matches(":focus-within") || document.activeElement === this.host;
    this.panel.hidden = !open;
    // On a phone the panel covers the page: it is modal there.
    this.panel.setAttribute("aria-modal", String(open && matchMedia(NARROW).matches));
    this.root.classList.toggle("open", open);
    this.launcher.setAttribute("aria-expanded", String(open));
    this.launcher.replaceChildren(icon(open ? icons.close : icons.chat), this.badge);
    this.label();
    if (open && !this.chat.hidden) this.composer.focus();
    else if (open) this.ticketsTab.focus();
    else if (hadFocus) this.launcher.focus();
  }

  /** setPortal names the customer portal's embed address (the "My tickets" tab), or none. */
  setPortal(url: string | null): void {
    if (url === this.portal) return;
    this.portal = url;
    this.tabs.hidden = !url;
    this.tickets.replaceChildren();
    if (!url) this.showTab(false);
    else if (!this.tickets.hidden) this.showTab(true);
  }

  /** showTab shows the visitor's tickets (true) or the chat. */
  private showTab(tickets: boolean): void {
    this.chatTab.setAttribute("aria-selected", String(!tickets));
    this.ticketsTab.setAttribute("aria-selected", String(tickets));
    this.chatTab.tabIndex = tickets ? -1 : 0;
    this.ticketsTab.tabIndex = tickets ? 0 : -1;
    this.chat.hidden = tickets;
    this.tickets.hidden = !tickets;
    if (tickets && this.portal && !this.tickets.firstChild) {
      // The same page in a tab too: where the browser keeps the portal's
      // sign-in from a frame on another site (third-party cookies).
      const tab = this.portal.replace(/[?&]embed=widget/, "");
      this.tickets.append(
        h("iframe", { src: this.portal, title: this.t.tickets, sandbox: "allow-scripts allow-forms allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads" }),
        h("a", { class: "newtab", href: tab, target: "_blank", rel: "noopener noreferrer" }, this.t.newTab),
      );
    }
  }

  setUnread(n: number): void {
    this.unread = n;
    this.badge.textContent = n > 99 ? "99+" : String(n);
    this.badge.hidden = n === 0;
    this.label();
  }

  private label(): void {
    const base = this.isOpen() ? this.t.close : this.t.open;
    this.launcher.setAttribute("aria-label", this.unread ? `${base}, ${this.t.unread(this.unread)}` : base);
  }

  /** setStatus shows a connection note ("Reconnecting…"), or none. */
  setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  /** setNotice shows el above the messages (queue place, closed banner,
   * offline form), or nothing; chat false hides the composer. */
  setNotice(el: HTMLElement | null, chat = true): void {
    this.notice.replaceChildren(...(el ? [el] : []));
    this.notice.hidden = !el;
    this.notice.className = chat ? "" : "full";
    this.composer.el.hidden = !chat;
  }

  /** showTyping shows "<name> is typing…" until hidden or 6 s without news. */
  showTyping(name: string | null): void {
    clearTimeout(this.typingTimer);
    this.typing.hidden = !name;
    if (!name) return;
    this.typing.replaceChildren(h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), h("span", null, this.t.typing(name)));
    this.typingTimer = window.setTimeout(() => this.showTyping(null), 6000);
  }

  /** announce reads text out to screen readers (new messages from the team). */
  announce(text: string): void {
    this.announcer.textContent = text;
  }
}
