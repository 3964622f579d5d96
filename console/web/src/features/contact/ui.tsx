// Small pieces shared by the side panel's sections.
import type { KeyboardEvent, ReactNode } from "react";
import type { Contact } from "../../lib/types";
import { useTranslation } from "react-i18next";

/** Fact is one labelled row of the side panel's definition lists. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** FormActions: Save (busy while pending) and Cancel of a panel form. */
export function FormActions({ pending, onCancel }: { pending: boolean; onCancel: () => void }) {
  const { t } = useTranslation("admin");
  return (
    <div className="form-actions">
      <button type="submit" className="primary" disabled={pending}>
        {pending ? t("saving") : t("save")}
      </button>
      <button type="button" onClick={onCancel}>
        {t("cancel")}
      </button>
    </div>
  );
}

/** EditButton opens a section's form; an erased contact has none. */
export function EditButton({ contact, label, onClick }: { contact: Contact; label: string; onClick: () => void }) {
  if (contact.erased_at) return null;
  return (
    <button type="button" className="link-button" onClick={onClick}>
      {label}
    </button>
  );
}

/** onEscape handles Escape inside a section (closing its form) so that it
 * does not also close the panel. */
export const onEscape = (fn: () => void) => (e: KeyboardEvent) => {
  if (e.key !== "Escape") return;
  e.stopPropagation();
  fn();
};
