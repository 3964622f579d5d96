// The article editor: title, category, locale, status, "translation of",
// a markdown body with a live preview rendered by the hub (POST
// /api/v1/articles/preview, debounced) and image upload into the body.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { SafeHtml } from "../../components/SafeHtml";
import { api } from "../../lib/api";
import { useDebounced } from "../../lib/useDebounced";
import { ErrorBox, errorText } from "../admin/ui";
import { ArticleChoice } from "./fields";
import { previewHtml, useSaveArticle, type Article, type ArticleInput, type ArticleStatus, type Category } from "./api";

/** helpUrl is the article's public page on the help centre. */
export function helpUrl(a: Article) {
  return `/help/${encodeURIComponent(a.workspace_id ?? "")}/articles/${encodeURIComponent(a.slug)}?lang=${encodeURIComponent(a.locale)}`;
}

function usePreview(body: string) {
  const debounced = useDebounced(body, 300);
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!debounced.trim()) {
      setHtml("");
      setError(null);
      return;
    }
    const ctl = new AbortController();
    previewHtml(debounced, ctl.signal).then(
      (h) => {
        setHtml(h);
        setError(null);
      },
      (e) => {
        if ((e as Error).name !== "AbortError") setError(e);
      },
    );
    return () => ctl.abort();
  }, [debounced]);
  return { html, error };
}

export function ArticleEditor({ article, articles, categories, onDone }: { article?: Article; articles: Article[]; categories: Category[]; onDone: (saved?: Article) => void }) {
  const { t } = useTranslation("articles");
  const save = useSaveArticle();
  const [title, setTitle] = useState(article?.title ?? "");
  const [categoryId, setCategoryId] = useState(article?.category_id ?? "");
  const [locale, setLocale] = useState(article?.locale ?? "ja");
  const [status, setStatus] = useState<ArticleStatus>(article?.status ?? "draft");
  const [translationOf, setTranslationOf] = useState(article?.translation_of ?? "");
  const [body, setBody] = useState(article?.body ?? "");
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [uploading, setUploading] = useState(false);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const preview = usePreview(body);
  const id = article?.id ?? "new";
  const heading = article ? t("form.editTitle", { title: article.title }) : t("form.createTitle");

  const insert = (v: string) => {
    const el = bodyRef.current;
    const start = el?.selectionStart ?? body.length;
    const end = el?.selectionEnd ?? body.length;
    setBody((b) => b.slice(0, start) + v + b.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + v.length, start + v.length);
    });
  };

  const upload = async (f: File) => {
    setUploadError(null);
    setUploading(true);
    const fd = new FormData();
    fd.append("file", f, f.name);
    try {
      const m = await api<{ id: string; url: string }>("POST", "/api/v1/media", fd);
      const alt = f.name.replace(/\.[^.]+$/, "").replace(/[[\]]/g, "");
      insert(`![${alt}](${m.url})`);
    } catch (e) {
      setUploadError(e);
    } finally {
      setUploading(false);
    }
  };

  const submit = () => {
    const input: ArticleInput = { title, category_id: categoryId, locale, status, translation_of: translationOf, body };
    save.mutate({ id: article?.id, input }, { onSuccess: (a) => onDone(a) });
  };

  const originals = articles.filter((a) => a.id !== article?.id && !a.translation_of);
  return (
    <div className="art-layout">
      <form
        className="admin-form"
        aria-label={heading}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2>{heading}</h2>
        <div className="field">
          <label htmlFor={`art-title-${id}`}>{t("form.title")}</label>
          <input id={`art-title-${id}`} type="text" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
        </div>
        <div className="art-row">
          <ArticleChoice kind="locale" id={`art-locale-${id}`} value={locale} onChange={setLocale} />
          <ArticleChoice kind="status" id={`art-status-${id}`} value={status} onChange={(v) => setStatus(v as ArticleStatus)} />
          <div className="field">
            <label htmlFor={`art-cat-${id}`}>{t("form.category")}</label>
            <select id={`art-cat-${id}`} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
              <option value="">{t("form.noCategory")}</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor={`art-tr-${id}`}>{t("form.translationOf")}</label>
          <select id={`art-tr-${id}`} value={translationOf} onChange={(e) => setTranslationOf(e.target.value)} aria-describedby={`art-tr-help-${id}`}>
            <option value="">{t("form.notTranslation")}</option>
            {originals.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title} ({a.locale})
              </option>
            ))}
          </select>
          <p className="field-help" id={`art-tr-help-${id}`}>
            {t("form.translationHelp")}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`art-body-${id}`}>{t("form.body")}</label>
          <textarea id={`art-body-${id}`} ref={bodyRef} value={body} onChange={(e) => setBody(e.target.value)} rows={14} className="art-body" aria-describedby={`art-body-help-${id}`} />
          <p className="field-help" id={`art-body-help-${id}`}>
            {t("form.bodyHelp")}
          </p>
          <div className="row">
            <label className="button-like">
              {uploading ? t("form.uploading") : "+ " + t("form.addImage")}
              <input
                type="file"
                accept="image/*"
                className="sr-only"
                aria-label={t("form.addImage")}
                disabled={uploading}
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  e.target.value = "";
                  if (f) void upload(f);
                }}
              />
            </label>
          </div>
          {uploadError != null && (
            <p className="error" role="alert">
              {errorText(uploadError, t("form.uploadFailed"))}
            </p>
          )}
        </div>
        <ErrorBox error={save.error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? t("form.saving") : t("form.save")}
          </button>
          <button type="button" onClick={() => onDone()}>
            {t("form.cancel")}
          </button>
          {article?.status === "published" && (
            <a href={helpUrl(article)} target="_blank" rel="noopener noreferrer">
              {t("viewOnHelp")}
            </a>
          )}
        </div>
      </form>
      <section className="art-preview" aria-label={t("preview.label")}>
        <h2>{t("preview.title")}</h2>
        {preview.error != null && <ErrorBox error={preview.error} />}
        {preview.html === null ? (
          <p className="muted" role="status">{t("preview.loading")}</p>
        ) : preview.html === "" ? (
          <p className="muted">{t("preview.empty")}</p>
        ) : (
          <SafeHtml html={preview.html} className="rich art-rendered" />
        )}
      </section>
    </div>
  );
}
