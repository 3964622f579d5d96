// Small ticket pieces the inbox shows on first load (kept tiny): the
// "#1042" tag of a conversation row with its breach / due-soon marker, and
// a due time as relative text that turns red with a "breached" badge.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TicketBadge } from "../../lib/types";
import "./badge.css";

/** A target due within this long is "due soon". */
const SOON_MS = 60 * 60_000;

/** useNow is the current time, refreshed every ms (relative times). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** relTime says when at is from now, in lang ("in 5 minutes", "2 hours ago"). */
export function relTime(at: string, now: number, lang: string): string {
  const diff = new Date(at).getTime() - now;
  const abs = Math.abs(diff);
  const f = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  if (abs < 60_000) return f.format(Math.round(diff / 1000), "second");
  if (abs < 3_600_000) return f.format(Math.round(diff / 60_000), "minute");
  if (abs < 86_400_000) return f.format(Math.round(diff / 3_600_000), "hour");
  return f.format(Math.round(diff / 86_400_000), "day");
}

/** TicketTag is a conversation row's ticket number, with a red marker once
 * a target was missed or an amber one when one is due within the hour. */
export function TicketTag({ b }: { b: TicketBadge }) {
  const { t } = useTranslation("tickets");
  const now = useNow();
  const soon = !b.breached && b.status !== "resolved" && !!b.due_at && new Date(b.due_at).getTime() - now < SOON_MS;
  const state = b.breached ? " breached" : soon ? " soon" : "";
  const title = b.breached ? t("badge.breached") : soon ? t("badge.dueSoon") : t("badge.ticket");
  return (
    <span className={`ticket-tag${state}`} title={`${title}: ${b.subject}`}>
      #{b.number}
      {state && <span className="ticket-mark" aria-hidden="true" />}
      <span className="sr-only"> {title}</span>
    </span>
  );
}

/** Due shows a target's time relative to now: red with a "breached" badge
 * when missed, struck through once met. */
export function Due({ at, met, breached }: { at?: string | null; met?: string | null; breached?: boolean }) {
  const { t, i18n } = useTranslation("tickets");
  const now = useNow();
  if (!at) return <span className="muted">—</span>;
  const full = new Date(at).toLocaleString(i18n.language);
  const late = breached || (!met && new Date(at).getTime() <= now);
  return (
    <span className={`due${late ? " late" : ""}${met && !late ? " met" : ""}`}>
      <time dateTime={at} title={full}>
        {met && !late ? t("due.met") : relTime(at, now, i18n.language)}
      </time>
      {late && <span className="breach-badge">{t("due.breached")}</span>}
    </span>
  );
}
