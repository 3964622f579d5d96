// The provider's customer-service window (WhatsApp 24 h, Messenger and
// Instagram 24 h or 7 days): whether free-form replies may go out now, and
// how long for. The hub says when the window closes (window_expires_at);
// for a channel with a window and no customer message yet it is closed.
import type { TFunction } from "i18next";
import { useEffect, useState } from "react";
import type { Capabilities, Conversation } from "../../lib/types";

export interface ReplyWindow {
  /** the channel has a window at all */
  has: boolean;
  /** free-form replies are refused (only approved templates) */
  closed: boolean;
  /** when it closes (or closed); null when the customer never wrote */
  expiresAt: Date | null;
  /** milliseconds left (0 when closed) */
  left: number;
}

const HOUR = 3600_000;

/** windowOf reads the window from the conversation and its channel's
 * capabilities at the instant now. */
export function windowOf(c: Conversation, caps: Capabilities | undefined, now: number): ReplyWindow {
  const secs = caps?.reply_window_seconds ?? 0;
  let expires: Date | null = null;
  if (c.window_expires_at) expires = new Date(c.window_expires_at);
  else if (secs > 0 && c.customer_last_at) expires = new Date(new Date(c.customer_last_at).getTime() + secs * 1000);
  const has = !!c.window_expires_at || secs > 0;
  if (!has) return { has: false, closed: false, expiresAt: null, left: 0 };
  const left = expires ? Math.max(0, expires.getTime() - now) : 0;
  return { has, closed: left <= 0, expiresAt: expires, left };
}

/** useReplyWindow re-renders when the window changes: with tick, exactly
 * when the shown time changes (each minute, each second in the last hour);
 * without, once when the window closes. */
export function useReplyWindow(c: Conversation, caps: Capabilities | undefined, tick = true): ReplyWindow {
  // The clock is read at each render; the timer below only asks for one,
  // aligned (when it is set, however late) to the next change.
  const [n, setTick] = useState(0);
  const w = windowOf(c, caps, Date.now());
  const expires = w.expiresAt?.getTime() ?? 0;
  useEffect(() => {
    if (!w.has || w.closed) return;
    const left = Math.max(0, expires - Date.now());
    const unit = left < HOUR ? 1000 : 60_000;
    const delay = Math.min(tick ? left % unit : left, 2 ** 31 - 1) + 5;
    const id = setTimeout(() => setTick((x) => x + 1), delay);
    return () => clearTimeout(id);
  }, [w.has, w.closed, expires, tick, n]);
  return w;
}

/** formatLeft: "2 d 03 h", "3 h 05 min" or "42 min 07 s" (the last hour),
 * zero-padded so the text keeps its width as it ticks. */
export function formatLeft(t: TFunction, ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (ms < HOUR) return t("window:minutes", { m: pad(Math.floor(s / 60)), s: pad(s % 60) });
  const h = Math.floor(s / 3600);
  if (h >= 24) return t("window:days", { d: Math.floor(h / 24), h: pad(h % 24) });
  return t("window:hours", { h, m: pad(Math.floor((s % 3600) / 60)) });
}
