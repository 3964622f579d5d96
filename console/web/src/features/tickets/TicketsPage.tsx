// The Tickets screen: every ticket the operator may see with its number,
// subject, customer, status, priority, assignee and nearest due time;
// filters (status, priority, breached, assigned to me), keyset "load
// more", j/k or arrows to move and Enter to open (in the conversation
// view, which shows the ticket panel). Live through the operator stream.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { stream } from "../../lib/stream";
import { useMe } from "../auth/auth";
import { personName, useOperators } from "../inbox/api";
import { Due } from "./badge";
import { PRIORITIES, STATUSES, ticketKeys, useTickets, type Ticket, type TicketFilters } from "./api";
import "./tickets.css";

const FILTER_KEY = "sb.tickets.filters";

function loadFilters(): TicketFilters {
  try {
    return JSON.parse(localStorage.getItem(FILTER_KEY) || "{}");
  } catch {
    return {};
  }
}

/** nextDue is the ticket's pending target: first reply, then resolution. */
export function nextDue(t: Ticket): { at?: string | null; met?: string | null; breached: boolean } {
  if (t.first_reply_due_at && !t.first_replied_at) return { at: t.first_reply_due_at, breached: !!t.first_reply_breached_at };
  if (t.resolution_due_at) return { at: t.resolution_due_at, met: t.resolved_at, breached: !!t.resolution_breached_at };
  return { at: t.first_reply_due_at, met: t.first_replied_at, breached: !!t.first_reply_breached_at };
}

export default function TicketsPage() {
  const { t } = useTranslation("tickets");
  const me = useMe().data!;
  const nav = useNavigate();
  const qc = useQueryClient();
  const [filters, setFilters] = useState<TicketFilters>(loadFilters);
  const q = useTickets(filters, me.id);
  const ops = useOperators().data ?? [];
  const items = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  const [sel, setSel] = useState(0);
  const rows = useRef<(HTMLAnchorElement | null)[]>([]);
  const set = (k: keyof TicketFilters, v: string | boolean) => {
    const f = { ...filters, [k]: v || undefined };
    setFilters(f);
    setSel(0);
    localStorage.setItem(FILTER_KEY, JSON.stringify(f));
  };

  // Conversation changes (assignment, replies) move tickets too; ticket
  // events are handled by the stream cache.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = stream.onFrame((f) => {
      if (f.type !== "conversation.updated" && f.type !== "message.created") return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void qc.invalidateQueries({ queryKey: ticketKeys.all });
      }, 400);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [qc]);

  // j / k anywhere on the screen (outside fields) step into the list.
  useEffect(() => {
    const onWin = (e: globalThis.KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.altKey || e.ctrlKey || e.metaKey || (el && (el.closest(".tickets-list") || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable))) return;
      if (e.key !== "j" && e.key !== "k") return;
      e.preventDefault();
      rows.current[Math.min(sel, items.length - 1)]?.focus();
    };
    window.addEventListener("keydown", onWin);
    return () => window.removeEventListener("keydown", onWin);
  }, [sel, items.length]);

  const move = (i: number) => {
    const j = Math.max(0, Math.min(items.length - 1, i));
    setSel(j);
    rows.current[j]?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "j" || e.key === "ArrowDown") move(sel + 1);
    else if (e.key === "k" || e.key === "ArrowUp") move(sel - 1);
    else if (e.key === "Enter" && items[sel] && !(e.target instanceof HTMLAnchorElement)) nav(`/conversations/${encodeURIComponent(items[sel].conversation_id)}`);
    else return;
    e.preventDefault();
  };
  const opName = (id?: string) => (id ? (id === me.id ? me.name : (ops.find((o) => o.id === id)?.name ?? "…")) : "");
  const filtered = !!(filters.status || filters.priority || filters.breached || filters.mine);

  return (
    <div className="tickets-page">
      <div className="tickets-head">
        <h1>{t("title")}</h1>
        <div className="filters" role="group" aria-label={t("filters.label")}>
          <select aria-label={t("filters.status")} value={filters.status ?? ""} onChange={(e) => set("status", e.target.value)}>
            <option value="">{t("filters.anyStatus")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
          <select aria-label={t("filters.priority")} value={filters.priority ?? ""} onChange={(e) => set("priority", e.target.value)}>
            <option value="">{t("filters.anyPriority")}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
          <label className="check">
            <input type="checkbox" checked={!!filters.breached} onChange={(e) => set("breached", e.target.checked)} />
            {t("filters.breached")}
          </label>
          <label className="check">
            <input type="checkbox" checked={!!filters.mine} onChange={(e) => set("mine", e.target.checked)} />
            {t("filters.mine")}
          </label>
        </div>
      </div>
      <div className="tickets-cols" aria-hidden="true">
        <span>{t("col.number")}</span>
        <span>{t("col.subject")}</span>
        <span>{t("col.status")}</span>
        <span>{t("col.priority")}</span>
        <span>{t("col.assignee")}</span>
        <span>{t("col.due")}</span>
      </div>
      <div className="tickets-scroll" onKeyDown={onKey}>
        {q.isPending && <p className="tickets-state muted" role="status">{t("common:loading")}</p>}
        {q.isError && (
          <p className="tickets-state error" role="alert">
            {t("common:error.generic", { message: q.error.message })} <button onClick={() => q.refetch()}>{t("common:retry")}</button>
          </p>
        )}
        {q.isSuccess && items.length === 0 && (
          <div className="tickets-state">
            <p>{filtered ? t("list.noneFiltered") : t("list.empty")}</p>
            {!filtered && <p className="muted small">{t("list.emptyHint")}</p>}
          </div>
        )}
        <ul className="tickets-list" aria-label={t("list.label")}>
          {items.map((tk, i) => {
            const due = nextDue(tk);
            const c = tk.conversation;
            const customer = personName(c?.contact, t("inbox:contact.anonymous"));
            return (
              <li key={tk.conversation_id}>
                <Link
                  ref={(el) => {
                    rows.current[i] = el;
                  }}
                  to={`/conversations/${encodeURIComponent(tk.conversation_id)}`}
                  className={`ticket-row${i === sel ? " sel" : ""}${tk.breached ? " is-breached" : ""}`}
                  tabIndex={i === sel ? 0 : -1}
                  onFocus={() => setSel(i)}
                  aria-label={t("list.rowLabel", { number: tk.number, subject: tk.subject, status: t(`status.${tk.status}`) })}
                >
                  <span className="t-num">#{tk.number}</span>
                  <span className="t-main">
                    <span className="t-subject">{tk.subject || t("list.noSubject")}</span>
                    <span className="t-customer muted">{customer}</span>
                  </span>
                  <span className={`t-status st-${tk.status}`}>{t(`status.${tk.status}`)}</span>
                  <span className={`t-prio pr-${tk.priority}`}>{t(`priority.${tk.priority}`)}</span>
                  <span className="t-assignee">{opName(c?.assignee_id) || <span className="muted">{t("list.unassigned")}</span>}</span>
                  <span className="t-due">
                    <Due at={due.at} met={due.met} breached={due.breached} />
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
        {q.hasNextPage && (
          <div className="load-more">
            <button onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage}>
              {q.isFetchingNextPage ? t("common:loading") : t("list.loadMore")}
            </button>
          </div>
        )}
        {items.length > 0 && <p className="muted small tickets-hint">{t("list.keys")}</p>}
      </div>
    </div>
  );
}
