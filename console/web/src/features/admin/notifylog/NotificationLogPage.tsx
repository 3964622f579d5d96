// Admin screen: the notification log — what was sent to whom, by which
// method, and what failed.
import { useTranslation } from "react-i18next";
import { AdminTable, Page, QueryState, RoleGate } from "../ui";
import "../screens.css";
import "../departments/routing.css";
import { useNotificationLog } from "../departments/api";

export default function NotificationLogPage() {
  return (
    <RoleGate roles={["admin", "supervisor"]}>
      <Log />
    </RoleGate>
  );
}

function Log() {
  const { t, i18n } = useTranslation("routing");
  const log = useNotificationLog();
  const items = log.data ?? [];
  const when = (s?: string) => (s ? new Date(s).toLocaleString(i18n.language) : "—");
  return (
    <Page title={t("log.title")} intro={t("log.intro")}>
      <QueryState loading={log.isPending} error={log.error} empty={items.length === 0} emptyText={t("log.empty")} />
      {items.length > 0 && (
        <AdminTable caption={t("log.title")} columns={[t("log.created"), t("log.event"), t("log.method"), t("log.recipient"), t("log.status"), t("log.attempts")]}>
          {items.map((n) => (
            <tr role="row" key={n.id}>
              <td role="cell">{when(n.created_at)}</td>
              <td role="cell">{t("notify.events." + n.event, { defaultValue: n.event })}</td>
              <td role="cell">{t("notify.methods." + n.method, { defaultValue: n.method })}</td>
              <td role="cell">{n.recipient}</td>
              <td role="cell">
                <span className={n.status === "failed" ? "status-disabled" : n.status === "sent" ? "status-active" : ""}>{t("log.statuses." + n.status, { defaultValue: n.status })}</span>
                {n.error && <div className="muted small">{n.error}</div>}
                {n.sent_at && <div className="muted small">{when(n.sent_at)}</div>}
              </td>
              <td role="cell">{n.attempts}</td>
            </tr>
          ))}
        </AdminTable>
      )}
    </Page>
  );
}
