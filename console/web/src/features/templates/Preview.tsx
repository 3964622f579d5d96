// The live preview of a template as the customer would see it, with the
// variables filled in with sample values. Plain React text only.
import { useTranslation } from "react-i18next";
import type { Part } from "../../lib/types";

export function fill(text: string, contact: string, operator: string): string {
  return text.replace(/\{\{\s*contact\.name\s*\}\}/g, contact).replace(/\{\{\s*operator\.name\s*\}\}/g, operator);
}

export function TemplatePreview({ text, parts, operator, compact }: { text?: string; parts?: Part[]; operator: string; compact?: boolean }) {
  const { t } = useTranslation("templates");
  const f = (s?: string) => fill(s ?? "", t("preview.sampleContact"), operator);
  const empty = !text?.trim() && !(parts && parts.length);
  if (empty) return compact ? null : <p className="muted">{t("preview.empty")}</p>;
  return (
    <div className="tpl-message">
      {text?.trim() && <div className="bubble">{f(text)}</div>}
      {parts?.map((p, i) => {
        if (p.kind === "buttons")
          return (
            <div key={i} className="preview-part">
              {p.text && <div className="bubble">{f(p.text)}</div>}
              <div>
                {(p.buttons ?? []).map((b, j) => (
                  <span key={j} className="preview-btn">
                    {b.label}
                  </span>
                ))}
              </div>
            </div>
          );
        if (p.kind === "form" && p.form)
          return (
            <div key={i} className="preview-form">
              {p.form.title && <strong>{f(p.form.title)}</strong>}
              {p.form.fields.map((fl, j) => (
                <label key={j} className="preview-field">
                  <span>
                    {fl.label || fl.name}
                    {fl.required ? " *" : ""}
                  </span>
                  {fl.type === "textarea" ? <textarea disabled rows={2} tabIndex={-1} /> : <input disabled type={fl.type || "text"} tabIndex={-1} />}
                </label>
              ))}
              <span className="preview-btn">{p.form.submit_label || t("preview.submit")}</span>
            </div>
          );
        if (p.kind === "link" && p.link)
          return (
            <div key={i} className="preview-link">
              {!compact && p.link.image_url && /^https?:\/\//.test(p.link.image_url) && <img src={p.link.image_url} alt="" referrerPolicy="no-referrer" />}
              <div>
                <strong>{p.link.title || p.link.url}</strong>
                {p.link.description && <div className="muted">{p.link.description}</div>}
                <div className="muted small">{p.link.url}</div>
              </div>
            </div>
          );
        if (p.kind === "image" && p.attachment?.url)
          return (
            <figure key={i} className="preview-image">
              {!compact && <img src={p.attachment.url} alt={p.text || p.attachment.filename || ""} />}
              {p.text && <figcaption>{f(p.text)}</figcaption>}
            </figure>
          );
        if (p.text) return <div key={i} className="bubble">{f(p.text)}</div>;
        return null;
      })}
    </div>
  );
}
