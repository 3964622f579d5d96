// The operator stream (/api/v1/stream): one WebSocket per tab, reconnected
// with capped exponential backoff and jitter. Each {"type":"ready"} frame
// (the first after every connect) tells listeners to refetch, so nothing
// missed while disconnected stays stale.

export interface Frame {
  type: string;
  [key: string]: unknown;
}

export type StreamState = "connecting" | "open" | "closed";

type FrameListener = (f: Frame) => void;
type StateListener = (s: StreamState) => void;

export class StreamClient {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private frameListeners = new Set<FrameListener>();
  private stateListeners = new Set<StateListener>();
  state: StreamState = "closed";

  constructor(private path = "/api/v1/stream") {}

  onFrame(fn: FrameListener): () => void {
    this.frameListeners.add(fn);
    return () => this.frameListeners.delete(fn);
  }

  onState(fn: StateListener): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    this.setState("closed");
  }

  /** send writes a JSON frame when the socket is open (dropped otherwise). */
  send(frame: Frame) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private setState(s: StreamState) {
    this.state = s;
    this.stateListeners.forEach((fn) => fn(s));
  }

  private connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${location.host}${this.path}`);
    this.ws = ws;
    this.setState("connecting");
    ws.onmessage = (ev) => {
      let f: Frame;
      try {
        f = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (f.type === "ready") {
        this.attempt = 0;
        this.setState("open");
      }
      this.frameListeners.forEach((fn) => fn(f));
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState("closed");
      if (!this.stopped) this.schedule();
    };
    ws.onerror = () => ws.close();
  }

  private schedule() {
    const base = Math.min(30000, 500 * 2 ** this.attempt);
    this.attempt++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }
}

export const stream = new StreamClient();
