// What can be done with a whole contact: export it (JSON), merge a
// duplicate into it, and erase it on the customer's request (admins and
// supervisors, after a dialog that says what goes).
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../../components/Dialog";
import type { ContactDetail, Role } from "../../lib/types";
import { useDebounced } from "../../lib/useDebounced";
import { personName } from "../inbox/api";
import { ConfirmButton, ErrorBox } from "../admin/ui";
import { onEscape } from "./ui";
import { exportURL, useContactSearch, useEraseContact, useMergeContact } from "./api";

export function ContactActions({ contact, role }: { contact: ContactDetail; role: Role }) {
  const { t } = useTranslation("contact");
  const [merging, setMerging] = useState(false);
  const [erasing, setErasing] = useState(false);
  const canErase = role === "admin" || role === "supervisor";
  return (
    <>
      <div className="panel-actions">
        <a className="button-like" href={exportURL(contact.id)} download>
          {t("actions.export")}
        </a>
        {!contact.erased_at && (
          <button type="button" aria-expanded={merging} onClick={() => setMerging((m) => !m)}>
            {t("actions.merge")}
          </button>
        )}
        {canErase && !contact.erased_at && (
          <button type="button" className="danger-outline" onClick={() => setErasing(true)}>
            {t("actions.erase")}
          </button>
        )}
      </div>
      {merging && <MergePicker contact={contact} onDone={() => setMerging(false)} />}
      {erasing && <EraseDialog contact={contact} onClose={() => setErasing(false)} />}
    </>
  );
}

function MergePicker({ contact, onDone }: { contact: ContactDetail; onDone: () => void }) {
  const { t } = useTranslation("contact");
  const uid = useId();
  const [q, setQ] = useState("");
  const deferred = useDebounced(q.trim(), 250);
  const found = useContactSearch(deferred);
  const merge = useMergeContact(contact.id);
  const hits = (found.data ?? []).filter((c) => c.id !== contact.id && !c.erased_at);
  const here = personName(contact, t("anonymous"));
  return (
    <div className="merge" role="group" aria-label={t("actions.merge")} onKeyDown={onEscape(onDone)}>
      <label htmlFor={uid}>{t("merge.search")}</label>
      <input id={uid} type="search" value={q} autoFocus placeholder={t("merge.placeholder")} onChange={(e) => setQ(e.target.value)} />
      <p className="muted small">{t("merge.help", { name: here })}</p>
      {found.isFetching && <p className="muted small" role="status">{t("common:loading")}</p>}
      {deferred && found.isSuccess && hits.length === 0 && <p className="muted small">{t("merge.none", { q: deferred })}</p>}
      <ErrorBox error={found.error || merge.error} />
      {hits.length > 0 && (
        <ul className="merge-hits" aria-label={t("merge.results")}>
          {hits.map((c) => {
            const other = personName(c, t("anonymous"));
            return (
              <li key={c.id}>
                <span className="merge-who">
                  <strong className="ellipsis">{other}</strong>
                  <span className="muted small ellipsis">{[c.email, c.phone].filter(Boolean).join(" · ") || c.id}</span>
                </span>
                <ConfirmButton
                  label={t("merge.button")}
                  confirmLabel={t("merge.confirm")}
                  question={t("merge.question", { other, name: here })}
                  busy={merge.isPending}
                  onConfirm={() => merge.mutate(c.id, { onSuccess: onDone })}
                />
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function EraseDialog({ contact, onClose }: { contact: ContactDetail; onClose: () => void }) {
  const { t } = useTranslation("contact");
  const uid = useId();
  const erase = useEraseContact(contact.id);
  const name = personName(contact, t("anonymous"));
  return (
    <Dialog labelledBy={uid} onClose={onClose} className="erase-dialog">
      <h2 id={uid}>{t("erase.title", { name })}</h2>
      <p>{t("erase.intro")}</p>
      <ul>
        {(["profile", "context", "messages", "replies"] as const).map((k) => (
          <li key={k}>{t(`erase.what.${k}`)}</li>
        ))}
      </ul>
      <p>{t("erase.stays", { count: contact.conversations.length })}</p>
      <p><strong>{t("erase.final")}</strong></p>
      <ErrorBox error={erase.error} />
      <div className="form-actions">
        <button type="button" className="danger" disabled={erase.isPending} onClick={() => erase.mutate(undefined, { onSuccess: onClose })}>
          {erase.isPending ? t("erase.erasing") : t("erase.confirm")}
        </button>
        <button type="button" onClick={onClose} autoFocus>
          {t("admin:cancel")}
        </button>
      </div>
    </Dialog>
  );
}
