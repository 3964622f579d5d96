// What the conversation view shows of tickets, loaded lazily: the ticket
// bar of a conversation that is a ticket (its code loads on first use; a
// placeholder of the same height holds its place so nothing jumps), and
// the "Convert to ticket" action of one that is not.
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Conversation } from "../../lib/types";
import "./badge.css";

const Bar = lazy(() => import("./TicketBar"));
const Convert = lazy(() => import("./ConvertDialog"));

/** TicketSection is the ticket bar of c, or nothing when c is no ticket. */
export function TicketSection({ c }: { c: Conversation }) {
  const { t } = useTranslation("tickets");
  if (!c.ticket) return null;
  return (
    <Suspense
      fallback={
        <section className="ticket-bar" aria-label={t("bar.label", { number: c.ticket.number })} aria-busy="true">
          <div className="ticket-bar-row">
            <strong className="t-num">#{c.ticket.number}</strong> <span>{c.ticket.subject}</span>
          </div>
        </section>
      }
    >
      <Bar c={c} />
    </Suspense>
  );
}

/** ConvertButton offers to turn c into a ticket (nothing when it is one). */
export function ConvertButton({ c }: { c: Conversation }) {
  const { t } = useTranslation("tickets");
  const [open, setOpen] = useState(false);
  if (c.ticket) return null;
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        {t("convert.action")}
      </button>
      {open && (
        <Suspense fallback={null}>
          <Convert c={c} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
