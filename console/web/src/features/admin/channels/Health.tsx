// The channels screen's issue-16 parts: a health badge per channel, the
// "Sync templates" button of WhatsApp Cloud API channels, and the pairing
// card of a WhatsApp linked device (QR image, or a code for the phone).
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ChannelStatus } from "../../../lib/types";
import { ApiError } from "../../../lib/api";
import { errorText } from "../ui";
import type { AdminChannel } from "./api";
import { useLinkQR, usePairPhone, useSyncTemplates } from "./health";
import "./health.css";

const TONE: Record<string, string> = { ok: "ok", unpaired: "warn", disconnected: "warn" };

export function HealthBadge({ status }: { status: ChannelStatus }) {
  const { t, i18n } = useTranslation("health");
  const fmt = (s?: string) => (s && !s.startsWith("0001-") ? new Date(s).toLocaleString(i18n.language, { dateStyle: "medium", timeStyle: "short" }) : "");
  const since = fmt(status.since);
  const until = fmt(status.until);
  return (
    <div className="health">
      <span className={`health-badge health-${TONE[status.state] ?? "bad"}`} data-state={status.state} title={since ? t("since", { at: since }) : undefined}>
        {t(`state.${status.state}`, { defaultValue: status.state })}
      </span>
      {status.state !== "ok" && status.reason && <div className="small health-reason">{status.reason}</div>}
      {status.state === "temporary_ban" && until && <div className="small muted">{t("until", { at: until })}</div>}
      {status.account && <div className="small muted">{t("account", { account: status.account })}</div>}
    </div>
  );
}

export function SyncTemplatesButton({ c }: { c: AdminChannel }) {
  const { t, i18n } = useTranslation("health");
  const sync = useSyncTemplates(c.id);
  const r = sync.data;
  const ok = r?.items.filter((x) => x.status?.toUpperCase() === "APPROVED").length ?? 0;
  return (
    <span className="sync">
      <button type="button" onClick={() => sync.mutate()} disabled={sync.isPending} aria-label={`${t("sync")}: ${c.name || c.id}`}>
        {sync.isPending ? t("syncing") : t("sync")}
      </button>
      {r && (
        <span role="status" className="small muted">
          {t("synced", { count: r.items.length, approved: ok, at: r.synced_at ? new Date(r.synced_at).toLocaleTimeString(i18n.language, { hour: "2-digit", minute: "2-digit" }) : "" })}
        </span>
      )}
      {sync.error && (
        <span className="error small" role="alert">
          {sync.error instanceof ApiError && sync.error.code === "provider_error" ? t("syncFailed", { message: sync.error.message }) : errorText(sync.error, t("failed"))}
        </span>
      )}
    </span>
  );
}

export function DevicePairing({ c }: { c: AdminChannel }) {
  const { t } = useTranslation("health");
  const uid = useId();
  const name = c.name || c.id;
  const qr = useLinkQR(c.id, true);
  // Free the previous image when a new code arrives.
  const shown = useRef<string | null>(null);
  useEffect(() => {
    const prev = shown.current;
    shown.current = qr.data ?? null;
    if (prev && prev !== qr.data) URL.revokeObjectURL(prev);
  }, [qr.data]);
  useEffect(() => () => void (shown.current && URL.revokeObjectURL(shown.current)), []);
  const pair = usePairPhone(c.id);
  const [phone, setPhone] = useState("");
  const code = pair.data?.pair_code || c.status?.pair_code;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (phone.trim()) pair.mutate(phone.trim());
  };
  return (
    <section className="pairing admin-form" aria-labelledby={uid + "-title"}>
      <h2 id={uid + "-title"}>{t("pair.title", { name })}</h2>
      <div className="pairing-grid">
        <div className="pairing-qr">
          <div className="qr-box" aria-busy={qr.isPending}>
            {qr.data ? (
              <img src={qr.data} alt={t("pair.qrAlt", { name })} width={240} height={240} />
            ) : qr.isPending ? (
              <span className="muted small" role="status">{t("pair.qrLoading")}</span>
            ) : qr.isError ? (
              <span className="error small" role="alert">{t("pair.qrError", { message: qr.error.message })}</span>
            ) : (
              <span className="muted small" role="status">{t("pair.qrNone")}</span>
            )}
          </div>
          <p className="small muted">{t("pair.qrRefresh")}</p>
        </div>
        <div className="pairing-steps">
          <ol>
            <li>{t("pair.step1")}</li>
            <li>{t("pair.step2")}</li>
            <li>{t("pair.step3")}</li>
          </ol>
          <form onSubmit={submit} className="pair-phone" aria-label={t("pair.phoneTitle")}>
            <h3>{t("pair.phoneTitle")}</h3>
            <div className="field">
              <label htmlFor={uid + "-phone"}>{t("pair.phone")}</label>
              <span className="row">
                <input id={uid + "-phone"} type="tel" inputMode="tel" autoComplete="off" placeholder="+81 90 1234 5678" value={phone} aria-describedby={uid + "-phone-help"} onChange={(e) => setPhone(e.target.value)} />
                <button type="submit" disabled={pair.isPending || !phone.trim()}>
                  {pair.isPending ? t("pair.asking") : t("pair.getCode")}
                </button>
              </span>
              <p className="field-help" id={uid + "-phone-help"}>{t("pair.phoneHelp")}</p>
            </div>
            {pair.error && (
              <p className="error small" role="alert">
                {pair.error instanceof ApiError && pair.error.code === "not_here" ? t("pair.notHere") : errorText(pair.error, t("failed"))}
              </p>
            )}
            {code && (
              <div className="pair-code" role="status">
                <span className="small muted">{t("pair.codeIntro")}</span>
                <code>{code}</code>
              </div>
            )}
          </form>
        </div>
      </div>
    </section>
  );
}
