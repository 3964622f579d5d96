// Server state of the departments, routing rules and supervisor screens
// (issue 14 contract: /work/plan/I14.md).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, patch, post, put } from "../../../lib/api";
import type { Page } from "../../../lib/types";

export type Assignment = "round_robin" | "least_busy" | "manual";
export type OfflineMode = "form" | "banner" | "queue";
export type NotifyMethod = "email" | "push" | "sms" | "browser";
export const NOTIFY_METHODS: NotifyMethod[] = ["email", "push", "sms", "browser"];
export const NOTIFY_EVENTS = ["new_conversation", "new_message", "transfer", "waiting"] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export interface TimeRange {
  from: string;
  to: string;
}

export interface BusinessHours {
  time_zone: string;
  weekly: Partial<Record<(typeof WEEKDAYS)[number], TimeRange[]>>;
  holidays?: string[];
  special?: { date: string; ranges: TimeRange[] }[];
}

export interface DepartmentFull {
  id: string;
  name: string;
  default?: boolean;
  member_ids?: string[];
  assignment: Assignment;
  max_chats: number;
  hours?: BusinessHours | null;
  offline: { mode: OfflineMode; when_nobody_online: boolean; message?: Record<string, string>; auto_reply?: Record<string, string> };
  default_wait_seconds: number;
  queue_auto_text: boolean;
  notify: Partial<Record<NotifyEvent, NotifyMethod[]>> & { waiting_minutes?: number };
  /** ticket targets in minutes (0: none; issue 15) */
  sla?: { first_reply_minutes: number; resolution_minutes: number };
}

export type DepartmentInput = Omit<DepartmentFull, "id" | "default">;

export const departmentsKey = ["departments"] as const;

export function useDepartments() {
  return useQuery({
    queryKey: departmentsKey,
    queryFn: async ({ signal }) => (await get<Page<DepartmentFull>>("/api/v1/departments", { signal })).items,
  });
}

export function useSaveDepartment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: DepartmentInput }) =>
      id ? patch<DepartmentFull>(`/api/v1/departments/${encodeURIComponent(id)}`, body) : post<DepartmentFull>("/api/v1/departments", body),
    onSettled: () => void qc.invalidateQueries({ queryKey: departmentsKey }),
  });
}

export function useDeleteDepartment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del(`/api/v1/departments/${encodeURIComponent(id)}`),
    onSettled: () => void qc.invalidateQueries({ queryKey: departmentsKey }),
  });
}

export interface RuleMatch {
  channel?: string;
  channel_type?: string;
  language?: string;
  page_url?: string;
  keywords?: string[];
  attributes?: Record<string, string>;
  labels?: string[];
}

export interface RuleAction {
  department_id?: string;
  priority?: number;
  labels?: string[];
  assignee_id?: string;
}

export interface RoutingRule {
  id: string;
  name: string;
  position: number;
  match: RuleMatch;
  action: RuleAction;
}

export const rulesKey = ["routing-rules"] as const;

export function useRules() {
  return useQuery({
    queryKey: rulesKey,
    queryFn: async ({ signal }) => (await get<Page<RoutingRule>>("/api/v1/routing-rules", { signal })).items,
  });
}

export function useSaveRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Omit<RoutingRule, "id" | "position"> }) =>
      id ? patch<RoutingRule>(`/api/v1/routing-rules/${encodeURIComponent(id)}`, body) : post<RoutingRule>("/api/v1/routing-rules", body),
    onSettled: () => void qc.invalidateQueries({ queryKey: rulesKey }),
  });
}

export function useDeleteRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del(`/api/v1/routing-rules/${encodeURIComponent(id)}`),
    onSettled: () => void qc.invalidateQueries({ queryKey: rulesKey }),
  });
}

/** useReorderRules saves the new order, showing it at once (optimistic). */
export function useReorderRules() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => put("/api/v1/routing-rules/order", { ids }),
    onMutate: async (ids) => {
      await qc.cancelQueries({ queryKey: rulesKey });
      const old = qc.getQueryData<RoutingRule[]>(rulesKey);
      if (old) qc.setQueryData(rulesKey, ids.map((id) => old.find((r) => r.id === id)!).filter(Boolean));
      return { old };
    },
    onError: (_e, _ids, ctx) => ctx?.old && qc.setQueryData(rulesKey, ctx.old),
    onSettled: () => void qc.invalidateQueries({ queryKey: rulesKey }),
  });
}

export interface RuleTestInput {
  channel?: string;
  channel_type?: string;
  language?: string;
  page_url?: string;
  text?: string;
}

export interface RuleTestResult {
  rule_id: string | null;
  department_id: string;
  [k: string]: unknown;
}

export function useTestRules() {
  return useMutation({ mutationFn: (body: RuleTestInput) => post<RuleTestResult>("/api/v1/routing-rules/test", body) });
}

export interface QueueItem {
  department_id: string;
  name: string;
  open: boolean;
  waiting: number;
  longest_wait_seconds: number;
  online: { operator_id: string; name: string; chats: number; max_chats: number }[];
  estimated_wait_seconds: number;
}

export const queuesKey = ["queues"] as const;

export function useQueues() {
  return useQuery({
    queryKey: queuesKey,
    queryFn: async ({ signal }) => (await get<Page<QueueItem>>("/api/v1/queues", { signal })).items,
    refetchInterval: 10_000,
  });
}

export interface NotificationLogItem {
  id: string;
  event: string;
  method: string;
  recipient: string;
  status: "sent" | "failed" | "pending" | "skipped";
  attempts: number;
  error?: string;
  created_at: string;
  sent_at?: string;
}

export function useNotificationLog() {
  return useQuery({
    queryKey: ["notifications", "log"],
    queryFn: async ({ signal }) => (await get<Page<NotificationLogItem>>("/api/v1/notifications/log", { signal })).items,
    refetchInterval: 15_000,
  });
}
