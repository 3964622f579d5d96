import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Template } from "../../lib/types";
import { ConfirmButton, ErrorBox, Page, QueryState } from "../admin/ui";
import { useMe } from "../auth/auth";
import { TemplatePreview } from "./Preview";
import { TemplateEditor, canShare } from "./TemplateEditor";
import { useDeleteTemplate, useTemplateList } from "./api";
import "./templates.css";

export default function TemplatesPage() {
  const { t } = useTranslation("templates");
  const me = useMe().data!;
  const [q, setQ] = useState("");
  const list = useTemplateList(q.trim());
  const remove = useDeleteTemplate();
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const items = list.data ?? [];
  const mayWrite = (tpl: Template) => tpl.scope === "personal" || canShare(me.role);

  return (
    <Page
      title={t("title")}
      intro={t("intro")}
      actions={
        editing === null && (
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            + {t("new")}
          </button>
        )
      }
    >
      {editing !== null && (
        <TemplateEditor
          key={editing === "new" ? "new" : editing.id}
          template={editing === "new" ? undefined : editing}
          role={me.role}
          operatorName={me.name}
          onDone={() => setEditing(null)}
        />
      )}
      <div className="field tpl-filter">
        <label htmlFor="tpl-filter">{t("filter")}</label>
        <input id="tpl-filter" type="search" value={q} placeholder={t("filterPlaceholder")} onChange={(e) => setQ(e.target.value)} />
      </div>
      <QueryState loading={list.isPending} error={list.error} empty={!list.isPending && items.length === 0} emptyText={q.trim() ? t("noMatch") : t("empty")} />
      <ErrorBox error={remove.error} />
      {items.length > 0 && (
        <ul className="tpl-list" aria-label={t("listLabel")}>
          {items.map((tpl) => (
            <li key={tpl.id} aria-label={tpl.name}>
              <div className="tpl-item-main">
                <div className="tpl-item-head">
                  <strong>{tpl.name}</strong>
                  {tpl.shortcut && <code>/{tpl.shortcut}</code>}
                  <span className={"tag tag-" + tpl.scope}>{t(tpl.scope === "shared" ? "scope.sharedTag" : "scope.personalTag")}</span>
                </div>
                <div className="tpl-item-preview">
                  <TemplatePreview text={tpl.text} parts={tpl.parts} operator={me.name} compact />
                </div>
              </div>
              {mayWrite(tpl) && (
                <div className="form-actions">
                  <button type="button" onClick={() => setEditing(tpl)}>
                    {t("edit")}
                  </button>
                  <ConfirmButton
                    label={t("delete")}
                    confirmLabel={t("deleteConfirm")}
                    question={t("deleteQuestion", { name: tpl.name })}
                    busy={remove.isPending}
                    onConfirm={() => {
                      if (editing !== null && editing !== "new" && editing.id === tpl.id) setEditing(null);
                      remove.mutate(tpl.id);
                    }}
                  />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
