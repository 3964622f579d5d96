import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { Suspense, useEffect } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import { ApiError, onUnauthorized } from "../lib/api";
import { LoginPage } from "../features/auth/LoginPage";
import { meKey, useMe } from "../features/auth/auth";
import { useStreamIntoCache } from "./streamCache";
import { Shell } from "./Shell";
import { routes } from "./routes";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (n, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && n < 2,
    },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Gate />
      </BrowserRouter>
    </QueryClientProvider>
  );
}

function Gate() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useMe();
  useEffect(() => onUnauthorized(() => qc.setQueryData(meKey, null)), [qc]);
  useStreamIntoCache(!!me.data);
  if (me.isPending) return <div className="splash" role="status">{t("loading")}</div>;
  if (me.isError)
    return (
      <div className="splash" role="alert">
        {t("error.generic", { message: me.error.message })}{" "}
        <button onClick={() => me.refetch()}>{t("retry")}</button>
      </div>
    );
  if (!me.data) return <LoginPage />;
  const role = me.data.role;
  return (
    <Routes>
      <Route element={<Shell />}>
        <Route index element={<Navigate to="/conversations" replace />} />
        {routes
          // A screen for other roles is still routed: its RoleGate says "not allowed".
          .filter((r) => !r.roles || r.roles.includes(role) || r.path.startsWith("admin/"))
          .map((r) => (
            <Route
              key={r.path}
              path={r.path}
              element={
                <Suspense fallback={<div className="splash" role="status">{t("loading")}</div>}>
                  <r.component />
                </Suspense>
              }
            />
          ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return <div className="empty">{t("notFound")}</div>;
}
