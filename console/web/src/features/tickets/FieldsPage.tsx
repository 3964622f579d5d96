// Admin screen: the workspace's custom ticket fields — list, add, edit
// (key, label, type, options of a select, required, public, position) and
// delete after a confirm (GET / PUT / DELETE /api/v1/ticket-fields).
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { AdminTable, ConfirmButton, ErrorBox, Page, QueryState, RoleGate } from "../admin/ui";
import "../admin/screens.css";
import "../admin/departments/routing.css";
import { FIELD_TYPES, useDeleteField, useSaveField, useTicketFields, type FieldType, type TicketField } from "./api";
import "./tickets-panel.css";

export default function FieldsPage() {
  return (
    <RoleGate roles={["admin"]}>
      <Fields />
    </RoleGate>
  );
}

function Fields() {
  const { t } = useTranslation("tickets");
  const q = useTicketFields();
  const remove = useDeleteField();
  const [editing, setEditing] = useState<TicketField | "new" | null>(null);
  const [notice, setNotice] = useState("");
  const items = q.data ?? [];
  return (
    <Page
      title={t("fieldsAdmin.title")}
      intro={t("fieldsAdmin.intro")}
      actions={
        editing === null && (
          <button type="button" className="primary" onClick={() => { setEditing("new"); setNotice(""); }}>
            {t("fieldsAdmin.add")}
          </button>
        )
      }
    >
      {notice && <p role="status" className="notice">{notice}</p>}
      {editing !== null && (
        <FieldForm
          key={editing === "new" ? "new" : editing.key}
          field={editing === "new" ? undefined : editing}
          nextPosition={items.length ? Math.max(...items.map((f) => f.position)) + 1 : 0}
          taken={items.map((f) => f.key)}
          onDone={(saved) => {
            setEditing(null);
            if (saved) setNotice(t("fieldsAdmin.saved", { label: saved.label }));
          }}
        />
      )}
      <QueryState loading={q.isPending} error={q.error} empty={items.length === 0} emptyText={t("fieldsAdmin.empty")} />
      <ErrorBox error={remove.error} />
      {items.length > 0 && (
        <AdminTable caption={t("fieldsAdmin.title")} columns={[t("fieldsAdmin.label"), t("fieldsAdmin.key"), t("fieldsAdmin.type"), t("fieldsAdmin.flags"), t("fieldsAdmin.position"), t("fieldsAdmin.actions")]}>
          {items.map((f) => (
            <tr role="row" key={f.key}>
              <td role="cell">
                <strong>{f.label}</strong>
              </td>
              <td role="cell">
                <code>{f.key}</code>
              </td>
              <td role="cell">
                {t(`fieldType.${f.type}`)}
                {f.type === "select" && <div className="muted small">{(f.options ?? []).join(", ")}</div>}
              </td>
              <td role="cell">
                {f.required && <span className="chip">{t("fieldsAdmin.required")}</span>}
                {f.public && <span className="chip">{t("fieldsAdmin.public")}</span>}
                {!f.required && !f.public && <span className="muted">—</span>}
              </td>
              <td role="cell">{f.position}</td>
              <td role="cell">
                <span className="row">
                  <button type="button" aria-label={`${t("edit")}: ${f.label}`} onClick={() => { setEditing(f); setNotice(""); }}>
                    {t("edit")}
                  </button>
                  <ConfirmButton label={t("delete")} confirmLabel={t("delete")} question={t("fieldsAdmin.deleteQuestion", { label: f.label })} busy={remove.isPending} onConfirm={() => remove.mutate(f.key)} />
                </span>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </Page>
  );
}

function FieldForm({ field, nextPosition, taken, onDone }: { field?: TicketField; nextPosition: number; taken: string[]; onDone: (saved?: TicketField) => void }) {
  const { t } = useTranslation("tickets");
  const uid = useId();
  const save = useSaveField();
  const [v, setV] = useState<TicketField>(() => field ?? { key: "", label: "", type: "text", options: [], required: false, public: false, position: nextPosition });
  const [options, setOptions] = useState((field?.options ?? []).join("\n"));
  const [keyError, setKeyError] = useState("");
  const set = (p: Partial<TicketField>) => setV((o) => ({ ...o, ...p }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const key = v.key.trim();
    if (!field && taken.includes(key)) {
      setKeyError(t("fieldsAdmin.keyTaken", { key }));
      return;
    }
    setKeyError("");
    const opts = v.type === "select" ? options.split("\n").map((o) => o.trim()).filter(Boolean) : [];
    save.mutate({ ...v, key, label: v.label.trim(), options: opts }, { onSuccess: (saved) => onDone(saved ?? { ...v, key }) });
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-labelledby={uid + "-t"} onKeyDown={(e) => e.key === "Escape" && onDone()}>
      <h2 id={uid + "-t"}>{field ? t("fieldsAdmin.editTitle", { label: field.label }) : t("fieldsAdmin.addTitle")}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={uid + "-label"}>{t("fieldsAdmin.label")}</label>
          <input id={uid + "-label"} type="text" value={v.label} required autoFocus onChange={(e) => set({ label: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={uid + "-key"}>{t("fieldsAdmin.key")}</label>
          <input
            id={uid + "-key"}
            type="text"
            value={v.key}
            required
            disabled={!!field}
            pattern="[a-z][a-z0-9_]*"
            aria-describedby={uid + "-key-help"}
            aria-invalid={!!keyError || undefined}
            onChange={(e) => set({ key: e.target.value })}
          />
          <p className="field-help" id={uid + "-key-help"}>
            {keyError ? <span className="error" role="alert">{keyError}</span> : t("fieldsAdmin.keyHelp")}
          </p>
        </div>
        <div className="field">
          <label htmlFor={uid + "-type"}>{t("fieldsAdmin.type")}</label>
          <select id={uid + "-type"} value={v.type} onChange={(e) => set({ type: e.target.value as FieldType })}>
            {FIELD_TYPES.map((ft) => (
              <option key={ft} value={ft}>
                {t(`fieldType.${ft}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={uid + "-pos"}>{t("fieldsAdmin.position")}</label>
          <input id={uid + "-pos"} type="number" min={0} value={v.position} onChange={(e) => set({ position: Number(e.target.value) })} />
        </div>
      </div>
      {v.type === "select" && (
        <div className="field">
          <label htmlFor={uid + "-opts"}>{t("fieldsAdmin.options")}</label>
          <textarea id={uid + "-opts"} value={options} aria-describedby={uid + "-opts-help"} onChange={(e) => setOptions(e.target.value)} />
          <p className="field-help" id={uid + "-opts-help"}>{t("fieldsAdmin.optionsHelp")}</p>
        </div>
      )}
      <label className="check-row">
        <input type="checkbox" checked={v.required} onChange={(e) => set({ required: e.target.checked })} />
        {t("fieldsAdmin.requiredLong")}
      </label>
      <label className="check-row">
        <input type="checkbox" checked={v.public} onChange={(e) => set({ public: e.target.checked })} />
        {t("fieldsAdmin.publicLong")}
      </label>
      <ErrorBox error={save.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t("saving") : t("save")}
        </button>
        <button type="button" onClick={() => onDone()}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}
