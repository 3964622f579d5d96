import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage, type Language } from "../../lib/i18n";
import { ErrorBox, Page, QueryState } from "../admin/ui";
import { beep } from "../notifications/beep";
import { BrandingSettings } from "./BrandingSettings";
import { NotificationPrefs } from "./NotificationPrefs";
import { useSaveSettings, useSettings, type OperatorSettings } from "./api";

type Perm = NotificationPermission | "unsupported";
const currentPermission = (): Perm => (typeof Notification === "undefined" ? "unsupported" : Notification.permission);

export default function SettingsPage() {
  const { t } = useTranslation("settings");
  const { t: tc } = useTranslation();
  const q = useSettings();
  const save = useSaveSettings();
  const [draft, setDraft] = useState<OperatorSettings | null>(null);
  const [perm, setPerm] = useState<Perm>(currentPermission);
  const [asked, setAsked] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (q.data && !draft) setDraft(q.data);
  }, [q.data, draft]);

  const set = (change: Partial<OperatorSettings>) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, ...change } : d));
  };

  const onDesktop = (checked: boolean) => {
    set({ notify_desktop: checked });
    setPerm(currentPermission());
    // Ask the browser once, on this click, and only when it has not decided.
    if (checked && !asked && typeof Notification !== "undefined" && Notification.permission === "default") {
      setAsked(true);
      void Notification.requestPermission().then(setPerm, () => setPerm(currentPermission()));
    }
  };

  return (
    <Page title={t("title")} intro={t("intro")}>
      <QueryState loading={q.isPending} error={q.error} empty={false} emptyText="" />
      {draft && (
        <form
          className="admin-form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(draft, {
              onSuccess: (s) => {
                setDraft(s);
                setSaved(true);
                if (s.language === "en" || s.language === "ja") setLanguage(s.language);
              },
            });
          }}
        >
          <fieldset className="fieldset-plain">
            <legend>{t("notifications")}</legend>
            <label className="check-row">
              <input type="checkbox" checked={draft.notify_title} onChange={(e) => set({ notify_title: e.target.checked })} />
              {t("notifyTitle")}
            </label>
            <label className="check-row">
              <input type="checkbox" checked={draft.notify_desktop} disabled={perm === "unsupported"} onChange={(e) => onDesktop(e.target.checked)} />
              {t("notifyDesktop")}
            </label>
            {(draft.notify_desktop || perm !== "default") && <p className="field-help">{t("permission." + perm)}</p>}
            <div className="row">
              <label className="check-row">
                <input type="checkbox" checked={draft.notify_sound} onChange={(e) => set({ notify_sound: e.target.checked })} />
                {t("notifySound")}
              </label>
              <button type="button" onClick={() => beep()}>
                {t("testSound")}
              </button>
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor="settings-language">{t("language")}</label>
            <select id="settings-language" value={draft.language} onChange={(e) => set({ language: e.target.value })}>
              <option value="">{t("languageBrowser")}</option>
              {LANGUAGES.map((l: Language) => (
                <option key={l} value={l}>
                  {tc("language." + l)}
                </option>
              ))}
            </select>
          </div>
          <ErrorBox error={save.error} />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? t("saving") : t("save")}
            </button>
            {saved && <span role="status">{t("saved")}</span>}
          </div>
        </form>
      )}
      <NotificationPrefs />
      <BrandingSettings />
    </Page>
  );
}
