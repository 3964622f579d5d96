// Small building blocks shared by the admin, templates and settings screens:
// the admin-only guard, loading / error / empty states, copy and confirm.
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../lib/api";
import type { Role } from "../../lib/types";
import { useMe } from "../auth/auth";
import "./admin.css";

/** RoleGate shows children only to the given roles; others see "not allowed". */
export function RoleGate({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { t } = useTranslation("admin");
  const me = useMe().data;
  if (!me) return null;
  if (!roles.includes(me.role)) {
    return (
      <div className="admin-page">
        <div className="admin-state" role="alert">
          <h1>{t("notAllowed.title")}</h1>
          <p>{t("notAllowed.body")}</p>
        </div>
      </div>
    );
  }
  return <>{children}</>;
}

/** errorText is the hub's message (it names the field), else a generic one. */
export function errorText(err: unknown, fallback: string): string {
  if (err instanceof ApiError && err.message) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return fallback;
}

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useTranslation("admin");
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {errorText(error, t("error.generic"))}
    </p>
  );
}

/** QueryState renders the loading / error / empty state of a list. */
export function QueryState({ loading, error, empty, emptyText }: { loading: boolean; error: unknown; empty: boolean; emptyText: string }) {
  const { t } = useTranslation("admin");
  if (loading) return <p className="admin-state muted" role="status">{t("loading")}</p>;
  if (error) return <ErrorBox error={error} />;
  if (empty) return <p className="admin-state muted">{emptyText}</p>;
  return null;
}

export function CopyButton({ value, label }: { value: string; label?: string }) {
  const { t } = useTranslation("admin");
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy-btn"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
        } catch {
          const ta = document.createElement("textarea");
          ta.value = value;
          document.body.appendChild(ta);
          ta.select();
          document.execCommand("copy");
          ta.remove();
        }
        setCopied(true);
        setTimeout(() => setCopied(false), 2000);
      }}
    >
      {copied ? t("copied") : (label ?? t("copy"))}
    </button>
  );
}

/** ConfirmButton asks once more (inline) before a destructive action. */
export function ConfirmButton({ label, confirmLabel, question, onConfirm, busy }: { label: string; confirmLabel: string; question: string; onConfirm: () => void; busy?: boolean }) {
  const { t } = useTranslation("admin");
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger-link" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button type="button" className="danger" disabled={busy} onClick={() => { onConfirm(); setAsking(false); }} autoFocus>
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        {t("cancel")}
      </button>
    </span>
  );
}

export function Page({ title, intro, actions, children }: { title: string; intro?: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <div className="admin-page">
      <div className="admin-head">
        <div>
          <h1>{title}</h1>
          {intro && <p className="muted">{intro}</p>}
        </div>
        {actions}
      </div>
      {children}
    </div>
  );
}

/** AdminTable: an admin list's table — its (screen-reader) caption, column
 * headings and body rows; the roles stay explicit because narrow windows
 * restyle the table as stacked cards. */
export function AdminTable({ caption, columns, children }: { caption: string; columns: string[]; children: ReactNode }) {
  return (
    <table className="admin-table" role="table">
      <caption className="sr-only">{caption}</caption>
      <thead role="rowgroup">
        <tr role="row">
          {columns.map((c) => (
            <th scope="col" role="columnheader" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody role="rowgroup">{children}</tbody>
    </table>
  );
}
