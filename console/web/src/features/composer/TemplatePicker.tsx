// The approved-template picker of the composer (WhatsApp): search the
// channel's synced templates by name or language, pick one (arrows and
// Enter), fill one input per parameter, see the filled body, send it as a
// template part. Outside the reply window it replaces the free-text box.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Part, ProviderTemplate } from "../../lib/types";
import { approved, fill, HEADER, paramsOf, templatePart, useProviderTemplates } from "./providerTemplates";
import "../conversation/window.css";

interface Props {
  channel: string;
  onSend: (p: Part) => void;
  busy: boolean;
  /** the picker can be closed (inside the window); outside it stays */
  onClose?: () => void;
  /** take the focus when shown (opened by the operator, not on arrival) */
  autoFocus?: boolean;
}

export function TemplatePicker({ channel, onSend, busy, onClose, autoFocus }: Props) {
  const { t, i18n } = useTranslation("window");
  const uid = useId();
  const list = useProviderTemplates(channel);
  const [q, setQ] = useState("");
  const [sel, setSel] = useState(0);
  const [chosen, setChosen] = useState<ProviderTemplate | null>(null);
  const search = useRef<HTMLInputElement>(null);
  const hits = useMemo(() => approved(list.data?.items ?? [], q), [list.data, q]);
  const anyApproved = useMemo(() => approved(list.data?.items ?? [], "").length > 0, [list.data]);
  useEffect(() => setSel(0), [q]);
  useEffect(() => setChosen(null), [channel]);

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" && hits.length) {
      e.preventDefault();
      setSel((s) => (s + 1) % hits.length);
    } else if (e.key === "ArrowUp" && hits.length) {
      e.preventDefault();
      setSel((s) => (s - 1 + hits.length) % hits.length);
    } else if (e.key === "Enter" && hits[sel]) {
      e.preventDefault();
      setChosen(hits[sel]);
    } else if (e.key === "Escape" && onClose) {
      e.preventDefault();
      onClose();
    }
  };
  const synced = list.data?.synced_at && !list.data.synced_at.startsWith("0001-") ? t("picker.synced", { at: new Date(list.data.synced_at).toLocaleString(i18n.language, { dateStyle: "medium", timeStyle: "short" }) }) : t("picker.neverSynced");

  return (
    <section className="tpl-picker" aria-labelledby={uid + "-title"}>
      <header className="tpl-picker-head">
        <h3 id={uid + "-title"}>{t("picker.title")}</h3>
        <span className="muted small">{list.isSuccess ? synced : ""}</span>
        <span className="spacer" />
        {onClose && (
          <button type="button" onClick={onClose} aria-label={t("picker.close")} title={t("picker.close")}>
            ×
          </button>
        )}
      </header>
      {chosen ? (
        <Fill key={chosen.name + "/" + chosen.language} tpl={chosen} busy={busy} onSend={onSend} onBack={() => { setChosen(null); requestAnimationFrame(() => search.current?.focus()); }} />
      ) : (
        <>
          <input
            ref={search}
            type="search"
            className="tpl-search"
            value={q}
            autoFocus={autoFocus}
            placeholder={t("picker.search")}
            aria-label={t("picker.search")}
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls={uid + "-list"}
            aria-activedescendant={hits[sel] ? `${uid}-opt-${sel}` : undefined}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onKey}
          />
          {list.isPending && <p className="muted small" role="status">{t("picker.loading")}</p>}
          {list.isError && <p className="error small" role="alert">{t("picker.error", { message: list.error.message })}</p>}
          {list.isSuccess && !anyApproved && <p className="muted small tpl-empty">{t("picker.empty")}</p>}
          {list.isSuccess && anyApproved && hits.length === 0 && <p className="muted small tpl-empty">{t("picker.noMatch", { q })}</p>}
          {hits.length > 0 && (
            <ul className="tpl-list" id={uid + "-list"} role="listbox" aria-label={t("picker.list")}>
              {hits.map((h, i) => (
                <li
                  key={h.name + "/" + h.language}
                  id={`${uid}-opt-${i}`}
                  role="option"
                  aria-selected={i === sel}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => setChosen(h)}
                  onMouseEnter={() => setSel(i)}
                >
                  <strong>{h.name}</strong> <span className="tag">{h.language}</span>
                  {h.category && <span className="muted small">{t(`picker.category.${h.category}`, { defaultValue: h.category })}</span>}
                  <span className="muted small tpl-text">{h.body}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function Fill({ tpl, busy, onSend, onBack }: { tpl: ProviderTemplate; busy: boolean; onSend: (p: Part) => void; onBack: () => void }) {
  const { t } = useTranslation("window");
  const uid = useId();
  const params = paramsOf(tpl);
  const [values, setValues] = useState<Record<string, string>>({});
  const missing = params.some((p) => !values[p]?.trim());
  const [tried, setTried] = useState(false);
  const send = () => {
    setTried(true);
    if (!missing && !busy) onSend(templatePart(tpl, values));
  };
  return (
    <form
      className="tpl-fill"
      aria-label={tpl.name}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
          e.preventDefault();
          send();
        }
      }}
    >
      <div className="tpl-fill-head">
        <strong>{tpl.name}</strong> <span className="tag">{tpl.language}</span>
        <span className="spacer" />
        <button type="button" onClick={onBack}>
          {t("picker.back")}
        </button>
      </div>
      {params.length > 0 ? (
        <fieldset className="tpl-params">
          <legend className="small muted">{t("picker.params")}</legend>
          {params.map((p, i) => (
            <label key={p} htmlFor={`${uid}-p-${p}`}>
              <span className="small">{p.startsWith(HEADER) ? `${t("picker.header")} {{${p.slice(HEADER.length)}}}` : `{{${p}}}`}</span>
              <input
                id={`${uid}-p-${p}`}
                type="text"
                value={values[p] ?? ""}
                autoFocus={i === 0}
                aria-label={p.startsWith(HEADER) ? t("picker.headerParam", { name: p.slice(HEADER.length) }) : t("picker.param", { name: p })}
                aria-invalid={tried && !values[p]?.trim() ? true : undefined}
                onChange={(e) => setValues((v) => ({ ...v, [p]: e.target.value }))}
              />
            </label>
          ))}
        </fieldset>
      ) : (
        <p className="muted small">{t("picker.noParams")}</p>
      )}
      <div className="tpl-preview" aria-label={t("picker.preview")} role="group">
        {tpl.header && <p className="tpl-header" aria-label={t("picker.header")}>{fill(tpl.header, values, HEADER)}</p>}
        <p className="tpl-body">{fill(tpl.body, values)}</p>
        {tpl.footer && <p className="tpl-footer muted small" aria-label={t("picker.footer")}>{tpl.footer}</p>}
        {!!tpl.buttons?.length && (
          <div className="buttons" aria-label={t("picker.buttons")}>
            {tpl.buttons.map((b) => (
              <span key={b} className="fake-button">
                {b}
              </span>
            ))}
          </div>
        )}
      </div>
      {tried && missing && <p className="error small" role="alert">{t("picker.missing")}</p>}
      <div className="tpl-actions">
        <button type="submit" className="primary" disabled={busy} autoFocus={params.length === 0}>
          {t("picker.send")}
        </button>
      </div>
    </form>
  );
}
