// Server state of the operators screen.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { get, patch, post } from "../../../lib/api";
import type { Department, Page, Presence, Role } from "../../../lib/types";

export interface AdminOperator {
  id: string;
  name: string;
  email: string;
  role: Role;
  department_ids: string[];
  disabled: boolean;
  presence: Presence;
  slack_user_id?: string;
}

export const adminOperatorsKey = ["admin", "operators"] as const;

export function useAdminOperators() {
  return useQuery({
    queryKey: adminOperatorsKey,
    queryFn: async ({ signal }) => (await get<Page<AdminOperator>>("/api/v1/operators", { signal })).items,
  });
}

export function useDepartmentList() {
  return useQuery({
    queryKey: ["departments"],
    queryFn: async ({ signal }) => (await get<Page<Department>>("/api/v1/departments", { signal })).items,
    staleTime: 5 * 60_000,
  });
}

export interface OperatorInput {
  email?: string;
  name?: string;
  role?: Role;
  department_ids?: string[];
  password?: string;
  slack_user_id?: string;
  disabled?: boolean;
}

export function useSaveOperator() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: OperatorInput }) =>
      id ? patch<AdminOperator>(`/api/v1/operators/${encodeURIComponent(id)}`, body) : post<AdminOperator>("/api/v1/operators", body),
    onSuccess: (saved) => {
      // The list does not carry slack_user_id; keep what we just saved.
      qc.setQueryData<AdminOperator[]>(adminOperatorsKey, (old) => {
        if (!old) return old;
        const i = old.findIndex((o) => o.id === saved.id);
        return i < 0 ? [...old, saved] : old.map((o) => (o.id === saved.id ? { ...o, ...saved } : o));
      });
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ["operators"] });
    },
  });
}
