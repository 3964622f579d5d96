// The labelled language and status choices of the editor and the list's
// filters (the filters add "All").
import { useTranslation } from "react-i18next";
import { LOCALES } from "./api";

const CHOICES = { locale: LOCALES, status: ["draft", "published"] } as const;

export function ArticleChoice({ kind, id, value, onChange, all }: { kind: "locale" | "status"; id: string; value: string; onChange: (v: string) => void; all?: boolean }) {
  const { t } = useTranslation("articles");
  return (
    <div className="field">
      <label htmlFor={id}>{t("form." + kind)}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {all && <option value="">{t("all")}</option>}
        {CHOICES[kind].map((v) => (
          <option key={v} value={v}>
            {t(kind + "." + v)}
          </option>
        ))}
      </select>
    </div>
  );
}
