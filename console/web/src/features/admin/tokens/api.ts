// Server state of the API tokens screen.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, post } from "../../../lib/api";
import type { Page, Role } from "../../../lib/types";

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  created_at: string;
  revoked_at?: string;
  /** the secret: only in the answer to POST */
  token?: string;
}

const tokensKey = ["admin", "tokens"] as const;

export function useTokens() {
  return useQuery({
    queryKey: tokensKey,
    queryFn: async ({ signal }) => (await get<Page<ApiToken>>("/api/v1/tokens", { signal })).items,
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; role: Role }) => post<ApiToken>("/api/v1/tokens", body),
    onSettled: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del<void>(`/api/v1/tokens/${encodeURIComponent(id)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}
