// The "Convert to ticket" dialog: subject (prefilled from the customer's
// last message) and priority → POST /api/v1/conversations/{id}/ticket.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../../components/Dialog";
import type { Conversation } from "../../lib/types";
import { ErrorBox } from "../admin/ui";
import { useMessages } from "../conversation/api";
import { PRIORITIES, useConvertToTicket, type TicketPriority } from "./api";
import "./tickets-panel.css";

/** subjectFrom is a ticket subject from a message: its first non-empty
 * line, at most 120 characters (as the hub's TicketSubject). */
export function subjectFrom(text: string): string {
  const line = text.split("\n").map((l) => l.trim()).find((l) => l) ?? "";
  const r = Array.from(line);
  return r.length > 120 ? r.slice(0, 119).join("") + "…" : line;
}

export default function ConvertDialog({ c, onClose }: { c: Conversation; onClose: () => void }) {
  const { t } = useTranslation("tickets");
  const uid = useId();
  const msgs = useMessages(c.id).data ?? [];
  const last = [...msgs].reverse().find((m) => m.direction === "in" && m.text?.trim());
  const [subject, setSubject] = useState<string | null>(null);
  const [priority, setPriority] = useState<TicketPriority>("normal");
  const convert = useConvertToTicket(c.id);
  const value = subject ?? subjectFrom(last?.text ?? c.last_message ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    convert.mutate({ subject: value.trim(), priority }, { onSuccess: onClose });
  };
  return (
    <Dialog labelledBy={uid + "-t"} onClose={onClose} className="ticket-dialog">
      <form onSubmit={submit} className="ticket-dialog-form" aria-labelledby={uid + "-t"}>
        <h2 id={uid + "-t"}>{t("convert.title")}</h2>
        <p className="muted small">{t("convert.intro")}</p>
        <div className="field">
          <label htmlFor={uid + "-s"}>{t("convert.subject")}</label>
          <input id={uid + "-s"} type="text" value={value} maxLength={200} required autoFocus onChange={(e) => setSubject(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={uid + "-p"}>{t("convert.priority")}</label>
          <select id={uid + "-p"} value={priority} onChange={(e) => setPriority(e.target.value as TicketPriority)}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </div>
        <ErrorBox error={convert.error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={convert.isPending || !value.trim()}>
            {convert.isPending ? t("saving") : t("convert.submit")}
          </button>
          <button type="button" onClick={onClose}>
            {t("cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
