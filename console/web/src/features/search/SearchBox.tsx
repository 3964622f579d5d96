import { useTranslation } from "react-i18next";

export function SearchBox() {
  const { t } = useTranslation("inbox");
  return <input type="search" className="search" aria-label={t("search.label")} placeholder={t("search.placeholder")} />;
}
