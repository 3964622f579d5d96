// The visitor's WebSocket (/widget/v1/stream), kept open with backoff.
// After every (re)connect the hub sends {"type":"ready"} once it has
// subscribed; the widget then reloads the history, so nothing said while
// the socket was down is lost. A socket that is not ready in time, or
// that the browser says lost the network, is given up at once: a dead
// network can keep a socket "connecting" or "closing" for minutes.
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
const READY_WITHIN = 10000;

export class Stream {
  private ws: WebSocket | null = null;
  private live = false;
  private delay = MIN_DELAY;
  private retryTimer = 0;
  private readyTimer = 0;
  private failures = 0;
  private opening = false;

  constructor(private readonly on: StreamHandlers) {
    addEventListener("offline", () => this.drop());
    // Back on the network: try at once instead of waiting out the backoff.
    addEventListener("online", () => {
      if (this.live) return;
      this.abandon();
      this.delay = MIN_DELAY;
      void this.start();
    });
  }

  async start(): Promise<void> {
    if (this.ws || this.opening) return;
    clearTimeout(this.retryTimer);
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
    this.readyTimer = window.setTimeout(() => this.drop(), READY_WITHIN);
    ws.onmessage = (e) => {
      let f: Frame;
      try {
        f = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (f.type === "ready") {
        clearTimeout(this.readyTimer);
        this.live = true;
        this.delay = MIN_DELAY;
        this.failures = 0;
        this.on.state("live");
        this.on.ready();
        return;
      }
      this.on.frame(f);
    };
    ws.onclose = () => this.drop();
  }

  /** drop gives the current socket up and tries again after the backoff. */
  private drop(): void {
    if (!this.ws) return;
    this.abandon();
    this.retryLater();
  }

  /** abandon forgets the current socket without waiting for it to close. */
  private abandon(): void {
    const ws = this.ws;
    this.ws = null;
    this.live = false;
    clearTimeout(this.readyTimer);
    if (!ws) return;
    ws.onclose = ws.onmessage = null;
    ws.close();
  }

  private retryLater(): void {
    clearTimeout(this.retryTimer);
    this.failures++;
    this.on.state("reconnecting");
    // Jitter keeps many widgets of one site from reconnecting in step.
    this.retryTimer = window.setTimeout(() => void this.start(), this.delay * (0.75 + Math.random() / 2));
    this.delay = Math.min(this.delay * 2, MAX_DELAY);
  }
}
