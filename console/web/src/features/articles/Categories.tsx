// Categories of the help centre: add, rename, reorder (up/down), delete.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmButton, ErrorBox, QueryState } from "../admin/ui";
import { useCategories, useDeleteCategory, useSaveCategory, type Category } from "./api";

export function Categories({ canWrite }: { canWrite: boolean }) {
  const { t } = useTranslation("articles");
  const list = useCategories();
  const save = useSaveCategory();
  const remove = useDeleteCategory();
  const [name, setName] = useState("");
  const items = list.data ?? [];

  const move = (i: number, dir: -1 | 1) => {
    const a = items[i];
    const b = items[i + dir];
    if (!a || !b) return;
    // Swap the two positions (distinct even when the hub left them equal).
    const pa = a.position === b.position ? b.position + dir : b.position;
    save.mutate({ id: a.id, input: { position: pa } });
    save.mutate({ id: b.id, input: { position: a.position } });
  };

  return (
    <section className="art-cats" aria-labelledby="art-cats-h">
      <h2 id="art-cats-h">{t("categories.title")}</h2>
      <QueryState loading={list.isPending} error={list.error} empty={!list.isPending && items.length === 0} emptyText={t("categories.empty")} />
      <ErrorBox error={save.error ?? remove.error} />
      {items.length > 0 && (
        <ol className="art-cat-list" aria-label={t("categories.title")}>
          {items.map((c, i) => (
            <CategoryRow key={c.id} cat={c} first={i === 0} last={i === items.length - 1} canWrite={canWrite} busy={save.isPending || remove.isPending} onMove={(d) => move(i, d)} onRename={(n) => save.mutate({ id: c.id, input: { name: n } })} onDelete={() => remove.mutate(c.id)} />
          ))}
        </ol>
      )}
      {canWrite && (
        <form
          className="row"
          aria-label={t("categories.add")}
          onSubmit={(e) => {
            e.preventDefault();
            const position = items.length ? Math.max(...items.map((c) => c.position)) + 1 : 0;
            save.mutate({ input: { name: name.trim(), position } }, { onSuccess: () => setName("") });
          }}
        >
          <input type="text" aria-label={t("categories.newName")} placeholder={t("categories.newName")} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
          <button type="submit" disabled={save.isPending}>
            + {t("categories.add")}
          </button>
        </form>
      )}
    </section>
  );
}

function CategoryRow({ cat, first, last, canWrite, busy, onMove, onRename, onDelete }: { cat: Category; first: boolean; last: boolean; canWrite: boolean; busy: boolean; onMove: (d: -1 | 1) => void; onRename: (n: string) => void; onDelete: () => void }) {
  const { t } = useTranslation("articles");
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(cat.name);
  if (editing) {
    return (
      <li aria-label={cat.name}>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            onRename(name.trim());
            setEditing(false);
          }}
        >
          <input type="text" aria-label={t("categories.renameLabel", { name: cat.name })} value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={200} />
          <button type="submit" className="primary">{t("categories.save")}</button>
          <button type="button" onClick={() => { setName(cat.name); setEditing(false); }}>
            {t("form.cancel")}
          </button>
        </form>
      </li>
    );
  }
  return (
    <li aria-label={cat.name}>
      <span className="art-cat-name">{cat.name}</span>
      {canWrite && (
        <span className="row">
          <button type="button" aria-label={t("categories.up", { name: cat.name })} disabled={first || busy} onClick={() => onMove(-1)}>↑</button>
          <button type="button" aria-label={t("categories.down", { name: cat.name })} disabled={last || busy} onClick={() => onMove(1)}>↓</button>
          <button type="button" onClick={() => setEditing(true)}>{t("categories.rename")}</button>
          <ConfirmButton label={t("delete")} confirmLabel={t("delete")} question={t("categories.deleteQuestion", { name: cat.name })} busy={busy} onConfirm={onDelete} />
        </span>
      )}
    </li>
  );
}
