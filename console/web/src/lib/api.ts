// The one API layer of the console: every request to /api/v1 goes through
// api(). It sends the session cookie, adds X-CSRF-Token to changes, and
// turns the hub's {"error":{code,message}} answers into ApiError.

export class ApiError extends Error {
  status: number;
  code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = "";

/** setCsrf keeps the session's CSRF token (from login or GET /api/v1/me). */
export function setCsrf(token: string | undefined) {
  csrfToken = token ?? "";
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** onUnauthorized is called whenever the hub answers 401 (session gone). */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** raw: return the Response itself (downloads). */
  raw?: boolean;
}

export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET" && method !== "HEAD" && csrfToken) {
    headers["X-CSRF-Token"] = csrfToken;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: "same-origin", signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "network", (err as Error).message || "network error");
  }
  if (!res.ok) {
    let code = "http_" + res.status;
    let message = res.statusText;
    try {
      const e = await res.json();
      if (e && e.error) {
        code = e.error.code ?? code;
        message = e.error.message ?? message;
      }
    } catch {
      /* not JSON */
    }
    if (res.status === 401 && !path.endsWith("/auth/login")) {
      unauthorizedListeners.forEach((fn) => fn());
    }
    throw new ApiError(res.status, code, message);
  }
  if (opts.raw) return res as unknown as T;
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string, opts?: RequestOptions) => api<T>("GET", path, undefined, opts);
export const post = <T>(path: string, body?: unknown) => api<T>("POST", path, body);
export const patch = <T>(path: string, body?: unknown) => api<T>("PATCH", path, body);
export const put = <T>(path: string, body?: unknown) => api<T>("PUT", path, body);
export const del = <T>(path: string) => api<T>("DELETE", path);

/** qs builds a query string from the set values of params. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "" || v === false) continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? "?" + s : "";
}
