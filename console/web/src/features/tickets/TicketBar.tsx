// The ticket bar of a conversation that is a ticket: number, editable
// subject, priority and status, SLA due times with their breach state, and
// a details region (custom fields, linked tickets, merge, history).
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../lib/api";
import { stream } from "../../lib/stream";
import type { Conversation } from "../../lib/types";
import { Due } from "./badge";
import { PRIORITIES, STATUSES, ticketKeys, usePatchTicket, useTicket, useTicketFields, type TicketChange, type TicketField, type TicketPriority, type TicketStatus } from "./api";
import { TicketFields } from "./TicketFields";
import { TicketHistory } from "./TicketHistory";
import { TicketLinks } from "./TicketLinks";
import "./tickets-panel.css";

const OPEN_KEY = "sb.ticketDetails";

/** fieldOfError is the key of the field a hub error names, if any
 * (messages like "fields.order_no: required before resolving"). */
export function fieldOfError(err: unknown, fields: TicketField[]): string | undefined {
  if (!(err instanceof ApiError) || !err.message) return undefined;
  const m = err.message.match(/fields?\.([a-z0-9_]+)/i);
  if (m && fields.some((f) => f.key === m[1])) return m[1];
  return fields.find((f) => new RegExp(`(^|[^a-z0-9_])${f.key}([^a-z0-9_]|$)`, "i").test(err.message))?.key;
}

export default function TicketBar({ c }: { c: Conversation }) {
  const { t } = useTranslation("tickets");
  const uid = useId();
  const q = useTicket(c.id);
  const fields = useTicketFields().data ?? [];
  const patch = usePatchTicket(c.id);
  const [open, setOpen] = useState(() => localStorage.getItem(OPEN_KEY) === "open");
  const [editing, setEditing] = useState(false);
  const tk = q.data;
  const badge = c.ticket!;
  const qc = useQueryClient();
  // Messages and conversation changes move the ticket too (first reply,
  // status) and add to its history.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = stream.onFrame((f) => {
      const conv = (f.message as { conversation_id?: string } | undefined)?.conversation_id ?? (f.conversation as { id?: string } | undefined)?.id ?? f.conversation_id;
      if (conv !== c.id || !/^(message|conversation)\./.test(f.type) || timer) return;
      timer = setTimeout(() => {
        timer = null;
        void qc.invalidateQueries({ queryKey: ticketKeys.one(c.id) });
        void qc.invalidateQueries({ queryKey: ticketKeys.history(c.id) });
      }, 300);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [qc, c.id]);
  const number = tk?.number ?? badge.number;
  const priority = tk?.priority ?? badge.priority;
  const status = tk?.status ?? badge.status;
  const errField = fieldOfError(patch.error, fields);
  const toggle = (v: boolean) => {
    setOpen(v);
    localStorage.setItem(OPEN_KEY, v ? "open" : "closed");
  };
  const change = (body: TicketChange) =>
    patch.mutate(body, {
      onError: (e) => {
        if (fieldOfError(e, fields)) toggle(true);
      },
    });
  return (
    <section className="ticket-bar" aria-label={t("bar.label", { number })}>
      <div className="ticket-bar-row">
        <strong className="t-num">#{number}</strong>
        {editing ? (
          <SubjectForm
            initial={tk?.subject ?? badge.subject}
            busy={patch.isPending}
            onCancel={() => setEditing(false)}
            onSave={(subject) => patch.mutate({ subject }, { onSuccess: () => setEditing(false) })}
          />
        ) : (
          <span className="ticket-subject">
            <span className="ticket-subject-text">{tk?.subject ?? badge.subject}</span>
            <button type="button" className="link-btn" onClick={() => setEditing(true)} aria-label={t("bar.editSubject")}>
              ✎
            </button>
          </span>
        )}
        <label className="inline-select">
          <span>{t("bar.priority")}</span>
          <select value={priority} disabled={patch.isPending} onChange={(e) => change({ priority: e.target.value as TicketPriority })}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-select">
          <span>{t("bar.status")}</span>
          <select value={status} disabled={patch.isPending} onChange={(e) => change({ status: e.target.value as TicketStatus })} aria-describedby={patch.error ? uid + "-err" : undefined}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <span className="ticket-due">
          <span className="muted small">{t("bar.firstReply")}</span>{" "}
          <Due at={tk?.first_reply_due_at} met={tk?.first_replied_at} breached={!!tk?.first_reply_breached_at} />
        </span>
        <span className="ticket-due">
          <span className="muted small">{t("bar.resolution")}</span>{" "}
          <Due at={tk?.resolution_due_at} met={tk?.resolved_at} breached={!!tk?.resolution_breached_at} />
        </span>
        <button type="button" className="details-toggle" aria-expanded={open} aria-controls={uid + "-details"} onClick={() => toggle(!open)}>
          {open ? t("bar.hideDetails") : t("bar.showDetails")}
        </button>
      </div>
      {patch.error && !editing && (
        <p className="error small ticket-error" role="alert" id={uid + "-err"}>
          {errField ? t("bar.notSaved", { message: patch.error.message.replace(/^fields\.[a-z0-9_]+:\s*/i, "") }) : patch.error.message}
        </p>
      )}
      {tk?.merged_into && <MergedNote into={tk.merged_into} />}
      {q.isError && <p className="error small ticket-error" role="alert">{t("common:error.generic", { message: q.error.message })}</p>}
      {open && (
        <div className="ticket-details" id={uid + "-details"}>
          {tk ? (
            <>
              <TicketFields ticket={tk} fields={fields} errorKey={errField} error={patch.error} onSaved={() => patch.reset()} />
              <TicketLinks ticket={tk} />
              <TicketHistory id={c.id} />
            </>
          ) : (
            <p className="muted" role="status">{t("common:loading")}</p>
          )}
        </div>
      )}
    </section>
  );
}

function SubjectForm({ initial, busy, onSave, onCancel }: { initial: string; busy: boolean; onSave: (s: string) => void; onCancel: () => void }) {
  const { t } = useTranslation("tickets");
  const [v, setV] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (v.trim()) onSave(v.trim());
  };
  return (
    <form className="subject-form" onSubmit={submit} onKeyDown={(e) => e.key === "Escape" && onCancel()}>
      <input type="text" aria-label={t("bar.subject")} value={v} maxLength={200} autoFocus onChange={(e) => setV(e.target.value)} />
      <button type="submit" className="primary" disabled={busy || !v.trim()}>
        {t("save")}
      </button>
      <button type="button" onClick={onCancel}>
        {t("cancel")}
      </button>
    </form>
  );
}

function MergedNote({ into }: { into: string }) {
  const { t } = useTranslation("tickets");
  const target = useTicket(into);
  return (
    <p className="ticket-merged small" role="note">
      {t("merge.mergedInto")}{" "}
      <Link to={`/conversations/${encodeURIComponent(into)}`}>{target.data ? `#${target.data.number} ${target.data.subject}` : into}</Link>
    </p>
  );
}
