// Linked tickets (add by number, remove) and merging this ticket into
// another (by number, after a confirm dialog) in the ticket details.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { Dialog } from "../../components/Dialog";
import { ErrorBox } from "../admin/ui";
import { parseRef, useLink, useMerge, useTicket, useUnlink, type Ticket } from "./api";

export function TicketLinks({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const uid = useId();
  const link = useLink(ticket.conversation_id);
  const unlink = useUnlink(ticket.conversation_id);
  const [ref, setRef] = useState("");
  const links = ticket.links ?? [];
  const add = (e: FormEvent) => {
    e.preventDefault();
    const r = parseRef(ref);
    if (r) link.mutate(r, { onSuccess: () => setRef("") });
  };
  return (
    <div className="ticket-block">
      <h3 id={uid + "-h"}>{t("links.title")}</h3>
      {links.length === 0 ? (
        <p className="muted small">{t("links.none")}</p>
      ) : (
        <ul className="ticket-links" aria-labelledby={uid + "-h"}>
          {links.map((id) => (
            <LinkedTicket key={id} id={id} busy={unlink.isPending} onRemove={() => unlink.mutate(id)} />
          ))}
        </ul>
      )}
      <form className="row" onSubmit={add}>
        <input type="text" inputMode="numeric" size={8} placeholder="#1042" aria-label={t("links.number")} value={ref} onChange={(e) => setRef(e.target.value)} />
        <button type="submit" disabled={link.isPending || !parseRef(ref)}>
          {t("links.add")}
        </button>
      </form>
      <ErrorBox error={link.error ?? unlink.error} />
      {!ticket.merged_into && <Merge ticket={ticket} />}
    </div>
  );
}

function LinkedTicket({ id, busy, onRemove }: { id: string; busy: boolean; onRemove: () => void }) {
  const { t } = useTranslation("tickets");
  const q = useTicket(id);
  const name = q.data ? `#${q.data.number} ${q.data.subject}` : "…";
  return (
    <li>
      <Link to={`/conversations/${encodeURIComponent(id)}`}>{name}</Link>
      {q.data && <span className={`t-status st-${q.data.status}`}>{t(`status.${q.data.status}`)}</span>}
      <button type="button" className="link-btn danger-link" disabled={busy} onClick={onRemove} aria-label={t("links.remove", { name })}>
        ✕
      </button>
    </li>
  );
}

function Merge({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("tickets");
  const uid = useId();
  const nav = useNavigate();
  const merge = useMerge(ticket.conversation_id);
  const [ref, setRef] = useState("");
  const [asking, setAsking] = useState(false);
  const target = parseRef(ref);
  const ask = (e: FormEvent) => {
    e.preventDefault();
    if (target) setAsking(true);
  };
  return (
    <div className="ticket-merge">
      <h3>{t("merge.title")}</h3>
      <form className="row" onSubmit={ask}>
        <input type="text" inputMode="numeric" size={8} placeholder="#1043" aria-label={t("merge.number")} value={ref} onChange={(e) => setRef(e.target.value)} />
        <button type="submit" disabled={!target || merge.isPending}>
          {t("merge.action")}
        </button>
      </form>
      <ErrorBox error={merge.error} />
      {asking && (
        <Dialog labelledBy={uid + "-t"} onClose={() => setAsking(false)}>
          <h2 id={uid + "-t"}>{t("merge.confirmTitle", { from: ticket.number, into: target })}</h2>
          <p>{t("merge.confirmBody", { from: ticket.number, into: target })}</p>
          <div className="form-actions">
            <button
              type="button"
              className="danger"
              autoFocus
              disabled={merge.isPending}
              onClick={() =>
                merge.mutate(target, {
                  onSuccess: (into) => {
                    setAsking(false);
                    nav(`/conversations/${encodeURIComponent(into.conversation_id)}`);
                  },
                  onError: () => setAsking(false),
                })
              }
            >
              {t("merge.confirm")}
            </button>
            <button type="button" onClick={() => setAsking(false)}>
              {t("cancel")}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
