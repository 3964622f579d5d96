// The help centre screen: articles with their locale, status, category,
// views and helpful counts (filter by locale / status, search), the editor
// and the categories. Admins and supervisors write; operators read.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useDebounced } from "../../lib/useDebounced";
import { AdminTable, ConfirmButton, ErrorBox, Page, QueryState } from "../admin/ui";
import { useMe } from "../auth/auth";
import { ArticleEditor, helpUrl } from "./ArticleEditor";
import { Categories } from "./Categories";
import { ArticleChoice } from "./fields";
import { useArticles, useCategories, useDeleteArticle, type Article } from "./api";
import "./articles.css";

export default function ArticlesPage() {
  const { t } = useTranslation("articles");
  const me = useMe().data!;
  const canWrite = me.role === "admin" || me.role === "supervisor";
  const [locale, setLocale] = useState("");
  const [status, setStatus] = useState("");
  const [q, setQ] = useState("");
  const dq = useDebounced(q.trim(), 250);
  const list = useArticles({ locale: locale || undefined, status: status || undefined, q: dq || undefined });
  const all = useArticles({});
  const cats = useCategories();
  const remove = useDeleteArticle();
  const [editing, setEditing] = useState<Article | "new" | null>(null);
  const items = list.data ?? [];
  const catName = (id?: string | null) => cats.data?.find((c) => c.id === id)?.name ?? "—";
  const filtered = !!(locale || status || dq);

  return (
    <Page
      title={t("title")}
      intro={t("intro")}
      actions={
        <div className="row">
          <a href="/help/" target="_blank" rel="noopener noreferrer">
            {t("openHelp")}
          </a>
          {canWrite && editing === null && (
            <button type="button" className="primary" onClick={() => setEditing("new")}>
              + {t("new")}
            </button>
          )}
        </div>
      }
    >
      {editing !== null && (
        <ArticleEditor
          key={editing === "new" ? "new" : editing.id}
          article={editing === "new" ? undefined : editing}
          articles={all.data ?? []}
          categories={cats.data ?? []}
          onDone={(saved) => setEditing(saved && saved.status === "published" ? saved : null)}
        />
      )}
      <div className="art-filters" role="search" aria-label={t("filters")}>
        <div className="field">
          <label htmlFor="art-f-q">{t("search")}</label>
          <input id="art-f-q" type="search" value={q} placeholder={t("searchPlaceholder")} onChange={(e) => setQ(e.target.value)} />
        </div>
        <ArticleChoice kind="locale" id="art-f-locale" value={locale} onChange={setLocale} all />
        <ArticleChoice kind="status" id="art-f-status" value={status} onChange={setStatus} all />
      </div>
      <QueryState loading={list.isPending} error={list.error} empty={!list.isPending && items.length === 0} emptyText={filtered ? t("noMatch") : t("empty")} />
      <ErrorBox error={remove.error} />
      {items.length > 0 && (
        <div className="art-list">
        <AdminTable caption={t("listLabel")} columns={[t("col.title"), t("form.locale"), t("form.status"), t("form.category"), t("col.views"), t("col.helpful"), t("col.actions")]}>
          {items.map((a) => (
            <tr role="row" key={a.id} aria-label={a.title}>
              <td role="cell" data-label={t("col.title")}>
                <strong>{a.title}</strong>
                <div className="muted art-slug">/{a.slug}</div>
              </td>
              <td role="cell" className="art-meta" data-label={t("form.locale")}>{t("locale." + a.locale, { defaultValue: a.locale })}</td>
              <td role="cell" className="art-meta" data-label={t("form.status")}>
                <span className={"art-status-" + a.status}>{t("status." + a.status)}</span>
              </td>
              <td role="cell" className="art-meta" data-label={t("form.category")}>{catName(a.category_id)}</td>
              <td role="cell" className="art-meta" data-label={t("col.views")}>{a.views}</td>
              <td role="cell" className="art-meta" data-label={t("col.helpful")}>
                <span title={t("col.helpfulTitle")}>
                  👍 {a.helpful} / 👎 {a.not_helpful}
                </span>
              </td>
              <td role="cell" data-label={t("col.actions")}>
                <div className="form-actions">
                  {canWrite && (
                    <button type="button" onClick={() => setEditing(a)}>
                      {t("edit")}
                    </button>
                  )}
                  {a.status === "published" && (
                    <a href={helpUrl(a)} target="_blank" rel="noopener noreferrer">
                      {t("viewOnHelp")}
                    </a>
                  )}
                  {canWrite && (
                    <ConfirmButton
                      label={t("delete")}
                      confirmLabel={t("delete")}
                      question={t("deleteQuestion", { title: a.title })}
                      busy={remove.isPending}
                      onConfirm={() => {
                        if (editing !== null && editing !== "new" && editing.id === a.id) setEditing(null);
                        remove.mutate(a.id);
                      }}
                    />
                  )}
                </div>
              </td>
            </tr>
          ))}
        </AdminTable>
        </div>
      )}
      <Categories canWrite={canWrite} />
    </Page>
  );
}
