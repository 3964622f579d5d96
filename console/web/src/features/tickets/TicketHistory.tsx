// A ticket's history (GET /api/v1/tickets/{ref}/history): who did what,
// when, and from where (console, Slack, e-mail, portal).
import { useTranslation } from "react-i18next";
import { useTicketHistory, type HistoryItem } from "./api";

const KINDS = ["created", "message", "note", "status", "priority", "merged", "linked", "unlinked", "breached", "assigned", "fields", "subject"];

export function TicketHistory({ id }: { id: string }) {
  const { t, i18n } = useTranslation("tickets");
  const q = useTicketHistory(id);
  const items = q.data ?? [];
  return (
    <div className="ticket-block ticket-history">
      <h3>{t("history.title")}</h3>
      {q.isPending && <p className="muted small" role="status">{t("common:loading")}</p>}
      {q.isError && <p className="error small" role="alert">{t("common:error.generic", { message: q.error.message })}</p>}
      {q.isSuccess && items.length === 0 && <p className="muted small">{t("history.none")}</p>}
      {items.length > 0 && (
        <ol className="history-list" aria-label={t("history.title")}>
          {items.map((h, i) => (
            <li key={i} className={`hk-${h.kind}`}>
              <time dateTime={h.at} title={new Date(h.at).toLocaleString(i18n.language)}>
                {new Date(h.at).toLocaleString(i18n.language, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })}
              </time>
              <span className="h-text">
                <strong>{who(h, t)}</strong> {t(`history.kind.${h.kind === "message" && h.direction === "in" ? "messageIn" : KINDS.includes(h.kind) ? h.kind : "other"}`, { kind: h.kind })}
                {h.text && <span className="h-quote">{h.text}</span>}
              </span>
              {h.via && <span className={`via via-${h.via}`}>{t(`history.via.${h.via}`, { defaultValue: h.via })}</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function who(h: HistoryItem, t: (k: string) => string): string {
  if (h.actor_name) return h.actor_name;
  if (h.direction === "in") return t("history.customer");
  return t("history.system");
}
