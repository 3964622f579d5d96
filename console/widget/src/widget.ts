// The widget's controller: it wires the API, the stream, the outbox and
// the view together and keeps the conversation's state (messages, what
// the team has read, what the visitor has seen).
import { Api, type ApiError } from "./api";
import { closedBanner, offlineForm, queueNotice } from "./availability";
import { Composer } from "./composer";
import { Suggestions } from "./faq";
import { trackPages } from "./context";
import { language, strings, type Strings } from "./i18n";
import { newClientId, Outbox, type Outgoing } from "./outbox";
import type { VisitorStorage } from "./storage";
import { Stream } from "./stream";
import { Thread } from "./thread";
import type { Config, FieldValue, Frame, Identity, Message } from "./types";
import { View } from "./view";

export type WidgetEvent = "message" | "open" | "close";

/** HISTORY_FALLBACK_MS is how long the history waits for the stream's ready frame. */
const HISTORY_FALLBACK_MS = 5000;

export class Widget {
  private readonly t: Strings;
  private readonly thread: Thread;
  private readonly composer: Composer;
  private readonly faq: Suggestions;
  private readonly view: View;
  private readonly stream: Stream;
  private readonly outbox: Outbox;
  private readonly listeners = new Map<WidgetEvent, Set<(arg?: unknown) => void>>();
  private config: Config;
  private loaded = false;
  private readSent = "";
  private offline = false;
  private held = false;

  constructor(
    private readonly api: Api,
    private readonly storage: VisitorStorage,
    config: Config,
    settingsLanguage?: string,
  ) {
    this.config = config;
    const lang = language(config.language, settingsLanguage, document.documentElement.lang, navigator.language);
    this.t = strings(lang);
    this.thread = new Thread(this.t, lang, {
      reply: (label) => this.send(label, []),
      submitForm: (id, fields) => this.submitForm(id, fields),
      answered: (id) => this.thread.messages().some((m) => m.parts?.some((p) => p.form_response?.form_message_id === id)),
      repliedAfter: (m) => this.thread.messages().some((o) => o.direction === "in" && Date.parse(o.created_at) >= Date.parse(m.created_at)),
    }, () => this.config.title || this.t.team);
    this.composer = new Composer(this.t, {
      send: (text, files) => this.send(text, files),
      draft: (text) => void this.api.session().then(() => this.api.typing(text)).catch(() => {}),
      input: (text) => this.faq.typed(text),
    });
    // Articles that may answer the first message, until a conversation exists.
    this.faq = new Suggestions(this.t, (q, signal) => this.api.articles(q, lang, signal), this.composer.box);
    this.composer.attach(this.faq.el, this.faq.liveRegion);
    this.view = new View(this.t, lang, this.thread, this.composer, {
      toggle: () => (this.view.isOpen() ? this.close() : this.open()),
      close: () => this.close(),
      seen: () => this.markSeen(),
    });
    this.stream = new Stream({
      url: async (reconnecting) => {
        if (reconnecting) await this.api.check();
        await this.api.session();
        return this.api.streamURL();
      },
      frame: (f) => this.frame(f),
      ready: () => void this.reload(),
      state: (s) => {
        this.offline = s === "reconnecting";
        this.status();
      },
    });
    this.outbox = new Outbox(api, storage, {
      sent: (item, msg) => this.thread.replace("local:" + item.clientId, { ...msg, created_at: msg.created_at || item.createdAt }),
      failed: (item, err) => this.thread.fail("local:" + item.clientId, err.message),
      waiting: (held) => {
        this.held = held;
        this.status();
      },
    });
    this.applyConfig(config);
    for (const item of this.outbox.restore()) if (!item.form) this.pending(item);
    // Another tab read the messages: this tab's badge follows.
    addEventListener("storage", (e) => e.key === this.storage.key("seen") && this.countUnread());
  }

  /** start shows the launcher at once, then connects and reports the page. */
  start(): void {
    this.view.mount();
    void this.connect();
  }

  private async connect(): Promise<void> {
    trackPages((ctx) => void this.api.session().then(() => this.api.context(ctx)).catch(() => {}));
    void this.stream.start();
    this.api.config().then((c) => this.applyConfig(c), () => {});
    // Where WebSockets cannot get through, show the history anyway.
    window.setTimeout(() => this.loaded || void this.reload(), HISTORY_FALLBACK_MS);
  }

  /** status shows the connection note: messages held back, or reconnecting. */
  private status(): void {
    this.view.setStatus(this.held ? this.t.waiting : this.offline ? this.t.reconnecting : "");
  }

  private applyConfig(c: Config): void {
    this.config = c;
    this.storage.set("config", JSON.stringify(c));
    this.view.style(c.color, c.title, c.position);
    this.thread.greet(c.greeting ?? "");
    this.composer.setLimits(c.upload, c.max_text_length);
    this.view.setPortal(c.workspace_id ? `${this.api.hub}/portal/${encodeURIComponent(c.workspace_id)}/?embed=widget` : null);
    const a = c.availability;
    if (a && !a.open && a.mode === "banner") this.view.setNotice(closedBanner(this.t, a), false);
    else if (a && !a.open && a.mode === "form") this.leaveMessage();
    else if (!this.queued && !this.leaving) this.view.setNotice(null);
  }

  private queued = false;
  private leaving = false;

  /** leaveMessage swaps the chat for the offline form (queue places no longer show). */
  private leaveMessage(): void {
    this.queued = false;
    this.leaving = true;
    this.view.setNotice(offlineForm(this.t, this.config.availability, (v) => this.api.session().then(() => this.api.offline(v))), false);
  }

  /** reload merges the history (after each (re)connect): nothing said meanwhile is lost. */
  private async reload(): Promise<void> {
    let h;
    try {
      h = await this.api.history();
    } catch {
      return;
    }
    const known = new Set(h.items.map((m) => m.id));
    const newest = Date.parse(h.items[h.items.length - 1]?.created_at ?? "") || 0;
    // Gone from the history while the stream was down: taken back (what
    // is newer than the history may have been stored after it was read).
    for (const m of this.thread.messages()) if (!m.pending && !known.has(m.id) && Date.parse(m.created_at) <= newest) this.thread.remove(m.id);
    for (const m of h.items) this.show(m, this.loaded);
    if (h.items.some((m) => m.direction === "in")) this.faq.stop();
    this.thread.read(h.read_at);
    this.loaded = true;
    this.countUnread();
    void this.outbox.flush();
    if (this.view.isOpen()) this.markSeen();
  }

  private frame(f: Frame): void {
    switch (f.type) {
      case "message.created":
      case "message.updated":
        if (f.message?.retracted_at) this.thread.remove(f.message.id);
        else if (f.message) this.show(f.message, true);
        break;
      case "typing":
        this.view.showTyping(f.typing ? f.name || this.config.title || this.t.team : null);
        break;
      case "read":
        this.thread.read(f.at);
        break;
      case "queue":
        if (this.leaving) break;
        this.queued = !!f.position;
        if (f.position) this.view.setNotice(queueNotice(this.t, f.position, f.wait_seconds ?? 0, () => this.leaveMessage()));
        else this.view.setNotice(null);
        break;
    }
  }

  /** show adds or updates m; a new message from the team is announced (when live). */
  private show(m: Message, live: boolean): void {
    const isNew = this.thread.upsert(m);
    if (!isNew || m.direction !== "out") return;
    this.view.showTyping(null);
    if (!live) return;
    const name = m.author?.name || this.config.title || this.t.team;
    this.view.announce(this.t.newMessage(name, m.text));
    this.emit("message", m);
    if (this.view.isOpen() && document.visibilityState === "visible") this.markSeen();
    else this.countUnread();
  }

  /** send queues what the visitor wrote; it shows at once, marked as sending. */
  private send(text: string, files: File[]): void {
    this.faq.stop();
    const item = this.outgoing(text, files);
    this.pending(item);
    this.outbox.push(item);
  }

  /** pending shows an entry of the outbox, marked as sending. */
  private pending(item: Outgoing): void {
    this.thread.upsert({
      id: "local:" + item.clientId,
      direction: "in",
      text: item.text,
      pending: true,
      created_at: item.createdAt,
      // Files show from the visitor's own copy until the hub has them.
      parts: [
        ...(item.text ? [{ kind: "text", text: item.text }] : []),
        ...item.files.map((f) => ({ kind: f.type.startsWith("image/") ? "image" : "file", attachment: { filename: f.name, size: f.size, url: URL.createObjectURL(f) } })),
      ],
    });
  }

  /** submitForm sends a form's answer; it settles once the hub stored it (or refused it). */
  private submitForm(formMessageId: string, fields: FieldValue[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const item = this.outgoing("", []);
      item.form = { form_message_id: formMessageId, fields };
      item.done = (msg, err?: ApiError) => {
        if (!msg) return reject(err);
        this.show({ ...msg, created_at: msg.created_at || item.createdAt }, true);
        resolve();
      };
      this.outbox.push(item);
    });
  }

  private outgoing(text: string, files: File[]): Outgoing {
    return { clientId: newClientId(), text, files: [...files], uploaded: [], createdAt: new Date().toISOString() };
  }

  /** markSeen: the visitor sees the panel; the badge clears and the team learns it was read. */
  private markSeen(): void {
    const team = this.thread.messages().filter((m) => m.direction === "out");
    const last = team[team.length - 1];
    if (!last) return;
    this.storage.set("seen", last.created_at);
    this.view.setUnread(0);
    if (last.id !== this.readSent) {
      this.readSent = last.id;
      this.api.read(last.id).catch(() => (this.readSent = ""));
    }
  }

  /** countUnread: team messages newer than what the visitor saw (in any tab). */
  private countUnread(): void {
    const seen = Date.parse(this.storage.get("seen") ?? "") || 0;
    this.view.setUnread(this.view.isOpen() ? 0 : this.thread.messages().filter((m) => m.direction === "out" && Date.parse(m.created_at) > seen).length);
  }

  open(): void {
    if (this.view.isOpen()) return;
    this.view.setOpen(true);
    this.thread.scrollDown();
    this.markSeen();
    this.emit("open");
  }

  close(): void {
    if (!this.view.isOpen()) return;
    this.view.setOpen(false);
    this.emit("close");
  }

  async identify(who: Identity): Promise<{ verified: boolean; contact: Record<string, string> }> {
    await this.api.session();
    return this.api.identify(who);
  }

  on(event: WidgetEvent, fn: (arg?: unknown) => void): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
  }

  off(event: WidgetEvent, fn: (arg?: unknown) => void): void {
    this.listeners.get(event)?.delete(fn);
  }

  private emit(event: WidgetEvent, arg?: unknown): void {
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        fn(arg);
      } catch (err) {
        console.error("Switchboard: a", event, "listener threw", err);
      }
    }
  }
}
