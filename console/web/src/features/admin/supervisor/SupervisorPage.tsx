// Supervisor view: each department's queue (waiting, longest wait,
// estimated wait) and who is online with their load. Live from the
// operator stream's queue.updated / presence frames; refetched every 10 s
// besides.
import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { stream } from "../../../lib/stream";
import { Page, QueryState, RoleGate } from "../ui";
import "../screens.css";
import "../departments/routing.css";
import { queuesKey, useQueues } from "../departments/api";

export default function SupervisorPage() {
  return (
    <RoleGate roles={["admin", "supervisor"]}>
      <Supervisor />
    </RoleGate>
  );
}

/** minutes formats seconds as whole minutes (at least 1 when non-zero). */
export function minutes(s: number): number {
  return s <= 0 ? 0 : Math.max(1, Math.round(s / 60));
}

function Supervisor() {
  const { t } = useTranslation("routing");
  const qc = useQueryClient();
  const queues = useQueues();
  useEffect(
    () =>
      stream.onFrame((f) => {
        if (f.type === "queue.updated" || f.type === "operator.presence" || f.type === "conversation.updated") void qc.invalidateQueries({ queryKey: queuesKey });
      }),
    [qc],
  );
  const items = queues.data ?? [];
  return (
    <Page title={t("supervisor.title")} intro={t("supervisor.intro")}>
      <QueryState loading={queues.isPending} error={queues.error} empty={items.length === 0} emptyText={t("supervisor.empty")} />
      <div className="queue-cards">
        {items.map((q) => (
          <section className="queue-card" key={q.department_id} aria-labelledby={"q-" + q.department_id}>
            <h2 id={"q-" + q.department_id}>
              {q.name}
              <span className={q.open ? "badge-open" : "badge-closed"}>{q.open ? t("supervisor.open") : t("supervisor.closed")}</span>
            </h2>
            <dl>
              <dt>{t("supervisor.waiting")}</dt>
              <dd>{q.waiting}</dd>
              <dt>{t("supervisor.longest")}</dt>
              <dd>{q.waiting ? t("minutes", { count: minutes(q.longest_wait_seconds) }) : "—"}</dd>
              <dt>{t("supervisor.estimated")}</dt>
              <dd>{t("minutes", { count: minutes(q.estimated_wait_seconds) })}</dd>
            </dl>
            <h3 className="small">{t("supervisor.online", { count: q.online.length })}</h3>
            {q.online.length === 0 ? (
              <p className="muted small">{t("supervisor.nobodyOnline")}</p>
            ) : (
              <ul>
                {q.online.map((o) => (
                  <li key={o.operator_id}>
                    {o.name} — {t("supervisor.load", { chats: o.chats, max: o.max_chats || "∞" })}
                    {o.max_chats > 0 && (
                      <span className="load-bar" aria-hidden="true">
                        <span style={{ width: `${Math.min(100, (o.chats / o.max_chats) * 100)}%` }} />
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
    </Page>
  );
}
