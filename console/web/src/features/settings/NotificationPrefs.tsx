// The operator's notification preferences (e-mail, Web Push and SMS per
// event, and the phone number SMS goes to)
// and this browser's push subscription: register /sw.js, subscribe with the
// hub's VAPID key, hand the subscription to the hub.
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, get, post, put } from "../../lib/api";
import { ErrorBox, QueryState } from "../admin/ui";

const EVENTS = ["new_conversation", "new_message", "transfer", "waiting"] as const;
const METHODS = ["email", "push", "sms"] as const;
type Prefs = Record<(typeof METHODS)[number], Record<(typeof EVENTS)[number], boolean>> & { phone: string };
const prefsKey = ["me", "notifications"] as const;

/** vapidBytes decodes the hub's base64url public key for subscribe(). */
function vapidBytes(key: string): Uint8Array<ArrayBuffer> {
  const b64 = (key + "=".repeat((4 - (key.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

const pushSupported = () => typeof navigator !== "undefined" && "serviceWorker" in navigator && typeof window !== "undefined" && "PushManager" in window;

async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.getRegistration("/");
  return reg ? reg.pushManager.getSubscription() : null;
}

export function NotificationPrefs() {
  const { t } = useTranslation("settings");
  const qc = useQueryClient();
  const q = useQuery({ queryKey: prefsKey, queryFn: ({ signal }) => get<Prefs>("/api/v1/me/notifications", { signal }) });
  const save = useMutation({
    mutationFn: (p: Prefs) => put<Prefs>("/api/v1/me/notifications", p),
    onSuccess: (p) => qc.setQueryData(prefsKey, p),
  });
  const [subscribed, setSubscribed] = useState<boolean | null>(null);
  useEffect(() => {
    void currentSubscription().then((s) => setSubscribed(!!s), () => setSubscribed(false));
  }, []);
  const push = useMutation({
    mutationFn: async (on: boolean) => {
      if (!on) {
        const s = await currentSubscription();
        if (s) {
          await api("DELETE", "/api/v1/me/push-subscriptions", { endpoint: s.endpoint }).catch(() => undefined);
          await s.unsubscribe();
        }
        return false;
      }
      if (!pushSupported()) throw new Error(t("push.unsupported"));
      if (Notification.permission !== "granted" && (await Notification.requestPermission()) !== "granted") throw new Error(t("push.denied"));
      const { public_key } = await get<{ public_key: string }>("/api/v1/push/vapid-key");
      const reg = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: vapidBytes(public_key) }));
      await post("/api/v1/me/push-subscriptions", sub.toJSON());
      return true;
    },
    onSuccess: setSubscribed,
  });
  const prefs = q.data;
  const [phone, setPhone] = useState<string | null>(null);
  const toggle = (method: (typeof METHODS)[number], ev: (typeof EVENTS)[number], on: boolean) => {
    if (!prefs) return;
    save.mutate({ ...prefs, [method]: { ...prefs[method], [ev]: on } });
  };
  return (
    <section className="admin-form" aria-labelledby="notify-prefs-title">
      <h2 id="notify-prefs-title">{t("prefs.title")}</h2>
      <p className="field-help">{t("prefs.intro")}</p>
      <QueryState loading={q.isPending} error={q.error} empty={false} emptyText="" />
      {prefs && (
        <table className="notify-prefs">
          <caption className="sr-only">{t("prefs.title")}</caption>
          <thead>
            <tr>
              <td />
              {METHODS.map((m) => (
                <th key={m} scope="col">{t("prefs." + m)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {EVENTS.map((ev) => (
              <tr key={ev}>
                <th scope="row">{t("prefs.events." + ev)}</th>
                {METHODS.map((m) => (
                  <td key={m}>
                    <input type="checkbox" aria-label={`${t("prefs.events." + ev)}: ${t("prefs." + m)}`} checked={!!prefs[m]?.[ev]} disabled={save.isPending} onChange={(e) => toggle(m, ev, e.target.checked)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {prefs && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ ...prefs, phone: (phone ?? prefs.phone ?? "").trim() }, { onSuccess: () => setPhone(null) });
          }}
        >
          <label htmlFor="notify-phone">{t("prefs.phone")}</label>
          <input id="notify-phone" type="tel" autoComplete="tel" placeholder="+81 90 1234 5678" value={phone ?? prefs.phone ?? ""} onChange={(e) => setPhone(e.target.value)} />
          <button type="submit" disabled={save.isPending || phone === null}>{t("prefs.savePhone")}</button>
        </form>
      )}
      <p className="field-help">{t("prefs.phoneHelp")}</p>
      <ErrorBox error={save.error} />
      <div className="row">
        {subscribed ? (
          <>
            <span role="status" className="status-active">{t("push.on")}</span>
            <button type="button" disabled={push.isPending} onClick={() => push.mutate(false)}>{t("push.disable")}</button>
          </>
        ) : (
          <button type="button" disabled={push.isPending || subscribed === null} onClick={() => push.mutate(true)}>{t("push.enable")}</button>
        )}
      </div>
      {!pushSupported() && <p className="field-help">{t("push.unsupported")}</p>}
      <ErrorBox error={push.error} />
    </section>
  );
}
