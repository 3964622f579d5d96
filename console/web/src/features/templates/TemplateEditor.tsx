import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FormField, Part, Role, Template } from "../../lib/types";
import { api } from "../../lib/api";
import { ErrorBox } from "../admin/ui";
import { TemplatePreview } from "./Preview";
import { useSaveTemplate, type TemplateInput } from "./api";

const FIELD_TYPES = ["text", "email", "tel", "textarea"] as const;

export function canShare(role: Role) {
  return role === "admin" || role === "supervisor";
}

function newPart(kind: "buttons" | "form" | "link"): Part {
  if (kind === "buttons") return { kind, text: "", buttons: [{ label: "", payload: "" }], quick_reply: false };
  if (kind === "form") return { kind, form: { title: "", fields: [{ name: "", label: "", type: "text", required: false }], submit_label: "" } };
  return { kind, link: { url: "", title: "", description: "", image_url: "" } };
}

/** clean drops empty optional values so the hub gets tidy parts. */
function clean(parts: Part[]): Part[] {
  return parts.map((p) => {
    if (p.kind === "buttons") return { kind: p.kind, text: p.text, buttons: (p.buttons ?? []).map((b) => ({ label: b.label, payload: b.payload || undefined })), quick_reply: !!p.quick_reply };
    if (p.kind === "link" && p.link) {
      const { url, title, description, image_url } = p.link;
      return { kind: p.kind, link: { url, title: title || undefined, description: description || undefined, image_url: image_url || undefined } };
    }
    return p;
  });
}

export function TemplateEditor({ template, role, operatorName, onDone }: { template?: Template; role: Role; operatorName: string; onDone: () => void }) {
  const { t } = useTranslation("templates");
  const save = useSaveTemplate();
  const [name, setName] = useState(template?.name ?? "");
  const [shortcut, setShortcut] = useState(template?.shortcut ?? "");
  const [scope, setScope] = useState<"personal" | "shared">(template?.scope ?? "personal");
  const [mode, setMode] = useState<"text" | "rich">(template?.parts?.length ? "rich" : "text");
  const [text, setText] = useState(template?.text ?? "");
  const [parts, setParts] = useState<Part[]>(template?.parts ?? []);
  const [local, setLocal] = useState("");
  const textRef = useRef<HTMLTextAreaElement>(null);
  const id = template?.id ?? "new";

  const insert = (v: string) => {
    const el = textRef.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + v + text.slice(end);
    setText(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + v.length, start + v.length);
    });
  };
  const setPart = (i: number, p: Part) => setParts((ps) => ps.map((x, j) => (j === i ? p : x)));

  const submit = () => {
    setLocal("");
    if (!name.trim()) return setLocal(t("form.nameMissing"));
    if (/\s/.test(shortcut.trim())) return setLocal(t("form.shortcutSpaces"));
    if (mode === "rich" && parts.length === 0) return setLocal(t("form.noParts"));
    const input: TemplateInput = { name, shortcut: shortcut.trim() };
    if (!template) input.scope = scope;
    if (mode === "text") input.text = text;
    else input.parts = clean(parts);
    save.mutate({ id: template?.id, input }, { onSuccess: onDone });
  };

  const shortcutBad = /\s/.test(shortcut.trim());
  return (
    <div className="tpl-layout">
      <form
        className="admin-form"
        aria-label={template ? t("form.editTitle", { name: template.name }) : t("form.createTitle")}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2>{template ? t("form.editTitle", { name: template.name }) : t("form.createTitle")}</h2>
        <div className="field">
          <label htmlFor={`tpl-name-${id}`}>{t("form.name")}</label>
          <input id={`tpl-name-${id}`} type="text" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={`tpl-shortcut-${id}`}>{t("form.shortcut")}</label>
          <input
            id={`tpl-shortcut-${id}`}
            type="text"
            value={shortcut}
            onChange={(e) => setShortcut(e.target.value.replace(/^\//, ""))}
            aria-invalid={shortcutBad || undefined}
            aria-describedby={`tpl-shortcut-help-${id}`}
            maxLength={64}
          />
          <p className={shortcutBad ? "error field-help" : "field-help"} id={`tpl-shortcut-help-${id}`}>
            {shortcutBad ? t("form.shortcutSpaces") : t("form.shortcutHelp", { shortcut: shortcut || "…" })}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`tpl-scope-${id}`}>{t("scope.label")}</label>
          <select id={`tpl-scope-${id}`} value={scope} disabled={!!template} onChange={(e) => setScope(e.target.value as "personal" | "shared")}>
            <option value="personal">{t("scope.personal")}</option>
            {(canShare(role) || scope === "shared") && <option value="shared">{t("scope.shared")}</option>}
          </select>
          {template && <p className="field-help">{t("scope.fixed")}</p>}
        </div>
        <fieldset className="fieldset-plain">
          <legend>{t("form.content")}</legend>
          <div className="row">
            <label className="check-row">
              <input type="radio" name={`tpl-mode-${id}`} checked={mode === "text"} onChange={() => setMode("text")} />
              {t("form.contentText")}
            </label>
            <label className="check-row">
              <input type="radio" name={`tpl-mode-${id}`} checked={mode === "rich"} onChange={() => setMode("rich")} />
              {t("form.contentRich")}
            </label>
          </div>
        </fieldset>
        {mode === "text" ? (
          <div className="field">
            <label htmlFor={`tpl-text-${id}`}>{t("form.text")}</label>
            <textarea id={`tpl-text-${id}`} ref={textRef} value={text} onChange={(e) => setText(e.target.value)} rows={5} />
            <div className="row" role="group" aria-label={t("form.insert")}>
              <span className="muted">{t("form.insert")}:</span>
              <button type="button" onClick={() => insert("{{contact.name}}")}>
                {t("form.insertContact")} <code>{"{{contact.name}}"}</code>
              </button>
              <button type="button" onClick={() => insert("{{operator.name}}")}>
                {t("form.insertOperator")} <code>{"{{operator.name}}"}</code>
              </button>
            </div>
          </div>
        ) : (
          <>
            {parts.map((p, i) => (
              <PartEditor key={i} part={p} index={i} onChange={(np) => setPart(i, np)} onRemove={() => setParts((ps) => ps.filter((_, j) => j !== i))} />
            ))}
            <div className="row">
              <button type="button" onClick={() => setParts((ps) => [...ps, newPart("buttons")])}>
                + {t("form.addButtons")}
              </button>
              <button type="button" onClick={() => setParts((ps) => [...ps, newPart("form")])}>
                + {t("form.addForm")}
              </button>
              <button type="button" onClick={() => setParts((ps) => [...ps, newPart("link")])}>
                + {t("form.addLink")}
              </button>
              <label className="button-like">
                + {t("form.addImage")}
                <input
                  type="file"
                  accept="image/*"
                  className="sr-only"
                  aria-label={t("form.addImage")}
                  onChange={async (e) => {
                    const f = e.target.files?.[0];
                    e.target.value = "";
                    if (!f) return;
                    setLocal("");
                    const body = new FormData();
                    body.append("file", f, f.name);
                    try {
                      const m = await api<{ id: string; url: string; content_type: string; size: number }>("POST", "/api/v1/media", body);
                      setParts((ps) => [...ps, { kind: "image", text: "", attachment: { media_id: m.id, url: m.url, content_type: m.content_type, filename: f.name, size: m.size } }]);
                    } catch (err) {
                      setLocal((err as Error).message);
                    }
                  }}
                />
              </label>
            </div>
          </>
        )}
        {local && (
          <p className="error" role="alert">
            {local}
          </p>
        )}
        <ErrorBox error={save.error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? t("form.saving") : t("form.save")}
          </button>
          <button type="button" onClick={onDone}>
            {t("form.cancel")}
          </button>
        </div>
      </form>
      <section className="tpl-preview" aria-label={t("preview.label")}>
        <h2>{t("preview.title")}</h2>
        <TemplatePreview text={mode === "text" ? text : undefined} parts={mode === "rich" ? parts : undefined} operator={operatorName} />
      </section>
    </div>
  );
}

function PartEditor({ part, index, onChange, onRemove }: { part: Part; index: number; onChange: (p: Part) => void; onRemove: () => void }) {
  const { t } = useTranslation("templates");
  const pid = `part-${index}`;
  const title =
    part.kind === "buttons" ? t("form.partButtons") : part.kind === "form" ? t("form.partForm") : part.kind === "image" ? t("form.partImage") : t("form.partLink");
  return (
    <div className="part-box" role="group" aria-label={`${index + 1}. ${title}`}>
      <div className="part-head">
        <span>
          {index + 1}. {title}
        </span>
        <button type="button" className="danger-link" onClick={onRemove}>
          {t("form.removePart")}
        </button>
      </div>
      {part.kind === "buttons" && <ButtonsEditor part={part} pid={pid} onChange={onChange} />}
      {part.kind === "form" && part.form && <FormEditor part={part} pid={pid} onChange={onChange} />}
      {part.kind === "image" && part.attachment && (
        <div className="field">
          <span className="muted small">{part.attachment.filename}</span>
          <label htmlFor={`${pid}-caption`}>{t("form.caption")}</label>
          <input id={`${pid}-caption`} value={part.text ?? ""} onChange={(e) => onChange({ ...part, text: e.target.value })} />
        </div>
      )}
      {part.kind === "link" && part.link && (
        <>
          {(["url", "title", "description", "image_url"] as const).map((k) => (
            <div className="field" key={k}>
              <label htmlFor={`${pid}-${k}`}>{t(k === "url" ? "form.url" : k === "title" ? "form.linkTitle" : k === "description" ? "form.description" : "form.imageUrl")}</label>
              <input
                id={`${pid}-${k}`}
                type={k === "url" || k === "image_url" ? "url" : "text"}
                required={k === "url"}
                value={part.link![k] ?? ""}
                onChange={(e) => onChange({ ...part, link: { ...part.link!, [k]: e.target.value } })}
              />
            </div>
          ))}
        </>
      )}
    </div>
  );
}

function ButtonsEditor({ part, pid, onChange }: { part: Part; pid: string; onChange: (p: Part) => void }) {
  const { t } = useTranslation("templates");
  const buttons = part.buttons ?? [];
  const setButton = (j: number, change: Partial<{ label: string; payload: string }>) =>
    onChange({ ...part, buttons: buttons.map((b, k) => (k === j ? { ...b, ...change } : b)) });
  return (
    <>
      <div className="field">
        <label htmlFor={`${pid}-prompt`}>{t("form.prompt")}</label>
        <input id={`${pid}-prompt`} type="text" value={part.text ?? ""} onChange={(e) => onChange({ ...part, text: e.target.value })} />
      </div>
      <div className="row cols muted" aria-hidden="true">
        <span>{t("form.colLabel")}</span>
        <span>{t("form.colPayload")}</span>
        <span className="col-btn" />
      </div>
      {buttons.map((b, j) => (
        <div className="row" key={j}>
          <input type="text" aria-label={t("form.buttonLabel", { n: j + 1 })} placeholder={t("form.buttonLabel", { n: j + 1 })} value={b.label} onChange={(e) => setButton(j, { label: e.target.value })} />
          <input type="text" aria-label={t("form.buttonPayload", { n: j + 1 })} placeholder={t("form.buttonPayload", { n: j + 1 })} value={b.payload ?? ""} onChange={(e) => setButton(j, { payload: e.target.value })} />
          <button type="button" aria-label={t("form.removeButton", { n: j + 1 })} disabled={buttons.length < 2} onClick={() => onChange({ ...part, buttons: buttons.filter((_, k) => k !== j) })}>
            ×
          </button>
        </div>
      ))}
      <div className="row">
        <button type="button" onClick={() => onChange({ ...part, buttons: [...buttons, { label: "", payload: "" }] })}>
          + {t("form.addButton")}
        </button>
        <label className="check-row">
          <input type="checkbox" checked={!!part.quick_reply} onChange={(e) => onChange({ ...part, quick_reply: e.target.checked })} />
          {t("form.quickReply")}
        </label>
      </div>
    </>
  );
}

function FormEditor({ part, pid, onChange }: { part: Part; pid: string; onChange: (p: Part) => void }) {
  const { t } = useTranslation("templates");
  const form = part.form!;
  const setForm = (change: Partial<typeof form>) => onChange({ ...part, form: { ...form, ...change } });
  const setField = (j: number, change: Partial<FormField>) => setForm({ fields: form.fields.map((f, k) => (k === j ? { ...f, ...change } : f)) });
  return (
    <>
      <div className="field">
        <label htmlFor={`${pid}-ftitle`}>{t("form.formTitle")}</label>
        <input id={`${pid}-ftitle`} type="text" value={form.title ?? ""} onChange={(e) => setForm({ title: e.target.value })} />
      </div>
      <div className="row cols muted" aria-hidden="true">
        <span>{t("form.colName")}</span>
        <span>{t("form.colFieldLabel")}</span>
        <span className="col-type">{t("form.colType")}</span>
      </div>
      {form.fields.map((f, j) => (
        <div className="row" key={j}>
          <input type="text" aria-label={t("form.fieldName", { n: j + 1 })} placeholder={t("form.fieldName", { n: j + 1 })} value={f.name} onChange={(e) => setField(j, { name: e.target.value.replace(/\s/g, "_") })} />
          <input type="text" aria-label={t("form.fieldLabel", { n: j + 1 })} placeholder={t("form.fieldLabel", { n: j + 1 })} value={f.label} onChange={(e) => setField(j, { label: e.target.value })} />
          <select aria-label={t("form.fieldType", { n: j + 1 })} value={f.type || "text"} onChange={(e) => setField(j, { type: e.target.value })}>
            {FIELD_TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {t("form.types." + ty)}
              </option>
            ))}
          </select>
          <label className="check-row">
            <input type="checkbox" checked={!!f.required} onChange={(e) => setField(j, { required: e.target.checked })} />
            {t("form.fieldRequired")}
          </label>
          <button type="button" aria-label={t("form.removeField", { n: j + 1 })} disabled={form.fields.length < 2} onClick={() => setForm({ fields: form.fields.filter((_, k) => k !== j) })}>
            ×
          </button>
        </div>
      ))}
      <div className="row">
        <button type="button" onClick={() => setForm({ fields: [...form.fields, { name: "", label: "", type: "text", required: false }] })}>
          + {t("form.addField")}
        </button>
      </div>
      <div className="field">
        <label htmlFor={`${pid}-submit`}>{t("form.submitLabel")}</label>
        <input id={`${pid}-submit`} type="text" value={form.submit_label ?? ""} onChange={(e) => setForm({ submit_label: e.target.value })} />
      </div>
    </>
  );
}
