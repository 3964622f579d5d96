import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, post, qs } from "../../lib/api";
import type { Message, Page, Part } from "../../lib/types";
import { keys, upsertMessage, type TypingPreview } from "../../app/streamCache";

/** The most history pages loaded at once (500 messages each). */
const MAX_PAGES = 40;

export function useMessages(convId: string | undefined) {
  return useQuery({
    queryKey: keys.messages(convId ?? ""),
    enabled: !!convId,
    queryFn: async ({ signal }) => {
      const out: Message[] = [];
      let cursor = "";
      for (let i = 0; i < MAX_PAGES; i++) {
        const p = await get<Page<Message>>(`/api/v1/conversations/${encodeURIComponent(convId!)}/messages` + qs({ cursor, limit: 500 }), { signal });
        out.push(...p.items);
        if (!p.next) break;
        cursor = p.next;
      }
      return out;
    },
  });
}

export function useTyping(convId: string) {
  return useQuery<TypingPreview | null>({ queryKey: keys.typing(convId), queryFn: () => null, staleTime: Infinity }).data;
}

export interface SendBody {
  text?: string;
  parts?: Part[];
  note?: boolean;
  template_id?: string;
}

export function useSend(convId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SendBody) => post<Message>(`/api/v1/conversations/${encodeURIComponent(convId)}/messages`, body),
    onSuccess: (m) => upsertMessage(qc, m),
  });
}

function messageAction(path: (id: string) => string, method: "POST" | "DELETE") {
  return function useAction() {
    const qc = useQueryClient();
    return useMutation({
      mutationFn: (id: string) => (method === "POST" ? post<Message>(path(id)) : del<Message>(path(id))),
      onSuccess: (m) => m && upsertMessage(qc, m),
    });
  };
}

export const useRetry = messageAction((id) => `/api/v1/messages/${encodeURIComponent(id)}/retry`, "POST");
export const useRetract = messageAction((id) => `/api/v1/messages/${encodeURIComponent(id)}/retract`, "POST");
export const useDelete = messageAction((id) => `/api/v1/messages/${encodeURIComponent(id)}`, "DELETE");
