// The HTTP side of /widget/v1: one client that carries the visitor's token
// and turns error answers into ApiError (network failures stay TypeError,
// so callers can tell "offline, retry" from "refused").
import type { VisitorStorage } from "./storage";
import type { Article, Config, FormResponse, History, Identity, Message, PageContext, Part } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** isNetworkError tells a request that never got an answer (retry later). */
export function isNetworkError(err: unknown): boolean {
  return !(err instanceof ApiError) || err.status >= 500 || err.status === 429;
}

export interface Uploaded {
  media_id: string;
  url: string;
  content_type: string;
  size: number;
  filename: string;
}

export interface PostBody {
  text?: string;
  client_id: string;
  parts?: Part[];
}

export class Api {
  token: string | null;

  constructor(
    readonly hub: string,
    readonly channel: string,
    private readonly storage: VisitorStorage,
  ) {
    this.token = storage.get();
  }

  private async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = "Bearer " + this.token;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.hub + path, { method, headers, body: payload, signal });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const e = json?.error ?? {};
      if (res.status === 401 && e.code === "unauthorized") this.forget();
      throw new ApiError(res.status, e.code ?? "http_" + res.status, e.message ?? res.statusText);
    }
    return json as T;
  }

  /** forget drops a token the hub no longer accepts (expired, rotated key). */
  private forget(): void {
    this.token = null;
    this.storage.set("", null);
  }

  config(): Promise<Config> {
    return this.request("GET", "/widget/v1/config?channel=" + encodeURIComponent(this.channel) + "&lang=" + encodeURIComponent(document.documentElement.lang || navigator.language));
  }

  /** articles finds help-centre articles for what the visitor types (no session needed). */
  async articles(q: string, locale: string, signal: AbortSignal): Promise<Article[]> {
    const qs = new URLSearchParams({ channel: this.channel, q, locale });
    return (await this.request<{ items: Article[] }>("GET", "/widget/v1/articles?" + qs, undefined, signal)).items ?? [];
  }

  /** session makes sure the visitor has a token, starting a session when not. */
  async session(): Promise<void> {
    if (this.token) return;
    const s = await this.request<{ token: string }>("POST", "/widget/v1/sessions", { channel: this.channel });
    this.token = s.token;
    this.storage.set("", s.token);
  }

  /** history reads the whole conversation, oldest first (a few pages at most). */
  async history(): Promise<History> {
    let page = await this.request<History>("GET", "/widget/v1/messages?limit=200");
    const all = { ...page, items: [...page.items] };
    for (let i = 0; page.next && i < 10; i++) {
      page = await this.request<History>("GET", "/widget/v1/messages?limit=200&cursor=" + encodeURIComponent(page.next));
      all.items.push(...page.items);
    }
    return all;
  }

  /** check asks the hub whether the token still holds (a 401 makes session() start a new one). */
  async check(): Promise<void> {
    try {
      await this.request("GET", "/widget/v1/messages?limit=1");
    } catch {
      /* forgotten when refused; otherwise the network, tried again later */
    }
  }

  send(body: PostBody): Promise<Message> {
    return this.request("POST", "/widget/v1/messages", body);
  }

  sendForm(clientId: string, response: FormResponse): Promise<Message> {
    return this.send({ client_id: clientId, parts: [{ kind: "form_response", form_response: response }] });
  }

  upload(file: File): Promise<Uploaded> {
    const form = new FormData();
    form.append("file", file, file.name);
    return this.request("POST", "/widget/v1/uploads", form);
  }

  typing(text: string): Promise<void> {
    return this.request("POST", "/widget/v1/typing", { text });
  }

  /** offline leaves a message while the chat is closed (a conversation the team sees first). */
  offline(body: { name: string; email: string; text: string }): Promise<Message> {
    return this.request("POST", "/widget/v1/offline", body);
  }

  read(messageId: string): Promise<void> {
    return this.request("POST", "/widget/v1/read", { message_id: messageId });
  }

  context(ctx: PageContext): Promise<void> {
    return this.request("POST", "/widget/v1/context", ctx);
  }

  identify(who: Identity): Promise<{ verified: boolean; contact: Record<string, string> }> {
    return this.request("POST", "/widget/v1/identify", who);
  }

  streamURL(): string {
    return this.hub.replace(/^http/, "ws") + "/widget/v1/stream?token=" + encodeURIComponent(this.token ?? "");
  }
}
