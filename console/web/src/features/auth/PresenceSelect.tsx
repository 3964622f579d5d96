import { useTranslation } from "react-i18next";
import type { Presence } from "../../lib/types";
import { useMe, useSetPresence } from "./auth";

const OPTIONS: Presence[] = ["online", "away", "offline"];

export function PresenceSelect() {
  const { t } = useTranslation();
  const me = useMe().data;
  const set = useSetPresence();
  const value = me?.presence ?? "online";
  return (
    <label className="inline-select">
      <span className={`dot presence-${value}`} aria-hidden="true" />
      <span>{t("presence.label")}</span>
      <select value={value} onChange={(e) => set.mutate(e.target.value as Presence)}>
        {OPTIONS.map((p) => (
          <option key={p} value={p}>
            {t(`presence.${p}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
