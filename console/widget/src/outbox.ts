// What the visitor sent and the hub has not confirmed yet. Each entry has
// a client_id made once, so sending it again after a lost answer is a
// no-op on the hub; entries wait while the network is down and go out in
// order when it is back.
import { Api, ApiError, isNetworkError } from "./api";
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
    private readonly on: OutboxEvents,
  ) {}

  push(item: Outgoing): void {
    this.queue.push(item);
    void this.flush();
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
