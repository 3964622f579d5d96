import { useQuery } from "@tanstack/react-query";
import { NavLink, Outlet } from "react-router";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { PresenceSelect } from "../features/auth/PresenceSelect";
import { TeamPresence } from "../features/auth/TeamPresence";
import { useLogout, useMe } from "../features/auth/auth";
import { useNotifications } from "../features/notifications/useNotifications";
import { SearchBox } from "../features/search/SearchBox";
import type { StreamState } from "../lib/stream";
import { routes } from "./routes";
import { keys } from "./streamCache";

export function Shell() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const logout = useLogout();
  useNotifications();
  const streamState = useQuery<StreamState>({ queryKey: keys.streamState, queryFn: () => "connecting", staleTime: Infinity }).data;
  return (
    <div className="shell">
      <nav className="nav" aria-label={t("nav.label")}>
        <div className="brand">{t("appName")}</div>
        <ul>
          {routes
            .filter((r) => r.navKey && (!r.roles || r.roles.includes(me.role)))
            .map((r) => (
              <li key={r.path}>
                <NavLink to={"/" + (r.navTo ?? r.path)}>
                  <span aria-hidden="true" className="nav-icon">{r.icon}</span>
                  <span className="nav-label">{t(r.navKey!)}</span>
                </NavLink>
              </li>
            ))}
        </ul>
        <TeamPresence />
        <div className="nav-foot">
          <div className="me" title={me.email}>
            {me.name}
          </div>
          <PresenceSelect />
          <LanguageSwitch />
          <button type="button" onClick={() => logout.mutate()}>
            {t("logout")}
          </button>
        </div>
      </nav>
      <div className="main">
        <header className="topbar">
          <SearchBox />
          {streamState !== "open" && (
            <span className="stream-state" role="status">
              {t(streamState === "closed" ? "stream.closed" : "stream.connecting")}
            </span>
          )}
        </header>
        <Outlet />
      </div>
    </div>
  );
}
