// Server state of the inbox: conversation lists, one conversation, channels,
// departments, operators — TanStack Query hooks over lib/api.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, get, patch, post, qs } from "../../lib/api";
import type { Channel, Contact, Conversation, Department, Operator, Page } from "../../lib/types";
import { keys, patchConversation } from "../../app/streamCache";

export interface Filters {
  status?: string;
  channel?: string;
  department?: string;
  assignee?: string;
  unread?: boolean;
  label?: string;
}

export function useConversations(f: Filters) {
  return useInfiniteQuery({
    queryKey: [...keys.conversations, f],
    queryFn: ({ pageParam, signal }) =>
      get<Page<Conversation>>("/api/v1/conversations" + qs({ ...f, unread: f.unread ? "true" : undefined, cursor: pageParam, limit: 50 }), { signal }),
    initialPageParam: "" as string,
    getNextPageParam: (last) => last.next || undefined,
  });
}

export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: keys.conversation(id ?? ""),
    queryFn: ({ signal }) => get<Conversation>(`/api/v1/conversations/${encodeURIComponent(id!)}`, { signal }),
    enabled: !!id,
  });
}

export function useChannels() {
  return useQuery({
    queryKey: ["channels"],
    queryFn: async () => (await get<Page<Channel>>("/api/v1/channels")).items,
    staleTime: 5 * 60_000,
  });
}

export function useDepartments() {
  return useQuery({
    queryKey: ["departments"],
    queryFn: async () => (await get<Page<Department>>("/api/v1/departments")).items,
    staleTime: 5 * 60_000,
  });
}

/** useOperators lists operators (for assignment); [] when not allowed. */
export function useOperators() {
  return useQuery({
    queryKey: ["operators"],
    queryFn: async () => {
      try {
        return (await get<Page<Operator>>("/api/v1/operators")).items;
      } catch (e) {
        if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return [] as Operator[];
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export function usePatchConversation(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (change: { status?: string; assignee_id?: string; department_id?: string; labels?: string[] }) =>
      patch<Conversation>(`/api/v1/conversations/${encodeURIComponent(id)}`, change),
    onSuccess: (c) => {
      patchConversation(qc, id, c);
      void qc.invalidateQueries({ queryKey: keys.conversations });
    },
  });
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => post(`/api/v1/conversations/${encodeURIComponent(id)}/read`),
    onMutate: (id) => patchConversation(qc, id, { unread: false, unread_count: 0 }),
  });
}

export function useMarkUnread() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => post(`/api/v1/conversations/${encodeURIComponent(id)}/unread`),
    onMutate: (id) => patchConversation(qc, id, { unread: true }),
  });
}

/** channelIcon is a small glyph per channel type, beside its name. */
export function channelIcon(type: string | undefined): string {
  switch (type) {
    case "webchat":
      return "💬";
    case "line":
      return "🟩";
    case "sms":
      return "📱";
    case "slack":
      return "#";
    case "email":
      return "✉";
    case "telegram":
      return "✈";
    case "whatsapp":
      return "🟢";
    case "messenger":
      return "🔵";
    case "instagram":
      return "📷";
    default:
      return "•";
  }
}

/** personName is what to call a contact: name, else e-mail, else phone. */
export function personName(p: Contact | undefined, fallback: string): string {
  return p?.name || p?.email || p?.phone || fallback;
}

export function contactName(c: Conversation, fallback: string): string {
  return personName(c.contact, fallback);
}
