// The custom fields editor of a ticket: one input per workspace field
// (text, number, select, checkbox, date), required ones marked, saved
// together with PATCH /api/v1/tickets/{ref} {"fields"}; the hub's error
// shows next to the field it names.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { usePatchTicket, type Ticket, type TicketField } from "./api";
import { fieldOfError } from "./TicketBar";

type Draft = Record<string, string | boolean>;

function toDraft(f: TicketField, v: unknown): string | boolean {
  if (f.type === "checkbox") return v === true;
  if (v === undefined || v === null) return "";
  return String(v);
}

function fromDraft(f: TicketField, v: string | boolean): unknown {
  if (f.type === "checkbox") return v === true;
  const s = String(v).trim();
  if (s === "") return null;
  if (f.type === "number") return Number.isFinite(Number(s)) ? Number(s) : s;
  return s;
}

/** TicketFields edits ticket's fields; errorKey / error are a refused
 * change of the bar (a status that needs a required field), which
 * onSaved clears once the fields are saved. */
export function TicketFields({ ticket, fields, errorKey, error, onSaved }: { ticket: Ticket; fields: TicketField[]; errorKey?: string; error: unknown; onSaved: () => void }) {
  const { t } = useTranslation("tickets");
  const uid = useId();
  const save = usePatchTicket(ticket.conversation_id);
  const initial = () => Object.fromEntries(fields.map((f) => [f.key, toDraft(f, ticket.fields?.[f.key])]));
  const [draft, setDraft] = useState<Draft>(initial);
  const [saved, setSaved] = useState(false);
  const value = (f: TicketField) => draft[f.key] ?? toDraft(f, ticket.fields?.[f.key]);
  const ownKey = fieldOfError(save.error, fields);
  const badKey = ownKey ?? (save.error ? undefined : errorKey);
  // The hub's message without its "fields.key: " prefix (the field is named
  // by its place); a status change refused for a missing required field
  // says so in words (the bar shows the hub's whole message).
  const badMsg = ownKey ? (save.error as Error).message.replace(/^fields\.[a-z0-9_]+:\s*/i, "") : errorKey ? t(/required/i.test((error as Error | null)?.message ?? "") ? "fields.requiredMissing" : "fields.invalid") : undefined;
  const changed = fields.filter((f) => value(f) !== toDraft(f, ticket.fields?.[f.key]));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = Object.fromEntries(changed.map((f) => [f.key, fromDraft(f, value(f))]));
    save.mutate({ fields: body }, {
      onSuccess: () => {
        setSaved(true);
        onSaved();
      },
    });
  };
  if (fields.length === 0) {
    return (
      <div className="ticket-block">
        <h3>{t("fields.title")}</h3>
        <p className="muted small">{t("fields.none")}</p>
      </div>
    );
  }
  return (
    <form className="ticket-block ticket-fields" onSubmit={submit} aria-label={t("fields.title")}>
      <h3>{t("fields.title")}</h3>
      <div className="ticket-fields-grid">
        {fields.map((f) => {
          const id = `${uid}-${f.key}`;
          const bad = badKey === f.key;
          const v = value(f);
          const set = (x: string | boolean) => {
            setSaved(false);
            setDraft((d) => ({ ...d, [f.key]: x }));
          };
          const common = { id, "aria-invalid": bad || undefined, "aria-describedby": bad ? id + "-err" : undefined, "aria-required": f.required || undefined };
          return (
            <div className={`field${bad ? " invalid" : ""}`} key={f.key}>
              {f.type === "checkbox" ? (
                <label className="check-row" htmlFor={id}>
                  <input type="checkbox" {...common} checked={v === true} onChange={(e) => set(e.target.checked)} />
                  {f.label}
                  {f.required && <Req />}
                </label>
              ) : (
                <>
                  <label htmlFor={id}>
                    {f.label}
                    {f.required && <Req />}
                  </label>
                  {f.type === "select" ? (
                    <select {...common} value={String(v)} onChange={(e) => set(e.target.value)}>
                      <option value="">{t("fields.unset")}</option>
                      {(f.options ?? []).map((o) => (
                        <option key={o} value={o}>
                          {o}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input {...common} type={f.type === "number" ? "number" : f.type === "date" ? "date" : "text"} step={f.type === "number" ? "any" : undefined} value={String(v)} onChange={(e) => set(e.target.value)} />
                  )}
                </>
              )}
              {bad && badMsg && (
                <p className="error small" id={id + "-err"} role="alert">
                  {badMsg}
                </p>
              )}
            </div>
          );
        })}
      </div>
      {save.error && !ownKey && (
        <p className="error small" role="alert">
          {(save.error as Error).message}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending || changed.length === 0}>
          {save.isPending ? t("saving") : t("fields.save")}
        </button>
        {saved && changed.length === 0 && (
          <span className="muted small" role="status">
            {t("fields.saved")}
          </span>
        )}
      </div>
    </form>
  );
}

function Req() {
  const { t } = useTranslation("tickets");
  return (
    <span className="req" title={t("fields.required")}>
      {" "}*<span className="sr-only"> ({t("fields.required")})</span>
    </span>
  );
}
