// Server state of tickets (issue 15, /work/plan/contract15.md "HTTP API"):
// lists, one ticket, its history, changes (subject, priority, status,
// fields), convert / merge / link, and the workspace's ticket fields.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { del, get, patch, post, put, qs } from "../../lib/api";
import type { Conversation, Page, TicketBadge } from "../../lib/types";
import type { Activity } from "../conversation/routing";
import { keys, patchConversation } from "../../app/streamCache";

export type TicketStatus = "open" | "waiting" | "resolved";
export type TicketPriority = "low" | "normal" | "high" | "urgent";
export const STATUSES: TicketStatus[] = ["open", "waiting", "resolved"];
export const PRIORITIES: TicketPriority[] = ["low", "normal", "high", "urgent"];

export interface Ticket {
  conversation_id: string;
  number: number;
  subject: string;
  priority: TicketPriority;
  status: TicketStatus;
  source: string;
  fields: Record<string, unknown> | null;
  first_reply_due_at?: string | null;
  resolution_due_at?: string | null;
  first_replied_at?: string | null;
  resolved_at?: string | null;
  first_reply_breached_at?: string | null;
  resolution_breached_at?: string | null;
  merged_into?: string;
  links: string[] | null;
  created_at: string;
  updated_at: string;
  conversation?: Conversation;
  breached: boolean;
}

export type FieldType = "text" | "number" | "select" | "checkbox" | "date";
export const FIELD_TYPES: FieldType[] = ["text", "number", "select", "checkbox", "date"];

export interface TicketField {
  key: string;
  label: string;
  type: FieldType;
  options?: string[] | null;
  required: boolean;
  public: boolean;
  position: number;
}

export interface HistoryItem {
  at: string;
  kind: string;
  direction?: string;
  actor_id?: string;
  actor_name?: string;
  via?: string;
  text?: string;
  /** activity lines only: the change itself (kind, who, to whom, why). */
  activity?: Activity;
}

export interface TicketFilters {
  status?: string;
  priority?: string;
  breached?: boolean;
  mine?: boolean;
}

export const ticketKeys = {
  all: ["tickets"] as const,
  one: (ref: string) => ["ticket", ref] as const,
  history: (ref: string) => ["ticketHistory", ref] as const,
  fields: ["ticketFields"] as const,
};

const path = (ref: string | number) => `/api/v1/tickets/${encodeURIComponent(String(ref))}`;

export function useTickets(f: TicketFilters, meId: string) {
  return useInfiniteQuery({
    queryKey: [...ticketKeys.all, f],
    queryFn: ({ pageParam, signal }) =>
      get<Page<Ticket>>(
        "/api/v1/tickets" + qs({ status: f.status, priority: f.priority, breached: f.breached ? "true" : undefined, assignee_id: f.mine ? meId : undefined, cursor: pageParam, limit: 50 }),
        { signal },
      ),
    initialPageParam: "" as string,
    getNextPageParam: (last) => last.next || undefined,
  });
}

/** useTicket reads the ticket of conversation id (disabled when it is none). */
export function useTicket(id: string, enabled = true) {
  return useQuery({ queryKey: ticketKeys.one(id), queryFn: ({ signal }) => get<Ticket>(path(id), { signal }), enabled });
}

export function useTicketHistory(id: string) {
  return useQuery({
    queryKey: ticketKeys.history(id),
    queryFn: async ({ signal }) => (await get<Page<HistoryItem>>(path(id) + "/history", { signal })).items ?? [],
  });
}

/** badgeOf is what the inbox shows of t (the API's conversation.ticket). */
export function badgeOf(t: Ticket): TicketBadge {
  const pending = !t.first_replied_at && t.first_reply_due_at ? t.first_reply_due_at : !t.resolved_at && t.resolution_due_at ? t.resolution_due_at : undefined;
  return { number: t.number, subject: t.subject, priority: t.priority, status: t.status, due_at: pending ?? undefined, breached: t.breached };
}

/** putTicket puts a changed ticket wherever it is cached. */
export function putTicket(qc: QueryClient, t: Ticket) {
  qc.setQueryData(ticketKeys.one(t.conversation_id), (old: Ticket | undefined) => ({ ...old, ...t, conversation: t.conversation ?? old?.conversation }));
  patchConversation(qc, t.conversation_id, { ticket: badgeOf(t) });
  void qc.invalidateQueries({ queryKey: ticketKeys.all });
  void qc.invalidateQueries({ queryKey: ticketKeys.history(t.conversation_id) });
}

function useTicketChange<B>(fn: (body: B) => Promise<Ticket>, after?: (qc: QueryClient, t: Ticket) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (t) => {
      putTicket(qc, t);
      after?.(qc, t);
    },
  });
}

export interface TicketChange {
  subject?: string;
  priority?: TicketPriority;
  status?: TicketStatus;
  fields?: Record<string, unknown>;
}

export function usePatchTicket(id: string) {
  return useTicketChange((body: TicketChange) => patch<Ticket>(path(id), body), (qc) => {
    void qc.invalidateQueries({ queryKey: keys.conversation(id) });
    void qc.invalidateQueries({ queryKey: keys.conversations });
  });
}

export function useConvertToTicket(convId: string) {
  return useTicketChange(
    (body: { subject: string; priority: TicketPriority }) => post<Ticket>(`/api/v1/conversations/${encodeURIComponent(convId)}/ticket`, body),
    (qc) => {
      void qc.invalidateQueries({ queryKey: keys.conversation(convId) });
      void qc.invalidateQueries({ queryKey: keys.messages(convId) });
      void qc.invalidateQueries({ queryKey: keys.conversations });
    },
  );
}

/** useMerge merges ticket id into another; the answer is the target. */
export function useMerge(id: string) {
  return useTicketChange((into: string) => post<Ticket>(path(id) + "/merge", { into }), (qc) => {
    void qc.invalidateQueries({ queryKey: ticketKeys.one(id) });
    void qc.invalidateQueries({ queryKey: ticketKeys.history(id) });
    void qc.invalidateQueries({ queryKey: keys.conversation(id) });
    void qc.invalidateQueries({ queryKey: keys.messages(id) });
    void qc.invalidateQueries({ queryKey: keys.conversations });
  });
}

export function useLink(id: string) {
  return useTicketChange((other: string) => post<Ticket>(path(id) + "/links", { ticket: other }), (qc) => void qc.invalidateQueries({ queryKey: ["ticket"] }));
}

export function useUnlink(id: string) {
  return useTicketChange((other: string) => del<Ticket>(path(id) + "/links/" + encodeURIComponent(other)), (qc) => void qc.invalidateQueries({ queryKey: ["ticket"] }));
}

export function useTicketFields() {
  return useQuery({
    queryKey: ticketKeys.fields,
    queryFn: async ({ signal }) => {
      const items = (await get<Page<TicketField>>("/api/v1/ticket-fields", { signal })).items ?? [];
      return items.slice().sort((a, b) => a.position - b.position || a.key.localeCompare(b.key));
    },
    staleTime: 60_000,
  });
}

export function useSaveField() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ key, ...body }: TicketField) => put<TicketField>("/api/v1/ticket-fields/" + encodeURIComponent(key), body),
    onSettled: () => void qc.invalidateQueries({ queryKey: ticketKeys.fields }),
  });
}

export function useDeleteField() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => del("/api/v1/ticket-fields/" + encodeURIComponent(key)),
    onSettled: () => void qc.invalidateQueries({ queryKey: ticketKeys.fields }),
  });
}

/** parseRef turns "#1042", "1042" or a conversation id into a ref ("" if blank). */
export function parseRef(s: string): string {
  const v = s.trim();
  const m = v.match(/^#?\s*(\d+)$/);
  return m ? m[1] : v;
}
