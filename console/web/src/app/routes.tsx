// Feature routes of the app shell. Each entry adds a route and (when it has
// navKey) a link in the left nav; add a screen with one line here.
import { lazy, type ComponentType, type LazyExoticComponent } from "react";
import { InboxPage } from "../features/inbox/InboxPage";

export interface AppRoute {
  /** path under the router, e.g. "conversations/:id" */
  path: string;
  /** the screen; lazy() for anything not needed on first load */
  component: ComponentType | LazyExoticComponent<ComponentType>;
  /** i18n key (namespace:key) of the nav label; no key, no nav link */
  navKey?: string;
  /** where the nav link points (defaults to path) */
  navTo?: string;
  /** only these roles see the link and may open the screen */
  roles?: Array<"admin" | "supervisor" | "operator">;
  /** a one-character icon shown beside the nav label */
  icon?: string;
}

export const routes: AppRoute[] = [
  { path: "conversations", component: InboxPage, navKey: "common:nav.inbox", icon: "✉" },
  { path: "conversations/:id", component: InboxPage },
  { path: "tickets", component: lazy(() => import("../features/tickets/TicketsPage")), navKey: "tickets:nav", icon: "#" },
  { path: "admin/channels", component: lazy(() => import("../features/admin/channels/ChannelsPage")), navKey: "admin:nav.channels", roles: ["admin"], icon: "⇄" },
  { path: "admin/operators", component: lazy(() => import("../features/admin/operators/OperatorsPage")), navKey: "admin:nav.operators", roles: ["admin"], icon: "☺" },
  { path: "admin/privacy", component: lazy(() => import("../features/admin/privacy/PrivacyPage")), navKey: "admin:nav.privacy", roles: ["admin"], icon: "🔒" },
  { path: "admin/departments", component: lazy(() => import("../features/admin/departments/DepartmentsPage")), navKey: "routing:nav.departments", roles: ["admin"], icon: "▦" },
  { path: "admin/ticket-fields", component: lazy(() => import("../features/tickets/FieldsPage")), navKey: "tickets:fieldsNav", roles: ["admin"], icon: "☷" },
  { path: "admin/routing-rules", component: lazy(() => import("../features/admin/rules/RulesPage")), navKey: "routing:nav.rules", roles: ["admin"], icon: "⇶" },
  { path: "supervisor", component: lazy(() => import("../features/admin/supervisor/SupervisorPage")), navKey: "routing:nav.supervisor", roles: ["admin", "supervisor"], icon: "◷" },
  { path: "admin/notifications", component: lazy(() => import("../features/admin/notifylog/NotificationLogPage")), navKey: "routing:nav.log", roles: ["admin", "supervisor"], icon: "✉" },
  { path: "admin/tokens", component: lazy(() => import("../features/admin/tokens/TokensPage")), navKey: "admin:nav.tokens", roles: ["admin"], icon: "✦" },
  // WEB-ADMIN: add "Templates", "Channels", "Operators", "API tokens", "Settings" here, e.g.
  // { path: "templates", component: lazy(() => import("../features/templates/TemplatesPage")), navKey: "templates:nav", icon: "❏" },
  { path: "templates", component: lazy(() => import("../features/templates/TemplatesPage")), navKey: "templates:nav", icon: "❏" },
  { path: "help-centre", component: lazy(() => import("../features/articles/ArticlesPage")), navKey: "articles:nav", icon: "?" },
  { path: "satisfaction", component: lazy(() => import("../features/csat/CSATPage")), navKey: "csat:nav", icon: "★" },
  { path: "settings", component: lazy(() => import("../features/settings/SettingsPage")), navKey: "settings:nav", icon: "⚙" },
];

// lazy is re-exported so route lines above need no extra import.
export { lazy };
