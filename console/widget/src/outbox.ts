// What the visitor sent and the hub has not confirmed yet. Each entry has
// a client_id made once, so sending it again after a lost answer is a
// no-op on the hub; entries wait while the network is down and go out in
// order when it is back. Entries without files are also kept in
// localStorage, so a page closed while offline sends them on the next one.
import { Api, ApiError, isNetworkError } from "./api";
import type { VisitorStorage } from "./storage";
import type { FormResponse, Message, Part } from "./types";

export interface Outgoing {
  clientId: string;
  text: string;
  files: File[];
  /** Parts of the files uploaded so far (an upload is not repeated). */
  uploaded: Part[];
  form?: FormResponse;
  createdAt: string;
  /** Called once: with the stored message, or with the hub's refusal. */
  done?: (msg: Message | null, err?: ApiError) => void;
}

export interface OutboxEvents {
  sent(item: Outgoing, msg: Message): void;
  failed(item: Outgoing, err: ApiError): void;
  /** waiting tells whether entries are held back by the network. */
  waiting(held: boolean): void;
}

export function newClientId(): string {
  return "w" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}

export class Outbox {
  private queue: Outgoing[] = [];
  private busy = false;
  private timer = 0;
  private delay = 2000;

  constructor(
    private readonly api: Api,
    private readonly storage: VisitorStorage,
    private readonly on: OutboxEvents,
  ) {}

  push(item: Outgoing): void {
    this.queue.push(item);
    this.save();
    void this.flush();
  }

  /** restore queues what an earlier page left unsent and returns it (to show as sending). */
  restore(): Outgoing[] {
    let kept: Outgoing[] = [];
    try {
      kept = JSON.parse(this.storage.get("outbox") ?? "[]").map((k: Outgoing) => ({ ...k, files: [], uploaded: [] }));
    } catch {
      /* unreadable: nothing to restore */
    }
    this.queue.push(...kept.filter((k) => !this.queue.some((q) => q.clientId === k.clientId)));
    return kept;
  }

  /** save keeps the entries without files (a File does not survive the page). */
  private save(): void {
    const kept = this.queue.filter((i) => !i.files.length).map(({ clientId, text, form, createdAt }) => ({ clientId, text, form, createdAt }));
    this.storage.set("outbox", kept.length ? JSON.stringify(kept) : null);
  }

  /** flush sends what is queued, in order; it stops at a network failure and retries later. */
  async flush(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    clearTimeout(this.timer);
    try {
      while (this.queue.length) {
        const item = this.queue[0];
        try {
          const msg = await this.deliver(item);
          this.queue.shift();
          this.save();
          this.delay = 2000;
          this.on.sent(item, msg);
          item.done?.(msg);
        } catch (err) {
          if (isNetworkError(err)) {
            this.on.waiting(true);
            this.timer = window.setTimeout(() => void this.flush(), this.delay);
            this.delay = Math.min(this.delay * 2, 30000);
            return;
          }
          this.queue.shift();
          this.save();
          this.on.failed(item, err as ApiError);
          item.done?.(null, err as ApiError);
        }
      }
      this.on.waiting(false);
    } finally {
      this.busy = false;
    }
  }

  private async deliver(item: Outgoing): Promise<Message> {
    await this.api.session();
    if (item.form) return this.api.sendForm(item.clientId, item.form);
    while (item.uploaded.length < item.files.length) {
      const up = await this.api.upload(item.files[item.uploaded.length]);
      const kind = up.content_type.startsWith("image/") ? "image" : "file";
      item.uploaded.push({ kind, attachment: { media_id: up.media_id, url: up.url, filename: up.filename, size: up.size, content_type: up.content_type } });
    }
    const parts = item.uploaded.map((p) => ({ kind: p.kind, attachment: { media_id: p.attachment!.media_id } }));
    return this.api.send({ text: item.text, client_id: item.clientId, parts: parts.length ? parts : undefined });
  }
}
