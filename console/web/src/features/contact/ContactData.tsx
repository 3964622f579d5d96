// The business's facts about a contact: attributes (key/value rows, edited
// as a whole and saved together) and labels (added and removed one by one).
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ContactDetail } from "../../lib/types";
import { ErrorBox } from "../admin/ui";
import { usePatchContact } from "./api";
import { EditButton, Fact, FormActions, onEscape } from "./ui";

interface Row {
  key: string;
  value: string;
  id: number;
}

let nextRow = 0;
const row = (key = "", value = ""): Row => ({ key, value, id: nextRow++ });

export function Attributes({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation("contact");
  const [editing, setEditing] = useState(false);
  const attrs = Object.entries(contact.attributes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (editing) return <AttributesForm contact={contact} onDone={() => setEditing(false)} />;
  return (
    <>
      {attrs.length === 0 ? (
        <p className="muted small">{t("attributes.empty")}</p>
      ) : (
        <dl className="facts">
          {attrs.map(([k, v]) => (
            <Fact key={k} label={k}>
              <span className="pre-wrap">{v}</span>
            </Fact>
          ))}
        </dl>
      )}
      <EditButton contact={contact} label={attrs.length ? t("attributes.edit") : t("attributes.add")} onClick={() => setEditing(true)} />
    </>
  );
}

function AttributesForm({ contact, onDone }: { contact: ContactDetail; onDone: () => void }) {
  const { t } = useTranslation("contact");
  const uid = useId();
  const save = usePatchContact(contact.id);
  const [rows, setRows] = useState<Row[]>(() => {
    const have = Object.entries(contact.attributes ?? {}).map(([k, v]) => row(k, v));
    return have.length ? have : [row()];
  });
  const set = (id: number, change: Partial<Row>) => setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...change } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const attributes: Record<string, string> = {};
    for (const r of rows) if (r.key.trim()) attributes[r.key.trim()] = r.value;
    save.mutate({ attributes }, { onSuccess: onDone });
  };
  return (
    <form className="panel-form" onSubmit={submit} aria-label={t("attributes.editTitle")} onKeyDown={onEscape(onDone)}>
      <div className="attr-rows" role="group" aria-label={t("attributes.title")}>
        {rows.map((r, i) => (
          <div className="attr-row" key={r.id}>
            <label className="sr-only" htmlFor={`${uid}-k${r.id}`}>{t("attributes.keyN", { n: i + 1 })}</label>
            <input id={`${uid}-k${r.id}`} value={r.key} placeholder={t("attributes.key")} autoFocus={i === rows.length - 1} onChange={(e) => set(r.id, { key: e.target.value })} />
            <label className="sr-only" htmlFor={`${uid}-v${r.id}`}>{t("attributes.valueN", { n: i + 1 })}</label>
            <input id={`${uid}-v${r.id}`} value={r.value} placeholder={t("attributes.value")} onChange={(e) => set(r.id, { value: e.target.value })} />
            <button type="button" aria-label={t("attributes.remove", { key: r.key || i + 1 })} onClick={() => setRows((rs) => rs.filter((x) => x.id !== r.id))}>
              ×
            </button>
          </div>
        ))}
      </div>
      <button type="button" className="link-button" onClick={() => setRows((rs) => [...rs, row()])}>
        + {t("attributes.addRow")}
      </button>
      <ErrorBox error={save.error} />
      <FormActions pending={save.isPending} onCancel={onDone} />
    </form>
  );
}

export function Labels({ contact }: { contact: ContactDetail }) {
  const { t } = useTranslation("contact");
  const uid = useId();
  const save = usePatchContact(contact.id);
  const [draft, setDraft] = useState("");
  const labels = contact.labels ?? [];
  const add = (e: FormEvent) => {
    e.preventDefault();
    const l = draft.trim();
    if (!l || labels.includes(l)) return setDraft("");
    save.mutate({ labels: [...labels, l] }, { onSuccess: () => setDraft("") });
  };
  return (
    <>
      {labels.length === 0 ? (
        <p className="muted small">{t("labels.empty")}</p>
      ) : (
        <ul className="label-list" aria-label={t("labels.title")}>
          {labels.map((l) => (
            <li key={l} className="tag label-tag">
              {l}
              <button type="button" aria-label={t("labels.remove", { label: l })} disabled={save.isPending} onClick={() => save.mutate({ labels: labels.filter((x) => x !== l) })}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="label-add" onSubmit={add}>
        <label className="sr-only" htmlFor={uid}>{t("labels.add")}</label>
        <input id={uid} value={draft} placeholder={t("labels.add")} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" disabled={!draft.trim() || save.isPending}>
          {t("labels.addButton")}
        </button>
      </form>
      <ErrorBox error={save.error} />
    </>
  );
}
