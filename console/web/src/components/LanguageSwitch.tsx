import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage, type Language } from "../lib/i18n";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="inline-select">
      <span>{t("language.label")}</span>
      <select value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
