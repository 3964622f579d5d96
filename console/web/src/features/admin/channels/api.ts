// Server state of the channels screen: channels and the channel types the
// "add channel" form is built from.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { del, get, patch, post } from "../../../lib/api";
import type { Capabilities, ChannelStatus, Page } from "../../../lib/types";

export interface ConfigField {
  key: string;
  label: string;
  help?: string;
  secret: boolean;
  required: boolean;
  kind: "string" | "number" | "int" | "bool" | "list" | "duration" | "object" | string;
}

export interface ChannelType {
  type: string;
  name: string;
  fields: ConfigField[];
}

export interface AdminChannel {
  id: string;
  type: string;
  name: string;
  paused: boolean;
  running: boolean;
  webhook_url: string;
  config?: Record<string, unknown>;
  capabilities?: Capabilities;
  /** the channel's health (issue 16); state "ok" when nothing was reported */
  status?: ChannelStatus;
}

/** pairing: a linked-device channel waiting for its phone. */
export function pairing(c: AdminChannel): boolean {
  return c.type === "whatsapp" && c.config?.mode === "device" && (c.status?.state === "unpaired" || c.status?.state === "logged_out");
}

export const channelsKey = ["channels"] as const;

export function useAdminChannels() {
  return useQuery({
    queryKey: channelsKey,
    queryFn: async ({ signal }) => (await get<Page<AdminChannel>>("/api/v1/channels", { signal })).items,
    // While a device waits to be linked, its state is polled too (the
    // channel.status stream event updates it sooner).
    refetchInterval: (q) => (q.state.data?.some(pairing) ? 20_000 : false),
  });
}

export function useChannelTypes() {
  return useQuery({
    queryKey: ["channel-types"],
    queryFn: async ({ signal }) => (await get<Page<ChannelType>>("/api/v1/channel-types", { signal })).items,
    staleTime: 10 * 60_000,
  });
}

export interface ChannelInput {
  id?: string;
  type?: string;
  name?: string;
  paused?: boolean;
  config?: Record<string, unknown>;
  check?: boolean;
}

export function useSaveChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body, create }: { id: string; body: ChannelInput; create: boolean }) =>
      create ? post<AdminChannel>("/api/v1/channels", body) : patch<AdminChannel>(`/api/v1/channels/${encodeURIComponent(id)}`, body),
    onSettled: () => qc.invalidateQueries({ queryKey: channelsKey }),
  });
}

export function useDeleteChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del<void>(`/api/v1/channels/${encodeURIComponent(id)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: channelsKey }),
  });
}
