// i18next set-up. Every file src/locales/{lang}/{namespace}.json is picked up
// by the glob below, so a feature adds its namespace by adding the two files.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";

export const LANGUAGES = ["en", "ja"] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = "sb.language";

const files = import.meta.glob<{ default: Record<string, unknown> }>("../locales/*/*.json", { eager: true });
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, mod] of Object.entries(files)) {
  const m = path.match(/locales\/([^/]+)\/([^/]+)\.json$/);
  if (!m) continue;
  (resources[m[1]] ??= {})[m[2]] = mod.default;
}

/** initialLanguage: the saved choice, else the browser's, else English. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split("-")[0];
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return "en";
}

/** setLanguage switches the UI language and remembers the choice. */
export function setLanguage(l: Language) {
  localStorage.setItem(STORAGE_KEY, l);
  void i18n.changeLanguage(l);
  document.documentElement.lang = l;
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: "en",
  ns: Object.keys(resources.en ?? {}),
  defaultNS: "common",
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
