// Admin screen: the workspace's privacy settings for visitor data — whether
// the hub keeps visitors' IP addresses and places, and for how long it
// keeps their visit data.
import { useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { PrivacySettings } from "../../../lib/types";
import { ErrorBox, Page, QueryState, RoleGate } from "../ui";
import "../screens.css";
import { usePrivacy, useSavePrivacy } from "./api";

export default function PrivacyPage() {
  return (
    <RoleGate roles={["admin"]}>
      <Privacy />
    </RoleGate>
  );
}

function Privacy() {
  const { t } = useTranslation("admin");
  const uid = useId();
  const q = usePrivacy();
  const save = useSavePrivacy();
  const [draft, setDraft] = useState<PrivacySettings | null>(null);
  const [days, setDays] = useState("");
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (q.data && !draft) {
      setDraft(q.data);
      setDays(String(q.data.visitor_retention_days));
    }
  }, [q.data, draft]);
  const set = (change: Partial<PrivacySettings>) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, ...change } : d));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    // The hub checks the number (and names the field when it is wrong).
    const n = days.trim() === "" ? 0 : Number(days);
    save.mutate({ ...draft, visitor_retention_days: n }, { onSuccess: () => setSaved(true) });
  };
  return (
    <Page title={t("privacy.title")} intro={t("privacy.intro")}>
      <QueryState loading={q.isPending} error={q.error} empty={false} emptyText="" />
      {draft && (
        <form className="admin-form" onSubmit={submit} noValidate>
          <fieldset className="fieldset-plain">
            <legend>{t("privacy.collect")}</legend>
            <label className="check-row">
              <input type="checkbox" checked={draft.collect_ip} aria-describedby={uid + "-ip"} onChange={(e) => set({ collect_ip: e.target.checked })} />
              {t("privacy.collectIp")}
            </label>
            <p className="field-help" id={uid + "-ip"}>{t("privacy.collectIpHelp")}</p>
            <label className="check-row">
              <input type="checkbox" checked={draft.collect_location} aria-describedby={uid + "-loc"} onChange={(e) => set({ collect_location: e.target.checked })} />
              {t("privacy.collectLocation")}
            </label>
            <p className="field-help" id={uid + "-loc"}>{t("privacy.collectLocationHelp")}</p>
          </fieldset>
          <div className="field">
            <label htmlFor={uid + "-days"}>{t("privacy.retention")}</label>
            <input
              id={uid + "-days"}
              type="number"
              inputMode="numeric"
              step={1}
              className="narrow-number"
              value={days}
              aria-describedby={uid + "-days-help"}
              aria-invalid={!!save.error}
              onChange={(e) => {
                setSaved(false);
                setDays(e.target.value);
              }}
            />
            <p className="field-help" id={uid + "-days-help"}>{t("privacy.retentionHelp")}</p>
          </div>
          <ErrorBox error={save.error} />
          {saved && (
            <p className="notice" role="status">
              {t("privacy.saved")}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? t("saving") : t("save")}
            </button>
          </div>
        </form>
      )}
    </Page>
  );
}
