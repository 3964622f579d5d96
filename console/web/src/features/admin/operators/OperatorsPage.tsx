// Admin screen: operators — list, add, edit role / departments / Slack
// link, disable and enable.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Department, Role } from "../../../lib/types";
import { useMe } from "../../auth/auth";
import { ConfirmButton, ErrorBox, Page, QueryState, RoleGate, AdminTable } from "../ui";
import "../screens.css";
import { useAdminOperators, useDepartmentList, useSaveOperator, type AdminOperator, type OperatorInput } from "./api";

const ROLES: Role[] = ["admin", "supervisor", "operator"];

export default function OperatorsPage() {
  return (
    <RoleGate roles={["admin"]}>
      <Operators />
    </RoleGate>
  );
}

function Operators() {
  const { t } = useTranslation("admin");
  const me = useMe().data;
  const ops = useAdminOperators();
  const depts = useDepartmentList();
  const save = useSaveOperator();
  const [editing, setEditing] = useState<AdminOperator | "new" | null>(null);
  const [notice, setNotice] = useState("");
  const items = ops.data ?? [];
  const deptName = (id: string) => depts.data?.find((d) => d.id === id)?.name ?? id;
  return (
    <Page
      title={t("operators.title")}
      intro={t("operators.intro")}
      actions={
        editing === null && (
          <button type="button" className="primary" onClick={() => { setEditing("new"); setNotice(""); }}>
            {t("operators.add")}
          </button>
        )
      }
    >
      {notice && <p role="status" className="notice">{notice}</p>}
      {editing !== null && (
        <OperatorForm
          key={editing === "new" ? "new" : editing.id}
          operator={editing === "new" ? undefined : editing}
          departments={depts.data ?? []}
          onDone={(saved) => {
            setEditing(null);
            if (saved) setNotice(t("operators.saved", { name: saved.name }));
          }}
        />
      )}
      <QueryState loading={ops.isPending} error={ops.error} empty={items.length === 0} emptyText={t("operators.empty")} />
      <ErrorBox error={save.error} />
      {items.length > 0 && (
        <AdminTable caption={t("operators.title")} columns={[t("operators.name"), t("role.label"), t("operators.departments"), t("operators.presence"), t("operators.state"), t("actions")]}>
            {items.map((op) => (
              <tr role="row" key={op.id}>
                <td role="cell">
                  <strong>{op.name}</strong>
                  <div className="muted small">{op.email}</div>
                </td>
                <td role="cell">{t("role." + op.role, { defaultValue: op.role })}</td>
                <td role="cell">
                  {op.department_ids.length === 0 ? <span className="muted">{t("operators.none")}</span> : op.department_ids.map((d) => <span key={d} className="chip">{deptName(d)}</span>)}
                </td>
                <td role="cell">{t("operators.presenceValue." + op.presence, { defaultValue: op.presence })}</td>
                <td role="cell">{op.disabled ? <span className="status-disabled">{t("operators.disabled")}</span> : <span className="status-active">{t("operators.enabled")}</span>}</td>
                <td role="cell">
                  <span className="row">
                    <button type="button" aria-label={`${t("edit")}: ${op.name}`} onClick={() => { setEditing(op); setNotice(""); }}>
                      {t("edit")}
                    </button>
                    {op.id !== me?.id &&
                      (op.disabled ? (
                        <button type="button" disabled={save.isPending} onClick={() => save.mutate({ id: op.id, body: { disabled: false } })}>
                          {t("operators.enable")}
                        </button>
                      ) : (
                        <ConfirmButton
                          label={t("operators.disable")}
                          confirmLabel={t("operators.disable")}
                          question={t("operators.disableQuestion", { name: op.name })}
                          busy={save.isPending}
                          onConfirm={() => save.mutate({ id: op.id, body: { disabled: true } })}
                        />
                      ))}
                  </span>
                </td>
              </tr>
            ))}
</AdminTable>
      )}
    </Page>
  );
}

function OperatorForm({ operator, departments, onDone }: { operator?: AdminOperator; departments: Department[]; onDone: (saved?: AdminOperator) => void }) {
  const { t } = useTranslation("admin");
  const uid = useId();
  const save = useSaveOperator();
  const creating = !operator;
  const [name, setName] = useState(operator?.name ?? "");
  const [email, setEmail] = useState(operator?.email ?? "");
  const [role, setRole] = useState<Role>(operator?.role ?? "operator");
  const [deptIds, setDeptIds] = useState<string[]>(operator?.department_ids ?? []);
  const [password, setPassword] = useState("");
  const [slack, setSlack] = useState(operator?.slack_user_id ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: OperatorInput = creating
      ? { email: email.trim(), name: name.trim(), role, department_ids: deptIds, password, ...(slack.trim() ? { slack_user_id: slack.trim() } : {}) }
      : { name: name.trim(), role, department_ids: deptIds, ...(slack.trim() !== (operator.slack_user_id ?? "") ? { slack_user_id: slack.trim() } : {}) };
    save.mutate({ id: operator?.id, body }, { onSuccess: (saved) => onDone(saved) });
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-labelledby={uid + "-title"} onKeyDown={(e) => e.key === "Escape" && onDone()}>
      <h2 id={uid + "-title"}>{creating ? t("operators.addTitle") : t("operators.editTitle", { name: operator.name })}</h2>
      <div className="field">
        <label htmlFor={uid + "-name"}>{t("operators.name")}</label>
        <input id={uid + "-name"} type="text" value={name} required autoFocus onChange={(e) => setName(e.target.value)} />
      </div>
      {creating && (
        <div className="field">
          <label htmlFor={uid + "-email"}>{t("operators.email")}</label>
          <input id={uid + "-email"} type="email" value={email} required autoComplete="off" onChange={(e) => setEmail(e.target.value)} />
        </div>
      )}
      <div className="field">
        <label htmlFor={uid + "-role"}>{t("role.label")}</label>
        <select id={uid + "-role"} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => <option key={r} value={r}>{t("role." + r)}</option>)}
        </select>
      </div>
      <fieldset className="fieldset-plain">
        <legend>{t("operators.departments")}</legend>
        {departments.length === 0 ? (
          <p className="muted small">{t("operators.noDepartments")}</p>
        ) : (
          <div className="dept-list">
            {departments.map((d) => (
              <label key={d.id} className="check-row">
                <input
                  type="checkbox"
                  checked={deptIds.includes(d.id)}
                  onChange={(e) => setDeptIds((old) => (e.target.checked ? [...old, d.id] : old.filter((x) => x !== d.id)))}
                />
                {d.name}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {creating && (
        <div className="field">
          <label htmlFor={uid + "-password"}>{t("operators.password")}</label>
          <input id={uid + "-password"} type="password" value={password} required autoComplete="new-password" aria-describedby={uid + "-password-help"} onChange={(e) => setPassword(e.target.value)} />
          <p className="field-help" id={uid + "-password-help"}>{t("operators.passwordHelp")}</p>
        </div>
      )}
      <div className="field">
        <label htmlFor={uid + "-slack"}>{t("operators.slack")}</label>
        <input id={uid + "-slack"} type="text" value={slack} autoComplete="off" aria-describedby={uid + "-slack-help"} onChange={(e) => setSlack(e.target.value)} />
        <p className="field-help" id={uid + "-slack-help"}>{t("operators.slackHelp")}</p>
      </div>
      <ErrorBox error={save.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{save.isPending ? t("saving") : creating ? t("operators.create") : t("save")}</button>
        <button type="button" onClick={() => onDone()}>{t("cancel")}</button>
      </div>
    </form>
  );
}
