import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, get, post, put, setCsrf } from "../../lib/api";
import type { Me, Presence } from "../../lib/types";

export const meKey = ["me"] as const;

/** fetchMe loads the signed-in operator, or null when there is no session. */
export async function fetchMe(): Promise<Me | null> {
  try {
    const me = await get<Me & { operator_id?: string }>("/api/v1/me");
    setCsrf(me.csrf_token);
    return { ...me, id: me.id ?? me.operator_id ?? "" };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 5 * 60_000, retry: 1 });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { email: string; password: string }) =>
      post<{ csrf_token: string; operator: Me }>("/api/v1/auth/login", v),
    onSuccess: async (res) => {
      setCsrf(res.csrf_token);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
      // Signing in is being at work: show as online (the selector changes it).
      await put("/api/v1/me/presence", { presence: "online" }).catch(() => undefined);
      qc.setQueryData(meKey, await fetchMe());
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => post("/api/v1/auth/logout"),
    onSettled: () => {
      setCsrf("");
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
      qc.setQueryData(meKey, null);
    },
  });
}

export function useSetPresence() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (presence: Presence) => put("/api/v1/me/presence", { presence }),
    onMutate: (presence) => {
      qc.setQueryData<Me | null>(meKey, (me) => (me ? { ...me, presence } : me));
    },
  });
}
