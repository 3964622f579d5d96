// A ticket's history (GET /api/v1/tickets/{ref}/history): who did what,
// when, and from where (console, Slack, e-mail, portal). Activity lines
// carry the activity itself (kind, operator or department, reason), which
// picks the sentence; the rest is shown beside it.
import { useTranslation } from "react-i18next";
import { useTicketFields, useTicketHistory, type HistoryItem } from "./api";

const ACTIVITIES = new Set(["routed", "assigned", "unassigned", "claimed", "transferred", "resolved", "reopened", "ticket_merged", "ticket_linked", "ticket_unlinked", "priority_changed", "ticket_updated"]);
const PRIORITIES = new Set(["low", "normal", "high", "urgent"]);

type T = (k: string, o?: Record<string, unknown>) => string;

/** line is the sentence and the detail of a history entry; labels names
 * the workspace's ticket fields by key (for "changed Order number"). */
export function line(h: HistoryItem, t: T, labels: Record<string, string> = {}): { what: string; detail?: string } {
  const text = h.text ?? "";
  if (h.kind === "breached") return { what: t(`history.breachedOf.${text === "resolution" ? "resolution" : "first_reply"}`) };
  if (h.kind === "created") return { what: t(h.actor_name ? "history.kind.created" : "history.kind.createdNoActor"), detail: text };
  if (h.kind === "message") return { what: t(h.direction === "in" ? "history.kind.messageIn" : "history.kind.message"), detail: text };
  if (h.kind === "note") return { what: t("history.kind.note"), detail: text };
  const a = h.activity;
  if (a && ACTIVITIES.has(a.kind)) {
    const reason = a.reason ?? "";
    if (a.kind === "ticket_updated") {
      const parts = reason.split(",").map((p) => p.trim()).filter(Boolean);
      const what = parts.length === 1 && parts[0] === "subject" ? t("history.kind.subject") : t("history.activity.ticket_updated");
      return { what, detail: parts.map((p) => (p === "subject" ? t("history.part.subject") : labels[p] || p)).join(", ") || undefined };
    }
    const why = a.kind === "priority_changed" && PRIORITIES.has(reason) ? t(`priority.${reason}`) : reason;
    const detail = [a.operator_name || a.department_name, why].filter(Boolean).join(" · ");
    return { what: t(`history.activity.${a.kind}`), detail: detail || undefined };
  }
  return { what: t("history.kind.other", { kind: a?.kind ?? h.kind }), detail: text || undefined };
}

export function TicketHistory({ id }: { id: string }) {
  const { t, i18n } = useTranslation("tickets");
  const q = useTicketHistory(id);
  const fields = useTicketFields();
  const labels = Object.fromEntries((fields.data ?? []).map((f) => [f.key, f.label]));
  const items = q.data ?? [];
  return (
    <div className="ticket-block ticket-history">
      <h3>{t("history.title")}</h3>
      {q.isPending && <p className="muted small" role="status">{t("common:loading")}</p>}
      {q.isError && <p className="error small" role="alert">{t("common:error.generic", { message: q.error.message })}</p>}
      {q.isSuccess && items.length === 0 && <p className="muted small">{t("history.none")}</p>}
      {items.length > 0 && (
        <ol className="history-list" aria-label={t("history.title")}>
          {items.map((h, i) => {
            const l = line(h, t, labels);
            const name = who(h, t);
            return (
              <li key={i} className={`hk-${h.kind}`}>
                <time dateTime={h.at} title={new Date(h.at).toLocaleString(i18n.language)}>
                  {new Date(h.at).toLocaleString(i18n.language, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })}
                </time>
                <span className="h-text">
                  {name && <strong>{name} </strong>}
                  {l.what}
                  {l.detail && <span className="h-quote">{l.detail}</span>}
                </span>
                {h.via && <span className={`via via-${h.via}`}>{t(`history.via.${h.via}`, { defaultValue: h.via })}</span>}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

function who(h: HistoryItem, t: T): string {
  if (h.actor_name) return h.actor_name;
  if (h.kind === "created" || h.kind === "breached") return "";
  if (h.direction === "in") return t("history.customer");
  return t("history.system");
}
