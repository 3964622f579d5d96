// The workspace's branding (issue 15): the accent colour and logo of the
// customer portal (/portal/) and the help centre (/help/), with the
// snippet that embeds the portal in a site. Admins change it; others see
// nothing of it here.
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { get, put } from "../../lib/api";
import { useMe } from "../auth/auth";
import { ErrorBox, QueryState } from "../admin/ui";

interface Branding {
  color: string;
  logo_url: string;
}
const brandingKey = ["workspace", "branding"] as const;
const COLOR = /^#[0-9a-fA-F]{6}$/;

export function BrandingSettings() {
  const { t } = useTranslation("settings");
  const me = useMe().data;
  const admin = me?.role === "admin";
  const qc = useQueryClient();
  const q = useQuery({ queryKey: brandingKey, enabled: admin, queryFn: () => get<Branding>("/api/v1/workspace/branding") });
  const save = useMutation({
    mutationFn: (b: Branding) => put<Branding>("/api/v1/workspace/branding", b),
    onSuccess: (b) => qc.setQueryData(brandingKey, b),
  });
  const [draft, setDraft] = useState<Branding | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (q.data && !draft) setDraft(q.data);
  }, [q.data, draft]);
  if (!admin || !me) return null;

  const set = (change: Partial<Branding>) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, ...change } : d));
  };
  const origin = window.location.origin;
  const snippet = `<div id="switchboard-portal"></div>\n<script src="${origin}/portal/${me.workspace_id}/embed.js" async></script>`;
  const colorOk = !draft?.color || COLOR.test(draft.color);

  return (
    <section className="admin-form" aria-labelledby="branding-title">
      <h2 id="branding-title">{t("branding.title")}</h2>
      <p className="field-help">{t("branding.intro")}</p>
      <QueryState loading={q.isPending} error={q.error} empty={false} emptyText="" />
      {draft && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(draft, {
              onSuccess: (b) => {
                setDraft(b);
                setSaved(true);
              },
            });
          }}
        >
          <div className="field">
            <label htmlFor="branding-color">{t("branding.color")}</label>
            <div className="row">
              <input
                type="color"
                aria-label={t("branding.colorPicker")}
                value={COLOR.test(draft.color) ? draft.color : "#0b5cad"}
                onChange={(e) => set({ color: e.target.value })}
              />
              <input id="branding-color" value={draft.color} placeholder="#0b5cad" maxLength={7} onChange={(e) => set({ color: e.target.value.trim() })} aria-invalid={!colorOk} />
            </div>
            <p className="field-help">{colorOk ? t("branding.colorHelp") : t("branding.colorBad")}</p>
          </div>
          <div className="field">
            <label htmlFor="branding-logo">{t("branding.logo")}</label>
            <input id="branding-logo" type="url" value={draft.logo_url} placeholder="https://www.example.com/logo.png" onChange={(e) => set({ logo_url: e.target.value.trim() })} />
            <p className="field-help">{t("branding.logoHelp")}</p>
          </div>
          <ErrorBox error={save.error} />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={save.isPending || !colorOk}>
              {save.isPending ? t("saving") : t("branding.save")}
            </button>
            {saved && <span role="status">{t("branding.saved")}</span>}
          </div>
        </form>
      )}
      <div className="field">
        <label htmlFor="branding-snippet">{t("branding.embed")}</label>
        <textarea id="branding-snippet" readOnly rows={3} value={snippet} onFocus={(e) => e.target.select()} />
        <p className="field-help">
          {t("branding.embedHelp")}{" "}
          <a href={`/portal/${me.workspace_id}/`} target="_blank" rel="noreferrer">
            {t("branding.open")}
          </a>
        </p>
      </div>
    </section>
  );
}
