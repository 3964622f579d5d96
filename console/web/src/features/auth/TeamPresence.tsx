// Who of the team is online, away or offline, live from operator.presence
// frames (names from GET /api/v1/operators where the role may list them).
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { keys, type OperatorPresence } from "../../app/streamCache";
import { useOperators } from "../inbox/api";
import { useMe } from "./auth";

export function TeamPresence() {
  const { t } = useTranslation();
  const me = useMe().data;
  const ops = useOperators().data ?? [];
  const live = useQuery<Record<string, OperatorPresence>>({ queryKey: keys.presence, queryFn: () => ({}), staleTime: Infinity }).data ?? {};
  const people = new Map<string, OperatorPresence>();
  for (const o of ops) people.set(o.id, { name: o.name, presence: o.presence ?? "offline" });
  for (const [id, p] of Object.entries(live)) people.set(id, { name: p.name || people.get(id)?.name || id, presence: p.presence });
  if (me) people.delete(me.id);
  if (people.size === 0) return null;
  return (
    <section className="team" aria-label={t("team.label")}>
      <h3>{t("team.label")}</h3>
      <ul>
        {[...people.entries()].map(([id, p]) => (
          <li key={id}>
            <span className={`dot presence-${p.presence}`} aria-hidden="true" /> {p.name}
            <span className="sr-only"> {t(`presence.${p.presence}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
