// The visitor's WebSocket (/widget/v1/stream), kept open with backoff.
// After every (re)connect the hub sends {"type":"ready"} once it has
// subscribed; the widget then reloads the history, so nothing said while
// the socket was down is lost.
import type { Frame } from "./types";

export type StreamState = "connecting" | "live" | "reconnecting";

export interface StreamHandlers {
  /** url is where to connect (it may first renew the visitor's session); reconnecting says it failed before. */
  url(reconnecting: boolean): Promise<string>;
  frame(f: Frame): void;
  ready(): void;
  state(s: StreamState): void;
}

const MIN_DELAY = 1000;
const MAX_DELAY = 30000;

export class Stream {
  private ws: WebSocket | null = null;
  private delay = MIN_DELAY;
  private timer = 0;
  private failures = 0;
  private opening = false;

  constructor(private readonly on: StreamHandlers) {
    // Back on the network: try at once instead of waiting out the backoff.
    addEventListener("online", () => this.retryNow());
    addEventListener("offline", () => this.ws?.close());
  }

  async start(): Promise<void> {
    if (this.ws || this.opening) return;
    clearTimeout(this.timer);
    this.opening = true;
    this.on.state(this.failures ? "reconnecting" : "connecting");
    let ws: WebSocket;
    try {
      ws = new WebSocket(await this.on.url(this.failures > 0));
    } catch {
      this.opening = false;
      this.retryLater();
      return;
    }
    this.opening = false;
    this.ws = ws;
    ws.onmessage = (e) => {
      let f: Frame;
      try {
        f = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (f.type === "ready") {
        this.delay = MIN_DELAY;
        this.failures = 0;
        this.on.state("live");
        this.on.ready();
        return;
      }
      this.on.frame(f);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.retryLater();
    };
  }

  private retryLater(): void {
    this.failures++;
    this.on.state("reconnecting");
    // Jitter keeps many widgets of one site from reconnecting in step.
    this.timer = window.setTimeout(() => void this.start(), this.delay * (0.75 + Math.random() / 2));
    this.delay = Math.min(this.delay * 2, MAX_DELAY);
  }

  /** retryNow reconnects without waiting (the network came back). */
  retryNow(): void {
    if (this.ws) return;
    this.delay = MIN_DELAY;
    void this.start();
  }
}
