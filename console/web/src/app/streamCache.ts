// Feeds the operator stream into the TanStack Query cache: messages and
// conversations are patched in place, lists are refetched (debounced) so
// filters and ordering stay right, and every "ready" frame refetches all.
import { useQueryClient, type InfiniteData, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { stream, type Frame } from "../lib/stream";
import type { Channel, ChannelStatus, Contact, ContactDetail, Conversation, Message, Page, Presence } from "../lib/types";

export const keys = {
  conversations: ["conversations"] as const,
  conversation: (id: string) => ["conversation", id] as const,
  contact: (id: string) => ["contact", id] as const,
  messages: (id: string) => ["messages", id] as const,
  typing: (id: string) => ["typing", id] as const,
  presence: ["presence"] as const,
  streamState: ["streamState"] as const,
};

/** Keys held only in the cache (set from frames), never refetched. */
const LOCAL = new Set(["me", "streamState", "typing", "presence"]);

export interface OperatorPresence {
  name: string;
  presence: Presence;
}

export interface TypingPreview {
  text: string;
  at: string;
}

const RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

/** mergeMessage applies a newer view of a message without going back in
 * delivery (a stream frame may overtake the POST answer that made it). */
export function mergeMessage(old: Message, m: Message): Message {
  const out = { ...old, ...m };
  const a = RANK[old.status ?? ""], b = RANK[m.status ?? ""];
  if (a !== undefined && b !== undefined && a > b) out.status = old.status;
  if (old.retracted_at && !m.retracted_at) out.retracted_at = old.retracted_at;
  if (old.deleted_at && !m.deleted_at) {
    out.deleted_at = old.deleted_at;
    out.parts = old.parts;
  }
  return out;
}

/** upsertMessage puts m into its conversation's cached history. */
export function upsertMessage(qc: QueryClient, m: Message) {
  qc.setQueryData<Message[]>(keys.messages(m.conversation_id), (old) => {
    if (!old) return old;
    const i = old.findIndex((x) => x.id === m.id);
    if (i < 0) return [...old, m];
    const next = old.slice();
    next[i] = mergeMessage(old[i], m);
    return next;
  });
}

/** patchConversation applies c (or a partial change) wherever it is cached. */
export function patchConversation(qc: QueryClient, id: string, change: Partial<Conversation>) {
  qc.setQueryData<Conversation>(keys.conversation(id), (old) => (old ? { ...old, ...change } : old));
  qc.setQueriesData<InfiniteData<Page<Conversation>>>({ queryKey: keys.conversations }, (data) => {
    if (!data?.pages) return data;
    let hit = false;
    const pages = data.pages.map((p) => ({
      ...p,
      items: p.items.map((c) => {
        if (c.id !== id) return c;
        hit = true;
        return { ...c, ...change };
      }),
    }));
    return hit ? { ...data, pages } : data;
  });
}

/** patchContact applies a changed contact to its cached detail and to the
 * open conversations that show it. */
export function patchContact(qc: QueryClient, c: Contact) {
  qc.setQueryData<ContactDetail>(keys.contact(c.id), (old) => (old ? { ...old, ...c } : old));
  qc.setQueriesData<Conversation>({ queryKey: ["conversation"] }, (old) =>
    old && old.contact_id === c.id ? { ...old, contact: { ...old.contact, ...c } } : old,
  );
}

let listTimer: ReturnType<typeof setTimeout> | null = null;
function refetchListsSoon(qc: QueryClient) {
  if (listTimer) return;
  listTimer = setTimeout(() => {
    listTimer = null;
    void qc.invalidateQueries({ queryKey: keys.conversations });
  }, 250);
}

export function applyFrame(qc: QueryClient, f: Frame) {
  switch (f.type) {
    case "ready":
      void qc.invalidateQueries({ predicate: (q) => !LOCAL.has(String(q.queryKey[0])) });
      return;
    case "message.created":
    case "message.updated": {
      const m = f.message as Message | undefined;
      if (m) upsertMessage(qc, m);
      if (m && m.direction === "in") qc.setQueryData<TypingPreview>(keys.typing(m.conversation_id), { text: "", at: m.created_at });
      const c = f.conversation as Conversation | undefined;
      if (c) patchConversation(qc, c.id, c);
      refetchListsSoon(qc);
      return;
    }
    case "conversation.updated": {
      const c = f.conversation as Conversation | undefined;
      if (c) patchConversation(qc, c.id, c);
      else if (typeof f.conversation_id === "string") void qc.invalidateQueries({ queryKey: keys.conversation(f.conversation_id) });
      refetchListsSoon(qc);
      return;
    }
    case "contact.updated": {
      const c = f.contact as Contact | undefined;
      if (c) patchContact(qc, c);
      refetchListsSoon(qc);
      return;
    }
    case "ticket.updated":
    case "ticket.breached": {
      // Tickets (issue 15): refetch the ticket screens and lists.
      const id = (f.ticket as { conversation_id?: string } | undefined)?.conversation_id ?? (f.conversation_id as string | undefined);
      void qc.invalidateQueries({ queryKey: ["tickets"] });
      if (id) for (const k of [["ticket", id], ["ticketHistory", id], keys.conversation(id)]) void qc.invalidateQueries({ queryKey: k });
      refetchListsSoon(qc);
      return;
    }
    case "channel.status": {
      // A channel's health changed (issue 16): badge and pairing QR follow.
      const st = f.channel as ChannelStatus | undefined;
      if (!st?.channel_id) {
        void qc.invalidateQueries({ queryKey: ["channels"] });
        return;
      }
      qc.setQueryData<Channel[]>(["channels"], (old) => old?.map((c) => (c.id === st.channel_id ? { ...c, status: st } : c)));
      void qc.invalidateQueries({ queryKey: ["channel-link", st.channel_id] });
      return;
    }
    case "typing.preview":
      qc.setQueryData<TypingPreview>(keys.typing(String(f.conversation_id)), { text: String(f.text ?? ""), at: String(f.at ?? "") });
      return;
    case "contact.presence":
      patchConversation(qc, String(f.conversation_id), { contact_online: !!f.online });
      return;
    case "operator.presence":
      qc.setQueryData<Record<string, OperatorPresence>>(keys.presence, (old) => ({
        ...old,
        [String(f.operator_id)]: { name: String(f.name ?? ""), presence: f.presence as Presence },
      }));
      return;
  }
}

/** useStreamIntoCache runs the stream while signed in. */
export function useStreamIntoCache(signedIn: boolean) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!signedIn) return;
    const offFrame = stream.onFrame((f) => applyFrame(qc, f));
    const offState = stream.onState((s) => qc.setQueryData(keys.streamState, s));
    stream.start();
    return () => {
      offFrame();
      offState();
      stream.stop();
    };
  }, [qc, signedIn]);
}
