// Admin screen: API tokens — list, create (the secret is shown once), revoke.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Role } from "../../../lib/types";
import { ConfirmButton, CopyButton, ErrorBox, Page, QueryState, RoleGate, AdminTable } from "../ui";
import "../screens.css";
import { useCreateToken, useRevokeToken, useTokens, type ApiToken } from "./api";

export const ROLES: Role[] = ["admin", "supervisor", "operator"];

export default function TokensPage() {
  return (
    <RoleGate roles={["admin"]}>
      <Tokens />
    </RoleGate>
  );
}

function when(s: string | undefined, lang: string) {
  if (!s) return "";
  return new Date(s).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
}

function Tokens() {
  const { t, i18n } = useTranslation("admin");
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const [adding, setAdding] = useState(false);
  const [fresh, setFresh] = useState<ApiToken | null>(null);
  const items = tokens.data ?? [];
  return (
    <Page
      title={t("tokens.title")}
      intro={t("tokens.intro")}
      actions={
        !adding && (
          <button type="button" className="primary" onClick={() => { setAdding(true); setFresh(null); }}>
            {t("tokens.add")}
          </button>
        )
      }
    >
      {fresh?.token && (
        <section className="token-once" role="region" aria-label={t("tokens.newTitle", { name: fresh.name })}>
          <h2>{t("tokens.newTitle", { name: fresh.name })}</h2>
          <p role="alert"><strong>{t("tokens.newWarning")}</strong></p>
          <p className="copy-row">
            <code data-testid="new-token">{fresh.token}</code>
            <CopyButton value={fresh.token} />
          </p>
          <button type="button" onClick={() => setFresh(null)}>{t("tokens.dismiss")}</button>
        </section>
      )}
      {adding && <TokenForm onDone={(tok) => { setAdding(false); if (tok) setFresh(tok); }} />}
      <QueryState loading={tokens.isPending} error={tokens.error} empty={items.length === 0} emptyText={t("tokens.empty")} />
      <ErrorBox error={revoke.error} />
      {items.length > 0 && (
        <AdminTable caption={t("tokens.title")} columns={[t("tokens.name"), t("role.label"), t("tokens.created"), t("tokens.state"), t("actions")]}>
            {items.map((tok) => (
              <tr role="row" key={tok.id}>
                <td role="cell"><strong>{tok.name}</strong></td>
                <td role="cell">{t("role." + tok.role, { defaultValue: tok.role })}</td>
                <td role="cell"><time dateTime={tok.created_at}>{when(tok.created_at, i18n.language)}</time></td>
                <td role="cell">
                  {tok.revoked_at ? (
                    <span className="status-disabled">
                      {t("tokens.revoked")} <time dateTime={tok.revoked_at}>{when(tok.revoked_at, i18n.language)}</time>
                    </span>
                  ) : (
                    <span className="status-active">{t("tokens.active")}</span>
                  )}
                </td>
                <td role="cell">
                  {!tok.revoked_at && (
                    <ConfirmButton
                      label={t("tokens.revoke")}
                      confirmLabel={t("tokens.revokeConfirm")}
                      question={t("tokens.revokeQuestion", { name: tok.name })}
                      busy={revoke.isPending}
                      onConfirm={() => revoke.mutate(tok.id)}
                    />
                  )}
                </td>
              </tr>
            ))}
</AdminTable>
      )}
    </Page>
  );
}

function TokenForm({ onDone }: { onDone: (tok?: ApiToken) => void }) {
  const { t } = useTranslation("admin");
  const uid = useId();
  const create = useCreateToken();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("operator");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), role }, { onSuccess: (tok) => onDone(tok) });
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-labelledby={uid + "-title"} onKeyDown={(e) => e.key === "Escape" && onDone()}>
      <h2 id={uid + "-title"}>{t("tokens.addTitle")}</h2>
      <div className="field">
        <label htmlFor={uid + "-name"}>{t("tokens.name")}</label>
        <input id={uid + "-name"} type="text" value={name} required autoFocus aria-describedby={uid + "-name-help"} onChange={(e) => setName(e.target.value)} />
        <p className="field-help" id={uid + "-name-help"}>{t("tokens.nameHelp")}</p>
      </div>
      <div className="field">
        <label htmlFor={uid + "-role"}>{t("role.label")}</label>
        <select id={uid + "-role"} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => <option key={r} value={r}>{t("role." + r)}</option>)}
        </select>
      </div>
      <ErrorBox error={create.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending}>{create.isPending ? t("saving") : t("tokens.create")}</button>
        <button type="button" onClick={() => onDone()}>{t("cancel")}</button>
      </div>
    </form>
  );
}
